"""The load generator: an asyncio HTTP client (httpx2) in the runner's process, outside the server.

Closed loop: N clients, each sends its next request when the previous one answered.
Open loop: requests start on a fixed schedule whatever the server does, so a slow
server meets a queue instead of a politely waiting client."""

import asyncio
import itertools
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

from bench.stats import latency_summary_ms

# One log line per request would cost the load generator more than the request.
logging.getLogger("httpx2").setLevel(logging.WARNING)
logging.getLogger("httpcore2").setLevel(logging.WARNING)

CORPUS = Path(__file__).resolve().parents[1] / "categorization" / "data"


def ticket_bodies() -> itertools.cycle:
    """Realistic ticket bodies from the labelled corpus, so categorization does real work."""
    bodies = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                bodies.append(
                    {"title": row["title"][:200], "description": row.get("description", ""),
                     "requester_email": "bench@example.com"}
                )
    if not bodies:
        bodies = [{"title": "VPN keeps dropping", "description": "since this morning",
                   "requester_email": "bench@example.com"}]
    return itertools.cycle(bodies)


@dataclass
class LoadResult:
    sent: int = 0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # exceptions and unexpected statuses
    ids: list[int] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    first_sent_wall: float = 0.0

    @property
    def elapsed(self) -> float:
        return max(self.finished - self.started, 1e-9)

    def summary(self) -> dict:
        ok = len(self.latencies)
        return {
            "requests": self.sent,
            "ok": ok,
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "seconds": round(self.elapsed, 2),
            "rps": round(ok / self.elapsed, 1),
            **latency_summary_ms(self.latencies),
        }


def _client(base_url: str, token: str, connections: int) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(
        base_url=base_url,
        headers={"Authorization": f"Token {token}", "Accept": "application/json"},
        limits=httpx2.Limits(max_connections=connections, max_keepalive_connections=connections),
        timeout=httpx2.Timeout(30.0),
    )


async def _send(client, method: str, path: str, body: dict | None, expect: int, result: LoadResult,
                record: bool) -> None:
    start = time.perf_counter()
    try:
        response = await client.request(method, path, json=body)
    except Exception as error:  # a refused or timed-out request is an error of the run, not of the harness
        if record:
            result.errors[type(error).__name__] += 1
        return
    elapsed = time.perf_counter() - start
    if not record:
        return
    result.statuses[response.status_code] += 1
    if response.status_code != expect:
        result.errors[f"HTTP {response.status_code}"] += 1
        return
    result.latencies.append(elapsed)
    if expect == 201:
        result.ids.append(response.json()["id"])


async def closed_loop(*, base_url: str, token: str, method: str, path: str, bodies, expect: int,
                      clients: int, duration: float, warmup: float = 0.0, total: int | None = None) -> LoadResult:
    """`clients` concurrent clients for `duration` seconds (after `warmup`), or until `total` requests were sent."""
    result = LoadResult()
    async with _client(base_url, token, clients) as client:
        loop = asyncio.get_running_loop()
        measure_from = loop.time() + warmup
        stop_at = measure_from + duration

        async def one_client() -> None:
            while loop.time() < stop_at:
                if total is not None:
                    if result.sent >= total:
                        return
                record = loop.time() >= measure_from
                if record:
                    if result.sent == 0:
                        result.first_sent_wall = time.time()
                    result.sent += 1
                await _send(client, method, path, next(bodies) if bodies else None, expect, result, record)

        result.started = time.perf_counter() + warmup
        await asyncio.gather(*(one_client() for _ in range(clients)))
        result.finished = time.perf_counter()
    return result


async def open_loop(*, base_url: str, token: str, method: str, path: str, bodies, expect: int,
                    rate: float, duration: float, max_connections: int = 256) -> LoadResult:
    """Start a request every 1/rate seconds for `duration` seconds, whatever the answers take."""
    result = LoadResult()
    async with _client(base_url, token, max_connections) as client:
        loop = asyncio.get_running_loop()
        count = max(1, int(rate * duration))
        begin = loop.time()
        result.started = time.perf_counter()
        result.first_sent_wall = time.time()
        tasks = []
        for i in range(count):
            delay = begin + i / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            result.sent += 1
            tasks.append(asyncio.create_task(_send(client, method, path, next(bodies), expect, result, True)))
        await asyncio.gather(*tasks)
        result.finished = time.perf_counter()
    return result
