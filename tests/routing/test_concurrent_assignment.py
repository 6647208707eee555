"""Two workers routing at the same moment must not both pick an agent from stale counts.

Runs on PostgreSQL only: SQLite has no row locks (it serializes whole-database writes).
"""

import threading
import time
from collections import Counter

import pytest
from django.db import connection, transaction

from routing.services import ticket_route
from tests.routing.conftest import agent_make, categorized_ticket
from tickets.models import Ticket

pytestmark = [
    # Not serialized_rollback: after another transactional test's flush, restoring the
    # serialized content types collides with the ones the flush recreated.
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("departments_present"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _in_thread(target, errors: list, *args) -> threading.Thread:
    def run():
        try:
            target(*args)
        except BaseException as error:  # surfaced by the test below
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_second_router_waits_for_the_first_and_sees_its_assignment():
    first_agent = agent_make("it-a", "it_support")
    second_agent = agent_make("it-b", "it_support")
    one, two = categorized_ticket("it_support"), categorized_ticket("it_support")
    first_routed = threading.Event()
    timeline: dict[str, float] = {}
    errors: list = []

    def slow_router():
        # Route, then hold the transaction (and its locks) open before committing.
        with transaction.atomic():
            ticket_route(ticket_id=one.pk)
            first_routed.set()
            time.sleep(1.0)
            timeline["first_commit"] = time.monotonic()

    def second_router():
        first_routed.wait(10)
        ticket_route(ticket_id=two.pk)
        timeline["second_done"] = time.monotonic()

    threads = [_in_thread(slow_router, errors), _in_thread(second_router, errors)]
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    # Without the row locks the second router would count 0 open tickets for both
    # agents and pick it-a again (the tie-break), without waiting.
    assert timeline["second_done"] >= timeline["first_commit"]
    assert Ticket.objects.get(pk=one.pk).assignee == first_agent
    assert Ticket.objects.get(pk=two.pk).assignee == second_agent


def test_four_workers_spread_twenty_tickets_evenly():
    agents = [agent_make(f"hr-{n}", "hr") for n in range(2)]
    tickets = [categorized_ticket("hr").pk for _ in range(20)]
    barrier = threading.Barrier(4)
    errors: list = []

    def worker(ticket_ids):
        barrier.wait(10)
        for ticket_id in ticket_ids:
            ticket_route(ticket_id=ticket_id)

    threads = [_in_thread(worker, errors, tickets[n::4]) for n in range(4)]
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    counts = Counter(Ticket.objects.filter(pk__in=tickets).values_list("assignee__username", flat=True))
    assert counts == {agent.username: 10 for agent in agents}
