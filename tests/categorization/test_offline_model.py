import json

import pytest
from django.core.management import call_command

from categorization import offline
from categorization.offline import DEV_PATH, TRAIN_PATH, ModelCategorizer, corpus_load, model_load, model_reset, model_train


@pytest.fixture
def model_path(settings, tmp_path):
    settings.CATEGORIZATION_MODEL_PATH = tmp_path / "model.joblib"
    model_reset()
    yield settings.CATEGORIZATION_MODEL_PATH
    model_reset()


def test_dev_split_is_never_in_the_training_corpus():
    train = {(row["title"].strip().lower(), row["description"].strip().lower()) for row in corpus_load(TRAIN_PATH)}
    dev = [(row["title"].strip().lower(), row["description"].strip().lower()) for row in corpus_load(DEV_PATH)]
    assert not [pair for pair in dev if pair in train]


def test_corpus_has_at_least_120_examples_per_department():
    from collections import Counter

    counts = Counter(row["department"] for row in corpus_load(TRAIN_PATH) + corpus_load(DEV_PATH))
    assert set(counts) == {"it_support", "hr", "facilities", "finance", "general"}
    assert min(counts.values()) >= 120


def test_training_is_reproducible_and_the_compact_model_matches_scikit_learn(tmp_path):
    import joblib
    import numpy as np

    first = model_train(out_path=tmp_path / "a.joblib")
    second = model_train(out_path=tmp_path / "b.joblib")
    rows = corpus_load(DEV_PATH)[:40] + [{"title": "Ünïcödé  façade", "description": "x", "department": "general"}]
    texts = [offline.model_text(title=r["title"], description=r["description"]) for r in rows]
    a = offline.CompactModel(joblib.load(tmp_path / "a.joblib")["compact"])
    b = offline.CompactModel(joblib.load(tmp_path / "b.joblib")["compact"])
    compact = np.array([a.predict_proba_one(text) for text in texts])
    assert (compact == np.array([b.predict_proba_one(text) for text in texts])).all()
    assert first["corpus_sha256"] == second["corpus_sha256"] and first["seed"] == second["seed"]
    train = corpus_load(TRAIN_PATH)
    pipeline = offline.pipeline_fit(
        texts=[offline.model_text(title=r["title"], description=r["description"]) for r in train],
        labels=[r["department"] for r in train],
    )
    assert np.allclose(compact, pipeline.predict_proba(texts), atol=1e-9)


def test_missing_artifact_is_built_on_first_use(model_path):
    assert not model_path.exists()
    result = ModelCategorizer().categorize(title="Radiator is cold", description="Room 3.12 is freezing")
    assert model_path.exists()
    assert result.method == "model" and result.department == "facilities"
    assert 0 <= result.confidence <= 100


def test_a_corrupt_artifact_is_rebuilt(model_path):
    model_path.write_bytes(b"not a model")
    assert model_load() is not None
    assert model_load().meta["n_examples"] == len(corpus_load(TRAIN_PATH))


def test_train_command_writes_the_artifact_and_skips_when_current(model_path, capsys):
    call_command("categorization_train")
    assert model_path.exists()
    mtime = model_path.stat().st_mtime
    call_command("categorization_train", "--if-missing")
    assert model_path.stat().st_mtime == mtime
    assert "is current" in capsys.readouterr().out


@pytest.mark.parametrize("method", ["model", "keywords"])
def test_eval_command_prints_a_table_and_ends_with_json(method, tmp_path, capsys):
    rows = corpus_load(DEV_PATH)[:25]
    path = tmp_path / "sample.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    call_command("categorization_eval", str(path), "--method", method, "--json")
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    data = json.loads(lines[-1])
    assert "precision" in captured.out and "confusion" in captured.out
    assert data["n"] == 25 and data["method"] == method
    assert 0.0 <= data["accuracy"] <= 1.0
    assert set(data["per_department"]) == {"it_support", "hr", "facilities", "finance", "general"}
    assert sum(sum(row.values()) for row in data["confusion"].values()) == 25
    assert data["latency_ms"]["p95"] >= data["latency_ms"]["mean"] * 0 and "mean" in data["latency_ms"]
    assert "25/25" in captured.err  # the progress bar goes to stderr


def test_eval_command_rejects_a_missing_file():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("categorization_eval", "/nonexistent.jsonl")
