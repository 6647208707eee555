"""Pipeline benchmarks: tickets created through the API until recorded, against a no-op chain of
three tasks over the same three queues and workers. Progress is read from the database
directly (psycopg2), never through the API, so watching does not load the web process."""

import time
import uuid

from bench.stats import latency_summary_ms

NOOP_TASK = "gateway.tasks.bench_noop"


class Stalled(RuntimeError):
    pass


def wait_until(count_done, *, target: int, stall_seconds: float = 60, poll: float = 0.25, label: str) -> None:
    """Poll until count_done() reaches target; give up when it stops moving for stall_seconds."""
    last, last_change = -1, time.monotonic()
    while True:
        done = count_done()
        if done >= target:
            return
        if done != last:
            last, last_change = done, time.monotonic()
        elif time.monotonic() - last_change > stall_seconds:
            raise Stalled(f"{label}: {done}/{target} done, no progress for {stall_seconds:.0f}s")
        time.sleep(poll)


def drain(db) -> None:
    """Wait until no ticket is left in the pipeline (between phases, so they do not overlap)."""

    def left() -> int:
        with db.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM tickets_ticket WHERE pipeline_state <> 'recorded'")
            return -cursor.fetchone()[0]

    wait_until(left, target=0, label="draining the pipeline")


def recorded_count(db, ids: list[int]) -> int:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM tickets_ticket WHERE id = ANY(%s) AND pipeline_state = 'recorded'", [ids]
        )
        return cursor.fetchone()[0]


def ticket_timings(db, ids: list[int]) -> list[tuple[float, float]]:
    """(created, recorded) epoch seconds per ticket. Nothing touches a ticket after `recorded` in a
    benchmark, so updated_at is the moment record_analytics saved it."""
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT extract(epoch FROM created_at), extract(epoch FROM updated_at) FROM tickets_ticket"
            " WHERE id = ANY(%s) AND pipeline_state = 'recorded'",
            [ids],
        )
        return [(float(a), float(b)) for a, b in cursor.fetchall()]


def pipeline_figures(timings: list[tuple[float, float]]) -> dict:
    if not timings:
        return {"processed": 0}
    first_created = min(c for c, _ in timings)
    last_recorded = max(r for _, r in timings)
    span = max(last_recorded - first_created, 1e-9)
    return {
        "processed": len(timings),
        "seconds": round(span, 2),
        "per_second": round(len(timings) / span, 1),
        **latency_summary_ms([r - c for c, r in timings]),
    }


# --- the no-op chain ---------------------------------------------------------------------
def noop_chain(app, *, token: str, final_task_id: str, queues: tuple[str, ...]):
    from celery import chain

    signatures = [app.signature(NOOP_TASK, args=(token,), immutable=True, queue=queue) for queue in queues]
    signatures[-1].set(task_id=final_task_id)
    return chain(*signatures)


def noop_run(app, db, *, count: int, queues: tuple[str, ...]) -> dict:
    """Publish `count` no-op chains as fast as one publisher can, wait for the last stage of each."""
    run = uuid.uuid4().hex[:8]
    published: dict[str, float] = {}
    publish_start = time.perf_counter()
    for i in range(count):
        final_id = f"bench-noop-{run}-{i}"
        published[final_id] = time.time()
        noop_chain(app, token=f"{run}-{i}", final_task_id=final_id, queues=queues).apply_async()
    publish_seconds = time.perf_counter() - publish_start
    ids = list(published)

    def done() -> int:
        with db.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM django_celery_results_taskresult WHERE task_id = ANY(%s) AND status = 'SUCCESS'",
                [ids],
            )
            return cursor.fetchone()[0]

    wait_until(done, target=count, label="no-op chains")
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT task_id, extract(epoch FROM date_done) FROM django_celery_results_taskresult"
            " WHERE task_id = ANY(%s)",
            [ids],
        )
        timings = [(published[task_id], float(finished)) for task_id, finished in cursor.fetchall()]
    figures = pipeline_figures(timings)
    figures["publish_per_second"] = round(count / max(publish_seconds, 1e-9), 1)
    return figures
