import json
from datetime import date

import pytest
from matching_builders import AS_OF, synthetic_market

from matching.dataset import load_market, write_jsonl_gz
from matching.evaluate import metrics
from vocab.certificates import satisfies


def write_market(directory, postings, workers, applications):
    directory.mkdir(parents=True, exist_ok=True)
    write_jsonl_gz(directory / "jobs.jsonl.gz", [
        {"external_id": p.id, "employer": p.employer_id, "title": p.title, "occupation": p.occupation,
         "description": p.description, "adcode": p.adcode, "address": "", "lat": p.lat, "lng": p.lng,
         "wage_min": p.wage_min, "wage_max": p.wage_max, "wage_unit": p.wage_unit,
         "employment_type": p.employment_type, "headcount": p.headcount, "benefits": p.benefits,
         "cert_required": p.cert_required, "skill_level_required": p.skill_level_required,
         "cooperation": p.cooperation, "posted_at": p.posted_at.isoformat(), "closes_at": p.closes_at.isoformat()}
        for p in postings
    ])
    write_jsonl_gz(directory / "workers.jsonl.gz", [
        {"external_id": w.id, "name": "张三", "gender": "男", "id_number": "x", "phone": "1",
         "birth_date": w.birth_date.isoformat(), "hometown_adcode": w.hometown_adcode,
         "current_adcode": w.current_adcode,
         "occupations": [{"code": c, "years": y} for c, y in w.occupations],
         "certificates": [{"name": n, "level": lv} for n, lv in w.certificates],
         "expected_wage": w.expected_wage, "preferred_type": w.preferred_type, "mobility": w.mobility,
         "priority_groups": sorted(w.priority_groups), "labour_brand": w.labour_brand,
         "registered_at": "2025-01-01"}
        for w in workers
    ])
    write_jsonl_gz(directory / "applications_train.jsonl.gz", [
        {"worker": a.worker_id, "job": a.posting_id, "applied_at": a.applied_at.isoformat(),
         "outcome": "hired" if a.hired else "not_hired"}
        for a in applications
    ])


@pytest.fixture(scope="module")
def market_dir(tmp_path_factory):
    postings, workers, applications = synthetic_market(seed=11, n_workers=120, n_postings=400)
    directory = tmp_path_factory.mktemp("market")
    write_market(directory, postings, workers, applications)
    return directory


def test_market_round_trips_through_the_files(market_dir):
    market = load_market(market_dir)
    postings, workers, applications = synthetic_market(seed=11, n_workers=120, n_postings=400)
    assert market.postings == postings
    assert market.applications == applications
    assert [w.id for w in market.workers] == [w.id for w in workers]
    assert market.workers[0].occupations == workers[0].occupations


def test_offline_cli_end_to_end(market_dir, tmp_path, capsys):
    from matching.offline import main

    market = load_market(market_dir)
    ids = [w.id for w in market.workers[:30]] + ["W-NOT-THERE"]
    workers_file = tmp_path / "eval.txt"
    workers_file.write_text("\n".join(ids) + "\n", encoding="utf-8")
    out = tmp_path / "recs.jsonl"
    models = tmp_path / "models"
    code = main(["--data", str(market_dir), "--as-of", AS_OF.isoformat(), "--workers", str(workers_file),
                 "--k", "5", "--out", str(out), "--model-dir", str(models), "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    for label in ("nDCG@5", "recall@5", "hit@5", "model (gradient boosting)", "baseline: popularity",
                  "baseline: content-nearest", "fallback (transparent)"):
        assert label in printed

    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["worker"] for line in lines] == ids
    by_id = {p.id: p for p in market.postings}
    workers = {w.id: w for w in market.workers}
    applied = {(a.worker_id, a.posting_id) for a in market.applications if a.applied_at < AS_OF}
    for line in lines[:-1]:
        jobs = line["jobs"]
        # five when the rules leave five (a local-only worker of a rare trade may have fewer)
        assert len(jobs) <= 5 and len(set(jobs)) == len(jobs)
        for jid in jobs:
            p = by_id[jid]
            assert p.posted_at <= AS_OF < p.closes_at
            assert p.cert_required is None or any(satisfies(c, p.cert_required)
                                                  for c in workers[line["worker"]].certificate_names())
            assert (line["worker"], jid) not in applied
    assert sum(len(line["jobs"]) == 5 for line in lines[:-1]) >= len(lines[:-1]) // 2
    assert lines[-1] == {"worker": "W-NOT-THERE", "jobs": []}
    saved = list(models.glob("ranker-v*.json"))
    assert len(saved) == 1
    meta = json.loads(saved[0].read_text(encoding="utf-8"))
    assert meta["as_of"] == AS_OF.isoformat() and "model_ndcg@5" in meta["metrics"]


def test_metrics_by_hand():
    truth = {1: {10: 1.0, 11: 2.0}, 2: {20: 1.0}, 3: {30: 1.0}}
    ranked = {1: [11, 5, 10], 2: [7, 8, 9], 3: [30]}
    m = metrics(ranked, truth, k=3)
    import math

    dcg1 = 2.0 + 1.0 / math.log2(4)
    assert m.ndcg == pytest.approx((dcg1 / (2.0 + 1.0 / math.log2(3)) + 0.0 + 1.0) / 3)
    assert m.recall == pytest.approx((1.0 + 0.0 + 1.0) / 3)
    assert m.hit == pytest.approx(2 / 3)
    assert m.workers == 3


def test_bench_runs_on_a_small_market(market_dir, capsys):
    from matching.bench import main

    assert main(["--data", str(market_dir), "--as-of", date(2026, 5, 15).isoformat(), "--requests", "20",
                 "--fallback"]) == 0
    assert "p95" in capsys.readouterr().out
