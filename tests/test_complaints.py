"""Wage complaints: a worker files one against a posting or an employer, sees only their own, the bureau works
the queue and the worker hears of every step; a posting shows how many complaints against its employer are open."""

import re
from datetime import timedelta

import pytest
from sqlmodel import func, select

from market.models import AuditEntry, WageComplaint
from tests.conftest import id_number

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _body(today, **overrides) -> dict:
    body = {"amount_owed": 4200, "period_start": (today - timedelta(days=60)).isoformat(),
            "period_end": (today - timedelta(days=30)).isoformat(), "description": "三月、四月的工资一直没发，老板说再等等。"}
    body.update(overrides)
    return body


def _complaints(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(WageComplaint)).one()


def _audit(session, action: str) -> list[AuditEntry]:
    session.expire_all()
    return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture
def posting(make_employer, make_job):
    employer = make_employer(name="东莞市拖欠五金厂")
    return employer, make_job(employer, title="冲压工")


# ---- filing ----

def test_worker_files_against_a_posting_and_the_posting_names_the_employer(posting, make_worker, today, session):
    employer, job = posting
    worker = make_worker()
    r = worker.post("/api/v1/complaints", _body(today, job_id=job["id"]))
    assert r.status_code == 201, r.get_json()
    c = r.get_json()
    assert c["employer"] == {"id": employer.employer_id, "name": "东莞市拖欠五金厂"}
    assert c["job"] == {"id": job["id"], "title": "冲压工"}
    assert (c["status"], c["status_name"], c["amount_owed"]) == ("filed", "已提交，等待受理", 4200)
    assert c["description"].startswith("三月、四月")
    [entry] = _audit(session, "complaint.file")
    assert (entry.actor_id, entry.target_id, entry.detail["employer_id"]) == (worker.user.id, c["id"], employer.employer_id)


def test_worker_files_against_an_employer_without_naming_a_posting(posting, make_worker, today):
    employer, _ = posting
    worker = make_worker()
    r = worker.post("/api/v1/complaints", _body(today, employer_id=employer.employer_id, description=""))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["employer"]["id"] == employer.employer_id and r.get_json()["job"] is None


def test_sending_the_same_complaint_twice_keeps_one(posting, make_worker, today, session):
    _, job = posting
    worker = make_worker()
    first = worker.post("/api/v1/complaints", _body(today, job_id=job["id"]))
    again = worker.post("/api/v1/complaints", _body(today, job_id=job["id"]))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert _complaints(session) == 1


def test_amounts_and_ids_typed_into_a_form_are_accepted(posting, make_worker, today):
    _, job = posting
    worker = make_worker()
    r = worker.post("/api/v1/complaints", _body(today, job_id=str(job["id"]), amount_owed="３５００"))
    assert r.status_code == 201 and r.get_json()["amount_owed"] == 3500


BAD_BODIES = [
    ("neither employer nor posting", lambda e, j, t: _body(t), "employer_id"),
    ("both employer and posting", lambda e, j, t: _body(t, employer_id=e, job_id=j), "job_id"),
    ("posting that does not exist", lambda e, j, t: _body(t, job_id=j + 999), "job_id"),
    ("employer that does not exist", lambda e, j, t: _body(t, employer_id=e + 999), "employer_id"),
    ("employer id not a number", lambda e, j, t: _body(t, employer_id="东莞五金厂"), "employer_id"),
    ("no amount", lambda e, j, t: {k: v for k, v in _body(t, job_id=j).items() if k != "amount_owed"}, "amount_owed"),
    ("zero amount", lambda e, j, t: _body(t, job_id=j, amount_owed=0), "amount_owed"),
    ("negative amount", lambda e, j, t: _body(t, job_id=j, amount_owed=-300), "amount_owed"),
    ("amount with fen", lambda e, j, t: _body(t, job_id=j, amount_owed="4200.50"), "amount_owed"),
    ("fractional amount", lambda e, j, t: _body(t, job_id=j, amount_owed=4200.5), "amount_owed"),
    ("amount as true", lambda e, j, t: _body(t, job_id=j, amount_owed=True), "amount_owed"),
    ("absurd amount", lambda e, j, t: _body(t, job_id=j, amount_owed=1_000_001), "amount_owed"),
    ("start not a date", lambda e, j, t: _body(t, job_id=j, period_start="2026年3月"), "period_start"),
    ("start missing", lambda e, j, t: _body(t, job_id=j, period_start=""), "period_start"),
    ("end missing", lambda e, j, t: _body(t, job_id=j, period_end=None), "period_end"),
    ("end before start", lambda e, j, t: _body(t, job_id=j, period_start=(t - timedelta(days=5)).isoformat(),
                                               period_end=(t - timedelta(days=6)).isoformat()), "period_end"),
    ("end in the future", lambda e, j, t: _body(t, job_id=j, period_end=(t + timedelta(days=1)).isoformat()),
     "period_end"),
    ("description too long", lambda e, j, t: _body(t, job_id=j, description="欠" * 2001), "description"),
    ("description not text", lambda e, j, t: _body(t, job_id=j, description=["欠薪"]), "description"),
]


