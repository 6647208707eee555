from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def bench_noop(token: str) -> str:
    """Do nothing and return the token: a stage of the benchmark's no-op chain (bench/pipeline.py).

    Routed by nobody: the benchmark publishes it to each pipeline queue explicitly.
    """
    return token
