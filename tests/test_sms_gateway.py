"""The HTTP SMS gateway behind the SMS interface, against a fake gateway started here (a tiny http.server):
what it receives, what happens when it refuses or hangs, and that pages only say a message went out when a
gateway took it."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from market import create_app
from market.config import ConfigError
from market.sms import HttpSmsSender, SmsError

KEY = "gateway-test-key"
PORTS = range(8530, 8540)  # this checkout's ports


class FakeGateway:
    """Records each POST; answers as ``mode`` says: ok, error (500), refused (200 with ok:false), slow."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.mode = "ok"
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                gateway.received.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                         "type": self.headers.get("Content-Type"), "body": body})
                if gateway.mode == "slow":
                    time.sleep(1.5)
                status, answer = {"ok": (200, {"ok": True, "id": f"m{len(gateway.received)}"}),
                                  "error": (500, {"error": "internal"}),
                                  "refused": (200, {"ok": False, "error": "号码已退订"}),
                                  "slow": (200, {"ok": True})}[gateway.mode]
                if self.headers.get("Authorization") != f"Bearer {KEY}":
                    status, answer = 401, {"error": "bad key"}
                raw = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (the slow mode)

            def log_message(self, *args) -> None:
                pass

        for port in PORTS:
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError("no free port in 8530-8539")
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def texts_to(self, phone: str) -> list[str]:
        return [r["body"]["text"] for r in self.received if r["body"].get("phone") == phone]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def gateway():
    fake = FakeGateway()
    yield fake
    fake.stop()


@pytest.fixture
def app(database_url, tmp_path, gateway):
    from tests.conftest import _truncate

    app = create_app({
        "DATABASE_URL": database_url, "TESTING": True, "SMS_BACKEND": "http", "SMS_GATEWAY_URL": gateway.url,
        "SMS_GATEWAY_KEY": KEY, "SMS_GATEWAY_TIMEOUT": 0.5, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
        "SEARCH_ENABLED": False, "MODEL_DIR": str(tmp_path / "models"), "REDIS_URL": None,
    })
    yield app
    _truncate(app.extensions["market"].engine)
    app.extensions["market"].engine.dispose()


def test_a_registration_code_travels_through_the_gateway(client, gateway):
    r = client.post("/api/v1/auth/code", json={"phone": "13800138111", "purpose": "register"})
    assert r.status_code == 200
    sent = gateway.received[-1]
    assert sent["auth"] == f"Bearer {KEY}" and sent["type"] == "application/json" and sent["path"] == "/sms/send"
    assert sent["body"]["phone"] == "13800138111" and sent["body"]["sign"] == "零工市场"
    code = sent["body"]["text"].split("验证码 ")[1][:6]
    r = client.post("/api/v1/auth/register", json={"phone": "13800138111", "code": code, "password": "hanjie2026",
                                                   "role": "worker", "name": "张师傅"})
    assert r.status_code == 201


def test_the_code_page_says_sent_only_with_a_gateway(client, app):
    from market.sms import LogSmsSender

    r = client.post("/register", data={"phone": "13800138112", "step": "code"})
    assert "验证码已发送，请查看短信" in r.get_data(as_text=True)
    app.extensions["market"].sms = LogSmsSender()
    r = client.post("/register", data={"phone": "13800138113", "step": "code"})
    page = r.get_data(as_text=True)
    assert "短信未发送" in page and "验证码已发送" not in page


def test_a_complaint_step_reaches_the_workers_phone(make_employer, make_job, make_worker, admin, gateway, today):
    job = make_job(make_employer(name="东莞市拖欠五金厂"))
    worker = make_worker()
    c = worker.post("/api/v1/complaints", {"job_id": job["id"], "amount_owed": 4200,
                                           "period_start": (today - timedelta(days=30)).isoformat(),
                                           "period_end": today.isoformat()}).get_json()
    admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "in_progress"})
    texts = gateway.texts_to(worker.user.phone)
    assert len(texts) == 1 and texts[0].startswith("【零工市场】") and "已由人社部门受理" in texts[0]
    history = worker.get(f"/api/v1/complaints/{c['id']}").get_json()["history"]
    assert history[-1]["sms"] == "已交短信平台发送"


def test_a_gateway_error_is_logged_without_the_text_and_the_change_stands(make_employer, make_job, make_worker,
                                                                          admin, gateway, caplog, today):
    job = make_job(make_employer())
    worker = make_worker()
    c = worker.post("/api/v1/complaints", {"job_id": job["id"], "amount_owed": 4200,
                                           "period_start": (today - timedelta(days=30)).isoformat(),
                                           "period_end": today.isoformat()}).get_json()
    gateway.mode = "error"
    with caplog.at_level(logging.ERROR, logger="market.sms"):
        r = admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "in_progress", "note": "验证码 123456"})
    assert r.status_code == 200 and r.get_json()["status"] == "in_progress"
    logged = " ".join(rec.getMessage() for rec in caplog.records)
    phone = worker.user.phone
    assert "not sent" in logged and "500" in logged
    assert phone not in logged and f"{phone[:3]}****{phone[-4:]}" in logged and "123456" not in logged


@pytest.mark.parametrize(("mode", "message"), [("error", "500"), ("refused", "号码已退订"), ("slow", "unreachable")])
def test_the_sender_says_when_the_gateway_did_not_take_a_message(gateway, mode, message):
    sender = HttpSmsSender(gateway.url, KEY, timeout=0.5)
    gateway.mode = mode
    started = time.monotonic()
    with pytest.raises(SmsError, match=message):
        sender.submit("13800138000", "【零工市场】测试")
    assert time.monotonic() - started < 1.4  # a hanging gateway costs the timeout, not the hang
    gateway.mode = "ok"
    assert sender.submit("13800138000", "【零工市场】测试")["ok"] is True
    with pytest.raises(SmsError, match="401"):
        HttpSmsSender(gateway.url, "wrong-key", timeout=0.5).submit("13800138000", "x")


def test_an_http_backend_needs_its_url_and_key(database_url):
    with pytest.raises(ConfigError):
        create_app({"DATABASE_URL": database_url, "SMS_BACKEND": "http", "SMS_GATEWAY_URL": None})
