"""The offline model: TF-IDF on words and character n-grams, a linear SVM, and sigmoid-calibrated
probabilities as the confidence. Trained on ``data/corpus_train.jsonl`` only (the dev split is
held out for ``categorization_eval``).

The artifact lives under VAR_DIR. It is built by ``manage.py categorization_train`` (``make run``
does it when missing) and otherwise on first use: a worker that finds it missing or stale (another
corpus, another scikit-learn) trains it in about a second and writes it atomically.
"""

import hashlib
import json
import logging
import os
import re
import tempfile
import unicodedata
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from categorization.base import Categorization

logger = logging.getLogger(__name__)

METHOD = "model"
DATA_DIR = Path(__file__).resolve().parent / "data"
TRAIN_PATH = DATA_DIR / "corpus_train.jsonl"
DEV_PATH = DATA_DIR / "corpus_dev.jsonl"
ARTIFACT_FORMAT = 2
SEED = 20260101


def corpus_load(path: Path | str) -> list[dict[str, str]]:
    """Read a JSONL corpus: one {"title", "description", "department"} object per line."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if not line:
                continue
            row = json.loads(line)
            if not isinstance(row, dict) or "title" not in row:
                raise ValueError(f"{path}:{number}: expected an object with a title")
            rows.append(
                {
                    "title": str(row.get("title") or ""),
                    "description": str(row.get("description") or ""),
                    "department": str(row.get("department") or ""),
                }
            )
    return rows


def model_text(*, title: str, description: str) -> str:
    # The title names the problem most directly: count it twice.
    return f"{title}\n{title}\n{description}"


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sklearn_version() -> str:
    import sklearn

    return sklearn.__version__


def pipeline_build():
    """The untrained estimator; every source of randomness has a fixed seed."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    features = make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode"),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, strip_accents="unicode"),
    )
    classifier = CalibratedClassifierCV(
        LinearSVC(C=0.5, random_state=SEED),
        method="sigmoid",
        cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED),
        ensemble=False,
    )
    return make_pipeline(features, classifier)


_WORD_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_WHITESPACES = re.compile(r"\s\s+")


def _strip_accents(text: str) -> str:
    # As scikit-learn's strip_accents="unicode", after lowercasing.
    try:
        text.encode("ASCII", errors="strict")
        return text
    except UnicodeEncodeError:
        normalized = unicodedata.normalize("NFKD", text)
        return "".join(char for char in normalized if not unicodedata.combining(char))


def _word_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    tokens = _WORD_TOKEN.findall(text)
    grams = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def _char_wb_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    grams: list[str] = []
    for word in _WHITESPACES.sub(" ", text).split():
        word = f" {word} "
        length = len(word)
        for n in range(min_n, max_n + 1):
            offset = 0
            grams.append(word[offset : offset + n])
            while offset + n < length:
                offset += 1
                grams.append(word[offset : offset + n])
            if offset == 0:  # a word shorter than n counts once
                break
    return grams


