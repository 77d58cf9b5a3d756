"""Recommendations reach the worker with reasons; candidates reach the employer without identifiers."""

from tests.conftest import id_number, job_payload


def test_worker_gets_recommendations_with_reasons_and_certificate_advice(make_employer, make_worker):
    employer = make_employer()
    employer.post("/api/v1/jobs", job_payload(title="电焊工（持证）", cert_required="特种作业操作证（焊接与热切割作业）"))
    employer.post("/api/v1/jobs", job_payload(title="二保焊工", wage_min=7000, wage_max=9000))
    employer.post("/api/v1/jobs", job_payload(title="保洁", occupation="cleaner", wage_min=3000, wage_max=3500))
    worker = make_worker()  # a welder in 东莞 without the certificate
    r = worker.get(f"/api/v1/workers/{worker.worker_id}/recommendations?k=5")
    assert r.status_code == 200
    body = r.get_json()
    titles = [it["job"]["title"] for it in body["items"]]
    assert titles[0] == "二保焊工"
    assert "电焊工（持证）" not in titles  # never without the certificate the law requires
    assert body["items"][0]["reasons"] and all(isinstance(x, str) for x in body["items"][0]["reasons"])
    advice = {it["job"]["title"]: it["certificate"] for it in body["needs_certificate"]}
    assert advice == {"电焊工（持证）": "特种作业操作证（焊接与热切割作业）"}


def test_recommendations_are_only_for_the_worker_or_staff(make_worker, make_employer, admin):
    worker, other = make_worker(), make_worker()
    url = f"/api/v1/workers/{worker.worker_id}/recommendations"
    assert worker.get(url).status_code == 200
    assert admin.get(url).status_code == 200
    assert other.get(url).status_code == 403
    assert make_employer().get(url).status_code == 403
    assert worker.get(url + "?k=0").status_code == 422


def test_candidates_for_employer_hide_identifiers_and_respect_discoverability(make_employer, make_job, make_worker):
    employer = make_employer()
    job = make_job(employer)
    number = id_number("520502", "19810412", "055")
    visible = make_worker(name="陈师傅")
    visible.put("/api/v1/me/profile", {"sensitive_consent": True, "id_number": number, "priority_groups": ["脱贫人口"]})
    make_worker(name="周师傅", discoverable=False)
    r = employer.get(f"/api/v1/jobs/{job['id']}/candidates?k=10")
    assert r.status_code == 200
    names = [it["worker"]["name"] for it in r.get_json()["items"]]
    assert "陈师傅" in names and "周师傅" not in names
    text = r.get_data(as_text=True)
    for secret in (number, "1981-04-12", "520502", "脱贫", "贵州", "毕节", "hometown", "phone"):
        assert secret not in text


def test_candidates_only_for_the_postings_employer(make_employer, make_job, make_worker, admin):
    job = make_job()
    assert make_employer(name="别家劳务公司").get(f"/api/v1/jobs/{job['id']}/candidates").status_code == 403
    assert make_worker().get(f"/api/v1/jobs/{job['id']}/candidates").status_code == 403
    assert admin.get(f"/api/v1/jobs/{job['id']}/candidates").status_code == 200


def test_ranker_train_without_applications_says_what_to_do(app):
    result = app.test_cli_runner().invoke(args=["ranker", "train"])
    assert result.exit_code != 0 and "Cannot train yet" in result.output


def test_a_model_from_another_scikit_learn_is_refused_not_used(app, client):
    import json
    from pathlib import Path

    model_dir = Path(app.extensions["market"].settings.MODEL_DIR)
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / "ranker-v1-2026-06-01-x.joblib").write_bytes(b"not a model")
    meta = {"kind": "gig-market-ranker", "format_version": 1, "sklearn_version": "0.0.1", "features": []}
    (model_dir / "ranker-v1-2026-06-01-x.json").write_text(json.dumps(meta))
    service = app.extensions["market"].ranker
    service.reload()
    assert not service.has_model()
    assert "retrain" in service.refusal
    assert client.get("/healthz").get_json()["checks"]["ranker"] == "fallback"


def test_a_warmed_worker_answers_its_first_recommendation_without_building_the_index(app, make_employer,
                                                                                        make_worker, monkeypatch):
    from market import warm
    from matching.ranker import Ranker

    make_employer().post("/api/v1/jobs", job_payload(title="二保焊工", wage_min=7000, wage_max=9000))
    worker = make_worker()
    warm(app)  # what gunicorn's post_worker_init does in each serving process

    def no_build(*args, **kwargs):
        raise AssertionError("the first recommendation built the index")

    monkeypatch.setattr(Ranker, "index", staticmethod(no_build))
    r = worker.get(f"/api/v1/workers/{worker.worker_id}/recommendations?k=5")
    assert r.status_code == 200
    assert [it["job"]["title"] for it in r.get_json()["items"]] == ["二保焊工"]
