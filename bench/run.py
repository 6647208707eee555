"""`make bench`: start the stack, run every benchmark against its baseline, print a Markdown
table, write JSON to bench/results/.

    python -m bench [--quick] [--repeat 3] [--only intake,pipeline,categorization,dashboards]

With --repeat K the whole run (fresh database and processes included) happens K times and
the table holds the median of each figure.
"""

import argparse
import asyncio
import datetime as dt
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench import load, pipeline, procstat
from bench.stack import QUEUES, REPO, VENV_BIN, Stack, StackConfig
from bench.stats import median_of, ratio

RESULTS = REPO / "bench" / "results"
BENCHMARKS = ("intake", "pipeline", "categorization", "dashboards")
PARTIAL: dict = {"figures": {}, "details": {}}  # the current run's figures, shown if it fails midway


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: few tickets, a few seconds per phase")
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 1)),
                        help="whole runs to make; the table shows medians")
    parser.add_argument("--only", default=os.environ.get("BENCH_ONLY", ",".join(BENCHMARKS)),
                        help="comma-separated subset of " + ",".join(BENCHMARKS))
    parser.add_argument("--clients", type=int, help="closed-loop concurrent clients (default 32, quick 8)")
    parser.add_argument("--duration", type=float, help="seconds per intake phase (default 30, quick 4)")
    parser.add_argument("--tickets", type=int, help="tickets for the pipeline benchmark (default 5000, quick 200)")
    parser.add_argument("--half-duration", type=float, help="seconds of open-loop load at half the peak "
                                                            "(default 30, quick 4)")
    parser.add_argument("--db-name", default=os.environ.get("BENCH_DB_NAME"),
                        help="database created and dropped for the run (default ts_bench)")
    parser.add_argument("--vhost", default=os.environ.get("BENCH_AMQP_VHOST"),
                        help="RabbitMQ vhost (default bench)")
    parser.add_argument("--output", type=Path, help="JSON file to write (default bench/results/<time>.json)")
    args = parser.parse_args(argv)
    args.clients = args.clients or (8 if args.quick else 32)
    args.duration = args.duration or (4.0 if args.quick else 30.0)
    args.warmup = 1.0 if args.quick else 3.0
    args.tickets = args.tickets or (200 if args.quick else 5000)
    args.half_duration = args.half_duration or (4.0 if args.quick else 30.0)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


# --- one run -------------------------------------------------------------------------------
def run_once(args: argparse.Namespace, index: int) -> dict:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    config = StackConfig.from_env(db_name=args.db_name, vhost=args.vhost,
                                  log_dir=REPO / "var" / "bench" / f"{stamp}-{index}")
    # The runner's own Celery app (no-op chains, purge, ping) talks to the same broker and database.
    os.environ["CELERY_BROKER_URL"] = config.bench_broker_url
    os.environ["DATABASE_URL"] = config.bench_database_url
    figures: dict = {}
    details: dict = {"logs": str(config.log_dir)}
    PARTIAL.update(figures=figures, details=details)
    say(f"run {index + 1}/{args.repeat}: starting the stack (database {config.db_name}, vhost /{config.vhost})")
    with Stack(config) as stack:
        import psycopg2

        db = psycopg2.connect(config.bench_database_url)
        db.autocommit = True
        groups = lambda: {  # noqa: E731
            **{name: stack.pids(name) for name in stack.processes},
            "postgres (this db)": procstat.postgres_backend_pids(db, config.db_name),
            "rabbitmq (shared)": procstat.rabbitmq_pids(),
        }
        details["settings"] = {k: stack.env.get(k, "(default)") for k in
                               ("WEB_CONCURRENCY", "WEB_THREADS", "CELERY_CONCURRENCY", "LOG_LEVEL")}
        try:
            if "intake" in args.only:
                intake(args, stack, db, groups, figures, details)
            if "pipeline" in args.only:
                pipeline_bench(args, stack, db, groups, figures, details)
            if "categorization" in args.only:
                categorization(args, stack, figures, details)
            if "dashboards" in args.only:
                dashboards(args, stack, figures, details)
        finally:
            db.close()
    return {"figures": figures, "details": details}


