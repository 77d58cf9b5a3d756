"""Job fairs over HTTP: public fair pages, the organiser's pages, employers' booths, workers' check-in."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from market import clock
from market.api_schemas import FairRequest, SignupDecision
from market.employers.services import employer_of
from market.errors import AppError, Forbidden, Invalid, NotFound
from market.fairs import qr, services, sheets
from market.models import (
    ADMIN,
    EMPLOYER,
    FAIR_KIND_NAMES,
    JOB_OPEN,
    ORGANISER,
    SIGNUP_APPROVED,
    WORKER,
    Employer,
    Fair,
    FairRegistration,
    User,
    Worker,
)
from market.places import form as place_form
from market.places import pages as place_pages
from market.postings import browse
from market.postings import pages as job_form
from market.postings import services as postings
from market.postings.access import load_job, visible_to
from market.web import (
    api,
    api_user,
    commit,
    db,
    json_body,
    json_checked,
    json_model,
    ok,
    page_user,
    roles_required,
)
from market.workers.services import require_worker

bp = Blueprint("fairs", __name__)
RUNNERS = (ORGANISER, ADMIN)


def _viewer() -> User | None:
    return current_user.user if current_user.is_authenticated else None


def _my_employer(user: User) -> Employer:
    employer = employer_of(db(), user)
    if employer is None:
        raise Forbidden("请先登记单位信息")
    return employer


# ---- API ----

@api.post("/fairs")
def api_create_fair():
    user = api_user(*RUNNERS)
    fair = services.create_fair(session=db(), organiser=user, data=json_checked(FairRequest))
    commit()
    return ok({"id": fair.id} | services.fair_public(fair), 201)


@api.get("/fairs")
def api_fairs():
    adcode, on = services.parse_list_query(request.args)
    return ok({"items": [services.fair_public(f) for f in services.list_fairs(db(), adcode=adcode, on=on)]})


@api.get("/fairs/<int:fair_id>")
def api_fair(fair_id: int):
    return ok(services.fair_detail(db(), services.get_fair(db(), fair_id)))


@api.post("/fairs/<int:fair_id>/signups")
def api_fair_sign_up(fair_id: int):
    user = api_user(EMPLOYER)
    signup = services.sign_up(session=db(), fair=services.get_fair(db(), fair_id), employer=_my_employer(user),
                              actor=user)
    commit()
    return ok({"id": signup.id, "status": signup.status, "booth": signup.booth}, 201)


@api.post("/fairs/<int:fair_id>/signups/<int:signup_id>/decision")
def api_fair_decide(fair_id: int, signup_id: int):
    user = api_user(*RUNNERS)
    fair = services.owned_fair(db(), fair_id, user)  # someone else's fair is not found, whatever the body
    body = json_model(SignupDecision)
    signup = services.decide(session=db(), fair=fair, signup_id=signup_id, actor=user, approve=body.approve,
                             booth=body.booth)
    commit()
    return ok({"id": signup.id, "status": signup.status, "booth": signup.booth})


@api.post("/fairs/<int:fair_id>/jobs")
def api_fair_job(fair_id: int):
    """``job_id``: an existing posting of the employer's; otherwise the body is a new posting."""
    user = api_user(EMPLOYER)
    fair, employer, body = services.get_fair(db(), fair_id), _my_employer(user), json_body()
    if "job_id" in body:
        job = services.attach_job(session=db(), fair=fair, employer=employer, actor=user, job_id=body["job_id"])
        status = 200
    else:
        job = services.post_at_fair(session=db(), fair=fair, employer=employer, actor=user, data=body)
        status = 201
    commit()
    return ok(browse.job_public(job, employer, today=clock.today()), status)


# ---- Public pages ----

@bp.get("/fairs")
def fairs_page():
    on_text = request.args.get("on", "").strip()
    adcode, errors, place = place_form.search_filter(request.args, "place", label="地点")
    items: list[Fair] = []
    try:
        adcode, on = services.parse_list_query({"adcode": adcode, "on": on_text})
        if not errors:
            items = services.list_fairs(db(), adcode=adcode, on=on)
    except AppError as exc:
        errors |= exc.fields
    return render_template("fairs/list.html", fairs=[services.fair_public(f) for f in items],
                           place=place, on=on_text, errors=errors), 422 if errors else 200


@bp.get("/fairs/<int:fair_id>")
def fair_page(fair_id: int):
    fair = services.get_fair(db(), fair_id)
    user = _viewer()
    context: dict = {}
    if user is not None and user.role == EMPLOYER:
        employer = employer_of(db(), user)
        context["signup"] = services.signup_of(db(), fair.id, employer.id) if employer else None
    if user is not None and user.role == WORKER:
        worker = require_worker(db(), user)
        context["registration"] = services.registration_of(db(), fair.id, worker.id)
    return _fair_template(fair, user, **context)


