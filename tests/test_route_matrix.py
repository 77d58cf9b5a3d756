"""Every route × every role, generated from app.url_map: anonymous, the owner and another owner of the same
kind (worker, employer), an organiser and staff. Each answer is classed as

    A  allowed (2xx, a redirect that is not to sign-in, or a 4xx about the body: it got past access control)
    L  sign-in needed (401, or a page's redirect to /login)
    F  forbidden (403)
    N  not found (404: someone else's thing is not shown to exist)

(Sign-in itself answers the empty credentials sent here with 401: L there means "refused", as it should.)

and compared with the table below. A route that is not in the table fails the test: decide who may use it.
Run with ROUTE_MATRIX_PRINT=1 to print the table as it is now.
"""

from __future__ import annotations

import os
import re

import pytest

ROLES = ("anonymous", "worker", "other_worker", "employer", "other_employer", "organiser", "admin")

# route (method path) → classes in ROLES order. Ids in paths are the owner's: the worker's application,
# the employer's posting, the organiser's live session, the worker's complaint.
EXPECTED: dict[str, str] = {
    "GET /": "AAAAAAA",
    "GET /admin/": "LFFFFFA",
    "GET /admin/complaints": "LFFFFFA",
    "POST /admin/complaints/<complaint_id>/status": "LFFFFFA",
    "POST /admin/employers/<employer_id>/decision": "LFFFFFA",
    "POST /admin/jobs/<job_id>/clear": "LFFFFFA",
    "POST /admin/jobs/<job_id>/take-down": "LFFFFFA",
    "GET /admin/stats": "LFFFFFA",
    "GET /admin/workers/new": "LFFFFFA",
    "POST /admin/workers/new": "LFFFFFA",
    "GET /api/v1/admin/audit": "LFFFFFA",
    "GET /api/v1/admin/employers": "LFFFFFA",
    "POST /api/v1/admin/employers/<employer_id>/decision": "LFFFFFA",
    "POST /api/v1/admin/jobs/<job_id>/clear": "LFFFFFA",
    "POST /api/v1/admin/jobs/<job_id>/take-down": "LFFFFFA",
    "GET /api/v1/admin/jobs/flagged": "LFFFFFA",
    "POST /api/v1/admin/workers": "LFFFFFA",
    "GET /api/v1/applications/<app_id>": "LANAFFA",
    "POST /api/v1/applications/<app_id>/status": "LFFAFFF",
    "POST /api/v1/applications/<app_id>/withdraw": "LANFFFF",
    "POST /api/v1/auth/code": "AAAAAAA",
    "POST /api/v1/auth/logout": "LAAAAAA",
    "POST /api/v1/auth/register": "AAAAAAA",
    "POST /api/v1/auth/reset": "AAAAAAA",
    "POST /api/v1/auth/token": "LLLLLLL",
    "GET /api/v1/complaints": "LAAFFFA",
    "POST /api/v1/complaints": "LAAFFFF",
    "POST /api/v1/complaints/<complaint_id>/status": "LFFFFFA",
    "GET /api/v1/employer/jobs": "LFFAAFF",
    "POST /api/v1/employers": "LFFAAFF",
    "GET /api/v1/employers/me": "LFFAAFF",
    "GET /api/v1/jobs": "AAAAAAA",
    "POST /api/v1/jobs": "LFFAAFF",
    "GET /api/v1/jobs/<job_id>": "AAAAAAA",
    "PATCH /api/v1/jobs/<job_id>": "LFFAFFF",
    "GET /api/v1/jobs/<job_id>/applications": "LFFAFFA",
    "POST /api/v1/jobs/<job_id>/applications": "LAAFFFF",
    "GET /api/v1/jobs/<job_id>/candidates": "LFFAFFA",
    "POST /api/v1/jobs/<job_id>/status": "LFFAFFF",
    "POST /api/v1/live/sessions": "LFFFFAA",
    "GET /api/v1/live/sessions/<session_id>": "AAAAAAA",
    "POST /api/v1/live/sessions/<session_id>/end": "LFFFFAA",
    "POST /api/v1/live/sessions/<session_id>/on-air": "LFFFFAA",
    "DELETE /api/v1/me": "LAAAAAA",
    "GET /api/v1/me/applications": "LAAFFFF",
    "GET /api/v1/me/notifications": "LAAAAAA",
    "POST /api/v1/me/notifications/read": "LAAAAAA",
    "GET /api/v1/me/profile": "LAAFFFF",
    "PUT /api/v1/me/profile": "LAAFFFF",
    "GET /api/v1/me/sign-ins": "LAAAAAA",
    "DELETE /api/v1/me/sign-ins/<sign_in_id>": "LANNNNN",
    "GET /api/v1/openapi.json": "AAAAAAA",
    "GET /api/v1/stats/flows": "LFFFFFA",
    "GET /api/v1/suggest": "AAAAAAA",
    "GET /api/v1/workers/<worker_id>": "LAFAFFA",
    "GET /api/v1/workers/<worker_id>/recommendations": "LAFFFFA",
    "POST /employer/applications/<app_id>/status": "LFFAFFF",
    "GET /employer/jobs": "LFFAAFF",
    "GET /employer/jobs/<job_id>/applicants": "LFFAFFF",
    "GET /employer/jobs/<job_id>/candidates": "LFFAFFF",
    "GET /employer/jobs/<job_id>/edit": "LFFAFFF",
    "POST /employer/jobs/<job_id>/edit": "LFFAFFF",
    "POST /employer/jobs/<job_id>/status": "LFFAFFF",
    "GET /employer/jobs/new": "LFFAAFF",
    "POST /employer/jobs/new": "LFFAAFF",
    "GET /employer/register": "LFFAAFF",
    "POST /employer/register": "LFFAAFF",
    "GET /healthz": "AAAAAAA",
    "GET /jobs/<job_id>": "AAAAAAA",
    "POST /jobs/<job_id>/apply": "LAAFFFF",
    "GET /live/<session_id>": "AAAAAAA",
    "GET /live/<session_id>/events": "AAAAAAA",
    "GET /login": "AAAAAAA",
    "POST /login": "LLLLLLL",
    "POST /logout": "AAAAAAA",
    "GET /me/applications": "LAAFFFF",
    "POST /me/applications/<app_id>/withdraw": "LANFFFF",
    "GET /me/complaints": "LAAFFFF",
    "POST /me/complaints": "LAAFFFF",
    "POST /me/delete": "LAAAAAA",
    "GET /me/inbox": "LAAAAAA",
    "POST /me/inbox/read": "LAAAAAA",
    "GET /me/profile": "LAAFFFF",
    "POST /me/profile": "LAAFFFF",
    "GET /me/recommendations": "LAAFFFF",
    "GET /me/security": "LAAAAAA",
    "POST /me/security/<sign_in_id>/revoke": "LANNNNN",
    "GET /organiser/live": "LFFFFAA",
    "POST /organiser/live": "LFFFFAA",
    "POST /organiser/live/<session_id>/end": "LFFFFAA",
    "POST /organiser/live/<session_id>/on-air": "LFFFFAA",
    "POST /register": "AAAAAAA",
    "GET /register": "AAAAAAA",
    "GET /reset": "AAAAAAA",
    "POST /reset": "AAAAAAA",
}

