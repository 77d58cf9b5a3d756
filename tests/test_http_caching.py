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