def _fair_template(fair: Fair, user: User | None, status: int = 200, **context):
    today = clock.today()
    items = [(b, [browse.job_public(j, b.employer, today=today, full=False) for j in b.jobs])
             for b in services.booths(db(), fair)]
    return render_template("fairs/detail.html", fair=services.fair_public(fair), booths=items,
                           runs=services.runs(fair, user), today=today.isoformat(), **context), status


@bp.post("/fairs/<int:fair_id>/signup")
@roles_required(EMPLOYER)
def sign_up_page(fair_id: int):
    user = page_user()
    services.sign_up(session=db(), fair=services.get_fair(db(), fair_id), employer=_my_employer(user), actor=user)
    commit()
    flash("已报名，等组织者审核")
    return redirect(url_for("fairs.employer_fair_page", fair_id=fair_id))


# ---- The organiser's pages ----

FAIR_PLACES = {"adcode": "举办地"}


def _organiser_list(user: User, *, status: int = 200, stepped: str | None = None, choices: dict | None = None,
                    **context):
    context.setdefault("form", {})
    context.setdefault("errors", {})
    context["place"] = place_form.pickers(context["form"] or None, FAIR_PLACES, stepped=stepped,
                                          choices=choices)["adcode"]
    return render_template("fairs/organiser.html", fairs=[services.fair_public(f) for f in services.list_fairs(
        db(), organiser=None if user.role == ADMIN else user)], kinds=FAIR_KIND_NAMES, **context), status


@bp.route("/organiser/fairs", methods=["GET", "POST"])
@roles_required(*RUNNERS)
def organiser_fairs():
    user = page_user()
    form = request.form
    if request.method == "POST" and place_form.STEP in form:
        return _organiser_list(user, form=form, stepped=form[place_form.STEP])
    if request.method == "POST":
        saved = place_pages.save(form, FAIR_PLACES, lambda data: services.create_fair(
            session=db(), organiser=user, data=data))
        if saved.failure:
            exc = saved.failure
            return _organiser_list(user, status=exc.status, error=exc.message, errors=exc.fields, form=form,
                                   choices=saved.choices)
        flash(f"已创建招聘会：{saved.result.name}")
        return redirect(url_for("fairs.manage_page", fair_id=saved.result.id))
    return _organiser_list(user)


def _manage(fair: Fair, *, status: int = 200, **context):
    context.setdefault("errors", {})
    context.setdefault("form", {})
    return render_template("fairs/manage.html", fair=services.fair_public(fair), counts=services.dashboard(db(), fair),
                           booths=services.booths(db(), fair, everyone=True), approved=SIGNUP_APPROVED,
                           signup_names=services.SIGNUP_STATUS_NAMES, **context), status


@bp.get("/organiser/fairs/<int:fair_id>")
@roles_required(*RUNNERS)
def manage_page(fair_id: int):
    return _manage(services.owned_fair(db(), fair_id, page_user()))


@bp.post("/organiser/fairs/<int:fair_id>/signups/<int:signup_id>")
@roles_required(*RUNNERS)
def decide_page(fair_id: int, signup_id: int):
    user = page_user()
    fair = services.owned_fair(db(), fair_id, user)
    action = request.form.get("action")
    try:
        if action == "booth":
            services.set_booth(session=db(), fair=fair, signup_id=signup_id, actor=user,
                               booth=request.form.get("booth"))
        else:
            services.decide(session=db(), fair=fair, signup_id=signup_id, actor=user, approve=action == "approve",
                            booth=request.form.get("booth"))
        commit()
    except AppError as exc:
        if exc.status in (403, 404):
            raise
        db().rollback()
        return _manage(fair, status=exc.status, error=exc.message, errors=exc.fields)
    flash("已保存")
    return redirect(url_for("fairs.manage_page", fair_id=fair_id))


# ---- The employer's booth ----

@bp.get("/employer/fairs")
@roles_required(EMPLOYER)
def employer_fairs_page():
    employer = _my_employer(page_user())
    return render_template("fairs/employer_list.html", items=services.fairs_of_employer(db(), employer),
                           signup_names=services.SIGNUP_STATUS_NAMES,
                           open_fairs=[services.fair_public(f) for f in services.list_fairs(db(), on=None)
                                       if f.ends_on >= clock.today()])


