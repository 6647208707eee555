import os
import subprocess
import sys
import time

import pytest

from tests.integration.stack import ADMIN_PASSWORD, REPO, Api, base_env, postgres_database
from tests.reliability.harness import Database, Processes, postgres_start, rabbitmq_start

NEEDS_SERVICES = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres")
    or not os.environ.get("CELERY_BROKER_URL", "").startswith("amqp"),
    reason="the fault-injection suite needs PostgreSQL and RabbitMQ (set by .ci/run)",
)
WORKERS = ("worker_categorization", "worker_routing", "worker_analytics")


def pytest_collection_modifyitems(config, items):
    # Faults restart shared services: run this suite after everything else.
    items.sort(key=lambda item: "tests/reliability/" in str(item.fspath))


@pytest.fixture(autouse=True)
def eager_celery():
    """The suite publishes to the real broker."""
    yield


@pytest.fixture
def services_restored():
    """Whatever happens in the test, PostgreSQL and RabbitMQ are running afterwards."""
    yield
    postgres_start()
    rabbitmq_start()
    from django.db import connections

    connections.close_all()  # the suite's own connections died with a restart


class Cluster:
    def __init__(self, tmp_path, database_url: str) -> None:
        env = base_env(tmp_path / "var")
        env.update(
            {
                "DATABASE_URL": database_url,
                "WEB_CONCURRENCY": "2",
                # The sweeper runs often so that outages heal within the test's patience.
                "PIPELINE_SWEEP_INTERVAL_SECONDS": "2",
                "PIPELINE_STALE_AFTER_SECONDS": "6",
                "TASK_MAX_DELIVERIES": "3",
                "CELERY_EXTRA_IMPORTS": "tests.reliability.poison_tasks",
                "DATABASE_CONN_MAX_AGE": "0",
                # One user sends the whole batch: lift the per-user creation limit (30/min by default).
                "THROTTLE_TICKET_CREATE_RATE": "100000/minute",
            }
        )
        self.env = env
        (tmp_path / "logs").mkdir()
        self.processes = Processes(env, tmp_path / "logs")
        self.api = Api(f"http://127.0.0.1:{env['PORT']}")
        self.db = Database(database_url)

    def start(self) -> None:
        for command in (["migrate", "--no-input"], ["ensure_admin"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=REPO, env=self.env, check=True,
                           capture_output=True)
        for name in ("web", *WORKERS, "beat"):
            self.processes.start(name)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.api.request("GET", "/api/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the stack did not become healthy")
            time.sleep(0.5)
        self.api.login("admin", ADMIN_PASSWORD)


@pytest.fixture
def cluster(tmp_path, services_restored):
    with postgres_database(os.environ["DATABASE_URL"]) as database_url:
        cluster = Cluster(tmp_path, database_url)
        try:
            cluster.start()
            yield cluster
        except BaseException:
            print(cluster.processes.logs())
            raise
        finally:
            cluster.processes.stop_all()
