"""docker-compose.yml cannot be run here (no Docker engine), so keep it right by construction:
every app service runs a Procfile line through bin/proc, and the Procfile is what `make run` starts."""

import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
EXPECTED_SERVICES = {
    "db", "rabbitmq", "web", "worker-categorization", "worker-routing", "worker-analytics", "beat", "flower",
}


def procfile() -> dict[str, str]:
    lines = (REPO / "Procfile").read_text().splitlines()
    return {name: command.strip() for name, command in (line.split(":", 1) for line in lines if line.strip())}


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_has_every_service():
    assert EXPECTED_SERVICES <= set(compose()["services"])


def test_every_app_service_runs_a_procfile_line():
    processes = procfile()
    services = compose()["services"]
    for service_name, service in services.items():
        command = service.get("command")
        if command and command[0] == "bin/proc":
            assert command[1] in processes, f"{service_name} runs {command[1]}, which the Procfile lacks"
    used = {s["command"][1] for s in services.values() if s.get("command", [None])[0] == "bin/proc"}
    assert used == set(processes), "every Procfile process runs in docker-compose too"


def test_one_worker_per_queue_in_the_procfile():
    processes = procfile()
    for queue in ("categorization", "routing", "analytics"):
        command = processes[f"worker_{queue}"]
        assert f"-Q {queue} " in command
        assert f"-n {queue}@%h" in command


def test_services_wait_for_healthy_database_and_broker():
    services = compose()["services"]
    assert "healthcheck" in services["db"] and "healthcheck" in services["rabbitmq"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
    for name in ("web", "worker-categorization", "worker-routing", "worker-analytics"):
        assert "healthcheck" in services[name], name
    assert services["db"]["image"].startswith("postgres:") and int(services["db"]["image"].split(":")[1]) >= 15
    assert services["rabbitmq"]["image"].startswith("rabbitmq:3.1")


def test_bin_proc_runs_the_procfile_line(tmp_path):
    # bin/proc with an unknown name fails loudly instead of starting nothing.
    result = subprocess.run([str(REPO / "bin" / "proc"), "no-such-process"], capture_output=True, text=True)
    assert result.returncode == 64
    assert "no process" in result.stderr


def test_compose_file_validates_when_a_compose_client_is_installed():
    import shutil

    import pytest

    client = shutil.which("docker-compose")
    if client is None:
        pytest.skip("no docker-compose client on this machine")
    import os

    compose_file = str(REPO / "docker-compose.yml")
    env = {**os.environ, "FLOWER_BASIC_AUTH": "ops:secret"}
    result = subprocess.run([client, "-f", compose_file, "config", "-q"], capture_output=True, env=env)
    assert result.returncode == 0, result.stderr.decode()
    # Without a Flower login the stack refuses to start.
    env.pop("FLOWER_BASIC_AUTH")
    result = subprocess.run([client, "-f", compose_file, "config", "-q"], capture_output=True, env=env)
    assert result.returncode != 0 and b"FLOWER_BASIC_AUTH" in result.stderr
