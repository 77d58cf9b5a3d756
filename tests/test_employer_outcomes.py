"""Employers learn what staff decided (verification, take-downs), can correct a refused registration, see
why a posting has no candidates, and invite a recommended worker to apply."""

from tests.conftest import job_payload, uscc_with_check


def _inbox(api) -> list[str]:
    return [n["body"] for n in api.get("/api/v1/me/notifications").get_json()["items"]]


def test_a_refused_employer_learns_why_corrects_and_is_approved(make_employer, admin, sms):
    employer = make_employer(verified=False)
    url = f"/api/v1/admin/employers/{employer.employer_id}/decision"
    assert admin.post(url, {"approve": False}).status_code == 422  # a refusal needs its reason
    r = admin.post(url, {"approve": False, "note": "营业执照上的名称与填写的不一致"})
    assert r.status_code == 200
    (message,) = _inbox(employer)
    assert "未通过审核" in message and "营业执照上的名称与填写的不一致" in message
    assert "营业执照上的名称与填写的不一致" in sms.last_to(employer.user.phone)
    me = employer.get("/api/v1/employers/me").get_json()
    assert me["status"] == "rejected" and me["can_resubmit"] is True
    assert employer.post("/api/v1/jobs", job_payload()).status_code in (403, 409)

    bad = employer.put("/api/v1/employers/me", {"name": "东", "uscc": "123", "adcode": "999999"})
    assert bad.status_code == 422 and {"name", "uscc", "adcode"} <= set(bad.get_json()["error"]["fields"])
    assert employer.get("/api/v1/employers/me").get_json()["status"] == "rejected"  # nothing half-written
    fixed = employer.put("/api/v1/employers/me", {"name": "东莞市长安五金制品厂", "adcode": "441900",
                                                  "uscc": uscc_with_check("91441900MA5XYW123")})
    assert fixed.status_code == 200, fixed.get_json()
    assert fixed.get_json()["status"] == "pending" and fixed.get_json()["name"] == "东莞市长安五金制品厂"
    assert employer.employer_id in [e["id"] for e in admin.get("/api/v1/admin/employers").get_json()["items"]]

    assert admin.post(url, {"approve": True}).status_code == 200
    assert "已通过人社部门审核" in _inbox(employer)[0]
    assert "已通过人社部门审核" in sms.last_to(employer.user.phone)
    assert employer.put("/api/v1/employers/me", {"name": "别的名字", "adcode": "441900",
                                                 "uscc": uscc_with_check("91441900MA5XYW123")}).status_code == 409
    assert employer.post("/api/v1/jobs", job_payload()).status_code == 201


def test_the_employer_learns_of_a_take_down_and_why(make_employer, make_job, admin, sms):
    employer = make_employer()
    job = make_job(employer)
    r = admin.post(f"/api/v1/admin/jobs/{job['id']}/take-down", {"reason": "岗位要求缴纳押金"})
    assert r.status_code == 200
    assert any("已被人社部门下架" in m and "岗位要求缴纳押金" in m for m in _inbox(employer))
    assert "岗位要求缴纳押金" in sms.last_to(employer.user.phone)


def test_candidates_are_never_empty_without_saying_why(make_employer, make_job, make_worker, client):
    employer = make_employer()
    job = make_job(employer, title="厨师", occupation="cook", description="炒锅。")
    body = employer.get(f"/api/v1/jobs/{job['id']}/candidates").get_json()
    assert body["items"] == [] and "中式烹调师" in body["empty_reason"]
    guarded = make_job(employer, cert_required="特种作业操作证（焊接与热切割作业）")
    make_worker(name="李师傅")  # a welder without the certificate
    body = employer.get(f"/api/v1/jobs/{guarded['id']}/candidates").get_json()
    assert body["items"] == [] and "特种作业操作证（焊接与热切割作业）" in body["empty_reason"]
    client.post("/login", data={"phone": employer.user.phone, "password": "password123"})
    page = client.get(f"/employer/jobs/{job['id']}/candidates").get_data(as_text=True)
    assert 'id="empty-reason"' in page and "中式烹调师" in page


def test_an_employer_invites_a_recommended_worker_to_apply(make_employer, make_job, make_worker, sms, client):
    employer = make_employer()
    job = make_job(employer)
    worker = make_worker(name="陈师傅")
    r = employer.post(f"/api/v1/jobs/{job['id']}/invitations", {"worker_id": worker.worker_id})
    assert r.status_code == 201
    (message,) = _inbox(worker)
    assert "邀请您投递岗位“电焊工”" in message and "东莞市长安五金制品有限公司" in message
    assert "邀请您投递" in sms.last_to(worker.user.phone)
    again = employer.post(f"/api/v1/jobs/{job['id']}/invitations", {"worker_id": worker.worker_id})
    assert again.status_code == 200 and again.get_json()["already"] is True
    assert len(_inbox(worker)) == 1
    assert employer.post(f"/api/v1/jobs/{job['id']}/invitations", {}).status_code == 422
    assert make_employer(name="别家公司").post(f"/api/v1/jobs/{job['id']}/invitations",
                                              {"worker_id": worker.worker_id}).status_code == 403
    hidden = make_worker(name="周师傅", discoverable=False)
    assert employer.post(f"/api/v1/jobs/{job['id']}/invitations", {"worker_id": hidden.worker_id}).status_code == 404
    # the candidates page offers the action and remembers it was taken
    client.post("/login", data={"phone": employer.user.phone, "password": "password123"})
    page = client.get(f"/employer/jobs/{job['id']}/candidates").get_data(as_text=True)
    assert "已邀请投递" in page and f"/candidates/{worker.worker_id}/invite" not in page
    other = make_worker(name="赵师傅")
    page = client.get(f"/employer/jobs/{job['id']}/candidates").get_data(as_text=True)
    assert f"/candidates/{other.worker_id}/invite" in page
    r = client.post(f"/employer/jobs/{job['id']}/candidates/{other.worker_id}/invite")
    assert r.status_code == 302 and any("邀请您投递" in m for m in _inbox(other))
