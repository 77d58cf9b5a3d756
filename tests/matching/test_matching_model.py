import json
from pathlib import Path

import joblib
import numpy as np
import pytest
import sklearn
from matching_builders import AS_OF, WELD_CERT, make_posting, make_worker

from matching import load, save
from matching.features import FEATURES, PairBatch, PostingIndex, WorkerBlock
from matching.model import FORMAT_VERSION, PairFeaturizer, make_pipeline
from matching.ranker import Ranker
from matching.types import ModelVersionError


def test_trained_model_is_a_pipeline_with_its_feature_code(trained_model):
    steps = trained_model.pipeline.steps
    assert isinstance(steps[0][1], PairFeaturizer)
    assert steps[-1][0] == "model"
    meta = trained_model.metadata
    assert meta["sklearn_version"] == sklearn.__version__
    assert meta["features"] == list(FEATURES)
    assert meta["as_of"] == AS_OF.isoformat()
    assert meta["training_window"]["to"] == "2026-05-31"
    assert meta["training_positives"] > 50 and meta["training_pairs"] > meta["training_positives"]


def test_pipeline_scores_a_pair_batch_and_its_matrix_alike(trained_model, small_market):
    postings, workers, _ = small_market
    index = PostingIndex.build(postings)
    block = WorkerBlock.build(workers[:5])
    wi = np.repeat(np.arange(5), 20)
    pi = np.tile(np.arange(20), 5)
    batch = PairBatch(block, index, wi, pi, AS_OF.toordinal())
    a = trained_model.score(batch)
    b = trained_model.score(batch.features())
    assert a.shape == (100,)
    np.testing.assert_allclose(a, b)
    with pytest.raises(ValueError):
        trained_model.score(np.zeros((3, len(FEATURES) - 1), np.float32))


def test_model_learns_trade_and_place(trained_model):
    ranker = Ranker(trained_model)
    welder = make_worker(current_adcode="520102", hometown_adcode="520102", occupations=[("welder", 5)],
                         certificates=[(WELD_CERT, None)], mobility="local")
    own = make_posting(title="电焊工", occupation="welder", adcode="520102", cert_required=WELD_CERT)
    other = make_posting(title="家政阿姨", occupation="housekeeper", adcode="520102")
    far = make_posting(title="电焊工", occupation="welder", adcode="330106")
    recs = ranker.recommend(welder, [far, other, own], k=3, as_of=AS_OF)
    assert recs[0].id == own.id


def test_save_and_load_round_trip(trained_model, tmp_path, small_market):
    path = save(trained_model, tmp_path / "models")
    assert path.name.startswith(f"ranker-v{FORMAT_VERSION}-{AS_OF.isoformat()}-") and path.suffix == ".joblib"
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["sklearn_version"] == sklearn.__version__ and meta["features"] == list(FEATURES)
    assert meta["training_window"]["from"] <= meta["training_window"]["to"]
    loaded = load(path)
    postings, workers, _ = small_market
    worker = workers[0]
    a = Ranker(trained_model).recommend(worker, postings, k=10, as_of=AS_OF)
    b = Ranker.load(path).recommend(worker, postings, k=10, as_of=AS_OF)
    assert [(r.id, r.score) for r in a] == [(r.id, r.score) for r in b]
    # a directory loads its newest model; the .json path works too
    assert load(tmp_path / "models").metadata["artifact"] == path.name
    assert load(path.with_suffix(".json")).metadata["as_of"] == AS_OF.isoformat()
    assert loaded.metadata["trees"] == trained_model.metadata["trees"]


def _tamper(path: Path, **changes) -> None:
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(changes)
    meta_path.write_text(json.dumps(meta), encoding="utf-8")


def test_other_sklearn_version_is_refused(trained_model, tmp_path):
    path = save(trained_model, tmp_path)
    _tamper(path, sklearn_version="1.0.2")
    with pytest.raises(ModelVersionError, match="scikit-learn 1.0.2"):
        load(path)
    with pytest.raises(ModelVersionError):
        Ranker.load(path)


def test_other_feature_list_is_refused(trained_model, tmp_path):
    path = save(trained_model, tmp_path)
    _tamper(path, features=[*FEATURES, "worker_gender"])
    with pytest.raises(ModelVersionError, match="feature list"):
        load(path)
    _tamper(path, features=list(FEATURES), feature_version=-1)
    with pytest.raises(ModelVersionError):
        load(path)


def test_other_format_or_missing_metadata_is_refused(trained_model, tmp_path):
    path = save(trained_model, tmp_path)
    _tamper(path, format_version=FORMAT_VERSION + 1)
    with pytest.raises(ModelVersionError):
        load(path)
    path.with_suffix(".json").unlink()
    with pytest.raises(ModelVersionError, match="metadata"):
        load(path)


def test_a_pickled_pipeline_for_other_features_is_refused_even_if_metadata_lies(trained_model, tmp_path):
    path = save(trained_model, tmp_path)
    pipeline = make_pipeline()
    pipeline.steps[0] = ("features", PairFeaturizer(features=("a", "b")))
    joblib.dump(pipeline, path)
    with pytest.raises(ModelVersionError):
        load(path)