@pytest.mark.parametrize(("case", "make_body", "field"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_a_wrong_field_is_named_in_chinese_and_nothing_is_written(posting, make_worker, today, session,
                                                                   case, make_body, field):
    employer, job = posting
    worker = make_worker()
    r = worker.post("/api/v1/complaints", make_body(employer.employer_id, job["id"], today))
    assert r.status_code == 422, (case, r.get_json())
    error = r.get_json()["error"]
    assert list(error["fields"]) == [field]
    assert CHINESE.search(error["fields"][field]) and CHINESE.search(error["message"])
    assert _complaints(session) == 0
    assert _audit(session, "complaint.file") == []


def test_every_wrong_field_is_named_at_once(make_worker, today):
    worker = make_worker()
    r = worker.post("/api/v1/complaints", {"amount_owed": "很多", "period_start": "昨天",
                                           "period_end": (today + timedelta(days=3)).isoformat()})
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"employer_id", "amount_owed", "period_start", "period_end"}


def test_the_end_of_the_period_may_be_today(posting, make_worker, today):
    _, job = posting
    r = make_worker().post("/api/v1/complaints", _body(today, job_id=job["id"], period_start=today.isoformat(),
                                                        period_end=today.isoformat()))
    assert r.status_code == 201


# ---- who sees what ----

def test_worker_sees_only_their_own_complaints(posting, make_worker, today):
    _, job = posting
    wang, li = make_worker(name="王师傅"), make_worker(name="李师傅")
    mine = wang.post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()
    li.post("/api/v1/complaints", _body(today, job_id=job["id"], amount_owed=999))
    r = wang.get("/api/v1/complaints")
    assert r.status_code == 200
    assert [c["id"] for c in r.get_json()["items"]] == [mine["id"]] and r.get_json()["total"] == 1
    assert "worker" not in r.get_json()["items"][0]
    assert [c["amount_owed"] for c in li.get("/api/v1/complaints").get_json()["items"]] == [999]


def test_employers_and_organisers_cannot_read_or_file_complaints(posting, make_user, make_worker, today):
    employer, job = posting
    make_worker().post("/api/v1/complaints", _body(today, job_id=job["id"]))
    organiser = make_user("organiser")
    for caller in (employer, organiser):
        assert caller.get("/api/v1/complaints").status_code == 403
        assert caller.post("/api/v1/complaints", _body(today, job_id=job["id"])).status_code == 403
    assert employer.post("/api/v1/complaints/1/status", {"status": "dismissed", "note": "没有欠"}).status_code == 403
    assert employer.client.get("/api/v1/complaints").status_code == 401


def test_staff_see_the_queue_newest_first_with_the_workers_name_and_phone_but_no_identifiers(
        posting, make_worker, admin, today):
    _, job = posting
    number = id_number("520502", "19810412")
    wang = make_worker(name="王师傅", hometown_adcode="520502", id_number=number, sensitive_consent=True)
    li = make_worker(name="李师傅")
    older = wang.post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()
    newer = li.post("/api/v1/complaints", _body(today, job_id=job["id"], amount_owed=800)).get_json()
    r = admin.get("/api/v1/complaints")
    assert r.status_code == 200
    items = r.get_json()["items"]
    assert [c["id"] for c in items] == [newer["id"], older["id"]]
    assert items[1]["worker"] == {"id": wang.worker_id, "name": "王师傅", "phone": wang.user.phone}
    assert items[1]["employer"]["name"] == "东莞市拖欠五金厂" and items[1]["job"]["title"] == "冲压工"
    text = r.get_data(as_text=True)
    assert number not in text and "520502" not in text and "hometown" not in text and "id_number" not in text


def test_staff_filter_the_queue_by_status_and_a_wrong_status_is_named(posting, make_worker, admin, today):
    _, job = posting
    worker = make_worker()
    a = worker.post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()
    b = worker.post("/api/v1/complaints", _body(today, job_id=job["id"], amount_owed=100)).get_json()
    admin.post(f"/api/v1/complaints/{a['id']}/status", {"status": "in_progress"})
    assert [c["id"] for c in admin.get("/api/v1/complaints?status=filed").get_json()["items"]] == [b["id"]]
    assert [c["id"] for c in admin.get("/api/v1/complaints?status=in_progress").get_json()["items"]] == [a["id"]]
    r = admin.get("/api/v1/complaints?status=closed")
    assert r.status_code == 422 and list(r.get_json()["error"]["fields"]) == ["status"]


# ---- handling ----

def test_staff_take_up_and_resolve_a_complaint_and_the_worker_is_told_each_time(posting, make_worker, admin, sms,
                                                                               today, session):
    _, job = posting
    worker = make_worker()
    c = worker.post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()

    r = admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "in_progress"})
    assert r.status_code == 200 and r.get_json()["status_name"] == "处理中"
    inbox = [n["body"] for n in worker.get("/api/v1/me/notifications").get_json()["items"]]
    assert "已由人社部门受理" in inbox[0] and "东莞市拖欠五金厂" in inbox[0] and "4200 元" in inbox[0]
    assert "已由人社部门受理" in sms.last_to(worker.user.phone)

    r = admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "resolved"})
    assert r.status_code == 422 and list(r.get_json()["error"]["fields"]) == ["note"]
    r = admin.post(f"/api/v1/complaints/{c['id']}/status",
                   {"status": "resolved", "note": "经劳动监察大队协调，单位已于 5 月 20 日补发全部工资"})
    assert r.status_code == 200 and r.get_json()["status"] == "resolved"
    assert r.get_json()["note"].startswith("经劳动监察大队协调")
    inbox = [n["body"] for n in worker.get("/api/v1/me/notifications").get_json()["items"]]
    assert "已处理完毕：经劳动监察大队协调" in inbox[0] and len(inbox) == 2
    assert "补发全部工资" in sms.last_to(worker.user.phone)
    mine = worker.get("/api/v1/complaints").get_json()["items"][0]
    assert (mine["status_name"], mine["note"][:9]) == ("已解决", "经劳动监察大队协调")
    assert [e.detail["from_status"] for e in _audit(session, "complaint.resolved")] == ["in_progress"]

    # A resolved complaint stays resolved.
    r = admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "in_progress"})
    assert r.status_code == 409 and "status" in r.get_json()["error"]["fields"]
    assert len(worker.get("/api/v1/me/notifications").get_json()["items"]) == 2


