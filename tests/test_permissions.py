"""Roles and ownership on every route that takes an id, as a matrix of who may do what to whose."""

import pytest


@pytest.fixture
def world(make_employer, make_job, make_worker, make_user, admin):
    owner = make_employer()
    other_employer = make_employer(name="另一家建筑劳务有限公司")
    job = make_job(owner)
    applicant = make_worker()
    other_worker = make_worker(name="赵师傅")
    app = applicant.post(f"/api/v1/jobs/{job['id']}/applications").get_json()
    return {"owner": owner, "other_employer": other_employer, "applicant": applicant,
            "other_worker": other_worker, "admin": admin, "anonymous": make_user("worker").__class__(
                applicant.client, None, None), "job": job, "app": app}


# (who, method, path template, body, allowed?)
MATRIX = [
    ("owner", "get", "/api/v1/jobs/{job}/applications", None, True),
    ("admin", "get", "/api/v1/jobs/{job}/applications", None, True),
    ("other_employer", "get", "/api/v1/jobs/{job}/applications", None, False),
    ("applicant", "get", "/api/v1/jobs/{job}/applications", None, False),
    ("anonymous", "get", "/api/v1/jobs/{job}/applications", None, False),
    ("owner", "patch", "/api/v1/jobs/{job}", {"title": "改了"}, True),
    ("other_employer", "patch", "/api/v1/jobs/{job}", {"title": "改了"}, False),
    ("applicant", "patch", "/api/v1/jobs/{job}", {"title": "改了"}, False),
    ("other_employer", "post", "/api/v1/jobs/{job}/status", {"action": "pause"}, False),
    ("owner", "get", "/api/v1/applications/{app}", None, True),
    ("applicant", "get", "/api/v1/applications/{app}", None, True),
    ("other_worker", "get", "/api/v1/applications/{app}", None, False),
    ("other_employer", "get", "/api/v1/applications/{app}", None, False),
    ("other_employer", "post", "/api/v1/applications/{app}/status", {"status": "viewed"}, False),
    ("applicant", "post", "/api/v1/applications/{app}/status", {"status": "hired"}, False),
    ("other_worker", "post", "/api/v1/applications/{app}/withdraw", None, False),
    ("owner", "post", "/api/v1/applications/{app}/withdraw", None, False),
    ("owner", "get", "/api/v1/workers/{worker}", None, True),
    ("admin", "get", "/api/v1/workers/{worker}", None, True),
    ("applicant", "get", "/api/v1/workers/{worker}", None, True),
    ("other_employer", "get", "/api/v1/workers/{worker}", None, False),
    ("other_worker", "get", "/api/v1/workers/{worker}", None, False),
    ("anonymous", "get", "/api/v1/workers/{worker}", None, False),
    ("owner", "get", "/api/v1/admin/employers", None, False),
    ("applicant", "post", "/api/v1/admin/jobs/{job}/take-down", {"reason": "x"}, False),
    ("owner", "post", "/api/v1/admin/employers/1/decision", {"approve": True}, False),
    ("applicant", "get", "/api/v1/admin/audit", None, False),
    ("admin", "get", "/api/v1/admin/audit", None, True),
    ("applicant", "post", "/api/v1/jobs", {"title": "x"}, False),
    ("owner", "post", "/api/v1/jobs/{job}/applications", None, False),
]


@pytest.mark.parametrize("who,method,path,body,allowed", MATRIX,
                         ids=[f"{w}-{m}-{p}" for w, m, p, _, _ in MATRIX])
def test_access_matrix(world, who, method, path, body, allowed):
    url = path.format(job=world["job"]["id"], app=world["app"]["id"], worker=world["applicant"].worker_id)
    api = world[who]
    kwargs = {"json": body} if body is not None and method != "get" else {}
    if method == "get":
        r = api.get(url)
    else:
        r = getattr(api, method)(url, **({"json": body or {}} if method == "post" else kwargs))
    if allowed:
        assert r.status_code < 400, r.get_json()
    else:
        assert r.status_code in (401, 403, 404), (r.status_code, r.get_json())
        assert r.get_json()["error"]["message"]


def test_pages_enforce_roles_too(world, client):
    # Signed-out people are sent to sign in; the page itself never shows.
    r = client.get(f"/employer/jobs/{world['job']['id']}/applicants")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
