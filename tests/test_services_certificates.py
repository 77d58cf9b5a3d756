"""Certificates on the worker's profile carry a level and a number, kept in their own table."""

from sqlmodel import select

from market.models import WorkerCertificate


def test_certificate_level_and_number_are_saved_and_read_back(make_worker, session):
    worker = make_worker(certificates=[{"name": "焊工证（中级）", "number": "S1234567890"},
                                       {"name": "电工职业技能等级证书", "level": 3, "number": "DG-2024-001"}])
    me = worker.get("/api/v1/me/profile").get_json()
    assert [(c["name"], c["level"], c["number"]) for c in me["certificates"]] == [
        ("焊工证（中级）", 4, "S1234567890"), ("电工职业技能等级证书", 3, "DG-2024-001")]
    assert me["certificates"][1]["level_name"] == "三级/高级工"
    rows = session.exec(select(WorkerCertificate).where(WorkerCertificate.worker_id == worker.worker_id)
                        .order_by(WorkerCertificate.position)).all()
    assert [(r.level, r.number) for r in rows] == [(4, "S1234567890"), (3, "DG-2024-001")]
    assert rows[0].code is not None  # the catalogue knows the everyday name


def test_a_form_that_sends_only_names_keeps_levels_and_numbers(make_worker):
    worker = make_worker(certificates=[{"name": "电工职业技能等级证书", "level": 4, "number": "DG0001"}])
    r = worker.put("/api/v1/me/profile", {"certificates": [{"name": "电工职业技能等级证书"}]})
    assert r.status_code == 200
    assert (r.get_json()["certificates"][0]["level"], r.get_json()["certificates"][0]["number"]) == (4, "DG0001")
    r = worker.put("/api/v1/me/profile", {"certificates": [{"name": "电工职业技能等级证书", "level": None}]})
    assert r.get_json()["certificates"][0]["level"] is None


def test_a_bad_level_or_number_changes_nothing(make_worker):
    worker = make_worker(certificates=[{"name": "电工职业技能等级证书", "level": 4, "number": "DG0001"}])
    for bad in ({"name": "电工职业技能等级证书", "level": 7}, {"name": "电工职业技能等级证书", "number": "编号？"}):
        r = worker.put("/api/v1/me/profile", {"name": "李师傅", "certificates": [bad]})
        assert r.status_code == 422
        assert "certificates" in r.get_json()["error"]["fields"]
    me = worker.get("/api/v1/me/profile").get_json()
    assert me["name"] == "王师傅" and me["certificates"][0]["number"] == "DG0001"


def test_an_employer_never_sees_certificate_numbers(make_worker, make_job, make_employer):
    employer = make_employer()
    job = make_job(employer)
    worker = make_worker(certificates=[{"name": "电工职业技能等级证书", "level": 4, "number": "DG0001"}])
    assert worker.post(f"/api/v1/jobs/{job['id']}/applications", {}).status_code == 201
    seen = employer.get(f"/api/v1/workers/{worker.worker_id}").get_json()
    assert seen["certificates"][0]["level"] == 4
    assert "number" not in seen["certificates"][0]
