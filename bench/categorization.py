"""Categorization cost of the offline model, against the keyword rules in the same run.

The contract with the categorization app: ``categorization.services.categorizer_chain()``
returns the categorizers, and the offline model is the one whose ``method`` is ``"model"``
(issue 3). Until it exists this step reports why it was skipped.

Run as ``python -m bench.categorization`` (the runner does, in its own process, so the
resident memory measured is that of a fresh process holding Django and the model, like a
worker's pool child); the last line of output is the JSON result.
"""

import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV_SET = REPO / "categorization" / "data" / "corpus_dev.jsonl"


def rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def measure(categorizer, rows: list[dict], *, rounds: int) -> dict:
    from bench.stats import latency_summary_ms

    latencies, correct = [], 0
    start = time.perf_counter()
    for _ in range(rounds):
        for row in rows:
            t0 = time.perf_counter()
            answer = categorizer.categorize(title=row["title"], description=row.get("description", ""))
            latencies.append(time.perf_counter() - t0)
            correct += answer is not None and answer.department == row["department"]
    elapsed = time.perf_counter() - start
    return {
        "tickets": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1),
        "accuracy": round(correct / len(latencies), 3),
        **latency_summary_ms(latencies),
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    rounds = 1 if "--quick" in argv else 5
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticketsystem.settings")
    import django

    django.setup()
    from categorization.keywords import KeywordCategorizer
    from categorization.services import categorizer_chain

    rows = [json.loads(line) for line in DEV_SET.read_text().splitlines() if line.strip()]
    rss_before = rss_mb()
    load_start = time.perf_counter()
    model = next((c for c in categorizer_chain() if getattr(c, "method", "") == "model"), None)
    if model is not None:
        # Make sure the artifact is really loaded: the first answer may load it lazily.
        model.categorize(title="warm up", description="")
    load_seconds = time.perf_counter() - load_start
    result: dict = {"keywords": measure(KeywordCategorizer(), rows, rounds=rounds)}
    if model is None:
        result["skipped"] = (
            "categorization provides no offline model yet: no categorizer with method 'model' in "
            "categorization.services.categorizer_chain()"
        )
    else:
        result["model"] = {
            **measure(model, rows, rounds=rounds),
            "load_seconds": round(load_seconds, 3),
            "process_rss_mb": rss_mb(),
            "rss_added_by_model_mb": round(rss_mb() - rss_before, 1),
        }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
