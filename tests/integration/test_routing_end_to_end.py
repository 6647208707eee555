"""Routing through `make run` with real workers: triage, even assignment, and a reroute
that shows up in history, events and statistics."""

import os
import subprocess
import sys
from collections import Counter
from contextlib import nullcontext

import pytest

from tests.integration.stack import ADMIN_PASSWORD, REPO, Stack, base_env, postgres_database
from tests.integration.test_pipeline_end_to_end import wait_recorded

pytestmark = pytest.mark.integration

CREATE_AGENTS = """
from django.contrib.auth import get_user_model
from routing.models import DepartmentMembership
from tickets.models import Department
facilities = Department.objects.get(slug="facilities")
for name in ("fac-1", "fac-2"):
    user = get_user_model().objects.create_user(name, f"{name}@example.com", "agent-pass-123")
    DepartmentMembership.objects.create(user=user, department=facilities)
"""

FACILITIES_TICKETS = [
    "Heating broken in room 4.12",
    "Toilet leaking on floor 2",
    "Lost my door badge",
    "Lights flicker in the kitchen",
]


def _on_real_services() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get(
        "CELERY_BROKER_URL", ""
    ).startswith("amqp")


def test_routing_through_the_real_stack(tmp_path):
    database = postgres_database(os.environ["DATABASE_URL"]) if _on_real_services() else nullcontext(None)
    with database as database_url:
        env = base_env(tmp_path / "var")
        if database_url:
            env["DATABASE_URL"] = database_url
        else:
            env.pop("DATABASE_URL", None)
            env.pop("CELERY_BROKER_URL", None)
        # Below 101 every categorization needs review: every ticket lands in triage.
        env["CATEGORIZATION_REVIEW_THRESHOLD"] = "101"
        stack = Stack(env, tmp_path / "stack.log")
        try:
            stack.start()
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", CREATE_AGENTS], cwd=REPO, env=env, check=True, timeout=60
            )
            api = stack.api
            api.login("admin", ADMIN_PASSWORD)
            ids = []
            for title in FACILITIES_TICKETS:
                status, body = api.request("POST", "/api/tickets", {"title": title, "requester_email": "e@example.com"})
                assert status == 201, body
                ids.append(body["id"])
            tickets = wait_recorded(stack, ids)

            # Low confidence: all four wait in triage, routed to facilities.
            status, triage = api.request("GET", "/api/triage")
            assert status == 200
            assert sorted(t["id"] for t in triage["results"]) == sorted(ids)
            # Assignment spreads them evenly over the two agents.
            assert Counter(t["assignee"] for t in tickets.values()) == {"fac-1": 2, "fac-2": 2}

            # A reroute through the API.
            rerouted = ids[0]
            status, body = api.request("PUT", f"/api/route/{rerouted}", {"department": "hr", "reason": "e2e"})
            assert status == 200, body
            status, history = api.request("GET", f"/api/tickets/{rerouted}/routing-history")
            assert [(d["action"], d["to_department"], d["method"]) for d in history] == [
                ("route", "facilities", "auto"),
                ("reroute", "hr", "manual"),
            ]
            status, detail = api.request("GET", f"/api/tickets/{rerouted}")
            assert [e["kind"] for e in detail["events"]].count("ticket.rerouted") == 1
            assert (detail["department"], detail["needs_review"], detail["assignee"]) == ("hr", False, None)
            status, stats = api.request("GET", "/api/routing/statistics")
            assert status == 200
            assert stats["routed"]["total"] == 4
            assert stats["reroute_rate"]["per_first_department"]["facilities"] == {
                "automated": 4, "rerouted": 1, "rate": 0.25,
            }
            assert stats["corrections"] == [{"first": "facilities", "final": "hr", "count": 1}]
            assert stats["triage"] == {"waiting": 3, "confirmed": 0, "rerouted": 1}
            assert stats["median_seconds_to_routing"] > 0
            # A second reroute to the same department is refused.
            status, body = api.request("PUT", f"/api/route/{rerouted}", {"department": "hr"})
            assert status == 409
        finally:
            stack.stop()
