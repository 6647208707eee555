"""Fault injection on the real stack: every ticket accepted with a 201 reaches `recorded`,
each event once, and the analytics rollups equal a recount, whatever fails in between."""

import threading
import time

import pytest

from tests.reliability.conftest import NEEDS_SERVICES, WORKERS
from tests.reliability.harness import PG_START, PG_STOP, RABBIT_STOP, create_tickets, rabbitmq_start, sh, wait_port

pytestmark = [pytest.mark.reliability, NEEDS_SERVICES]
BATCH = 300


def assert_all_processed_once(cluster, ticket_ids):
    cluster.db.wait_recorded(ticket_ids)
    cluster.db.assert_exactly_once(ticket_ids)
    time.sleep(1)  # let the analytics refreshes of the last tickets land
    cluster.db.assert_rollups_equal_recount()


def batch_with_fault(cluster, fault) -> list[int]:
    """Create a batch of tickets while `fault()` runs; returns the ids accepted with a 201."""
    accepted: list[int] = []
    creator = threading.Thread(target=lambda: accepted.extend(create_tickets(cluster.api, BATCH)))
    creator.start()
    fault()
    creator.join()
    return accepted


def test_kill_9_each_worker_type_during_a_batch(cluster):
    def kill_each_worker():
        for worker in WORKERS:
            time.sleep(2)
            cluster.processes.kill9(worker)  # mid-task: the queues are busy with the batch
            time.sleep(1)
            cluster.processes.start(worker)

    assert_all_processed_once(cluster, batch_with_fault(cluster, kill_each_worker))


def test_rabbitmq_down_for_10_seconds_during_creation(cluster):
    def broker_outage():
        time.sleep(3)
        sh(RABBIT_STOP)
        time.sleep(10)
        rabbitmq_start()

    assert_all_processed_once(cluster, batch_with_fault(cluster, broker_outage))


def test_postgres_restart_during_a_batch(cluster):
    def database_restart():
        time.sleep(3)
        sh(PG_STOP)
        time.sleep(3)
        sh(PG_START)
        wait_port(5432)

    assert_all_processed_once(cluster, batch_with_fault(cluster, database_restart))


def test_every_message_delivered_twice(cluster):
    from tickets.pipeline import pipeline_signature

    accepted = create_tickets(cluster.api, BATCH)
    for ticket_id in accepted:
        pipeline_signature(ticket_id=ticket_id).apply_async()
    cluster.db.wait_recorded(accepted)
    # The duplicate chains run behind the first ones: give them time to finish, then check.
    marker = create_tickets(cluster.api, 1)
    cluster.db.wait_recorded(marker)
    assert_all_processed_once(cluster, accepted + marker)


def test_a_poison_message_is_parked_not_looped(cluster):
    from tests.reliability.poison_tasks import kill_my_worker

    [ticket_id] = create_tickets(cluster.api, 1)
    cluster.db.wait_recorded([ticket_id])
    result = kill_my_worker.apply_async(args=(ticket_id,), queue="categorization")
    deadline = time.monotonic() + 90
    parked = []
    while time.monotonic() < deadline and not parked:
        parked = cluster.db.query(
            "SELECT deliveries FROM tickets_taskdelivery WHERE task_id = %s AND parked_at IS NOT NULL", (result.id,)
        )
        time.sleep(1)
    assert parked, "the poison message was never parked"
    assert parked[0][0] == 4  # delivered TASK_MAX_DELIVERIES (3) times, parked on the 4th
    # The worker survived and still serves the queue.
    later = create_tickets(cluster.api, 3)
    cluster.db.wait_recorded(later, timeout=60)