SKIP = {"static"}  # files, not anyone's data


def _routes(app):
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append(f"{method} {path}")
    return sorted(out)


def _classify(r) -> str:
    if r.status_code == 401:
        return "L"
    if r.status_code in (301, 302, 303) and "/login" in r.headers.get("Location", ""):
        return "L"
    if r.status_code == 403:
        return "F"
    if r.status_code == 404:
        return "N"
    if r.status_code >= 500:
        return "!"
    return "A"


@pytest.fixture
def make_world(app, make_employer, make_job, make_worker, make_user):
    return lambda: _world(make_employer, make_job, make_worker, make_user)


def _world(make_employer, make_job, make_worker, make_user):
    admin = make_user("admin")
    employer, other_employer = make_employer(), make_employer(name="另一家建筑劳务有限公司")
    job = make_job(employer)
    worker, other_worker = make_worker(), make_worker(name="赵师傅")
    organiser = make_user("organiser")
    application = worker.post(f"/api/v1/jobs/{job['id']}/applications").get_json()
    complaint = worker.post("/api/v1/complaints", {"job_id": job["id"], "amount_owed": 3000,
                                                   "period_start": "2026-01-01", "period_end": "2026-02-01",
                                                   "description": "拖欠两个月工资"}).get_json()
    live = organiser.post("/api/v1/live/sessions", {"title": "春风行动"}).get_json()
    people = {"anonymous": None, "worker": worker, "other_worker": other_worker, "employer": employer,
              "other_employer": other_employer, "organiser": organiser, "admin": admin}
    for who in people.values():
        if who is not None:  # a browser session too, for the pages
            r = who.client.post("/login", data={"phone": who.user.phone, "password": "password123"})
            assert r.status_code == 302
    sign_in = worker.get("/api/v1/me/sign-ins").get_json()["items"][-1]["id"]
    ids = {"job_id": job["id"], "app_id": application["id"], "complaint_id": complaint["id"],
           "session_id": live["id"], "employer_id": employer.employer_id, "worker_id": worker.worker_id,
           "sign_in_id": sign_in}
    return people, ids


