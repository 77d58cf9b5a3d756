"""Workers apply once, whatever they retry; employers decide; the worker hears of every decision."""

from sqlmodel import func, select

from market.models import Application


def _count(session):
    return session.exec(select(func.count()).select_from(Application)).one()


def test_worker_applies_once_however_often_they_tap(make_job, make_worker, session):
    job = make_job()
    worker = make_worker()
    first = worker.post(f"/api/v1/jobs/{job['id']}/applications")
    assert first.status_code == 201 and first.get_json()["status"] == "applied"
    again = worker.post(f"/api/v1/jobs/{job['id']}/applications")
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert _count(session) == 1


def test_same_idempotency_key_replays_and_a_different_body_is_refused(make_job, make_worker, session):
    job = make_job()
    worker = make_worker()
    headers = {"Idempotency-Key": "tap-1"}
    r1 = worker.post(f"/api/v1/jobs/{job['id']}/applications", {"note": "a"}, headers=headers)
    r2 = worker.post(f"/api/v1/jobs/{job['id']}/applications", {"note": "a"}, headers=headers)
    assert (r1.status_code, r2.status_code) == (201, 200)
    assert r1.get_json()["id"] == r2.get_json()["id"]
    r3 = worker.post(f"/api/v1/jobs/{job['id']}/applications", {"note": "b"}, headers=headers)
    assert r3.status_code == 422
    assert r3.get_json()["error"]["code"] == "idempotency_key_reused"
    assert _count(session) == 1


def test_worker_sees_status_and_withdraws(make_job, make_worker):
    job = make_job()
    worker = make_worker()
    app = worker.post(f"/api/v1/jobs/{job['id']}/applications").get_json()
    mine = worker.get("/api/v1/me/applications").get_json()["items"]
    assert [(a["id"], a["status_name"]) for a in mine] == [(app["id"], "已投递")]
    r = worker.post(f"/api/v1/applications/{app['id']}/withdraw")
    assert r.get_json()["status"] == "withdrawn"
    # Applying again brings back the same application, never a second one.
    again = worker.post(f"/api/v1/jobs/{job['id']}/applications")
    assert again.status_code == 200 and again.get_json()["id"] == app["id"] and again.get_json()["status"] == "applied"


def test_employer_moves_application_and_worker_is_told_with_interview_details(make_employer, make_job, make_worker, sms):
    employer = make_employer()
    job = make_job(employer)
    worker = make_worker()
    app = worker.post(f"/api/v1/jobs/{job['id']}/applications").get_json()
    assert employer.post(f"/api/v1/applications/{app['id']}/status", {"status": "viewed"}).status_code == 200
    r = employer.post(f"/api/v1/applications/{app['id']}/status", {"status": "interview"})
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"interview_at", "interview_place"}
    r = employer.post(f"/api/v1/applications/{app['id']}/status",
                      {"status": "interview", "interview_at": "2026-12-01T09:30", "interview_place": "长安镇厂区门卫室"})
    assert r.status_code == 200
    inbox = [n["body"] for n in worker.get("/api/v1/me/notifications").get_json()["items"]]
    assert any("12月01日 09:30" in b and "长安镇厂区门卫室" in b for b in inbox)
    assert any("单位已查看" in b for b in inbox)
    assert "长安镇厂区门卫室" in sms.last_to(worker.user.phone)
    r = employer.post(f"/api/v1/applications/{app['id']}/status", {"status": "hired"})
    assert r.get_json()["status"] == "hired"
    assert "录用" in sms.last_to(worker.user.phone)
    # Decided is decided.
    assert employer.post(f"/api/v1/applications/{app['id']}/status", {"status": "not_hired"}).status_code == 409
    assert worker.post(f"/api/v1/applications/{app['id']}/withdraw").status_code == 409


def test_cannot_hire_past_headcount_and_filled_posting_closes(make_employer, make_job, make_worker, client):
    employer = make_employer()
    job = make_job(employer, headcount=1)
    w1, w2 = make_worker(), make_worker()
    a1 = w1.post(f"/api/v1/jobs/{job['id']}/applications").get_json()
    a2 = w2.post(f"/api/v1/jobs/{job['id']}/applications").get_json()
    assert employer.post(f"/api/v1/applications/{a1['id']}/status", {"status": "hired"}).status_code == 200
    r = employer.post(f"/api/v1/applications/{a2['id']}/status", {"status": "hired"})
    assert r.status_code == 409 and "录满" in r.get_json()["error"]["message"]
    assert client.get(f"/api/v1/jobs/{job['id']}").get_json()["status"] == "closed"
    assert client.get("/api/v1/jobs").get_json()["total"] == 0
    w3 = make_worker()
    assert w3.post(f"/api/v1/jobs/{job['id']}/applications").status_code == 409


def test_cannot_apply_to_paused_posting(make_employer, make_job, make_worker):
    employer = make_employer()
    job = make_job(employer)
    employer.post(f"/api/v1/jobs/{job['id']}/status", {"action": "pause"})
    r = make_worker().post(f"/api/v1/jobs/{job['id']}/applications")
    assert r.status_code == 409 and "停止招聘" in r.get_json()["error"]["message"]


def test_reading_the_inbox_changes_nothing_until_the_worker_marks_it_read(make_employer, make_job, make_worker):
    employer = make_employer()
    worker = make_worker()
    app = worker.post(f"/api/v1/jobs/{make_job(employer)['id']}/applications").get_json()
    employer.post(f"/api/v1/applications/{app['id']}/status", {"status": "viewed"})
    for _ in range(2):  # a GET (a prefetch, a reload) never marks anything read
        items = worker.get("/api/v1/me/notifications").get_json()["items"]
        assert [n["read"] for n in items] == [False]
    assert worker.post("/api/v1/me/notifications/read").get_json() == {"marked": 1}
    assert [n["read"] for n in worker.get("/api/v1/me/notifications").get_json()["items"]] == [True]
    assert worker.post("/api/v1/me/notifications/read").get_json() == {"marked": 0}
