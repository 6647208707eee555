"""Start the whole stack the way `make run` does, as real processes, for end-to-end tests."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

REPO = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "integration-admin-pass"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Api:
    """A tiny HTTP client (urllib, so the test exercises the real server over TCP)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.token: str | None = None

    def request(
        self, method: str, path: str, body: dict | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        request.add_header("Accept", "application/json")
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return error.code, json.loads(raw or b"{}")
            except ValueError:
                return error.code, {"raw": raw.decode(errors="replace")}

    def raw(
        self, method: str, path: str, body: dict | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        """Status, body bytes and response headers, for checks beyond the JSON body."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def login(self, username: str, password: str) -> None:
        status, body = self.request("POST", "/api/auth/token", {"username": username, "password": password})
        assert status == 200, body
        self.token = body["token"]


class Stack:
    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.port = int(env["PORT"])
        self.flower_port = int(env["FLOWER_PORT"])
        self.process: subprocess.Popen | None = None
        self.api = Api(f"http://127.0.0.1:{self.port}")

    def start(self, timeout: float = 120) -> None:
        self._log = open(self.log_path, "wb")
        # `make run` itself: venv check, migrate, admin, then honcho with the Procfile.
        self.process = subprocess.Popen(
            ["make", "-s", "run"],
            cwd=REPO,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"make run exited early:\n{self.log()}")
            try:
                status, body = self.api.request("GET", "/api/health")
                if status == 200:
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.5)
        raise TimeoutError(f"stack not healthy in {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def full_log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if getattr(self, "_log", None):
            self._log.close()


def base_env(var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        {
            "VAR_DIR": str(var_dir),
            "PORT": str(free_port()),
            "FLOWER_PORT": str(free_port()),
            "DJANGO_SUPERUSER_USERNAME": "admin",
            "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
            # One process of each kind keeps a 2-core machine responsive and the queues FIFO.
            "WEB_CONCURRENCY": "1",
            "CELERY_CONCURRENCY": "1",
            "LOG_LEVEL": "WARNING",
        }
    )
    # The venv's gunicorn and celery, as `make run` puts them on PATH.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    env.pop("FLOWER_BASIC_AUTH", None)
    return env


@contextmanager
def postgres_database(database_url: str):
    """A fresh, empty database on the server that DATABASE_URL names; dropped afterwards."""
    import psycopg2

    parsed = urlparse(database_url)
    name = f"ts_e2e_{uuid.uuid4().hex[:10]}"
    admin_dsn = urlunparse(parsed._replace(path="/postgres"))
    connection = psycopg2.connect(admin_dsn)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield urlunparse(parsed._replace(path=f"/{name}"))
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg2.OperationalError:
            # A fault test restarted PostgreSQL under this connection: drop through a new one.
            connection = psycopg2.connect(admin_dsn)
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()