def intake(args, stack: Stack, db, groups, figures: dict, details: dict) -> None:
    common = dict(base_url=stack.base_url, token=stack.token, method="POST", clients=args.clients,
                  duration=args.duration, warmup=args.warmup)
    phases = {
        "ping": dict(path="/api/ping", bodies=load.ticket_bodies(), expect=200),
        "tickets": dict(path="/api/tickets", bodies=load.ticket_bodies(), expect=201),
    }
    for name, spec in phases.items():
        say(f"intake: POST {spec['path']}, {args.clients} clients for {args.duration:.0f}s")
        meter = procstat.CpuMeter(groups)
        meter.start()
        result = asyncio.run(load.closed_loop(**common, **spec))
        usage = meter.stop()
        summary = result.summary()
        details[f"cpu_cores.intake.{name}"] = usage.cores()
        # The warm-up requests are not counted but used CPU: count them in (at the measured rate).
        requests = summary["ok"] * (args.duration + args.warmup) / args.duration
        details[f"cpu_ms_per_request.intake.{name}"] = usage.ms_per(int(requests))
        figures[f"intake.{name}.web_cpu_ms"] = usage.ms_per(int(requests))["web"]
        details[f"intake.{name}"] = summary
        for key in ("rps", "p50_ms", "p95_ms", "p99_ms", "errors"):
            figures[f"intake.{name}.{key}"] = summary[key]
        if name == "tickets":
            say("intake: waiting for the pipeline to drain")
            pipeline.drain(db)
    figures["intake.ratio"] = ratio(figures["intake.tickets.rps"], figures["intake.ping.rps"])


def pipeline_bench(args, stack: Stack, db, groups, figures: dict, details: dict) -> None:
    from bench.broker import celery_app

    say(f"pipeline baseline: {args.tickets} no-op chains over {', '.join(QUEUES)}")
    meter = procstat.CpuMeter(groups)
    meter.start()
    noop = pipeline.noop_run(celery_app(), db, count=args.tickets, queues=QUEUES)
    usage = meter.stop()
    details["cpu_cores.pipeline.noop"] = usage.cores()
    details["cpu_ms_per_ticket.pipeline.noop"] = usage.ms_per(args.tickets)
    figures["pipeline.noop.workers_cpu_ms"] = workers_ms(usage, args.tickets)
    details["pipeline.noop"] = noop

    say(f"pipeline: {args.tickets} tickets through POST /api/tickets ({args.clients} clients), until recorded")
    meter = procstat.CpuMeter(groups)
    meter.start()
    created = asyncio.run(load.closed_loop(
        base_url=stack.base_url, token=stack.token, method="POST", path="/api/tickets",
        bodies=load.ticket_bodies(), expect=201, clients=args.clients, duration=3600, total=args.tickets,
    ))
    pipeline.wait_until(lambda: pipeline.recorded_count(db, created.ids), target=len(created.ids),
                        label="tickets recorded")
    usage = meter.stop()
    details["cpu_cores.pipeline.tickets"] = usage.cores()
    details["cpu_ms_per_ticket.pipeline.tickets"] = usage.ms_per(len(created.ids))
    figures["pipeline.tickets.workers_cpu_ms"] = workers_ms(usage, len(created.ids))
    figures["pipeline.tickets.web_cpu_ms"] = usage.ms_per(len(created.ids))["web"]
    full = pipeline.pipeline_figures(pipeline.ticket_timings(db, created.ids))
    full["created_per_second"] = created.summary()["rps"]
    full["create_errors"] = created.summary()["errors"]
    details["pipeline.tickets"] = full

    half_rate = max(1.0, full["per_second"] / 2)
    say(f"pipeline at half the peak: {half_rate:.1f} tickets/s for {args.half_duration:.0f}s (open loop)")
    meter = procstat.CpuMeter(groups)
    meter.start()
    half = asyncio.run(load.open_loop(
        base_url=stack.base_url, token=stack.token, method="POST", path="/api/tickets",
        bodies=load.ticket_bodies(), expect=201, rate=half_rate, duration=args.half_duration,
    ))
    pipeline.wait_until(lambda: pipeline.recorded_count(db, half.ids), target=len(half.ids),
                        label="tickets recorded at half rate")
    usage = meter.stop()
    details["cpu_cores.pipeline.half"] = usage.cores()
    details["cpu_ms_per_ticket.pipeline.half"] = usage.ms_per(len(half.ids))
    half_figures = pipeline.pipeline_figures(pipeline.ticket_timings(db, half.ids))
    half_figures.update(rate=round(half_rate, 1), create_errors=half.summary()["errors"],
                        create_p95_ms=half.summary()["p95_ms"])
    details["pipeline.half"] = half_figures

    for key in ("per_second", "p50_ms", "p95_ms", "p99_ms"):
        figures[f"pipeline.tickets.{key}"] = full.get(key)
        figures[f"pipeline.noop.{key}"] = noop.get(key)
        figures[f"pipeline.half.{key}"] = half_figures.get(key)
    figures["pipeline.tickets.created_per_second"] = full["created_per_second"]
    figures["pipeline.tickets.errors"] = full["create_errors"] + half_figures["create_errors"]
    figures["pipeline.noop.publish_per_second"] = noop["publish_per_second"]
    figures["pipeline.half.rate"] = half_figures["rate"]
    figures["pipeline.ratio"] = ratio(full.get("per_second"), noop.get("per_second"))
    for name in ("worker_categorization", "worker_routing"):
        details[f"memory.{name}"] = procstat.memory_kb(stack.pids(name))


