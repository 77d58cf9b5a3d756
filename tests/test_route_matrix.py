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

import itertools
import os
import re
from datetime import timedelta
from urllib.parse import quote

import pytest

from market import clock
from tests.fairkit import approved, new_fair

ROLES = ("anonymous", "worker", "other_worker", "employer", "other_employer", "organiser", "admin")

# route (method path) → classes in ROLES order. Ids in paths are the owner's: the worker's application,
# the employer's posting, the organiser's live session and fair, the employer's booth at it, the worker's
# complaint, fair code, brand claim and work-log day; a trainer's course and account, staff's station and policy.
EXPECTED: dict[str, str] = {
    "DELETE /api/v1/live/sessions/<session_id>/queue/<job_id>": "LFFFFAA",
    "DELETE /api/v1/me": "LAAAAAA",
    "DELETE /api/v1/me/sign-ins/<sign_in_id>": "LANNNNN",
    "GET /": "AAAAAAA",
    "GET /admin/": "LFFFFFA",
    "GET /admin/audit": "LFFFFFA",
    "GET /admin/brand-claims": "LFFFFFA",
    "GET /admin/complaints": "LFFFFFA",
    "GET /admin/complaints/<complaint_id>": "LFFFFFA",
    "GET /admin/partners": "LFFFFFA",
    "GET /admin/policies/new": "LFFFFFA",
    "GET /admin/stations/new": "LFFFFFA",
    "GET /admin/stats": "LFFFFFA",
    "GET /admin/stats/<slug>": "LFFFFFA",
    "GET /admin/stats/<slug>.xlsx": "LFFFFFA",
    "GET /admin/workers/new": "LFFFFFA",
    "GET /api/v1/admin/audit": "LFFFFFA",
    "GET /api/v1/admin/brand-claims": "LFFFFFA",
    "GET /api/v1/admin/employers": "LFFFFFA",
    "GET /api/v1/admin/jobs/flagged": "LFFFFFA",
    "GET /api/v1/admin/organiser-applications": "LFFFFFA",
    "GET /api/v1/admin/partners": "LFFFFFA",
    "GET /api/v1/admin/reports": "LFFFFFA",
    "GET /api/v1/applications/<app_id>": "LANAFFA",
    "GET /api/v1/brands": "AAAAAAA",
    "GET /api/v1/brands/<name>": "AAAAAAA",
    "GET /api/v1/complaints": "LAAFFFA",
    "GET /api/v1/complaints/<complaint_id>": "LANFFFA",
    "GET /api/v1/courses": "AAAAAAA",
    "GET /api/v1/courses/<course_id>": "AAAAAAA",
    "GET /api/v1/courses/<course_id>/signups": "LFFFFFF",
    "GET /api/v1/employer/jobs": "LFFAAFF",
    "GET /api/v1/employers/me": "LFFAAFF",
    "GET /api/v1/fairs": "AAAAAAA",
    "GET /api/v1/fairs/<fair_id>": "AAAAAAA",
    "GET /api/v1/fairs/<fair_id>/dashboard": "LFFFFAA",
    "GET /api/v1/fairs/<fair_id>/template.xlsx": "AAAAAAA",
    "GET /api/v1/jobs": "AAAAAAA",
    "GET /api/v1/jobs/<job_id>": "AAAAAAA",
    "GET /api/v1/jobs/<job_id>/applications": "LFFAFFA",
    "GET /api/v1/jobs/<job_id>/candidates": "LFFAFFA",
    "GET /api/v1/live/sessions/<session_id>": "AAAAAAA",
    "GET /api/v1/live/sessions/<session_id>/console": "LFFFFAA",
    "GET /api/v1/live/sessions/<session_id>/pick": "LFFFFAA",
    "GET /api/v1/live/sessions/<session_id>/questions": "AAAAAAA",
    "GET /api/v1/live/sessions/<session_id>/queue": "LFFFFAA",
    "GET /api/v1/live/sessions/<session_id>/report": "LFFFFAA",
    "GET /api/v1/live/sessions/<session_id>/report.xlsx": "LFFFFAA",
    "GET /api/v1/me/applications": "LAAFFFF",
    "GET /api/v1/me/courses": "LAAFFFF",
    "GET /api/v1/me/notifications": "LAAAAAA",
    "GET /api/v1/me/profile": "LAAFFFF",
    "GET /api/v1/me/sign-ins": "LAAAAAA",
    "GET /api/v1/openapi.json": "AAAAAAA",
    "GET /api/v1/partners/me": "LFFFFFF",
    "GET /api/v1/places/children": "AAAAAAA",
    "GET /api/v1/places/resolve": "AAAAAAA",
    "GET /api/v1/policies": "AAAAAAA",
    "GET /api/v1/policies/<policy_id>": "AAAAAAA",
    "GET /api/v1/stations": "AAAAAAA",
    "GET /api/v1/stations/<station_id>": "AAAAAAA",
    "GET /api/v1/stats/applications": "LFFFFFA",
    "GET /api/v1/stats/complaints": "LFFFFFA",
    "GET /api/v1/stats/fairs": "LFFFFFA",
    "GET /api/v1/stats/flows": "LFFFFFA",
    "GET /api/v1/stats/wages": "LFFFFFA",
    "GET /api/v1/stats/workers": "LFFFFFA",
    "GET /api/v1/suggest": "AAAAAAA",
    "GET /api/v1/workers/<worker_id>": "LAFAFFA",
    "GET /api/v1/workers/<worker_id>/eligibility": "LAFFFFA",
    "GET /api/v1/workers/<worker_id>/recommendations": "LAFFFFA",
    "GET /api/v1/worklog": "LAAAAFF",
    "GET /api/v1/worklog/export": "LAAAAFF",
    "GET /brands": "AAAAAAA",
    "GET /brands/<name>": "AAAAAAA",
    "GET /courses": "AAAAAAA",
    "GET /courses/<course_id>": "AAAAAAA",
    "GET /employer/fairs": "LFFAAFF",
    "GET /employer/fairs/<fair_id>": "LFFAAFF",
    "GET /employer/fairs/<fair_id>/jobs/new": "LFFAFFF",
    "GET /employer/jobs": "LFFAAFF",
    "GET /employer/jobs/<job_id>/applicants": "LFFAFFF",
    "GET /employer/jobs/<job_id>/candidates": "LFFAFFF",
    "GET /employer/jobs/<job_id>/edit": "LFFAFFF",
    "GET /employer/jobs/new": "LFFAAFF",
    "GET /employer/register": "LFFAAFF",
    "GET /employer/worklog": "LFFAAFF",
    "GET /fairs": "AAAAAAA",
    "GET /fairs/<fair_id>": "AAAAAAA",
    "GET /fairs/<fair_id>/booths/<employer_id>/poster": "AAAAAAA",
    "GET /fairs/<fair_id>/checkin": "LAAFFAA",
    "GET /fairs/<fair_id>/me": "LAAFFFF",
    "GET /fairs/<fair_id>/qr.svg": "AAAAAAA",
    "GET /fairs/<fair_id>/template.xlsx": "AAAAAAA",
    "GET /healthz": "AAAAAAA",
    "GET /jobs/<job_id>": "AAAAAAA",
    "GET /jobs/<job_id>/qr.svg": "AAAAAAA",
    "GET /live/<session_id>": "AAAAAAA",
    "GET /live/<session_id>/events": "AAAAAAA",
    "GET /login": "AAAAAAA",
    "GET /me/applications": "LAAFFFF",
    "GET /me/complaints": "LAAFFFF",
    "GET /me/complaints/<complaint_id>": "LANFFFF",
    "GET /me/delete": "LAAAAAA",
    "GET /me/eligibility": "LAAFFFF",
    "GET /me/inbox": "LAAAAAA",
    "GET /me/profile": "LAAFFFF",
    "GET /me/recommendations": "LAAFFFF",
    "GET /me/security": "LAAAAAA",
    "GET /me/worklog": "LAAFFFF",
    "GET /organiser/fairs": "LFFFFAA",
    "GET /organiser/fairs/<fair_id>": "LFFFFAA",
    "GET /organiser/fairs/<fair_id>/gate/<code>": "LFFFFAA",
    "GET /organiser/live": "LFFFFAA",
    "GET /organiser/live/<session_id>": "LFFFFAA",
    "GET /organiser/live/<session_id>/report": "LFFFFAA",
    "GET /organiser/live/<session_id>/report.xlsx": "LFFFFAA",
    "GET /organisers/apply": "AAAAAAA",
    "GET /partner": "LFFFFFF",
    "GET /policies": "AAAAAAA",
    "GET /policies/<policy_id>": "AAAAAAA",
    "GET /register": "AAAAAAA",
    "GET /reset": "AAAAAAA",
    "GET /station/counter": "LFFFFFA",
    "GET /station/roster": "LFFFFFA",
    "GET /station/workers/<worker_id>/slip": "LFFFFFN",  # a slip is for a worker a station registered: this one signed up himself
    "GET /stations": "AAAAAAA",
    "GET /trainer/courses": "LFFFFFF",
    "GET /worklog/export.<fmt>": "LAAAAFF",
    "PATCH /api/v1/jobs/<job_id>": "LFFAFFF",
    "POST /admin/brand-claims/<claim_id>/decision": "LFFFFFA",
    "POST /admin/complaints/<complaint_id>/actions": "LFFFFFA",
    "POST /admin/complaints/<complaint_id>/status": "LFFFFFA",
    "POST /admin/employers/<employer_id>/decision": "LFFFFFA",
    "POST /admin/jobs/<job_id>/clear": "LFFFFFA",
    "POST /admin/jobs/<job_id>/take-down": "LFFFFFA",
    "POST /admin/organisers/<application_id>/decision": "LFFFFFA",
    "POST /admin/partners/<account_id>/decision": "LFFFFFA",
    "POST /admin/policies/new": "LFFFFFA",
    "POST /admin/stations/new": "LFFFFFA",
    "POST /admin/workers/new": "LFFFFFA",
    "POST /api/v1/admin/brand-claims/<claim_id>/decision": "LFFFFFA",
    "POST /api/v1/admin/employers/<employer_id>/decision": "LFFFFFA",
    "POST /api/v1/admin/jobs/<job_id>/clear": "LFFFFFA",
    "POST /api/v1/admin/jobs/<job_id>/take-down": "LFFFFFA",
    "POST /api/v1/admin/organiser-applications/<application_id>/decision": "LFFFFFA",
    "POST /api/v1/admin/partners/<account_id>/decision": "LFFFFFA",
    "POST /api/v1/admin/workers": "LFFFFFA",
    "POST /api/v1/applications/<app_id>/status": "LFFAFFF",
    "POST /api/v1/applications/<app_id>/withdraw": "LANFFFF",
    "POST /api/v1/auth/code": "AAAAAAA",
    "POST /api/v1/auth/logout": "LAAAAAA",
    "POST /api/v1/auth/register": "AAAAAAA",
    "POST /api/v1/auth/reset": "AAAAAAA",
    "POST /api/v1/auth/token": "LLLLLLL",
    "POST /api/v1/brands/<name>/claim": "LAAFFFF",
    "POST /api/v1/complaints": "LAAFFFF",
    "POST /api/v1/complaints/<complaint_id>/actions": "LFFFFFA",
    "POST /api/v1/complaints/<complaint_id>/status": "LFFFFFA",
    "POST /api/v1/courses": "LFFFFFF",
    "POST /api/v1/courses/<course_id>/signups": "LAAFFFF",
    "POST /api/v1/employers": "LFFAAFF",
    "POST /api/v1/fairs": "LFFFFAA",
    "POST /api/v1/fairs/<fair_id>/checkins": "LAAFFAA",
    "POST /api/v1/fairs/<fair_id>/jobs": "LFFAFFF",
    "POST /api/v1/fairs/<fair_id>/jobs.xlsx": "LFFAFAA",
    "POST /api/v1/fairs/<fair_id>/registrations": "LAAFFFF",
    "POST /api/v1/fairs/<fair_id>/signups": "LFFAAFF",
    "POST /api/v1/fairs/<fair_id>/signups/<signup_id>/decision": "LFFFFAA",
    "POST /api/v1/jobs": "LFFAAFF",
    "POST /api/v1/jobs/<job_id>/applications": "LAAFFFF",
    "POST /api/v1/jobs/<job_id>/invitations": "LFFAFFF",
    "POST /api/v1/jobs/<job_id>/reports": "LAAFFFF",
    "POST /api/v1/jobs/<job_id>/status": "LFFAFFF",
    "POST /api/v1/live/sessions": "LFFFFAA",
    "POST /api/v1/live/sessions/<session_id>/applications": "LAAFFFF",
    "POST /api/v1/live/sessions/<session_id>/end": "LFFFFAA",
    "POST /api/v1/live/sessions/<session_id>/next": "LFFFFAA",
    "POST /api/v1/live/sessions/<session_id>/on-air": "LFFFFAA",
    "POST /api/v1/live/sessions/<session_id>/questions": "LAAAAAA",
    "POST /api/v1/live/sessions/<session_id>/questions/<question_id>": "LFFFFAA",
    "POST /api/v1/live/sessions/<session_id>/queue": "LFFFFAA",
    "POST /api/v1/me/notifications/read": "LAAAAAA",
    "POST /api/v1/organiser-applications": "AAAAAAA",
    "POST /api/v1/policies": "LFFFFFA",
    "POST /api/v1/station/roster": "LFFFFFA",
    "POST /api/v1/station/workers": "LFFFFFA",
    "POST /api/v1/stations": "LFFFFFA",
    "POST /api/v1/worklog": "LAAFFFF",
    "POST /api/v1/worklog/<entry_id>/decision": "LFFAFFF",
    "POST /brands/<name>/claim": "LAAFFFF",
    "POST /courses/<course_id>/signup": "LAAFFFF",
    "POST /employer/applications/<app_id>/status": "LFFAFFF",
    "POST /employer/fairs/<fair_id>/attach": "LFFAFFF",
    "POST /employer/fairs/<fair_id>/detach/<job_id>": "LFFAFFF",
    "POST /employer/fairs/<fair_id>/jobs/new": "LFFAFFF",
    "POST /employer/jobs/<job_id>/candidates/<worker_id>/invite": "LFFAFFF",
    "POST /employer/jobs/<job_id>/edit": "LFFAFFF",
    "POST /employer/jobs/<job_id>/status": "LFFAFFF",
    "POST /employer/jobs/new": "LFFAAFF",
    "POST /employer/register": "LFFAAFF",
    "POST /employer/resubmit": "LFFAAFF",
    "POST /employer/worklog/<entry_id>/decision": "LFFAAFF",  # the page always redirects: the other employer is refused in a flash
    "POST /fairs/<fair_id>/checkin": "LAAFFAA",
    "POST /fairs/<fair_id>/register": "LAAFFFF",
    "POST /fairs/<fair_id>/signup": "LFFAAFF",
    "POST /fairs/<fair_id>/upload": "LFFAFAA",
    "POST /jobs/<job_id>/apply": "LAAFFFF",
    "POST /jobs/<job_id>/report": "LAAFFFF",
    "POST /live/<session_id>/apply": "LAAFFFF",
    "POST /live/<session_id>/questions": "LAAAAAA",
    "POST /login": "LLLLLLL",
    "POST /logout": "AAAAAAA",
    "POST /me/applications/<app_id>/withdraw": "LANFFFF",
    "POST /me/complaints": "LAAFFFF",
    "POST /me/delete": "LAAAAAA",
    "POST /me/inbox/read": "LAAAAAA",
    "POST /me/profile": "LAAFFFF",
    "POST /me/security/<sign_in_id>/revoke": "LANNNNN",
    "POST /me/worklog": "LAAFFFF",
    "POST /organiser/fairs": "LFFFFAA",
    "POST /organiser/fairs/<fair_id>/checkins": "LFFFFAA",
    "POST /organiser/fairs/<fair_id>/gate/<code>": "LFFFFAA",
    "POST /organiser/fairs/<fair_id>/signups/<signup_id>": "LFFFFAA",
    "POST /organiser/live": "LFFFFAA",
    "POST /organiser/live/<session_id>/end": "LFFFFAA",
    "POST /organiser/live/<session_id>/next": "LFFFFAA",
    "POST /organiser/live/<session_id>/on-air": "LFFFFAA",
    "POST /organiser/live/<session_id>/questions/<question_id>": "LFFFFAA",
    "POST /organiser/live/<session_id>/queue": "LFFFFAA",
    "POST /organiser/live/<session_id>/queue/<job_id>/<change>": "LFFFFAA",
    "POST /organisers/apply": "AAAAAAA",
    "POST /partner": "LFFFFFF",
    "POST /register": "AAAAAAA",
    "POST /reset": "AAAAAAA",
    "POST /station/counter": "LFFFFFA",
    "POST /station/roster": "LFFFFFA",
    "POST /trainer/courses": "LFFFFFF",
    "PUT /api/v1/employers/me": "LFFAAFF",
    "PUT /api/v1/live/sessions/<session_id>/queue": "LFFFFAA",
    "PUT /api/v1/me/profile": "LAAFFFF",
    "PUT /api/v1/partners/me": "LFFFFFF",
}

