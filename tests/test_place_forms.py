"""Every form and filter with a place takes it by name (or from the picker), never as a region code: a name is
stored as the right adcode, a name several places share asks which one and keeps the rest of the form, and a
name nobody knows is refused with a message naming the field and everything typed kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from htmlforms import form_data
from sqlmodel import Session, select

from market import clock
from market.models import Fair, OrganiserApplication, PolicyDocument, User, Worker
from tests.conftest import unique_phone, uscc_with_check


def signed_in(api):
    r = api.client.post("/login", data={"phone": api.user.phone, "password": "password123"})
    assert r.status_code == 302
    return api.client


@dataclass
class PlaceForm:
    """One page's form: where it is, what a person types into its other fields, its place field (with the
    label its messages use), how it is sent, and where the place it saved can be read back."""

    page: Any
    path: str
    typed: dict[str, str]
    place: str
    label: str
    stored: Callable[[], str | None]
    post_path: str | None = None
    extra: dict[str, str] | None = None  # what the submit button itself sends
    saved_status: int = 302

    def blank(self):
        return form_data(self.page.get(self.path).get_data(as_text=True))

    def send(self, form):
        for key, value in (self.extra or {}).items():
            form[key] = value
        return self.page.post(self.post_path or self.path, data=form)

    def refused(self, place: str):
        """Sends the form with ``place`` typed: refused (422), the place field marked, every other field
        kept as typed, nothing saved. The page and the form it shows again."""
        before = self.stored()
        form = self.filled(place)
        r = self.send(form)
        html = r.get_data(as_text=True)
        assert r.status_code == 422, html
        assert f'aria-invalid="true" aria-describedby="err-{self.place}"' in html
        kept = form_data(html)
        for key in self.typed:
            if key != "password":  # never sent back
                assert kept[key] == form[key], key
        assert self.stored() == before  # nothing saved
        return html, kept

    def filled(self, place: str):
        form = self.blank()
        for key, value in self.typed.items():
            form[key] = value
        form[self.place] = place
        return form


def _db(app):
    return Session(app.extensions["market"].engine)


def _employer_resubmit(app, make_employer, admin):
    employer = make_employer(verified=False, adcode="330106", name="松桃县劳务服务有限公司")
    admin.post(f"/api/v1/admin/employers/{employer.employer_id}/decision", {"approve": False, "note": "执照不清楚"})
    return PlaceForm(signed_in(employer), "/employer/register",
                     {"name": "松桃县劳务服务有限公司", "uscc": uscc_with_check("91520628MA0000777")},
                     "adcode", "单位所在地", lambda: employer.get("/api/v1/employers/me").get_json()["adcode"],
                     post_path="/employer/resubmit")


def _fair(app, make_user, admin):
    organiser = make_user("organiser", name="铜仁市人社局")
    starts = clock.today() + timedelta(days=10)

    def stored():
        with _db(app) as s:
            fair = s.exec(select(Fair).where(Fair.organiser_id == organiser.user.id)).first()
            return fair.adcode if fair else None
    return PlaceForm(signed_in(organiser), "/organiser/fairs",
                     {"name": "2027 春风行动 · 铜仁专场", "starts_on": starts.isoformat(),
                      "ends_on": (starts + timedelta(days=1)).isoformat(), "address": "松桃县体育馆"},
                     "adcode", "举办地", stored)


def _organiser_application(app, make_user, admin):
    client, phone = app.test_client(), unique_phone()
    case = PlaceForm(client, "/organisers/apply",
                     {"phone": phone, "name": "王老师", "organisation": "松桃县就业局", "password": "organiser123"},
                     "adcode", "机构所在地", lambda: None, extra={"step": "apply"}, saved_status=200)

    def blank():  # the code is asked for first; the form comes back with the code box
        sent = client.post("/organisers/apply", data={"phone": phone, "step": "code"})
        assert sent.status_code == 200
        form = form_data(sent.get_data(as_text=True))
        form["code"] = app.extensions["market"].sms.last_to(phone).split("验证码 ")[1][:6]
        return form

    def stored():
        with _db(app) as s:
            row = s.exec(select(OrganiserApplication).where(OrganiserApplication.phone == phone)).first()
            return row.adcode if row else None
    case.blank, case.stored = blank, stored  # type: ignore[method-assign]
    return case


def _partner(app, make_user, admin):
    trainer = make_user("trainer", name="松桃县职业技术学校")
    return PlaceForm(signed_in(trainer), "/partner", {"organisation": "松桃县职业技术学校"}, "adcode", "所在地",
                     lambda: trainer.get("/api/v1/partners/me").get_json()["adcode"])


def _policy(app, make_user, admin):
    def stored():
        with _db(app) as s:
            row = s.exec(select(PolicyDocument).where(PolicyDocument.title == "松桃县稳岗就业十条")).first()
            return row.region_adcode if row else None
    return PlaceForm(signed_in(admin), "/admin/policies/new",
                     {"title": "松桃县稳岗就业十条", "body": "就近就业的给予交通补贴。"}, "region_adcode", "适用地区",
                     stored)


def _station(app, make_user, admin):
    def stored():
        items = app.test_client().get("/api/v1/stations").get_json()["items"]
        return next((s["adcode"] for s in items if s["name"] == "松桃县零工驿站"), None)
    return PlaceForm(signed_in(admin), "/admin/stations/new", {"name": "松桃县零工驿站", "address": "蓼皋街道"},
                     "adcode", "驿站所在地", stored)


def _counter(app, make_user, admin):
    phone = unique_phone()

    def stored():
        with _db(app) as s:
            worker = s.exec(select(Worker).join(User, User.id == Worker.user_id).where(User.phone == phone)).first()
            return worker.hometown_adcode if worker else None
    return PlaceForm(signed_in(admin), "/station/counter",
                     {"phone": phone, "name": "张大姐", "current_adcode": "广东东莞"},
                     "hometown_adcode", "老家", stored)


def _course(app, make_user, admin):
    trainer = make_user("trainer", name="松桃县职业技术学校")
    starts = clock.today() + timedelta(days=14)

    def stored():
        items = trainer.get("/api/v1/courses").get_json()["items"]
        return next((c["adcode"] for c in items if c["title"] == "焊工（中级）培训班"), None)
    return PlaceForm(signed_in(trainer), "/trainer/courses",
                     {"title": "焊工（中级）培训班", "occupation": "welder", "starts_on": starts.isoformat(),
                      "ends_on": (starts + timedelta(days=20)).isoformat(), "seats": "30", "address": "职校实训楼"},
                     "adcode", "培训地点", stored)


FORMS = {"employer resubmit": _employer_resubmit, "fair": _fair, "organiser application": _organiser_application,
         "partner": _partner, "policy": _policy, "station": _station, "station counter": _counter,
         "course": _course}


@pytest.fixture(params=list(FORMS))
def place_form(request, app, make_user, make_employer, admin):
    make = FORMS[request.param]
    return make(app, make_employer if make is _employer_resubmit else make_user, admin)


@pytest.mark.parametrize(("typed", "adcode"), [("贵州 松桃", "520628"), ("广东东莞", "441900")])
def test_a_place_typed_by_name_is_saved_as_its_region(place_form, typed, adcode):
    r = place_form.send(place_form.filled(typed))
    assert r.status_code == place_form.saved_status, r.get_data(as_text=True)
    assert place_form.stored() == adcode


def test_a_name_several_places_share_asks_which_and_keeps_the_rest(place_form):
    html, kept = place_form.refused("朝阳区")
    assert "“朝阳区”有好几个地方：北京市朝阳区、吉林省长春市朝阳区，请选一个" in html
    assert f'name="{place_form.place}__pick" value="220104"' in html
    kept[f"{place_form.place}__pick"] = "220104"
    if "password" in place_form.typed:
        kept["password"] = place_form.typed["password"]
    again = place_form.send(kept)
    assert again.status_code == place_form.saved_status, again.get_data(as_text=True)
    assert place_form.stored() == "220104"


def test_a_place_nobody_knows_is_refused_by_the_fields_name_with_everything_kept(place_form):
    html, kept = place_form.refused("火星")
    assert f"没找到{place_form.label}“火星”" in html
    assert kept[place_form.place] == "火星"


def test_the_picker_alone_fills_a_place_without_javascript(make_user, admin):
    """Province, then 下一步 (the page fills the cities), then the city: saved without typing a name."""
    case = _station(None, make_user, admin)
    form = case.blank()
    form["name"], form["adcode__p"], form["place_step"] = "铜仁市零工驿站", "520000", "adcode"
    html = case.page.post(case.path, data=form).get_data(as_text=True)
    assert '<option value="520600">铜仁市</option>' in html
    form = form_data(html)
    assert form["adcode"] == "贵州省" and form["name"] == "铜仁市零工驿站"
    form["adcode__c"] = "520600"
    assert case.page.post(case.path, data=form).status_code == 302
    items = admin.get("/api/v1/stations?adcode=520600").get_json()["items"]
    assert [s["name"] for s in items] == ["铜仁市零工驿站"]


def test_a_policy_for_a_province_or_the_whole_country(admin, app):
    case = _policy(app, None, admin)
    assert case.send(case.filled("贵州")).status_code == 302 and case.stored() == "520000"
    nationwide = case.blank()
    nationwide["title"], nationwide["body"] = "全国农民工工资支付条例解读", "按月足额支付。"
    assert case.page.post(case.path, data=nationwide).status_code == 302
    with _db(app) as s:
        row = s.exec(select(PolicyDocument).where(PolicyDocument.title == "全国农民工工资支付条例解读")).one()
        assert row.region_adcode is None


def test_a_required_place_left_empty_asks_for_it_by_name(make_user, admin):
    case = _station(None, make_user, admin)
    r = case.send(case.filled(""))
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "请填写驿站所在地" in html and "行政区划代码" not in html


# ---- Filters: a province, city or county by name ----

@pytest.fixture
def places_listed(admin, make_user, app):
    """A station, a course and a fair in 松桃 (贵州) and one of each in 东莞 (广东)."""
    trainer = make_user("trainer", name="职业技术学校")
    organiser = make_user("organiser", name="人社局")
    starts = clock.today() + timedelta(days=7)
    for adcode, town in (("520628", "松桃"), ("441900", "东莞")):
        assert admin.post("/api/v1/stations", {"name": f"{town}零工驿站", "adcode": adcode}).status_code == 201
        assert trainer.post("/api/v1/courses", {
            "title": f"{town}焊工培训班", "occupation": "welder", "adcode": adcode, "seats": 20,
            "starts_on": starts.isoformat(), "ends_on": (starts + timedelta(days=10)).isoformat()}).status_code == 201
        assert organiser.post("/api/v1/fairs", {
            "name": f"{town}春风行动招聘会", "kind": "spring_breeze", "adcode": adcode,
            "starts_on": starts.isoformat(), "ends_on": starts.isoformat()}).status_code == 201
    return app.test_client()


@pytest.mark.parametrize(("path", "field", "what"), [
    ("/stations", "adcode", "零工驿站"), ("/courses", "adcode", "焊工培训班"), ("/fairs", "place", "春风行动招聘会")])
def test_filters_find_by_a_province_city_or_county_name(places_listed, path, field, what):
    for typed in ("贵州", "铜仁市", "贵州 松桃"):
        r = places_listed.get(path, query_string={field: typed})
        html = r.get_data(as_text=True)
        assert r.status_code == 200 and f"松桃{what}" in html and f"东莞{what}" not in html, typed
    html = places_listed.get(path, query_string={field: "广东东莞"}).get_data(as_text=True)
    assert f"东莞{what}" in html and f"松桃{what}" not in html
    assert form_data(html, "stack")[field] == "广东省东莞市"  # shown by its name, never the code
    everywhere = places_listed.get(path).get_data(as_text=True)
    assert f"东莞{what}" in everywhere and f"松桃{what}" in everywhere


@pytest.mark.parametrize(("path", "field", "label"), [
    ("/stations", "adcode", "地区"), ("/courses", "adcode", "地点"), ("/fairs", "place", "地点")])
def test_filters_ask_about_a_shared_name_and_name_a_wrong_one(places_listed, path, field, label):
    r = places_listed.get(path, query_string={field: "朝阳区"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "北京市朝阳区、吉林省长春市朝阳区" in html
    assert f'name="{field}__pick" value="110105"' in html
    r = places_listed.get(path, query_string={field: "火星"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and f"没找到{label}“火星”" in html
    assert f'aria-describedby="err-{field}"' in html and form_data(html, "stack")[field] == "火星"


def test_the_api_filters_keep_taking_adcodes(places_listed):
    assert [s["name"] for s in places_listed.get("/api/v1/stations?adcode=520628").get_json()["items"]] == [
        "松桃零工驿站"]
    assert [c["title"] for c in places_listed.get("/api/v1/courses?adcode=520000").get_json()["items"]] == [
        "松桃焊工培训班"]
    assert [f["name"] for f in places_listed.get("/api/v1/fairs?adcode=441900").get_json()["items"]] == [
        "东莞春风行动招聘会"]


def test_a_filters_picker_steps_without_javascript_and_filters_by_the_province_meanwhile(places_listed):
    r = places_listed.get("/stations", query_string={"adcode": "", "adcode__was": "", "adcode__p": "520000",
                                                     "place_step": "adcode"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and '<option value="520600">铜仁市</option>' in html
    assert "松桃零工驿站" in html and "东莞零工驿站" not in html
    form = form_data(html)
    assert form["adcode"] == "贵州省"
    form["adcode__c"] = "520600"
    html = places_listed.get("/stations", query_string=form).get_data(as_text=True)
    assert "松桃零工驿站" in html and form_data(html)["adcode"] == "贵州省铜仁市"