def workers_ms(usage, count: int) -> float:
    per = usage.ms_per(count)
    return round(sum(v for k, v in per.items() if k.startswith("worker_")), 2)


def categorization(args, stack: Stack, figures: dict, details: dict) -> None:
    say("categorization: offline model against the keyword rules, in a fresh process")
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "bench.categorization", *(["--quick"] if args.quick else [])],
        cwd=REPO, env=stack.env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.categorization failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    details["categorization"] = data
    for method in ("model", "keywords"):
        if method in data:
            for key in ("per_second", "p50_ms", "p95_ms", "accuracy"):
                figures[f"categorization.{method}.{key}"] = data[method][key]
    if "model" in data:
        figures["categorization.model.process_rss_mb"] = data["model"]["process_rss_mb"]
        figures["categorization.ratio"] = ratio(data["model"]["per_second"], data["keywords"]["per_second"])
    else:
        details["categorization.skipped"] = data["skipped"]
        say(f"categorization: model skipped: {data['skipped']}")
    memory = procstat.memory_kb(stack.pids("worker_categorization"))
    details["memory.worker_categorization"] = memory
    figures["categorization.worker_rss_mb"] = memory["rss_mb"]
    figures["categorization.worker_pss_mb"] = memory["pss_mb"]
    baseline = procstat.memory_kb(stack.pids("worker_routing"))
    figures["categorization.routing_worker_rss_mb"] = baseline["rss_mb"]


def dashboards(args, stack: Stack, figures: dict, details: dict) -> None:
    """bench/dashboards.py (issue 5) owns the 1M-ticket dashboards benchmark; run it when present."""
    if importlib.util.find_spec("bench.dashboards") is None:
        message = "bench/dashboards.py is not in this checkout (issue 5 provides it); skipped"
        details["dashboards.skipped"] = message
        say(f"dashboards: {message}")
        return
    say("dashboards: python -m bench.dashboards")
    env = {**stack.env, "BENCH_BASE_URL": stack.base_url, "BENCH_TOKEN": stack.token,
           "BENCH_QUICK": "1" if args.quick else "",
           # bench.dashboards drives Django's test client in-process, which calls itself "testserver".
           "DJANGO_ALLOWED_HOSTS": f"{stack.env.get('DJANGO_ALLOWED_HOSTS', '')},testserver"}
    result = subprocess.run([str(VENV_BIN / "python"), "-m", "bench.dashboards",
                             *os.environ.get("BENCH_DASHBOARDS_ARGS", "").split()],
                            cwd=REPO, env=env, capture_output=True, text=True)
    details["dashboards.output"] = result.stdout[-20000:]
    if result.returncode != 0:
        raise RuntimeError(f"bench.dashboards failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
    print(result.stdout)
    try:
        data = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return
    if isinstance(data, dict):
        details["dashboards"] = data


# --- report ----------------------------------------------------------------------------------
def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return f"{value}{unit}"


def latencies(f: dict, prefix: str) -> str:
    if f.get(f"{prefix}.p50_ms") is None:
        return "–"
    return " / ".join(fmt(f.get(f"{prefix}.{p}_ms")) for p in ("p50", "p95", "p99")) + " ms"


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "NOT met")


