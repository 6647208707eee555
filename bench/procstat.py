"""CPU time and memory of the stack's processes, read from /proc: what each figure was limited by."""

import os
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            # utime, stime, cutime, cstime (children reaped by this process count too)
            total += sum(int(v) for v in fields[11:15])
        except (OSError, IndexError, ValueError):
            continue
    return total / CLOCK_TICKS


def memory_kb(pids: list[int]) -> dict[str, int]:
    """Resident set (RSS) and proportional set (PSS: shared pages split between sharers)."""
    rss = pss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return {"rss_mb": round(rss / 1024, 1), "pss_mb": round(pss / 1024, 1)}


def postgres_backend_pids(connection, db_name: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [db_name])
        return [row[0] for row in cursor.fetchall()]


def rabbitmq_pids() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as handle:
                    if handle.read().strip() == "beam.smp":
                        pids.append(int(entry))
            except OSError:
                continue
    return pids


def _pid_cpu(pid: int) -> float:
    return cpu_seconds([pid])


class CpuMeter:
    """CPU used by each group of processes between start() and stop(), in cores (1.0 = one core busy).

    Pids are tracked one by one: a pool child or a database backend that starts during the
    window counts from zero; one that exits during the window is lost (rare at these time scales).
    """

    def __init__(self, groups) -> None:
        self.groups = groups  # callable returning {name: [pids]}

    def start(self) -> None:
        self.before = {(name, pid): _pid_cpu(pid) for name, pids in self.groups().items() for pid in pids}
        self.self_before = time.process_time()
        self.wall = time.perf_counter()

    def stop(self) -> "CpuUsage":
        wall = max(time.perf_counter() - self.wall, 1e-9)
        used: dict[str, float] = {}
        for name, pids in self.groups().items():
            used[name] = sum(max(0.0, _pid_cpu(pid) - self.before.get((name, pid), 0.0)) for pid in pids)
        used["load generator + runner"] = time.process_time() - self.self_before
        return CpuUsage(wall=wall, seconds=used)


class CpuUsage:
    def __init__(self, *, wall: float, seconds: dict[str, float]) -> None:
        self.wall = wall
        self.seconds = seconds

    def cores(self) -> dict[str, float]:
        return {name: round(used / self.wall, 2) for name, used in self.seconds.items()}

    def ms_per(self, count: int) -> dict[str, float]:
        """CPU milliseconds per request or ticket: steadier than latency on a shared machine."""
        return {name: round(used * 1000 / max(count, 1), 2) for name, used in self.seconds.items()}
