"""Pages and files travel light: gzip for HTML, CSS and scripts when the phone takes it, and validators so
what the phone already has comes back as 304 with no body."""

from __future__ import annotations

import gzip


def test_html_is_gzipped_and_revalidates_with_its_etag(client, make_job):
    make_job(title="电焊工", description="二保焊，长期招聘。" * 20)
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    zipped = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == zipped.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data).decode() == plain.get_data(as_text=True)
    assert len(zipped.data) * 2 < len(plain.data)
    again = client.get("/", headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert plain.headers["ETag"] != zipped.headers["ETag"]  # two representations, two tags


def test_css_and_scripts_are_gzipped_cached_and_validated(client):
    css = client.get("/static/site.css", headers={"Accept-Encoding": "gzip"})
    assert css.status_code == 200 and css.headers["Content-Encoding"] == "gzip"
    assert b"box-sizing" in gzip.decompress(css.data)
    assert css.headers["Last-Modified"] and css.headers["ETag"]
    assert "max-age=3600" in css.headers["Cache-Control"] and "public" in css.headers["Cache-Control"]
    assert client.get("/static/site.css", headers={"Accept-Encoding": "gzip",
                                                   "If-None-Match": css.headers["ETag"]}).status_code == 304
    with client.get("/static/site.css", headers={"If-Modified-Since": css.headers["Last-Modified"]}) as since:
        assert since.status_code == 304
    js = client.get("/static/places.js", headers={"Accept-Encoding": "gzip"})
    assert js.headers["Content-Encoding"] == "gzip"


def test_a_post_and_an_error_page_are_never_answered_304(client):
    r = client.post("/login", data={"phone": "13800000000", "password": "x"})
    assert r.status_code == 401 and "ETag" not in r.headers


def test_api_answers_are_the_same_with_and_without_gzip_small_ones_travel_plain(client, make_job):
    for i in range(12):
        make_job(title=f"电焊工{i}", description="二保焊，长期招聘。")
    small = {"q": "没有这种岗位xyz"}
    plain = client.get("/api/v1/jobs", query_string=small, headers={"Accept-Encoding": "identity"})
    zipped = client.get("/api/v1/jobs", query_string=small, headers={"Accept-Encoding": "gzip"})
    assert plain.get_json()["total"] == 0 and len(plain.data) < 512
    assert "Content-Encoding" not in zipped.headers and zipped.data == plain.data  # too small to be worth it
    big_plain = client.get("/api/v1/jobs", headers={"Accept-Encoding": "identity"})
    big_zipped = client.get("/api/v1/jobs", headers={"Accept-Encoding": "gzip"})
    assert big_plain.get_json()["total"] == 12 and "Content-Encoding" not in big_plain.headers
    assert big_zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(big_zipped.data) == big_plain.data and len(big_zipped.data) * 3 < len(big_plain.data)


def test_json_answers_are_byte_for_byte_what_flasks_own_encoder_writes(app):
    import datetime as dt
    import uuid
    from dataclasses import dataclass
    from decimal import Decimal

    from flask.json.provider import DefaultJSONProvider

    @dataclass
    class Point:
        lat: float
        lng: float

    own = DefaultJSONProvider(app)
    own.ensure_ascii = False
    payloads = [
        {"title": "东莞 电焊工（包吃住）", "wage": 6500.0, "lat": 23.02, "tiny": 1e-05, "neg": -2.5e-07, "zero": -0.0},
        {"z": 1, "a": [1, 2.5, None, True], "é": {"b": "\u2028\x1f\"\\"}, "big": 2 ** 70},
        {1: "integer keys", 2: "as strings"},
        {"day": dt.date(2026, 4, 15), "at": dt.datetime(2026, 4, 15, 8, 30), "id": uuid.UUID(int=7),
         "money": Decimal("12.50"), "point": Point(23.0, 113.75), "huge": 1e300},
        [{"nested": [{"deep": "值"}]}, "😀"],
    ]
    with app.test_request_context():
        for payload in payloads:
            assert app.json.response(payload).get_data() == own.response(payload).get_data(), payload
