"""Processes, faults and checks for the fault-injection suite.

Each Procfile process runs on its own (bin/proc NAME, in its own process group) so a
test can kill -9 one worker type and start it again; honcho would stop everything.
"""

import concurrent.futures
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import psycopg2

from tests.integration.stack import ADMIN_PASSWORD, REPO, Api

PG_START = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
PG_STOP = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main stop -m fast"
RABBIT_START = "rabbitmq-server -detached"
RABBIT_STOP = "rabbitmqctl stop"


def sh(command: str, timeout: float = 120) -> None:
    subprocess.run(["bash", "-c", command], check=True, timeout=timeout, capture_output=True)


def wait_port(port: int, timeout: float = 120) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"port {port} did not open")


def rabbitmq_start() -> None:
    try:
        wait_port(5672, timeout=1)
        return
    except TimeoutError:
        pass
    sh(RABBIT_START)
    wait_port(5672)
    sh("rabbitmqctl -q await_startup", timeout=120)


def postgres_start() -> None:
    try:
        wait_port(5432, timeout=1)
        return
    except TimeoutError:
        pass
    sh(PG_START)
    wait_port(5432)


class Processes:
    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> None:
        log = open(self.log_dir / f"{name}.log", "ab")
        self.running[name] = subprocess.Popen(
            [str(REPO / "bin" / "proc"), name], cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill9(self, name: str) -> None:
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for name, process in list(self.running.items()):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name, process in list(self.running.items()):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.running.clear()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}" for path in sorted(self.log_dir.glob("*.log"))
        )


def create_tickets(api: Api, count: int, *, threads: int = 6, deadline_seconds: float = 240) -> list[int]:
    """POST `count` tickets, retrying each with its Idempotency-Key until the server answers 201.

    Returns the ids of the accepted tickets (each exactly once)."""
    titles = [
        ("VPN keeps disconnecting", "it_support"), ("Payslip has the wrong salary", "hr"),
        ("Heating broken on floor 2", "facilities"), ("Vendor invoice not paid", "finance"), ("hi", "general"),
    ]

    def post(index: int) -> int:
        title = titles[index % len(titles)][0]
        key = f"rel-{uuid.uuid4()}"
        stop = time.monotonic() + deadline_seconds
        while time.monotonic() < stop:
            try:
                status, body = api.request(
                    "POST", "/api/tickets", {"title": f"{title} #{index}"}, headers={"Idempotency-Key": key}
                )
            except OSError:
                status, body = 0, {}
            if status == 201:
                return body["id"]
            time.sleep(0.5)
        raise TimeoutError(f"ticket {index} was never accepted")

    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(post, range(count)))


class Database:
    def __init__(self, url: str) -> None:
        self.url = url

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        deadline = time.monotonic() + 60
        while True:
            try:
                with psycopg2.connect(self.url) as connection, connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall()
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)

    def wait_recorded(self, ticket_ids: list[int], timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.query(
                "SELECT count(*) FROM tickets_ticket WHERE id = ANY(%s) AND pipeline_state = 'recorded'",
                (ticket_ids,),
            )
            if rows[0][0] == len(ticket_ids):
                return
            time.sleep(1)
        states = self.query(
            "SELECT pipeline_state, count(*) FROM tickets_ticket WHERE id = ANY(%s) GROUP BY 1", (ticket_ids,)
        )
        raise AssertionError(f"not every ticket was recorded in {timeout}s: {states}")

    def assert_exactly_once(self, ticket_ids: list[int]) -> None:
        assert len(set(ticket_ids)) == len(ticket_ids), "the API returned one ticket id twice"
        total = self.query("SELECT count(*) FROM tickets_ticket")[0][0]
        assert total == len(ticket_ids), f"{total} tickets stored for {len(ticket_ids)} accepted"
        duplicates = self.query(
            "SELECT ticket_id, kind, count(*) FROM tickets_ticketevent "
            "WHERE kind IN ('ticket.created', 'ticket.categorized', 'ticket.routed') "
            "GROUP BY 1, 2 HAVING count(*) > 1"
        )
        assert duplicates == [], f"events recorded more than once: {duplicates[:10]}"
        per_kind = dict(
            self.query(
                "SELECT kind, count(DISTINCT ticket_id) FROM tickets_ticketevent WHERE ticket_id = ANY(%s) GROUP BY 1",
                (ticket_ids,),
            )
        )
        for kind in ("ticket.created", "ticket.categorized", "ticket.routed"):
            assert per_kind.get(kind) == len(ticket_ids), (kind, per_kind)

    def assert_rollups_equal_recount(self) -> None:
        unapplied = self.query(
            "SELECT count(*) FROM tickets_ticketevent e LEFT JOIN analytics_appliedevent a ON a.event_id = e.id "
            "WHERE a.event_id IS NULL"
        )[0][0]
        assert unapplied == 0, f"{unapplied} events never folded into the rollups"
        # Per day (of each event) and department (the ticket's; the suite never reroutes).
        rollups = self.query(
            "SELECT day, department, sum(created), sum(categorized), sum(routed) FROM analytics_departmentdaystats "
            "GROUP BY 1, 2 HAVING sum(created) + sum(categorized) + sum(routed) > 0 ORDER BY 1, 2"
        )
        recount = self.query(
            "SELECT (e.created_at AT TIME ZONE 'UTC')::date, d.slug, "
            "count(*) FILTER (WHERE e.kind = 'ticket.created'), "
            "count(*) FILTER (WHERE e.kind = 'ticket.categorized'), "
            "count(*) FILTER (WHERE e.kind = 'ticket.routed') "
            "FROM tickets_ticketevent e JOIN tickets_ticket t ON t.id = e.ticket_id "
            "JOIN tickets_department d ON d.id = t.department_id GROUP BY 1, 2 ORDER BY 1, 2"
        )
        normalise = lambda rows: [(str(row[0]), row[1], *(int(v) for v in row[2:])) for row in rows]  # noqa: E731
        assert normalise(rollups) == normalise(recount), (rollups, recount)