def _employer_fair(fair: Fair, employer: Employer, *, status: int = 200, **context):
    signup = services.signup_of(db(), fair.id, employer.id)
    today = clock.today()
    booth = next((b for b in services.booths(db(), fair, everyone=True) if b.employer.id == employer.id), None)
    offered = {j.id for j in booth.jobs} if booth else set()
    mine = [j for j in postings.jobs_of_employer(db(), employer.id)
            if j.id not in offered and postings.effective_status(j, today) == JOB_OPEN]
    context.setdefault("errors", {})
    return render_template("fairs/employer_fair.html", fair=services.fair_public(fair), signup=signup,
                           approved=SIGNUP_APPROVED, signup_names=services.SIGNUP_STATUS_NAMES,
                           offered=[browse.job_public(j, employer, today=today, full=False)
                                    for j in (booth.jobs if booth else [])],
                           mine=mine, **context), status


@bp.get("/employer/fairs/<int:fair_id>")
@roles_required(EMPLOYER)
def employer_fair_page(fair_id: int):
    return _employer_fair(services.get_fair(db(), fair_id), _my_employer(page_user()))


@bp.post("/employer/fairs/<int:fair_id>/attach")
@roles_required(EMPLOYER)
def attach_page(fair_id: int):
    user = page_user()
    fair, employer = services.get_fair(db(), fair_id), _my_employer(user)
    try:
        services.attach_job(session=db(), fair=fair, employer=employer, actor=user, job_id=request.form.get("job_id"))
        commit()
    except AppError as exc:
        if exc.status in (403, 404):
            raise
        db().rollback()
        return _employer_fair(fair, employer, status=exc.status, error=exc.message, errors=exc.fields)
    flash("岗位已带到展位")
    return redirect(url_for("fairs.employer_fair_page", fair_id=fair_id))


@bp.post("/employer/fairs/<int:fair_id>/detach/<int:job_id>")
@roles_required(EMPLOYER)
def detach_page(fair_id: int, job_id: int):
    user = page_user()
    services.detach_job(session=db(), fair=services.get_fair(db(), fair_id), employer=_my_employer(user),
                        actor=user, job_id=job_id)
    commit()
    flash("岗位已从展位撤下（岗位本身仍在招聘）")
    return redirect(url_for("fairs.employer_fair_page", fair_id=fair_id))


@bp.route("/employer/fairs/<int:fair_id>/jobs/new", methods=["GET", "POST"])
@roles_required(EMPLOYER)
def new_fair_job_page(fair_id: int):
    user = page_user()
    fair, employer = services.get_fair(db(), fair_id), _my_employer(user)
    services.approved_signup(db(), fair, employer)
    heading = f"在“{fair.name}”现场发布岗位"
    if request.method == "POST":
        _, page = job_form.save(lambda data: services.post_at_fair(session=db(), fair=fair, employer=employer,
                                                                    actor=user, data=data), heading=heading)
        if page is not None:
            return page
        flash("岗位已发布并带到展位")
        return redirect(url_for("fairs.employer_fair_page", fair_id=fair_id))
    return job_form.render({"closes_at": fair.ends_on.isoformat()}, {}, heading=heading)


# ---- Job sheets ----

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


SHEET_ENDPOINTS = ("fairs.upload_page", "api.api_fair_import")


def allow_sheet_uploads() -> None:
    """A job sheet may be larger than any other request body: raise the limit for its two routes only.

    Runs before anything reads the form (the CSRF check does), so a 3 MB sheet is not cut off at the site's
    usual limit.
    """
    if request.endpoint in SHEET_ENDPOINTS:
        request.max_content_length = sheets.MAX_BYTES + 64 * 1024  # the file and the form around it


def _sheet_bytes() -> bytes:
    """The uploaded file, read within the sheet limit (the site's usual body limit is lower)."""
    from werkzeug.exceptions import RequestEntityTooLarge

    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        raise sheets.SheetRefused(f"文件超过 {sheets.MAX_BYTES // 1024 // 1024} MB，请分成几个文件上传",
                                  status=413, code="too_large") from None
    if upload is None or not upload.filename:
        raise Invalid({"file": "请选择要上传的岗位表（.xlsx）"})
    data = upload.read(sheets.MAX_BYTES + 1)
    if len(data) > sheets.MAX_BYTES:
        raise sheets.SheetRefused(f"文件超过 {sheets.MAX_BYTES // 1024 // 1024} MB，请分成几个文件上传",
                                  status=413, code="too_large")
    return data


