"""The policy centre: staff publish documents, a worker finds them through the real Meilisearch (a second
index beside the jobs'), the measures a worker can use highlighted and linked from the eligibility page."""

from __future__ import annotations

import uuid

import pytest

from market import create_app
from search.server import start_local

pytestmark = pytest.mark.meili

# Texts of our own, shaped like the documents the platform serves.
SKILLS = {
    "title": "某市农民工技能提升补贴实施办法", "issuer": "某市人力资源和社会保障局", "doc_number": "某人社发〔2026〕1号",
    "region_adcode": "510700", "issued_on": "2026-01-05",
    "body": "为鼓励农民工提升技能，结合本市实际制定本办法。\n取得职业技能等级证书的本市户籍农民工可申请补贴。",
    "measures": "★取得初级工证书补贴1000元，中级工1500元，高级工2000元 #mianyang_skill_upgrade\n各县区人社部门做好宣传",
}
TRANSPORT = {
    "title": "关于脱贫劳动力外出务工交通补助的通知", "issuer": "某省人社厅", "region_adcode": "520000",
    "body": "对跨省务工的脱贫劳动力给予一次性交通补助，实行承诺制和代办制。",
    "measures": "★脱贫人口跨省务工可申请一次性交通补助 #guizhou_transport",
}


@pytest.fixture(scope="module")
def meili(tmp_path_factory):
    server = start_local(tmp_path_factory.mktemp("meili-policies"), master_key="policy-key-" + uuid.uuid4().hex)
    yield server
    server.stop()


@pytest.fixture
def app(database_url, tmp_path, meili):
    from tests.conftest import _truncate

    app = create_app({
        "DATABASE_URL": database_url, "TESTING": True, "SMS_BACKEND": "memory", "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "SEARCH_ENABLED": True, "MEILI_URL": meili.url,
        "MEILI_MASTER_KEY": meili.master_key, "MEILI_TIMEOUT": 2.0, "MEILI_INDEX": "jobs_" + uuid.uuid4().hex[:8],
        "MODEL_DIR": str(tmp_path / "models"), "REDIS_URL": None,
    })
    state = app.extensions["market"]
    state.search.prepare()
    # No postings here: the jobs' outbox relay stays off, so its background transactions never race the
    # factories' writes on SQLite.
    state.search.start_relay = lambda engine: None
    yield app
    for uid in (state.policies.uid, state.search.admin.index_uid):
        if state.search.admin.get_index(uid) is not None:
            state.search.admin.wait_for_task(state.search.admin.delete_index(uid), 30)
    _truncate(state.engine)
    state.engine.dispose()


def test_published_policies_are_found_with_the_workers_measures_highlighted(admin, client):
    assert admin.post("/api/v1/policies", SKILLS).status_code == 201
    assert admin.post("/api/v1/policies", TRANSPORT).status_code == 201
    found = client.get("/api/v1/policies?q=交通补助").get_json()
    assert found["degraded"] is False
    assert [p["title"] for p in found["items"]] == ["关于脱贫劳动力外出务工交通补助的通知"]
    assert "<mark>" in found["items"][0]["measures_html"][0]
    skills = client.get("/api/v1/policies?q=技能提升补贴").get_json()["items"]
    assert skills[0]["title"] == SKILLS["title"]
    assert skills[0]["worker_measures"] == ["取得初级工证书补贴1000元，中级工1500元，高级工2000元"]  # not the staff one
    assert client.get("/api/v1/policies?q=交通补助&province=510000").get_json()["items"] == []
    page = client.get("/policies?q=交通补助").get_data(as_text=True)
    assert "<mark>" in page and "您可以用" in page


def test_staff_text_is_never_markup(admin, client):
    admin.post("/api/v1/policies", {**TRANSPORT, "title": "交通补助<script>alert(1)</script>通知"})
    page = client.get("/policies?q=交通补助").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_the_database_answers_when_the_engine_cannot(admin, client, app, meili):
    admin.post("/api/v1/policies", TRANSPORT)
    state = app.extensions["market"]
    state.policies.admin = state.policies.admin.with_key("wrong-key")  # every call to the engine now fails
    state.policies._searcher = None
    found = client.get("/api/v1/policies?q=交通补助").get_json()
    assert found["degraded"] is True and found["items"][0]["title"] == TRANSPORT["title"]


def test_the_eligibility_page_links_the_policy_that_names_its_rule(admin, make_worker, app):
    policy_id = admin.post("/api/v1/policies", SKILLS).get_json()["id"]
    worker = make_worker(hometown_adcode="510703", certificates=[{"name": "电工职业技能等级证书", "level": 4}])
    items = {i["key"]: i for i in worker.get(f"/api/v1/workers/{worker.worker_id}/eligibility").get_json()["items"]}
    assert items["mianyang_skill_upgrade"]["policy_id"] == policy_id
    browser = app.test_client()
    browser.post("/login", data={"phone": worker.user.phone, "password": "password123"})
    page = browser.get("/me/eligibility").get_data(as_text=True)
    assert f"/policies/{policy_id}#rule-mianyang_skill_upgrade" in page
    doc = browser.get(f"/policies/{policy_id}").get_data(as_text=True)
    assert 'id="rule-mianyang_skill_upgrade"' in doc and "您可以用的措施" in doc


def test_only_staff_publish_and_bad_input_is_named(make_worker, make_user, admin, client):
    for who in (make_worker(), make_user("trainer"), make_user("station_staff")):
        assert who.post("/api/v1/policies", SKILLS).status_code == 403
    r = admin.post("/api/v1/policies", {"title": "短", "region_adcode": "999999", "measures": "★某措施 #no_such_rule"})
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) >= {"title", "region_adcode", "measures"}
    assert client.get("/api/v1/policies").get_json()["items"] == []


def test_policies_reindex_fills_an_index_that_missed_a_publish(admin, client, app):
    state = app.extensions["market"]
    index, state.policies = state.policies, None  # published while the engine was not wired in
    admin.post("/api/v1/policies", TRANSPORT)
    state.policies = index
    assert client.get("/api/v1/policies?q=交通补助").get_json()["items"] == []
    result = app.test_cli_runner().invoke(args=["policies", "reindex"])
    assert result.exit_code == 0 and "1 policy documents indexed" in result.output
    assert [p["title"] for p in client.get("/api/v1/policies?q=交通补助").get_json()["items"]] == [TRANSPORT["title"]]