SKIP = {"static"}  # files, not anyone's data


def _routes(app):
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP:
            continue
        path = re.sub(r"<(?:[^<>:]+:)?(\w+)>", r"<\1>", rule.rule)
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
def make_world(app, make_employer, make_job, make_worker, make_user, sms):
    return lambda: _world(app, make_employer, make_job, make_worker, make_user, sms)


_applicants = itertools.count()


def _world(app, make_employer, make_job, make_worker, make_user, sms):
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
    base = f"/api/v1/live/sessions/{live['id']}"
    assert organiser.post(f"{base}/queue", {"job_id": job["id"]}).status_code == 201
    r = worker.post(f"{base}/questions", {"body": "有夫妻房吗？"})
    assert r.status_code == 201, r.get_json()
    question = organiser.get(f"{base}/questions").get_json()["items"][0]
    # a fair by the organiser, the employer's booth at it (approved), the worker's registration
    today = clock.today()
    fair = new_fair(organiser, today)
    signup_id = approved(organiser, employer, fair["id"])
    r = employer.post(f"/api/v1/fairs/{fair['id']}/jobs", {"job_id": job["id"]})  # the posting at the booth
    assert r.status_code == 200, r.get_json()
    r = worker.post(f"/api/v1/fairs/{fair['id']}/registrations")
    assert r.status_code == 201, r.get_json()
    code = r.get_json()["code"]
    # a second posting the worker is hired for, and a day in the work log
    gig = make_job(employer, title="钢筋工", occupation=None, wage_min=300, wage_max=350, wage_unit="day",
                   employment_type="gig_daily")
    hired = worker.post(f"/api/v1/jobs/{gig['id']}/applications").get_json()
    assert employer.post(f"/api/v1/applications/{hired['id']}/status", {"status": "hired"}).status_code == 200
    r = worker.post("/api/v1/worklog", {"application_id": hired["id"], "work_date": today.isoformat(), "hours": 10})
    assert r.status_code == 201, r.get_json()
    entry = r.get_json()
    # a training institution (made by staff: approved) and its course
    trainer = make_user("trainer", name="绵阳市技工学校")
    account_id = trainer.get("/api/v1/partners/me").get_json()["id"]
    start = today + timedelta(days=10)
    r = trainer.post("/api/v1/courses", {"title": "焊工（中级）培训班", "occupation": "welder", "level": 4,
                                         "adcode": "510703", "address": "涪城区XX路1号",
                                         "starts_on": start.isoformat(),
                                         "ends_on": (start + timedelta(days=20)).isoformat(), "seats": 5,
                                         "subsidy_yuan": 1500})
    assert r.status_code == 201, r.get_json()
    course = r.get_json()
    # staff's station and policy; the worker's brand claim; an organiser's application
    r = admin.post("/api/v1/stations", {"name": "长安镇零工驿站", "adcode": "441900", "address": "长安镇人民广场旁",
                                        "hours": "每天 6:00-18:00", "services": ["零工登记", "政策咨询"]})
    assert r.status_code == 201, r.get_json()
    station = r.get_json()
    r = admin.post("/api/v1/policies", {
        "title": "某市农民工技能提升补贴实施办法", "issuer": "某市人力资源和社会保障局",
        "doc_number": "某人社发〔2026〕1号", "region_adcode": "510700", "issued_on": "2026-01-05",
        "body": "为鼓励农民工提升技能，结合本市实际制定本办法。\n取得职业技能等级证书的本市户籍农民工可申请补贴。",
        "measures": "★取得初级工证书补贴1000元，中级工1500元，高级工2000元 #mianyang_skill_upgrade"})
    assert r.status_code == 201, r.get_json()
    policy = r.get_json()
    brand = quote("贵州绣娘")
    r = worker.post(f"/api/v1/brands/{brand}/claim")
    assert r.status_code == 201, r.get_json()
    claim = r.get_json()
    phone = f"1370{os.getpid() % 10000:04d}{next(_applicants):03d}"  # not conftest's 139 numbers
    client = app.test_client()
    assert client.post("/api/v1/auth/code", json={"phone": phone, "purpose": "register"}).status_code == 200
    r = client.post("/api/v1/organiser-applications", json={
        "name": "刘主任", "organisation": "毕节市七星关区人力资源和社会保障局", "adcode": "520502",
        "purpose": "春风行动专场招聘会", "password": "organiser123", "phone": phone,
        "code": sms.last_to(phone).split("验证码 ")[1][:6]})
    assert r.status_code == 201, r.get_json()
    organiser_application = r.get_json()
    people = {"anonymous": None, "worker": worker, "other_worker": other_worker, "employer": employer,
              "other_employer": other_employer, "organiser": organiser, "admin": admin}
    for who in people.values():
        if who is not None:  # a browser session too, for the pages
            r = who.client.post("/login", data={"phone": who.user.phone, "password": "password123"})
            assert r.status_code == 302
    sign_in = worker.get("/api/v1/me/sign-ins").get_json()["items"][-1]["id"]
    ids = {"job_id": job["id"], "app_id": application["id"], "complaint_id": complaint["id"],
           "session_id": live["id"], "employer_id": employer.employer_id, "worker_id": worker.worker_id,
           "sign_in_id": sign_in, "question_id": question["id"], "fair_id": fair["id"], "signup_id": signup_id,
           "code": code, "entry_id": entry["id"], "account_id": account_id, "course_id": course["id"],
           "station_id": station["id"], "policy_id": policy["id"], "name": brand, "claim_id": claim["id"],
           "application_id": organiser_application["id"], "slug": "applications", "fmt": "csv", "change": "up"}
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