def _call(app, who, method: str, path: str):
    if who is None:
        client, headers = app.test_client(), {}
    else:
        client, headers = who.client, {"Authorization": f"Bearer {who.token}"}
    kwargs = {"headers": headers, "buffered": not path.endswith("/events")}  # a stream: read the status only
    if method in ("POST", "PUT", "PATCH") and path.startswith("/api/"):
        kwargs["json"] = {}
    r = client.open(path, method=method, **kwargs)
    r.close()
    return r


def test_every_route_is_in_the_matrix(app):
    missing = [route for route in _routes(app) if route not in EXPECTED]
    assert missing == [], f"add these routes to EXPECTED in {__file__} (who may use them?): {missing}"
    stale = [route for route in EXPECTED if route not in _routes(app)]
    assert stale == []


# Routes that end something (an account, a session, a sign-in): each runs in a world of its own.
DESTRUCTIVE = {"DELETE /api/v1/me", "POST /me/delete", "POST /logout", "POST /api/v1/auth/logout",
               "POST /api/v1/live/sessions/<session_id>/end", "POST /organiser/live/<session_id>/end",
               "DELETE /api/v1/me/sign-ins/<sign_in_id>", "POST /me/security/<sign_in_id>/revoke"}


def test_every_role_gets_what_the_matrix_says(app, make_world):
    shared = make_world()
    found: dict[str, str] = {}
    # The owners go last, so what others try cannot spoil what the owner then does; destructive calls
    # (deleting an account, ending a session) come after everything else.
    order = ("anonymous", "other_worker", "other_employer", "organiser", "admin", "employer", "worker")
    for route in _routes(app):
        people, ids = make_world() if route in DESTRUCTIVE else shared
        method, template = route.split(" ", 1)
        path = re.sub(r"<(\w+)>", lambda m, ids=ids: str(ids[m.group(1)]), template)
        answers = {who: _classify(_call(app, people[who], method, path)) for who in order}
        found[route] = "".join(answers[who] for who in ROLES)
    if os.environ.get("ROUTE_MATRIX_PRINT"):
        print("\n" + "\n".join(f'    "{route}": "{classes}",' for route, classes in sorted(found.items())))
    wrong = {route: f"expected {EXPECTED.get(route)} got {classes}" for route, classes in found.items()
             if classes != EXPECTED.get(route)}
    assert wrong == {}, "\n" + "\n".join(f"{r}: {w}" for r, w in sorted(wrong.items())) + f"\n(order {ROLES})"
