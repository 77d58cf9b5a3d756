"""What the site recommends is what the offline evaluation measures, and it keeps to what the worker said."""

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session

from market import clock
from market.models import HIRED, Application, Employer, Job
from market.recommend import training_data
from matching import model as model_mod
from matching.offline import rank_market
from matching.ranker import Ranker
from tests.conftest import job_payload

PLACES = ["441900", "440305", "520102", "520502", "330106"]
TRADES = [("welder", "电焊工", "二保焊"), ("cook", "厨师", "炒锅"), ("factory_worker", "普工", "流水线"),
          ("rebar", "钢筋工", "工地"), ("cleaner", "保洁员", "商场保洁")]


def _market(make_employer, make_worker, session, today):
    employers = [make_employer(name=f"第{i}号劳务有限公司", adcode=PLACES[i]) for i in range(3)]
    # Established employers: ten postings at once from a new account are held as a burst (never shown).
    session.exec(update(Employer).where(Employer.id.in_([e.employer_id for e in employers]))
                 .values(created_at=clock.now() - timedelta(days=60)))
    session.commit()
    jobs = []
    for i in range(30):
        code, title, words = TRADES[i % len(TRADES)]
        r = employers[i % 3].post("/api/v1/jobs", job_payload(
            title=title, occupation=code, description=f"{words}，{1 + i % 3}年以上相关经验优先。", adcode=PLACES[i % 5],
            wage_min=4000 + 100 * i, wage_max=6000 + 150 * i, employment_type="gig_daily" if i % 4 == 0 else "full_time",
            benefits=["包吃"] if i % 2 else []))
        assert r.status_code == 201, r.get_json()
        jobs.append(r.get_json())
    workers = []
    for i in range(16):
        code = TRADES[i % len(TRADES)][0]
        workers.append(make_worker(name=f"工人{i}", current_adcode=PLACES[i % 5], hometown_adcode=PLACES[(i + 2) % 5],
                                   occupations=[{"code": code, "years": 2 + i}], expected_wage=5000 + 300 * i,
                                   mobility=["cross", "province", "local"][i % 3],
                                   preferred_type=["full_time", "gig_daily", "any"][i % 3 if i < 12 else 0]))
    apps = []
    for i, w in enumerate(workers):
        for j in (i % 30, (i + 5) % 30, (i + 11) % 30, (i + 17) % 30):
            r = w.post(f"/api/v1/jobs/{jobs[j]['id']}/applications")
            assert r.status_code == 201, r.get_json()
            apps.append(r.get_json()["id"])
    # the applications were made over the last weeks, some of them ended in a hire
    for n, app_id in enumerate(apps):
        values = {"applied_at": today - timedelta(days=2 + n % 20)}
        if n % 4 == 0:
            values["status"] = HIRED
        session.exec(update(Application).where(Application.id == app_id).values(**values))
    session.exec(update(Job).values(posted_at=today - timedelta(days=25)))
    session.commit()
    return workers, jobs


def _site_order(worker) -> list[str]:
    r = worker.get(f"/api/v1/workers/{worker.worker_id}/recommendations?k=10")
    assert r.status_code == 200
    return [str(it["job"]["id"]) for it in r.get_json()["items"]]


def test_one_worker_is_ranked_the_same_on_the_site_and_offline(app, make_employer, make_worker, session, today):
    workers, _ = _market(make_employer, make_worker, session, today)
    with Session(app.extensions["market"].engine) as s:
        postings, profiles, applications = training_data(s)
    ids = [str(w.worker_id) for w in workers]

    offline = rank_market(Ranker.fallback(), postings, profiles, applications, today, ids, k=10)
    for w in workers:
        assert _site_order(w) == offline[str(w.worker_id)]
    assert any(len(v) >= 3 for v in offline.values())

    # the same with a trained model: the one the site loads is the one offline ranks with
    model = model_mod.train(postings, profiles, applications, today, step_days=3, pool=100)
    model_mod.save(model, app.extensions["market"].settings.MODEL_DIR)
    service = app.extensions["market"].ranker
    service.reload()
    assert service.has_model()
    offline = rank_market(Ranker(model), postings, profiles, applications, today, ids, k=10)
    for w in workers:
        assert _site_order(w) == offline[str(w.worker_id)], w.worker_id


def test_recommendations_keep_to_what_the_worker_said(make_employer, make_worker):
    employer = make_employer()
    far = employer.post("/api/v1/jobs", job_payload(title="电焊工（贵阳）", adcode="520102")).get_json()
    near = employer.post("/api/v1/jobs", job_payload(title="电焊工（长安）", wage_min=4000, wage_max=4500)).get_json()
    certified = employer.post("/api/v1/jobs", job_payload(
        title="持证电焊工", cert_required="特种作业操作证（焊接与热切割作业）")).get_json()
    other_trade = employer.post("/api/v1/jobs", job_payload(title="保洁员", occupation="cleaner",
                                                            description="商场保洁。")).get_json()
    worker = make_worker(mobility="local", expected_wage=6000,
                         certificates=[{"name": "焊工证（中级）"}])
    items = {it["job"]["id"]: it for it in worker.get(f"/api/v1/workers/{worker.worker_id}/recommendations").get_json()["items"]}
    assert far["id"] not in items  # 只在本地 in 东莞: 贵阳 is a day's journey away
    if other_trade["id"] in items:  # a cleaner's job for a welder only says why it is there
        assert any(r.startswith("其他工种：保洁员") for r in items[other_trade["id"]]["reasons"])
    assert certified["id"] in items  # 焊工证（中级） is the welding certificate
    assert any(r.startswith("持有特种作业操作证（焊接与热切割作业）") for r in items[certified["id"]]["reasons"])
    assert "工资低于期望 29%" in items[near["id"]]["caveats"]
    assert not any("低于" in r for r in items[near["id"]]["reasons"])
    assert "同城" in items[near["id"]]["reasons"]
    # applied today: gone from the list at once, not tomorrow
    assert worker.post(f"/api/v1/jobs/{near['id']}/applications").status_code == 201
    items = {it["job"]["id"] for it in worker.get(f"/api/v1/workers/{worker.worker_id}/recommendations").get_json()["items"]}
    assert near["id"] not in items and certified["id"] in items


def test_the_recommendations_page_shows_caveats_apart(make_employer, make_worker, client):
    employer = make_employer()
    employer.post("/api/v1/jobs", job_payload(title="电焊工（长安）", wage_min=4000, wage_max=4500))
    worker = make_worker(expected_wage=6000)
    client.post("/login", data={"phone": worker.user.phone, "password": "password123"})
    page = client.get("/me/recommendations").get_data(as_text=True)
    assert '<p class="caveats">要留意：工资低于期望 29%' in page
