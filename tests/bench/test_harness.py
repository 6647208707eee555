"""The benchmark harness's arithmetic and report (the benchmarks themselves are never timed tests)."""

from bench.pipeline import noop_chain, pipeline_figures
from bench.run import markdown, parse_args
from bench.stats import latency_summary_ms, median_of, percentile, ratio
from ticketsystem.celery import app


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None


def test_latency_summary_is_in_milliseconds():
    summary = latency_summary_ms([0.010] * 99 + [1.0])
    assert summary["p50_ms"] == 10.0 and summary["p99_ms"] == 10.0 and summary["max_ms"] == 1000.0


def test_median_and_ratio_skip_missing_values():
    assert median_of([3.0, None, 1.0, 2.0]) == 2.0
    assert median_of([None]) is None
    assert ratio(50, 200) == 0.25
    assert ratio(None, 2) is None and ratio(1, 0) is None


def test_pipeline_figures_span_first_creation_to_last_recording():
    timings = [(100.0, 100.5), (100.1, 101.0), (100.2, 102.0)]
    figures = pipeline_figures(timings)
    assert figures["processed"] == 3
    assert figures["seconds"] == 2.0
    assert figures["per_second"] == 1.5
    assert figures["p50_ms"] == 900.0


def test_noop_chain_crosses_the_three_queues_and_names_its_last_task():
    chain = noop_chain(app, token="t", final_task_id="last-id", queues=("categorization", "routing", "analytics"))
    assert [task.options["queue"] for task in chain.tasks] == ["categorization", "routing", "analytics"]
    assert all(task.name == "gateway.tasks.bench_noop" and task.immutable for task in chain.tasks)
    assert chain.tasks[-1].options["task_id"] == "last-id"


def test_quick_flag_shrinks_the_run():
    quick, full = parse_args(["--quick"]), parse_args([])
    assert quick.tickets < full.tickets == 5000
    assert quick.duration < full.duration == 30
    assert parse_args(["--tickets", "123", "--repeat", "3"]).tickets == 123


def test_report_checks_targets_and_names_skipped_steps():
    figures = {
        "intake.tickets.rps": 300.0, "intake.ping.rps": 500.0, "intake.ratio": 0.6, "intake.tickets.errors": 0,
        "intake.ping.errors": 0, "intake.tickets.p50_ms": 20.0, "intake.tickets.p95_ms": 40.0,
        "intake.tickets.p99_ms": 60.0,
    }
    details = {"dashboards.skipped": "not here"}
    table = markdown(figures, details, 1)
    assert "| intake | requests/s: POST /api/tickets vs POST /api/ping | 300.0 | 500.0 | 0.60 | ≥ 0.5, 0 errors: met |" in table
    assert "skipped: bench/dashboards.py not present" in table
    figures["intake.tickets.errors"] = 2
    assert "NOT met" in markdown(figures, details, 1)