def _sheet_employer(fair: Fair, user: User, raw_employer_id: object) -> Employer:
    """Whose postings the sheet holds: the organiser names the employer (and so brings it in); an employer
    sends its own."""
    if services.runs(fair, user):
        try:
            employer = db().get(Employer, int(str(raw_employer_id or "").strip()))
        except ValueError:
            employer = None
        if employer is None:
            raise Invalid({"employer_id": "请填写岗位所属单位的编号（employer_id）"})
        services.admit(session=db(), fair=fair, employer=employer, actor=user)
        return employer
    return services.employer_may_send_sheet(db(), fair, user, employer_of(db(), user))


def _import(fair: Fair, user: User) -> sheets.Report:
    # The organiser's page offers the fair's employers and a box for any other employer's number.
    employer = _sheet_employer(fair, user, request.form.get("employer_number") or request.form.get("employer_id"))
    report = sheets.import_sheet(session=db(), fair=fair, employer=employer, actor=user, data=_sheet_bytes())
    commit()
    return report


@api.get("/fairs/<int:fair_id>/template.xlsx")
def api_fair_template(fair_id: int):
    services.get_fair(db(), fair_id)
    return Response(sheets.template(), mimetype=_XLSX, headers={
        "Content-Disposition": "attachment; filename=jobs-template.xlsx; filename*=UTF-8''%E5%B2%97%E4%BD%8D%E8%A1%A8.xlsx"})


@api.post("/fairs/<int:fair_id>/jobs.xlsx")
def api_fair_import(fair_id: int):
    user = api_user(*RUNNERS, EMPLOYER)
    report = _import(services.get_fair(db(), fair_id), user)
    return ok(report.as_dict())


@bp.get("/fairs/<int:fair_id>/template.xlsx")
def template_page(fair_id: int):
    return api_fair_template(fair_id)


@bp.post("/fairs/<int:fair_id>/upload")
@roles_required(*RUNNERS, EMPLOYER)
def upload_page(fair_id: int):
    user = page_user()
    fair = services.get_fair(db(), fair_id)
    runs = services.runs(fair, user)
    try:
        report = _import(fair, user)
    except AppError as exc:
        if exc.status in (401, 403, 404):
            raise
        db().rollback()
        if runs:
            return _manage(fair, status=exc.status, error=exc.message, errors=exc.fields,
                           form=request.form)
        return _employer_fair(fair, _my_employer(user), status=exc.status, error=exc.message, errors=exc.fields)
    if runs:
        return _manage(fair, report=report, form=request.form)
    return _employer_fair(fair, _my_employer(user), report=report)


# ---- QR codes and booth posters ----

def _public(path: str) -> str:
    return qr.public_url(current_app.extensions["market"].settings.PUBLIC_URL, path)


def _svg(path: str) -> Response:
    return Response(qr.svg(_public(path)), mimetype="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=3600"})


@bp.get("/jobs/<int:job_id>/qr.svg")
def job_qr(job_id: int):
    job, employer = load_job(db(), job_id)
    if not visible_to(job, employer, _viewer()):
        raise NotFound("没有这个岗位")
    return _svg(url_for("postings.job_page", job_id=job.id))


@bp.get("/fairs/<int:fair_id>/qr.svg")
def fair_qr(fair_id: int):
    fair = services.get_fair(db(), fair_id)
    return _svg(url_for("fairs.checkin_page", fair_id=fair.id))


@bp.get("/fairs/<int:fair_id>/booths/<int:employer_id>/poster")
def poster_page(fair_id: int, employer_id: int):
    fair = services.get_fair(db(), fair_id)
    booth = services.booth_of(db(), fair, employer_id)
    today = clock.today()
    jobs = [(browse.job_public(j, booth.employer, today=today, full=False),
             Markup(qr.svg_inline(_public(url_for("postings.job_page", job_id=j.id)), scale=3)))
            for j in booth.jobs]
    return render_template("fairs/poster.html", fair=services.fair_public(fair), booth=booth, jobs=jobs,
                           fair_qr=Markup(qr.svg_inline(_public(url_for("fairs.checkin_page", fair_id=fair.id)),
                                                        scale=3)))


# ---- Workers: registration and check-in ----

@api.post("/fairs/<int:fair_id>/registrations")
def api_fair_register(fair_id: int):
    user = api_user(WORKER)
    registration = services.register(session=db(), fair=services.get_fair(db(), fair_id),
                                     worker=require_worker(db(), user))
    commit()
    return ok(_registration_public(registration), 201)


@api.post("/fairs/<int:fair_id>/checkins")
def api_fair_check_in(fair_id: int):
    """A worker checks themself in (scanned the fair's code); the organiser checks in a worker's ``code``."""
    user = api_user(WORKER, *RUNNERS)
    fair = services.get_fair(db(), fair_id)
    if user.role == WORKER:
        registration = services.check_in_self(session=db(), fair=fair, worker=require_worker(db(), user), user=user)
        first = None
    else:
        fair = services.owned_fair(db(), fair_id, user)
        registration, first = services.check_in_code(session=db(), fair=fair, code=json_body().get("code"),
                                                     actor=user)
    commit()
    return ok(_registration_public(registration) | ({"first_check_in": first} if first is not None else {}))


