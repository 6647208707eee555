import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from categorization.offline import TRAIN_PATH, model_load, model_reset, model_train


class Command(BaseCommand):
    help = "Train the offline categorization model (fixed seeds) and write its artifact under VAR_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", default=str(TRAIN_PATH), help="training JSONL (never the dev split)")
        parser.add_argument("--output", default=None, help="artifact path (default CATEGORIZATION_MODEL_PATH)")
        parser.add_argument("--if-missing", action="store_true", help="do nothing when a current artifact exists")

    def handle(self, *args, corpus: str, output: str | None, if_missing: bool, **options):
        out_path = Path(output) if output else Path(settings.CATEGORIZATION_MODEL_PATH)
        if if_missing and out_path == Path(settings.CATEGORIZATION_MODEL_PATH) and Path(corpus) == TRAIN_PATH:
            if out_path.exists() and model_load(build_if_missing=False) is not None:
                self.stdout.write(f"categorization model is current: {out_path}")
                return
        meta = model_train(corpus_path=Path(corpus), out_path=out_path)
        model_reset()
        self.stdout.write(f"categorization model written to {out_path}")
        self.stdout.write(json.dumps(meta, sort_keys=True))
