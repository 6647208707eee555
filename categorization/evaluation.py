"""Accuracy of one categorizer on a labelled JSONL file (used by ``manage.py categorization_eval``)."""

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from categorization.base import Categorization
from tickets.departments import DEPARTMENT_SLUGS

NO_ANSWER = "(none)"


@dataclass
class EvalReport:
    method: str
    n: int = 0
    correct: int = 0
    labels: list[str] = field(default_factory=list)
    predictions: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cost_usd: Decimal = Decimal(0)
    outcomes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        classes = list(DEPARTMENT_SLUGS)
        predicted_classes = classes + ([NO_ANSWER] if NO_ANSWER in self.predictions else [])
        per_department = {}
        for dept in classes:
            tp = sum(1 for y, p in zip(self.labels, self.predictions) if y == dept and p == dept)
            fp = sum(1 for y, p in zip(self.labels, self.predictions) if y != dept and p == dept)
            fn = sum(1 for y, p in zip(self.labels, self.predictions) if y == dept and p != dept)
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            per_department[dept] = {
                "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                "support": tp + fn,
            }
        confusion = {
            actual: {
                predicted: sum(1 for y, p in zip(self.labels, self.predictions) if y == actual and p == predicted)
                for predicted in predicted_classes
            }
            for actual in classes
        }
        result = {
            "method": self.method,
            "accuracy": round(self.correct / self.n, 4) if self.n else 0.0,
            "n": self.n,
            "correct": self.correct,
            "per_department": per_department,
            "confusion": confusion,
            "latency_ms": {"mean": round(_mean(self.latencies_ms), 3), "p95": round(_p95(self.latencies_ms), 3)},
            "cpu_ms": {"mean": round(_mean(self.cpu_ms), 3), "p95": round(_p95(self.cpu_ms), 3)},
        }
        if self.method == "ai":
            result["tokens"] = {
                "input": self.input_tokens, "output": self.output_tokens,
                "cache_creation_input": self.cache_creation_input_tokens, "cache_read_input": self.cache_read_input_tokens,
            }
            result["cost_usd"] = float(self.cost_usd)
            result["outcomes"] = self.outcomes
        return result


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _p95(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def progress_write(stream: TextIO, done: int, total: int, width: int = 30) -> None:
    filled = round(width * done / total) if total else width
    stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        stream.write("\n")
    stream.flush()


def corpus_evaluate(
    *,
    rows: list[dict[str, str]],
    method: str,
    categorize: Callable[..., Categorization | None],
    progress: TextIO | None = sys.stderr,
) -> EvalReport:
    report = EvalReport(method=method)
    for index, row in enumerate(rows, start=1):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = categorize(title=row["title"], description=row["description"])
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        report.cpu_ms.append((time.process_time() - cpu_started) * 1000)
        predicted = result.department if result else NO_ANSWER
        report.n += 1
        report.correct += predicted == row["department"]
        report.labels.append(row["department"])
        report.predictions.append(predicted)
        if progress is not None:
            progress_write(progress, index, len(rows))
    return report


def report_table(data: dict) -> str:
    """The human-readable table."""
    lines = [
        f"method: {data['method']}   n: {data['n']}   accuracy: {data['correct'] / data['n']:.1%}"
        f" ({data['correct']}/{data['n']})",
        "",
        f"{'department':<12} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}",
    ]
    for dept, scores in data["per_department"].items():
        lines.append(
            f"{dept:<12} {scores['precision']:>9.3f} {scores['recall']:>7.3f} {scores['f1']:>6.3f} {scores['support']:>8}"
        )
    columns = list(next(iter(data["confusion"].values())).keys())
    lines += ["", "confusion (rows: actual, columns: predicted)", f"{'':<12}" + "".join(f"{c[:10]:>11}" for c in columns)]
    for actual, row in data["confusion"].items():
        lines.append(f"{actual:<12}" + "".join(f"{row[c]:>11}" for c in columns))
    lines += [
        "",
        f"latency ms: mean {data['latency_ms']['mean']:.2f}  p95 {data['latency_ms']['p95']:.2f}"
        f"   (cpu ms: mean {data['cpu_ms']['mean']:.2f}  p95 {data['cpu_ms']['p95']:.2f})",
    ]
    if data["method"] == "ai":
        tokens = data["tokens"]
        lines.append(
            f"tokens: input {tokens['input']}  output {tokens['output']}  cache write {tokens['cache_creation_input']}"
            f"  cache read {tokens['cache_read_input']}   cost: ${data['cost_usd']:.6f}"
        )
        lines.append("outcomes: " + ", ".join(f"{k}={v}" for k, v in sorted(data["outcomes"].items())))
    return "\n".join(lines)
