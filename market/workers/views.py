"""A worker's own profile (pages and API), and who may read a worker at all."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from market.api_schemas import ProfileRequest
from market.errors import AppError, Forbidden, NotFound
from market.models import EMPLOYER, WORKER, Application, Employer, Job, User, Worker
from market.places import form as place_form
from market.postings.access import is_staff
from market.web import api, api_user, commit, db, json_checked, ok, page_user, roles_required
from market.workers import services
from vocab import certificates, regions, taxonomy
from vocab.terms import (
    COLLECTED_PRIORITY_GROUPS,
    MOBILITIES,
    MOBILITY_NAMES,
    PREFERRED_TYPE_NAMES,
    PREFERRED_TYPES,
)

bp = Blueprint("workers", __name__)


def _cipher():
    return current_app.extensions["market"].cipher


def _me(user: User) -> Worker:
    worker = services.worker_of(db(), user)
    if worker is None:
        raise NotFound("没有求职资料")
    return worker


def worker_view_for(user: User, worker: Worker) -> dict:
    """The worker sees everything; staff see the ID number masked; an employer sees an applicant to its
    own posting without identifiers; nobody else sees anything."""
    if user.role == WORKER and worker.user_id == user.id:
        return services.worker_for_self(worker, _cipher())
    if is_staff(user):
        return services.worker_for_staff(worker, _cipher())
    if user.role == EMPLOYER:
        applied = db().exec(select(Application.id).join(Job, Job.id == Application.job_id)
                            .join(Employer, Employer.id == Job.employer_id)
                            .where(Application.worker_id == worker.id, Employer.owner_id == user.id)).first()
        if applied is not None:
            owner = db().get(User, worker.user_id)
            return services.worker_for_employer(worker, deleted=owner is None or not owner.active)
    raise Forbidden()


@api.get("/me/profile")
def api_profile():
    user = api_user(WORKER)
    return ok(services.worker_for_self(_me(user), _cipher()))


@api.put("/me/profile")
def api_update_profile():
    user = api_user(WORKER)
    worker = services.update_profile(session=db(), worker=_me(user), cipher=_cipher(), data=json_checked(ProfileRequest))
    commit()
    return ok(services.worker_for_self(worker, _cipher()))


@api.delete("/me")
def api_delete_me():
    user = api_user()
    services.delete_account(session=db(), user=user, worker=services.worker_of(db(), user))
    commit()
    return ok({"deleted": True})


@api.get("/workers/<int:worker_id>")
def api_worker(worker_id: int):
    user = api_user()
    worker = db().get(Worker, worker_id)
    if worker is None:
        raise NotFound("没有这个求职者")
    return ok(worker_view_for(user, worker))


PROFILE_PLACES = {"current_adcode": "现在所在地", "hometown_adcode": "老家"}
BLANK_TRADE_ROWS, BLANK_CERT_ROWS = 2, 2


def _certificate_rows(form) -> tuple[list[dict], dict[str, str], set[int]]:
    """Certificate rows: one picked from the catalogue with its level, or typed as people say it (焊工证,
    电工证（中级）) and mapped to the catalogue's name. A typed name the catalogue does not know is refused,
    with the row kept as typed."""
    out: list[dict] = []
    unknown: set[int] = set()
    names, levels, texts = form.getlist("cert_name"), form.getlist("cert_level"), form.getlist("cert_text")
    for i in range(max(len(names), len(levels), len(texts))):
        name = (names[i] if i < len(names) else "").strip()
        level = (levels[i] if i < len(levels) else "").strip()
        text = (texts[i] if i < len(texts) else "").strip()
        if text:
            held = certificates.resolve(text)
            if held is None:
                unknown.add(i)
                continue
            name, level = held.certificate.name, level or (str(held.level) if held.level else "")
        if name:
            out.append({"name": name, "level": int(level) if level.isdigit() else None})
    errors = {}
    if unknown:
        bad = "、".join(f"“{texts[i].strip()}”" for i in sorted(unknown))
        errors["certificates"] = f"不认识证书{bad}，请从列表里选，或写证上的名字（如 焊工证、电工证、叉车证）"
    return out, errors, unknown


def _profile_form() -> tuple[dict, dict[str, str], dict[str, list[dict]], set[int]]:
    form = request.form
    data: dict = {k: form.get(k) for k in ("name", "expected_wage", "preferred_type", "mobility") if k in form}
    places, errors, choices = place_form.read_all(form, PROFILE_PLACES)
    data.update(places)
    codes = form.getlist("occupation")
    years = form.getlist("years")
    data["occupations"] = [{"code": c, "years": (y or "0").strip()}
                           for c, y in zip(codes, years, strict=False) if c]
    data["certificates"], cert_errors, unknown = _certificate_rows(form)
    errors.update(cert_errors)
    data["discoverable"] = form.get("discoverable") == "on"
    if form.get("sensitive_consent") == "on":
        data["sensitive_consent"] = True
    elif form.get("withdraw_consent") == "on":
        data["sensitive_consent"] = False
    if form.get("id_number"):
        data["id_number"] = form.get("id_number")
    if form.get("sensitive_consent") == "on" or form.getlist("priority_groups"):
        data["priority_groups"] = form.getlist("priority_groups")
    return data, errors, choices, unknown


def _form_of(me: dict) -> MultiDict:
    """The saved profile as the form would post it, so a page shown fresh and one shown again after a
    mistake are drawn the same way."""
    form = MultiDict()
    form["name"] = me["name"] or ""
    for field in PROFILE_PLACES:
        form[field] = regions.full_name(me.get(field)) if me.get(field) else ""
        form[f"{field}__was"] = me.get(field) or ""
    for o in me["occupations"]:
        form.add("occupation", o["code"])
        form.add("years", str(o.get("years") or 0))
    for c in me["certificates"]:
        known = certificates.get(c["name"])
        form.add("cert_name", known.name if known else "")
        form.add("cert_level", str(c.get("level") or ""))
        form.add("cert_text", "" if known else c["name"])
    form["expected_wage"] = str(me["expected_wage"] or "")
    form["preferred_type"] = me["preferred_type"] or ""
    form["mobility"] = me["mobility"] or ""
    if me["discoverable"]:
        form["discoverable"] = "on"
    if me["sensitive_consent"]:
        form["sensitive_consent"] = "on"
    for g in me["priority_groups"]:
        form.add("priority_groups", g)
    return form


def _render_profile(me: dict, form, errors: dict, *, error: str | None = None, status: int = 200,
                    choices: dict | None = None, stepped: str | None = None, unknown: set[int] | None = None):
    pickers = {f: place_form.picker(form, f, me.get(f), stepped=stepped == f,
                                    candidates=(choices or {}).get(f)) for f in PROFILE_PLACES}
    trades = list(zip(form.getlist("occupation"), form.getlist("years"), strict=False))
    trades = [t for t in trades if t[0]] + [("", "")] * BLANK_TRADE_ROWS
    certs = list(zip(form.getlist("cert_name"), form.getlist("cert_level"), form.getlist("cert_text"),
                     strict=False))
    certs = [c for c in certs if any(c)] + [("", "", "")] * BLANK_CERT_ROWS
    return render_template(
        "worker/profile.html", me=me, form=form, errors=errors, error=error, pickers=pickers, trades=trades,
        certs=certs, unknown_certs=unknown or set(), catalogue=certificates.catalog(),
        levels=certificates.SKILL_LEVELS, occupations=list(taxonomy.occupations().values()),
        mobility=MOBILITIES, mobility_names=MOBILITY_NAMES, types=PREFERRED_TYPES, type_names=PREFERRED_TYPE_NAMES,
        priority_groups=COLLECTED_PRIORITY_GROUPS), status


@bp.route("/me/profile", methods=["GET", "POST"])
@roles_required(WORKER)
def profile_page():
    user = page_user()
    worker = _me(user)
    me = services.worker_for_self(worker, _cipher())
    if request.method == "GET":
        return _render_profile(me, _form_of(me), {})
    if place_form.STEP in request.form:
        return _render_profile(me, request.form, {}, stepped=request.form[place_form.STEP])
    data, form_errors, choices, unknown = _profile_form()
    try:
        place_form.checked(form_errors, lambda: services.update_profile(
            session=db(), worker=worker, cipher=_cipher(), data=data))
        commit()
    except AppError as exc:
        db().rollback()
        return _render_profile(me, request.form, exc.fields, error=exc.message, status=exc.status,
                               choices=choices, unknown=unknown)
    flash("资料已保存")
    return redirect(url_for("workers.profile_page"))


@bp.route("/me/delete", methods=["GET", "POST"])
@roles_required()
def delete_page():
    """Asks first (a page of its own, no script needed); deletes only when the answer is yes."""
    from flask_login import logout_user

    user = page_user()
    if request.method == "GET" or request.form.get("confirm") != "yes":
        back = url_for("workers.profile_page") if user.role == WORKER else url_for("postings.home")
        return render_template("confirm.html", title="注销账号", question="确定要注销账号并删除个人信息吗？",
                               details=["姓名、手机号、身份证号和求职资料会被删除，以后不能再用这个账号登录。",
                                        "投递记录会匿名保留，用于单位存档和统计。"],
                               action=url_for("workers.delete_page"), yes="确定注销", back=back)
    services.delete_account(session=db(), user=user, worker=services.worker_of(db(), user))
    commit()
    logout_user()
    flash("账号和个人信息已删除")
    return redirect(url_for("postings.home"))
