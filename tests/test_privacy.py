"""ID numbers and priority groups: consent first, encrypted at rest, masked for staff, never for employers."""

from sqlalchemy import text

from tests.conftest import id_number


def test_sensitive_data_needs_separate_consent(make_worker):
    worker = make_worker()
    r = worker.put("/api/v1/me/profile", {"id_number": id_number()})
    assert r.status_code == 422
    assert "sensitive_consent" in r.get_json()["error"]["fields"]
    assert worker.get("/api/v1/me/profile").get_json()["id_number"] is None


def test_id_number_is_encrypted_at_rest_and_shown_by_role(make_worker, make_employer, make_job, admin, engine):
    number = id_number("520502", "19810412", "001")
    worker = make_worker()
    r = worker.put("/api/v1/me/profile", {"sensitive_consent": True, "id_number": number.lower(),
                                          "priority_groups": ["脱贫人口"]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["id_number"] == number
    # Not in the database in any readable form.
    with engine.connect() as conn:
        for row in conn.execute(text("SELECT * FROM workers")):
            assert number not in " ".join(str(v) for v in row)
            assert "脱贫人口" not in " ".join(str(v) for v in row)
    # Staff: masked; the last four only.
    staff_view = admin.get(f"/api/v1/workers/{worker.worker_id}").get_json()
    assert staff_view["id_number_masked"] == "*" * 14 + number[-4:]
    assert "id_number" not in staff_view
    # An employer the worker applied to: nothing of it, nor birth date, hometown, priority group.
    employer = make_employer()
    job = make_job(employer)
    worker.post(f"/api/v1/jobs/{job['id']}/applications")
    for body in (employer.get(f"/api/v1/workers/{worker.worker_id}").get_data(as_text=True),
                 employer.get(f"/api/v1/jobs/{job['id']}/applications").get_data(as_text=True)):
        for secret in (number, number[-4:], "1981-04-12", "520502", "hometown", "脱贫", "priority", "birth"):
            assert secret not in body


def test_id_number_cannot_belong_to_two_accounts(make_worker):
    number = id_number()
    first, second = make_worker(), make_worker()
    assert first.put("/api/v1/me/profile", {"sensitive_consent": True, "id_number": number}).status_code == 200
    r = second.put("/api/v1/me/profile", {"sensitive_consent": True, "id_number": number})
    assert r.status_code == 409 and "id_number" in r.get_json()["error"]["fields"]


def test_withdrawing_consent_deletes_sensitive_data(make_worker):
    worker = make_worker()
    worker.put("/api/v1/me/profile", {"sensitive_consent": True, "id_number": id_number(), "priority_groups": ["大龄"]})
    r = worker.put("/api/v1/me/profile", {"sensitive_consent": False})
    assert r.get_json()["id_number"] is None and r.get_json()["priority_groups"] == []


def test_deleting_the_account_removes_personal_data_and_signs_out(make_worker, make_job, engine):
    number = id_number()
    worker = make_worker()
    worker.put("/api/v1/me/profile", {"sensitive_consent": True, "id_number": number})
    job = make_job()
    worker.post(f"/api/v1/jobs/{job['id']}/applications")
    assert worker.delete("/api/v1/me").status_code == 200
    assert worker.get("/api/v1/me/profile").status_code == 401
    with engine.connect() as conn:
        row = conn.execute(text("SELECT name, id_number_cipher, id_number_hash, birth_date FROM workers WHERE id = :i"),
                           {"i": worker.worker_id}).one()
        assert tuple(row) == ("", None, None, None)
        phone = conn.execute(text("SELECT phone FROM users WHERE id = :i"), {"i": worker.user.id}).scalar()
        assert phone is None
        # The application stays for the records, anonymous.
        assert conn.execute(text("SELECT count(*) FROM applications")).scalar() == 1


def test_id_numbers_never_reach_the_log(make_worker, caplog):
    number = id_number()
    worker = make_worker()
    with caplog.at_level("DEBUG"):
        worker.put("/api/v1/me/profile", {"sensitive_consent": True, "id_number": "bad" + number})
        worker.put("/api/v1/me/profile", {"sensitive_consent": True, "id_number": number})
    assert number not in caplog.text


def test_counter_registration_makes_an_unclaimed_account_the_worker_can_claim(admin, client, sms, session):
    r = admin.post("/api/v1/admin/workers", {"phone": "13700001111", "name": "刘大姐", "sensitive_consent": True,
                                             "id_number": id_number(), "current_adcode": "520102"})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["id_number_masked"].startswith("**************")
    denied = client.post("/api/v1/auth/token", json={"phone": "13700001111", "password": "whatever1"})
    assert denied.status_code == 401 and "认领" in denied.get_json()["error"]["message"]
    client.post("/api/v1/auth/code", json={"phone": "13700001111", "purpose": "reset"})
    code = sms.last_to("13700001111").split("验证码 ")[1][:6]
    r = client.post("/api/v1/auth/reset", json={"phone": "13700001111", "code": code, "password": "liudajie2026"})
    assert r.status_code == 200
    assert client.post("/api/v1/auth/token", json={"phone": "13700001111", "password": "liudajie2026"}).status_code == 200


def test_production_refuses_default_secrets(database_url):
    import pytest

    from market import create_app
    from market.config import ConfigError

    with pytest.raises(ConfigError):
        create_app({"APP_ENV": "production", "DATABASE_URL": database_url})


def test_staff_can_create_accounts_from_command_line(app, client, session):
    from sqlmodel import func, select

    from market.models import User

    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--role", "admin", "--phone", "+86 137 0000 2222",
                                 "--password", "bureau-pass-1", "--name", "人社"])
    assert result.exit_code == 0, result.output
    # The account is real: it signs in with what was given, as staff, its phone written the one way.
    r = client.post("/api/v1/auth/token", json={"phone": "13700002222", "password": "bureau-pass-1"})
    assert r.status_code == 200
    token = r.get_json()["token"]
    assert client.get("/api/v1/admin/employers", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.post("/api/v1/auth/token", json={"phone": "13700002222", "password": "wrong-pass-1"}).status_code == 401
    users_before = session.exec(select(func.count()).select_from(User)).one()
    bad = runner.invoke(args=["users", "create", "--role", "worker", "--phone", "123", "--password", "bureau-pass-1"])
    assert bad.exit_code != 0 and "手机号" in bad.output
    assert session.exec(select(func.count()).select_from(User)).one() == users_before
