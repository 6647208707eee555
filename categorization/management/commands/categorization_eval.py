import json
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from categorization.evaluation import corpus_evaluate, report_table
from categorization.offline import corpus_load


class Command(BaseCommand):
    help = "Accuracy, per-department precision/recall/F1, confusion and latency of one categorizer on a JSONL file."

    def add_arguments(self, parser):
        parser.add_argument("file", help='JSONL lines {"title", "description", "department"}')
        parser.add_argument("--method", choices=["ai", "model", "keywords"], default="model")
        parser.add_argument("--json", action="store_true", help="end with one line of JSON")

    def handle(self, *args, file: str, method: str, json: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            rows = corpus_load(path)
        except ValueError as error:
            raise CommandError(f"{file}: not JSONL with title/description/department: {error}") from error
        if not rows:
            raise CommandError(f"{file}: no examples")
        extra: dict = {}
        categorizer = self._categorizer(method, extra)
        report = corpus_evaluate(rows=rows, method=method, categorize=categorizer.categorize, progress=self.stderr._out)
        if method == "ai":
            attempts = categorizer.attempts
            report.input_tokens = sum(a.input_tokens for a in attempts)
            report.output_tokens = sum(a.output_tokens for a in attempts)
            report.cache_creation_input_tokens = sum(a.cache_creation_input_tokens for a in attempts)
            report.cache_read_input_tokens = sum(a.cache_read_input_tokens for a in attempts)
            report.cost_usd = sum((a.cost_usd for a in attempts), Decimal(0))
            report.outcomes = dict(Counter(a.outcome for a in attempts))
        data = report.as_dict() | extra
        self.stdout.write(report_table(data))
        if "load_ms" in extra:
            self.stdout.write(f"model load ms: {extra['load_ms']:.1f}")
        if json:
            import json as json_module

            self.stdout.write(json_module.dumps(data, sort_keys=True))

    def _categorizer(self, method: str, extra: dict):
        if method == "keywords":
            from categorization.keywords import KeywordCategorizer

            return KeywordCategorizer()
        if method == "model":
            from categorization.offline import ModelCategorizer, model_load, model_reset

            model_reset()
            started = time.perf_counter()
            if model_load() is None:
                raise CommandError("the offline model is not available (no training corpus)")
            extra["load_ms"] = round((time.perf_counter() - started) * 1000, 1)
            return ModelCategorizer()
        from categorization.ai import ClaudeCategorizer, ai_configured

        if not ai_configured():
            raise CommandError("--method ai needs ANTHROPIC_API_KEY")
        return ClaudeCategorizer(retry_transient=False)
