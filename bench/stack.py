"""The stack under test, started the way production starts it: a fresh PostgreSQL database
migrated by `make setup`, then gunicorn and one Celery worker per queue, each from its
Procfile line through bin/proc. The database is dropped afterwards."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
PROCESSES = ("web", "worker_categorization", "worker_routing", "worker_analytics")
QUEUES = ("categorization", "routing", "analytics")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672/"
BENCH_USER = "bench-requester"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_path(url: str, path: str) -> str:
    return urlunparse(urlparse(url)._replace(path=path))


@dataclass
class StackConfig:
    database_url: str  # the server; its database name is replaced by db_name
    broker_url: str  # the server; its vhost is replaced by vhost
    db_name: str
    vhost: str
    log_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, *, db_name: str | None, vhost: str | None, log_dir: Path) -> "StackConfig":
        return cls(
            database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            broker_url=os.environ.get("CELERY_BROKER_URL", DEFAULT_BROKER_URL),
            db_name=db_name or os.environ.get("BENCH_DB_NAME", "ts_bench"),
            vhost=vhost if vhost is not None else os.environ.get("BENCH_AMQP_VHOST", "bench"),
            log_dir=log_dir,
        )

    @property
    def bench_database_url(self) -> str:
        return with_path(self.database_url, f"/{self.db_name}")

    @property
    def bench_broker_url(self) -> str:
        return with_path(self.broker_url, f"/{self.vhost}")


def _admin_connection(config: StackConfig):
    import psycopg2

    connection = psycopg2.connect(with_path(config.database_url, "/postgres"))
    connection.autocommit = True
    return connection


def database_create(config: StackConfig) -> None:
    connection = _admin_connection(config)
    try:
        with connection.cursor() as cursor:
            # A database left by an interrupted run is not fresh: start over.
            cursor.execute(f'DROP DATABASE IF EXISTS "{config.db_name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{config.db_name}"')
    finally:
        connection.close()


def database_drop(config: StackConfig) -> None:
    connection = _admin_connection(config)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{config.db_name}" WITH (FORCE)')
    finally:
        connection.close()


def vhost_ensure(config: StackConfig) -> None:
    """Create the vhost afresh if rabbitmqctl is here (the local broker); a remote broker must have it already."""
    if not config.vhost or subprocess.run(["which", "rabbitmqctl"], capture_output=True).returncode != 0:
        return
    # A fresh vhost per run: no leftover messages, and no queue declared with other arguments.
    subprocess.run(["rabbitmqctl", "-q", "delete_vhost", config.vhost], capture_output=True)
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", config.vhost], capture_output=True)
    user = urlparse(config.broker_url).username or "guest"
    subprocess.run(
        ["rabbitmqctl", "-q", "set_permissions", "-p", config.vhost, user, ".*", ".*", ".*"],
        capture_output=True,
        check=True,
    )


class Stack:
    """gunicorn + one worker per queue on a fresh database; `with Stack(config) as stack:`."""

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.token = ""
        self._logs: list = []
        self.env = self._env()

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
        env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        env.update(
            {
                "PATH": f"{VENV_BIN}:{env.get('PATH', '')}",
                "DATABASE_URL": self.config.bench_database_url,
                "CELERY_BROKER_URL": self.config.bench_broker_url,
                "VAR_DIR": str(self.config.log_dir / "var"),
                "PORT": str(self.port),
                # Production mode: DEBUG off (no query log kept per request), a real secret key.
                "DJANGO_ENV": "production",
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SUPERUSER_USERNAME": "admin",
                "DJANGO_SUPERUSER_PASSWORD": secrets.token_urlsafe(16),
                # Nothing is stale during a benchmark; the sweeper must not re-dispatch slow tickets.
                "PIPELINE_STALE_AFTER_SECONDS": "3600",
                # Production sits behind a TLS proxy; the load generator talks plain HTTP to gunicorn.
                "DJANGO_SECURE_SSL_REDIRECT": "false",
                "DJANGO_SESSION_COOKIE_SECURE": "false",
                "DJANGO_CSRF_COOKIE_SECURE": "false",
                # The load generator is one user sending thousands of tickets: lift the per-user limit.
                "THROTTLE_TICKET_CREATE_RATE": "1000000/minute",
                "THROTTLE_ANON_RATE": "1000000/minute",
            }
        )
        env.update(self.config.extra_env)
        return env

    # --- lifecycle ------------------------------------------------------------------
    def __enter__(self) -> "Stack":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 180) -> None:
        self.config.log_dir.mkdir(parents=True, exist_ok=True)
        database_create(self.config)
        vhost_ensure(self.config)
        # `make setup`: whatever production does before starting (migrate, admin, model artifacts).
        self._run(["make", "-s", "setup"], "setup")
        self.token = self._run(
            [str(VENV_BIN / "python"), "-c", _CREATE_USER.format(username=BENCH_USER)], "user"
        ).strip().splitlines()[-1]
        self.purge()
        for name in PROCESSES:
            log = open(self.config.log_dir / f"{name}.log", "wb")
            self._logs.append(log)
            self.processes[name] = subprocess.Popen(
                [str(REPO / "bin" / "proc"), name],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready(timeout)

    def _run(self, command: list[str], label: str) -> str:
        result = subprocess.run(command, cwd=REPO, env=self.env, capture_output=True, text=True)
        (self.config.log_dir / f"{label}.log").write_text(result.stdout + result.stderr)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
        return result.stdout

    def _wait_ready(self, timeout: float) -> None:
        from bench.broker import celery_app

        deadline = time.monotonic() + timeout
        healthy = False
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited early:\n{self.log(name)}")
            if not healthy:
                try:
                    with urllib.request.urlopen(self.base_url + "/api/health", timeout=5) as response:
                        healthy = response.status == 200
                except (urllib.error.URLError, ConnectionError, OSError):
                    pass
            if healthy:
                replies = celery_app().control.ping(timeout=1.0)
                names = {name.split("@", 1)[0] for reply in replies for name in reply}
                if set(QUEUES) <= names:
                    return
            time.sleep(0.5)
        raise TimeoutError(f"stack not ready in {timeout}s:\n" + "\n".join(self.log(n) for n in PROCESSES))

    def purge(self) -> int:
        from bench.broker import celery_app

        return celery_app().control.purge()

    def log(self, name: str) -> str:
        path = self.config.log_dir / f"{name}.log"
        return f"--- {name}\n" + (path.read_text(errors="replace")[-3000:] if path.exists() else "(no log)")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for log in self._logs:
            log.close()
        try:
            self.purge()
        except Exception as error:  # the broker may be what failed; the run already reported it
            print(f"bench: could not purge the queues: {error}", file=sys.stderr)
        database_drop(self.config)

    # --- process inspection -----------------------------------------------------------
    def pids(self, name: str) -> list[int]:
        """The process and all its descendants (gunicorn workers, prefork pool children)."""
        root = self.processes[name].pid
        return [root, *descendants(root)]


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


_CREATE_USER = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticketsystem.settings")
django.setup()
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
user, _ = get_user_model().objects.get_or_create(username="{username}", defaults={{"email": "bench@example.com"}})
print(Token.objects.get_or_create(user=user)[0].key)
"""
