"""Helpers the fair tests share: a fair made through the API, an approved booth, a signed-in browser, an upload."""

from __future__ import annotations

from datetime import date, timedelta


def new_fair(organiser, today: date, **overrides) -> dict:
    body = {"name": "2026 春风行动 · 松桃专场", "kind": "spring_breeze", "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=6)).isoformat(), "adcode": "520628",
            "address": "松桃县体育馆广场", "online": False} | overrides
    r = organiser.post("/api/v1/fairs", body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def approved(organiser, employer, fair_id: int, booth: str | None = None) -> int:
    r = employer.post(f"/api/v1/fairs/{fair_id}/signups")
    assert r.status_code == 201, r.get_json()
    signup_id = r.get_json()["id"]
    r = organiser.post(f"/api/v1/fairs/{fair_id}/signups/{signup_id}/decision", {"approve": True, "booth": booth})
    assert r.status_code == 200, r.get_json()
    return signup_id


def signed_in(app, api):
    """A browser (cookie session) signed in as the API client's user."""
    web = app.test_client()
    r = web.post("/login", data={"phone": api.user.phone, "password": "password123"})
    assert r.status_code in (302, 303)
    return web


BOUNDARY = "----fairsheet7MA4YWxkTrZu0gW"


def multipart(data: bytes, name: str, fields: dict[str, str] | None = None) -> tuple[bytes, str]:
    """A multipart body built in memory (the test client would spool a large one to an unclosed temp file)."""
    parts = []
    for key, value in (fields or {}).items():
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={BOUNDARY}"