def test_staff_may_dismiss_a_filed_complaint_with_a_reason(posting, make_worker, admin, today):
    _, job = posting
    worker = make_worker()
    c = worker.post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()
    r = admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "dismissed", "note": "  "})
    assert r.status_code == 422 and list(r.get_json()["error"]["fields"]) == ["note"]
    r = admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "dismissed", "note": "重复投诉，已并入第 3 号"})
    assert r.status_code == 200 and r.get_json()["status_name"] == "不予受理"
    assert "不予受理：重复投诉" in worker.get("/api/v1/me/notifications").get_json()["items"][0]["body"]


def test_a_status_staff_cannot_set_is_named(posting, make_worker, admin, today):
    _, job = posting
    c = make_worker().post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()
    for status in ("filed", "closed", ""):
        r = admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": status})
        assert r.status_code == 422 and list(r.get_json()["error"]["fields"]) == ["status"]
    assert admin.post("/api/v1/complaints/999999/status", {"status": "in_progress"}).status_code == 404


# ---- the posting carries the employer's open complaints ----

def test_a_posting_counts_only_its_employers_open_complaints(posting, make_employer, make_job, make_worker, admin,
                                                              client, today):
    employer, job = posting
    other_job = make_job(make_employer(name="守信建筑劳务有限公司"))
    worker = make_worker()
    assert client.get(f"/api/v1/jobs/{job['id']}").get_json()["employer"]["open_wage_complaints"] == 0

    ids = [worker.post("/api/v1/complaints", _body(today, employer_id=employer.employer_id, amount_owed=amount))
           .get_json()["id"] for amount in (100, 200, 300, 400)]
    worker.post("/api/v1/complaints", _body(today, job_id=other_job["id"]))
    admin.post(f"/api/v1/complaints/{ids[1]}/status", {"status": "in_progress"})
    admin.post(f"/api/v1/complaints/{ids[2]}/status", {"status": "resolved", "note": "已补发"})
    admin.post(f"/api/v1/complaints/{ids[3]}/status", {"status": "dismissed", "note": "不属实"})

    # Filed and in progress count; resolved and dismissed do not; nor another employer's.
    assert client.get(f"/api/v1/jobs/{job['id']}").get_json()["employer"]["open_wage_complaints"] == 2
    assert client.get(f"/api/v1/jobs/{other_job['id']}").get_json()["employer"]["open_wage_complaints"] == 1
    assert "该单位有 2 件欠薪投诉正在处理" in client.get(f"/jobs/{job['id']}").get_data(as_text=True)
    # The job list carries the same counts, for every posting on the page.
    listed = {h["id"]: h["employer"]["open_wage_complaints"] for h in client.get("/api/v1/jobs").get_json()["hits"]}
    assert listed == {job["id"]: 2, other_job["id"]: 1}