def markdown(f: dict, details: dict, runs: int) -> str:
    rows = [("benchmark", "figure", "measured", "baseline", "ratio", "target")]
    if "intake.ratio" in f:
        ok = f["intake.ratio"] is not None and f["intake.ratio"] >= 0.5 and not f["intake.tickets.errors"]
        rows += [
            ("intake", "requests/s: POST /api/tickets vs POST /api/ping", fmt(f["intake.tickets.rps"]),
             fmt(f["intake.ping.rps"]), fmt(f["intake.ratio"]), f"≥ 0.5, 0 errors: {verdict(ok)}"),
            ("intake", "latency p50 / p95 / p99", latencies(f, "intake.tickets"), latencies(f, "intake.ping"), "", ""),
            ("intake", "errors", fmt(f["intake.tickets.errors"]), fmt(f["intake.ping.errors"]), "", ""),
            ("intake", "web process CPU per request", fmt(f.get("intake.tickets.web_cpu_ms"), " ms"),
             fmt(f.get("intake.ping.web_cpu_ms"), " ms"),
             fmt(ratio(f.get("intake.tickets.web_cpu_ms"), f.get("intake.ping.web_cpu_ms"))), ""),
        ]
    if "pipeline.ratio" in f:
        ok = f["pipeline.ratio"] is not None and f["pipeline.ratio"] >= 0.5
        half_ok = f.get("pipeline.half.p95_ms") is not None and f["pipeline.half.p95_ms"] < 1000
        rows += [
            ("pipeline", "tickets fully processed/s (baseline: no-op chains/s)", fmt(f["pipeline.tickets.per_second"]),
             fmt(f["pipeline.noop.per_second"]), fmt(f["pipeline.ratio"]), f"≥ 0.5: {verdict(ok)}"),
            ("pipeline", "creation → recorded at peak, p50 / p95 / p99", latencies(f, "pipeline.tickets"),
             latencies(f, "pipeline.noop"), "", ""),
            ("pipeline", f"creation → recorded at half peak ({fmt(f['pipeline.half.rate'])}/s), p50 / p95 / p99",
             latencies(f, "pipeline.half"), "", "", f"p95 < 1 s: {verdict(half_ok)}"),
            ("pipeline", "tickets accepted by the API/s (publishes/s for no-op)",
             fmt(f["pipeline.tickets.created_per_second"]), fmt(f["pipeline.noop.publish_per_second"]), "", ""),
            ("pipeline", "API errors while creating", fmt(f["pipeline.tickets.errors"]), "", "", "0"),
            ("pipeline", "CPU per ticket in the three workers", fmt(f.get("pipeline.tickets.workers_cpu_ms"), " ms"),
             fmt(f.get("pipeline.noop.workers_cpu_ms"), " ms"),
             fmt(ratio(f.get("pipeline.tickets.workers_cpu_ms"), f.get("pipeline.noop.workers_cpu_ms"))), ""),
        ]
    if "categorization.worker_rss_mb" in f:
        if "categorization.model.per_second" in f:
            rows += [
                ("categorization", "offline model tickets/s, one core (baseline: keyword rules)",
                 fmt(f["categorization.model.per_second"]), fmt(f["categorization.keywords.per_second"]),
                 fmt(f.get("categorization.ratio")), ""),
                ("categorization", "latency per ticket p50 / p95",
                 f"{fmt(f['categorization.model.p50_ms'])} / {fmt(f['categorization.model.p95_ms'])} ms",
                 f"{fmt(f['categorization.keywords.p50_ms'])} / {fmt(f['categorization.keywords.p95_ms'])} ms",
                 "", "p50 < 5 ms (issue 3)"),
                ("categorization", "dev-set accuracy", fmt(f["categorization.model.accuracy"]),
                 fmt(f["categorization.keywords.accuracy"]), "", "≥ 0.9 (issue 3)"),
                ("categorization", "process with Django + model, RSS", fmt(f["categorization.model.process_rss_mb"], " MB"),
                 "", "", ""),
            ]
        else:
            rows.append(("categorization", "offline model", "skipped: not provided yet", "", "", ""))
        rows.append(("categorization", "categorization worker RSS / PSS, all processes (baseline: routing worker RSS)",
                     f"{fmt(f['categorization.worker_rss_mb'])} / {fmt(f['categorization.worker_pss_mb'])} MB",
                     fmt(f["categorization.routing_worker_rss_mb"], " MB"), "", ""))
    if "dashboards.skipped" in details:
        rows.append(("dashboards", "1M tickets", "skipped: bench/dashboards.py not present", "", "", "p95 < 100 ms"))
    elif "dashboards.output" in details:
        rows.append(("dashboards", "1M tickets", "see the table printed by bench.dashboards", "", "", "p95 < 100 ms"))
    lines = [f"Median of {runs} run(s)." if runs > 1 else "One run (use --repeat 3 for medians)."]
    lines += ["", *("| " + " | ".join(row) + " |" for row in rows[:1]), "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    for prefix, title in (("cpu_cores.", "CPU used per phase, in cores (the machine has %d)" % os.cpu_count()),
                          ("cpu_ms_per_request.", "CPU ms per request"), ("cpu_ms_per_ticket.", "CPU ms per ticket")):
        cpu = {k.removeprefix(prefix): v for k, v in details.items() if k.startswith(prefix)}
        if cpu:
            names = sorted({name for usage in cpu.values() for name in usage})
            lines += ["", f"{title} (last run):", "",
                      "| phase | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
            lines += [f"| {phase} | " + " | ".join(fmt(u.get(n)) for n in names) + " |" for phase, u in cpu.items()]
    return "\n".join(lines)


def environment() -> dict:
    def command(*cmd: str) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    import celery
    import django
    import rest_framework

    memory_kb = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")))
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "load_average_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "djangorestframework": rest_framework.VERSION,
        "celery": celery.__version__,
        "postgresql": command("psql", "--version"),
        "rabbitmq": command("rabbitmqctl", "-q", "version"),
        "git": command("git", "-C", str(REPO), "rev-parse", "--short", "HEAD"),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = environment()
    runs = []
    for index in range(args.repeat):
        try:
            runs.append(run_once(args, index))
        except BaseException:
            # Show what was measured before the failure, then fail.
            if PARTIAL["figures"]:
                print(markdown(PARTIAL["figures"], PARTIAL["details"], 1), file=sys.stderr)
            raise
    keys = sorted({key for run in runs for key in run["figures"]})
    medians = {key: median_of([run["figures"].get(key) for run in runs]) for key in keys}
    # The CPU tables and skip notes under the medians are the last run's.
    table = markdown(medians, runs[-1]["details"], len(runs))
    header = (f"{env['date']} · {env['cores']} cores, {env['memory_gib']} GiB · Python {env['python']}, "
              f"Django {env['django']}, Celery {env['celery']}, {env['postgresql']}, RabbitMQ {env['rabbitmq']}"
              f" · load average at start {env['load_average_at_start'][0]:.2f}"
              f" · {'quick' if args.quick else 'full'}: {args.clients} clients × {args.duration:.0f}s,"
              f" {args.tickets} tickets")
    print(f"\n{header}\n\n{table}\n")
    RESULTS.mkdir(parents=True, exist_ok=True)
    output = args.output or RESULTS / f"{env['date'].replace(':', '')}{'-quick' if args.quick else ''}.json"
    parameters = {k: v for k, v in vars(args).items() if k != "output"}
    output.write_text(json.dumps({"environment": env, "parameters": parameters, "median": medians,
                                  "runs": runs, "table": table}, indent=2, default=str))
    say(f"wrote {output}")
    return 0
