"""A dependency-free progress bar for management commands (writes to stderr)."""

import sys
import time


class ProgressBar:
    def __init__(self, *, total: int, label: str, stream=None, width: int = 30) -> None:
        self.total, self.label, self.width = max(total, 1), label, width
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._last_draw = 0.0

    def update(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_draw < 0.2:
            return
        self._last_draw = now
        fraction = min(done / self.total, 1.0)
        filled = int(self.width * fraction)
        elapsed = now - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {fraction:6.1%} {done:,}/{self.total:,} {rate:,.0f}/s {elapsed:5.1f}s")
        self.stream.flush()

    def finish(self, done: int | None = None) -> None:
        self.update(self.total if done is None else done, force=True)
        self.stream.write("\n")
        self.stream.flush()