# Routes that end something (an account, a session, a sign-in, a booth, a queue item): each role tries them in
# a world of its own, so what one role did cannot change what the next one is answered.
DESTRUCTIVE = {"DELETE /api/v1/me", "POST /me/delete", "POST /logout", "POST /api/v1/auth/logout",
               "POST /api/v1/live/sessions/<session_id>/end", "POST /organiser/live/<session_id>/end",
               "DELETE /api/v1/me/sign-ins/<sign_in_id>", "POST /me/security/<sign_in_id>/revoke",
               "DELETE /api/v1/live/sessions/<session_id>/queue/<job_id>",
               "POST /employer/fairs/<fair_id>/detach/<job_id>",
               # a decision without "approve" refuses the booth
               "POST /api/v1/fairs/<fair_id>/signups/<signup_id>/decision",
               "POST /organiser/fairs/<fair_id>/signups/<signup_id>"}


def test_every_role_gets_what_the_matrix_says(app, make_world):
    shared = make_world()
    found: dict[str, str] = {}
    # The owners go last, so what others try cannot spoil what the owner then does.
    order = ("anonymous", "other_worker", "other_employer", "organiser", "admin", "employer", "worker")
    for route in _routes(app):
        method, template = route.split(" ", 1)
        answers = {}
        for who in order:
            people, ids = make_world() if route in DESTRUCTIVE else shared
            path = re.sub(r"<(\w+)>", lambda m, ids=ids: str(ids[m.group(1)]), template)
            answers[who] = _classify(_call(app, people[who], method, path))
        found[route] = "".join(answers[who] for who in ROLES)
    if os.environ.get("ROUTE_MATRIX_PRINT"):
        print("\n" + "\n".join(f'    "{route}": "{classes}",' for route, classes in sorted(found.items())))
    wrong = {route: f"expected {EXPECTED.get(route)} got {classes}" for route, classes in found.items()
             if classes != EXPECTED.get(route)}
    assert wrong == {}, "\n" + "\n".join(f"{r}: {w}" for r, w in sorted(wrong.items())) + f"\n(order {ROLES})"