@api.get("/fairs/<int:fair_id>/dashboard")
def api_fair_dashboard(fair_id: int):
    user = api_user(*RUNNERS)
    return ok(services.dashboard(db(), services.owned_fair(db(), fair_id, user)).as_dict())


def _registration_public(registration: FairRegistration) -> dict:
    return {"fair_id": registration.fair_id, "code": registration.code,
            "registered_at": registration.registered_at.isoformat(),
            "checked_in_at": registration.checked_in_at.isoformat() if registration.checked_in_at else None}


@bp.post("/fairs/<int:fair_id>/register")
@roles_required(WORKER)
def register_page(fair_id: int):
    user = page_user()
    services.register(session=db(), fair=services.get_fair(db(), fair_id), worker=require_worker(db(), user))
    commit()
    flash("报名成功：到现场扫招聘会的二维码签到，或出示您的签到码")
    return redirect(url_for("fairs.my_code_page", fair_id=fair_id))


@bp.get("/fairs/<int:fair_id>/me")
@roles_required(WORKER)
def my_code_page(fair_id: int):
    fair = services.get_fair(db(), fair_id)
    registration = services.registration_of(db(), fair.id, require_worker(db(), page_user()).id)
    if registration is None:
        return redirect(url_for("fairs.fair_page", fair_id=fair_id))
    code_url = _public(url_for("fairs.gate_page", fair_id=fair.id, code=registration.code))
    return render_template("fairs/my_code.html", fair=services.fair_public(fair), registration=registration,
                           code_qr=Markup(qr.svg_inline(code_url, scale=5)))


@bp.route("/fairs/<int:fair_id>/checkin", methods=["GET", "POST"])
def checkin_page(fair_id: int):
    """What the fair's QR code opens: a worker checks in with one tap (signing in first if need be)."""
    fair = services.get_fair(db(), fair_id)
    user = _viewer()
    if user is None:
        return redirect(url_for("auth.login", next=request.path))
    if user.role != WORKER:
        if services.runs(fair, user):
            return redirect(url_for("fairs.manage_page", fair_id=fair_id))
        raise Forbidden("签到页是给求职者的：请用求职者账号登录")
    worker = require_worker(db(), user)
    registration = services.registration_of(db(), fair.id, worker.id)
    if request.method == "POST":
        try:
            registration = services.check_in_self(session=db(), fair=fair, worker=worker, user=user)
            commit()
        except AppError as exc:
            if exc.status in (403, 404):
                raise
            db().rollback()
            return render_template("fairs/checkin.html", fair=services.fair_public(fair),
                                   registration=registration, error=exc.message), exc.status
        flash("签到成功，欢迎参加！")
    return render_template("fairs/checkin.html", fair=services.fair_public(fair), registration=registration)


@bp.route("/organiser/fairs/<int:fair_id>/gate/<code>", methods=["GET", "POST"])
@roles_required(*RUNNERS)
def gate_page(fair_id: int, code: str):
    """What a worker's own code opens on the organiser's phone: who it is, and a button to check them in."""
    fair = services.owned_fair(db(), fair_id, page_user())
    if request.method == "POST":
        return _gate_check_in(fair, code)
    registration = services.registration_for_code(db(), fair, code)
    worker = db().get(Worker, registration.worker_id) if registration else None
    return render_template("fairs/gate.html", fair=services.fair_public(fair), registration=registration,
                           worker=worker, code=services.normalise_code(code))


def _gate_check_in(fair: Fair, code: object):
    user = page_user()
    try:
        registration, first = services.check_in_code(session=db(), fair=fair, code=code, actor=user)
        commit()
    except AppError as exc:
        if exc.status == 403:
            raise
        db().rollback()
        return _manage(fair, status=exc.status, error=exc.message, errors={"code": exc.message},
                       form=request.form)
    worker = db().get(Worker, registration.worker_id)
    flash(f"{worker.name or '求职者'}（签到码 {registration.code}）" + ("签到成功" if first else "已经签到过了"))
    return redirect(url_for("fairs.manage_page", fair_id=fair.id))


@bp.post("/organiser/fairs/<int:fair_id>/checkins")
@roles_required(*RUNNERS)
def gate_form(fair_id: int):
    return _gate_check_in(services.owned_fair(db(), fair_id, page_user()), request.form.get("code"))