# ---- pages ----

def _sign_in(api) -> None:
    r = api.client.post("/login", data={"phone": api.user.phone, "password": "password123"})
    assert r.status_code == 302


def test_worker_files_from_the_page_by_picking_a_posting_they_applied_to(posting, make_worker, today):
    _, job = posting
    worker = make_worker()
    worker.post(f"/api/v1/jobs/{job['id']}/applications")
    _sign_in(worker)
    page = worker.client.get("/me/complaints").get_data(as_text=True)
    assert f'<option value="{job["id"]}"' in page and "东莞市拖欠五金厂 · 冲压工" in page

    form = {"job_id": str(job["id"]), "other_job_id": "", "amount_owed": "5600",
            "period_start": (today - timedelta(days=40)).isoformat(), "period_end": (today - timedelta(days=10)).isoformat(),
            "description": "包工头跑了"}
    r = worker.client.post("/me/complaints", data=form, follow_redirects=True)
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "投诉已提交" in page and "5600 元" in page and "已提交，等待受理" in page
    assert [c["amount_owed"] for c in worker.get("/api/v1/complaints").get_json()["items"]] == [5600]


def test_the_page_shows_what_is_wrong_and_keeps_what_was_typed(make_worker, session, today):
    worker = make_worker()
    _sign_in(worker)
    r = worker.client.post("/me/complaints", data={"job_id": "", "other_job_id": "", "amount_owed": "0",
                                                   "period_start": today.isoformat(), "period_end": "",
                                                   "description": "老板不接电话"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "请选择被投诉的岗位，或者填写岗位编号" in page and "欠薪金额应为" in page and "请填写欠薪结束日期" in page
    assert "老板不接电话" in page
    assert _complaints(session) == 0


def test_staff_work_the_queue_from_the_page(posting, make_worker, admin, today):
    _, job = posting
    worker = make_worker(name="张师傅")
    c = worker.post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()
    _sign_in(admin)
    page = admin.client.get("/admin/complaints").get_data(as_text=True)
    assert "张师傅" in page and worker.user.phone in page and "冲压工" in page

    r = admin.client.post(f"/admin/complaints/{c['id']}/status", data={"status": "resolved", "note": ""},
                          follow_redirects=True)
    assert "没有改动" in r.get_data(as_text=True)
    r = admin.client.post(f"/admin/complaints/{c['id']}/status", data={"status": "in_progress", "note": ""},
                          follow_redirects=True)
    assert "已改为：处理中" in r.get_data(as_text=True)
    assert "已由人社部门受理" in worker.get("/api/v1/me/notifications").get_json()["items"][0]["body"]


def test_only_staff_open_the_complaint_queue_page(posting, make_worker):
    employer, _ = posting
    worker = make_worker()
    for api in (employer, worker):
        _sign_in(api)
        assert api.client.get("/admin/complaints").status_code == 403
    assert employer.client.get("/me/complaints").status_code == 403
