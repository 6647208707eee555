"""Production settings refuse to start insecurely, and pass Django's deploy checklist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOOD_SECRET = "x" * 20 + "production-secret-key-0123456789"


def manage(*args: str, **overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "ticketsystem.settings", **overrides})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True)


PRODUCTION = {"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": GOOD_SECRET, "DJANGO_ALLOWED_HOSTS": "tickets.example.com"}


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "django-insecure-development-only-key-change-me"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_insecure_settings(override, message):
    env = {**PRODUCTION, **override}
    env = {k: v for k, v in env.items() if v != ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr
