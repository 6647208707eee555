"""Profile the intake hot path in one process: POST /api/tickets (or /api/ping) through Django's
test client on a scratch PostgreSQL database and the real broker, under cProfile, plus the SQL
queries of one request. Shows where a request's CPU goes without the noise of a load test.

    python -m bench.profile [--path /api/tickets] [--requests 300] [--sort cumulative]
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time

from bench.stack import StackConfig, database_create, database_drop, vhost_ensure, REPO


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--path", default="/api/tickets")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="cpu (default): process CPU time, which a busy machine hardly distorts")
    args = parser.parse_args(argv)

    config = StackConfig.from_env(db_name=os.environ.get("BENCH_DB_NAME", "ts_bench") + "_profile",
                                  vhost="bench_profile", log_dir=REPO / "var" / "bench" / "profile")
    database_create(config)
    vhost_ensure(config)
    os.environ.update(DATABASE_URL=config.bench_database_url, CELERY_BROKER_URL=config.bench_broker_url,
                      DJANGO_SETTINGS_MODULE="ticketsystem.settings", DJANGO_DEBUG="false",
                      THROTTLE_TICKET_CREATE_RATE="1000000/minute")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext
        from rest_framework.authtoken.models import Token
        from rest_framework.test import APIClient

        from bench.load import ticket_bodies
        from django.contrib.auth import get_user_model
        from ticketsystem.celery import app

        call_command("migrate", verbosity=0)
        user = get_user_model().objects.create_user("profiler", email="profiler@example.com")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        bodies = ticket_bodies()
        expect = 201 if "tickets" in args.path else 200

        def post() -> None:
            response = client.post(args.path, next(bodies), format="json")
            assert response.status_code == expect, response.content

        for _ in range(20):  # warm up: imports, connections, the producer pool
            post()
        with CaptureQueriesContext(connection) as queries:
            post()
        print(f"SQL for one POST {args.path}: {len(queries.captured_queries)} queries")
        for query in queries.captured_queries:
            print(f"  {query['sql'][:160]}")
        reset_queries()
        profiler = cProfile.Profile(time.process_time) if args.clock == "cpu" else cProfile.Profile()
        start, cpu_start = time.perf_counter(), time.process_time()
        profiler.enable()
        for _ in range(args.requests):
            post()
        profiler.disable()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        print(f"\n{args.requests} requests: {elapsed / args.requests * 1000:.2f} ms wall, "
              f"{cpu / args.requests * 1000:.2f} ms CPU each (one thread, profiler on, {args.clock} clock)\n")
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())
        app.control.purge()
    finally:
        from django.db import connections

        connections.close_all()
        database_drop(config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