class CompactModel:
    """The trained pipeline reduced to vocabularies, idf weights, the linear model's coefficients
    and the sigmoid calibrators: predictions need numpy only (no scikit-learn import, no per-call
    validation), which keeps loading well under a second and a prediction around a millisecond.
    A test checks that it gives the same probabilities as the scikit-learn pipeline."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.classes_ = data["classes"]
        self.parts = data["parts"]  # [(kind, ngram_range, vocabulary, idf, coef_block)]
        self.intercept = data["intercept"]
        self.cal_a = data["cal_a"]
        self.cal_b = data["cal_b"]

    @classmethod
    def from_pipeline(cls, pipeline) -> dict[str, Any]:
        import numpy as np

        union, calibrated = pipeline.steps[0][1], pipeline.steps[1][1]
        [fold] = calibrated.calibrated_classifiers_
        svm = fold.estimator
        assert list(svm.classes_) == list(calibrated.classes_)
        parts, start = [], 0
        for _name, vectorizer in union.transformer_list:
            size = len(vectorizer.vocabulary_)
            parts.append(
                (
                    vectorizer.analyzer,
                    tuple(vectorizer.ngram_range),
                    {str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
                    np.asarray(vectorizer.idf_, dtype=np.float64),
                    np.ascontiguousarray(svm.coef_[:, start : start + size].T, dtype=np.float64),
                )
            )
            start += size
        return {
            "classes": [str(c) for c in calibrated.classes_],
            "parts": parts,
            "intercept": np.asarray(svm.intercept_, dtype=np.float64),
            "cal_a": np.array([c.a_ for c in fold.calibrators], dtype=np.float64),
            "cal_b": np.array([c.b_ for c in fold.calibrators], dtype=np.float64),
        }

    def predict_proba_one(self, text: str):
        import numpy as np

        text = _strip_accents(text.lower())
        decision = self.intercept.copy()
        for analyzer, (min_n, max_n), vocabulary, idf, coef in self.parts:
            grams = _word_ngrams(text, min_n, max_n) if analyzer == "word" else _char_wb_ngrams(text, min_n, max_n)
            counts: dict[int, int] = {}
            for gram in grams:
                index = vocabulary.get(gram)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            if not counts:
                continue
            indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * idf[indices]
            values /= np.sqrt(np.dot(values, values))
            decision += values @ coef[indices]
        proba = 1.0 / (1.0 + np.exp(self.cal_a * decision + self.cal_b))
        total = proba.sum()
        return proba / total if total else np.full_like(proba, 1.0 / len(proba))


def pipeline_fit(*, texts: list[str], labels: list[str]):
    pipeline = pipeline_build()
    pipeline.fit(texts, labels)
    return pipeline


def model_train(*, corpus_path: Path | None = None, out_path: Path | None = None) -> dict[str, Any]:
    """Train on the corpus and write the artifact atomically. Returns its metadata."""
    import joblib

    corpus_path = Path(corpus_path or TRAIN_PATH)
    out_path = Path(out_path or settings.CATEGORIZATION_MODEL_PATH)
    started = time.perf_counter()
    rows = corpus_load(corpus_path)
    texts = [model_text(title=row["title"], description=row["description"]) for row in rows]
    labels = [row["department"] for row in rows]
    pipeline = pipeline_fit(texts=texts, labels=labels)
    meta = {
        "format": ARTIFACT_FORMAT,
        "corpus": corpus_path.name,
        "corpus_sha256": _file_sha256(corpus_path),
        "n_examples": len(rows),
        "classes": [str(label) for label in pipeline.classes_],
        "sklearn": _sklearn_version(),
        "seed": SEED,
        "train_seconds": round(time.perf_counter() - started, 3),
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    # Write to a temporary file and rename: a worker loading concurrently sees the old or the new
    # artifact, never half of one; two workers building at once both write the same model.
    fd, tmp_name = tempfile.mkstemp(dir=out_path.parent, prefix=out_path.name, suffix=".tmp")
    os.close(fd)
    try:
        joblib.dump({"meta": meta, "compact": CompactModel.from_pipeline(pipeline)}, tmp_name)
        os.replace(tmp_name, out_path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return meta


@dataclass
class LoadedModel:
    model: CompactModel
    meta: dict[str, Any]
    path: Path
    mtime: float


_lock = threading.Lock()
_loaded: LoadedModel | None = None


def _is_current(meta: dict[str, Any]) -> bool:
    return (
        # The compact artifact needs no scikit-learn at run time, so its version is not checked here.
        meta.get("format") == ARTIFACT_FORMAT
        and (not TRAIN_PATH.exists() or meta.get("corpus_sha256") == _file_sha256(TRAIN_PATH))
    )


def model_load(*, build_if_missing: bool = True) -> LoadedModel | None:
    """The artifact, loaded once per process; built first when missing or stale."""
    global _loaded
    import joblib

    path = Path(settings.CATEGORIZATION_MODEL_PATH)
    with _lock:
        if _loaded is not None and _loaded.path == path and path.exists() and path.stat().st_mtime == _loaded.mtime:
            return _loaded
        data = None
        if path.exists():
            try:
                data = joblib.load(path)
                if not _is_current(data["meta"]):
                    logger.info("categorization model at %s is stale; rebuilding", path)
                    data = None
            except Exception:  # a truncated or foreign file: rebuild rather than fail the ticket
                logger.warning("categorization model at %s is unreadable; rebuilding", path, exc_info=True)
                data = None
        if data is None:
            if not build_if_missing or not TRAIN_PATH.exists():
                return None
            logger.info("building the categorization model at %s", path)
            model_train(out_path=path)
            data = joblib.load(path)
        _loaded = LoadedModel(
            model=CompactModel(data["compact"]), meta=data["meta"], path=path, mtime=path.stat().st_mtime
        )
        return _loaded


def model_reset() -> None:
    """Forget the loaded artifact (tests, or after retraining in the same process)."""
    global _loaded
    with _lock:
        _loaded = None


class ModelCategorizer:
    method = METHOD

    def __init__(self, *, build_if_missing: bool = True) -> None:
        self.build_if_missing = build_if_missing

    @property
    def model_name(self) -> str:
        loaded = model_load(build_if_missing=False)
        return f"tfidf-svm:{loaded.meta['corpus_sha256'][:12]}" if loaded else "tfidf-svm"

    def categorize(self, *, title: str, description: str) -> Categorization | None:
        loaded = model_load(build_if_missing=self.build_if_missing)
        if loaded is None:
            return None
        probabilities = loaded.model.predict_proba_one(model_text(title=title, description=description))
        best = int(probabilities.argmax())
        return Categorization(
            department=loaded.model.classes_[best],
            confidence=round(float(probabilities[best]) * 100),
            method=METHOD,
        )
