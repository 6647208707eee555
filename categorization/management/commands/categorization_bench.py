import json
import statistics
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from categorization.offline import DEV_PATH, corpus_load, model_load, model_text

COLD_LOAD = (
    "import time; t = time.perf_counter(); c = time.process_time(); "
    "from categorization.offline import CompactModel; import joblib; "
    "m = CompactModel(joblib.load({path!r})['compact']); m.predict_proba_one('warm up'); "
    "print(time.perf_counter() - t, time.process_time() - c)"
)


class Command(BaseCommand):
    help = "Measure the offline model: cold load (fresh process) and CPU time per prediction on one core."

    def add_arguments(self, parser):
        parser.add_argument("--loads", type=int, default=3)
        parser.add_argument("--rounds", type=int, default=3)

    def handle(self, *args, loads: int, rounds: int, **options):
        loaded = model_load()
        path = str(settings.CATEGORIZATION_MODEL_PATH)
        cold: list[float] = []
        cold_cpu: list[float] = []
        for _ in range(loads):
            # A fresh interpreter: imports scikit-learn and unpickles the artifact, like a new worker.
            out = subprocess.run(
                [sys.executable, "-c", COLD_LOAD.format(path=path)], capture_output=True, text=True, check=True,
                cwd=settings.BASE_DIR, env={"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(settings.BASE_DIR)},
            )
            wall, cpu_seconds = map(float, out.stdout.split())
            cold.append(wall * 1000)
            cold_cpu.append(cpu_seconds * 1000)
        texts = [model_text(title=r["title"], description=r["description"]) for r in corpus_load(DEV_PATH)]
        cpu = []
        for _ in range(rounds):
            for text in texts:
                started = time.process_time()
                loaded.model.predict_proba_one(text)
                cpu.append((time.process_time() - started) * 1000)
        cpu.sort()
        result = {
            "cold_load_ms": {"min": round(min(cold), 1), "median": round(statistics.median(cold), 1)},
            "cold_load_cpu_ms": {"min": round(min(cold_cpu), 1), "median": round(statistics.median(cold_cpu), 1)},
            "predict_cpu_ms": {
                "mean": round(statistics.fmean(cpu), 3),
                "p50": round(cpu[len(cpu) // 2], 3),
                "p95": round(cpu[int(len(cpu) * 0.95)], 3),
            },
            "predictions": len(cpu),
        }
        self.stdout.write(json.dumps(result))
