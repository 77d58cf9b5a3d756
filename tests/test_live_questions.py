"""Viewers' questions: length, filter and rate limits before anyone sees them; the organiser's moderation; and
the stream's question events (replayed like on_air), momentary counts (never replayed) and heartbeats."""

from __future__ import annotations

from sqlmodel import select

from market import create_app
from market.live.questions import sensitive_word_in, sensitive_words
from market.models import LiveEvent, LiveQuestion
from tests.livekit import new_session, on_air


def _ask(api, session_id: int, body: str):
    return api.post(f"/api/v1/live/sessions/{session_id}/questions", {"body": body})


def _moderate(api, session_id: int, question_id: int, **data):
    return api.post(f"/api/v1/live/sessions/{session_id}/questions/{question_id}", data)


def test_the_word_list_is_data_and_catches_words_spelled_apart():
    assert "加微信" in sensitive_words() and len(sensitive_words()) > 20
    assert sensitive_word_in("想去的加 微 信 聊") == "加微信"
    assert sensitive_word_in("ＳＢ老板") == "sb"  # full width and case folded
    assert sensitive_word_in("有事打13812345678") == "联系方式"
    assert sensitive_word_in("有夫妻房吗？几号发工资？") is None


def test_a_question_is_checked_before_anyone_sees_it(organiser, make_worker, session):
    session_id = new_session(organiser)
    worker = make_worker()
    assert _ask(worker, session_id, "   ").status_code == 422
    r = _ask(worker, session_id, "问" * 101)
    assert r.status_code == 422 and "最多 100 个字" in r.get_json()["error"]["fields"]["body"]
    r = _ask(worker, session_id, "工资低，想赚钱的加我微信 abc123")
    assert r.status_code == 422 and "不能公开" in r.get_json()["error"]["message"]
    assert session.exec(select(LiveQuestion)).all() == []
    r = _ask(worker, session_id, "有夫妻房吗？")
    assert r.status_code == 201 and r.get_json()["status"] == "pending"
    # Pending: the organiser sees it, viewers do not.
    assert organiser.get(f"/api/v1/live/sessions/{session_id}/questions").get_json()["items"][0]["body"] == "有夫妻房吗？"
    assert worker.get(f"/api/v1/live/sessions/{session_id}/questions").get_json()["items"] == []
    anonymous = worker.client.post(f"/api/v1/live/sessions/{session_id}/questions", json={"body": "在吗"})
    assert anonymous.status_code == 401


def test_the_organiser_approves_hides_answers_and_pins_for_every_viewer(organiser, make_worker, make_user, watch,
                                                                          make_job, session):
    session_id = new_session(organiser)
    on_air(organiser, session_id, make_job(title="电工")["id"])
    worker = make_worker()
    _ask(worker, session_id, "有夫妻房吗？")
    _ask(worker, session_id, "几号发工资？")
    first, second = sorted(q.id for q in session.exec(select(LiveQuestion)))
    stream = watch(session_id)
    stream.wait_events(1)  # the job on air

    assert _moderate(make_user("organiser"), session_id, first, action="approve").status_code == 403
    assert _moderate(worker, session_id, first, action="approve").status_code == 403
    assert _moderate(organiser, session_id, first, action="shout").status_code == 422
    assert _moderate(organiser, session_id, second, action="pin").status_code == 409  # not public yet

    approved = _moderate(organiser, session_id, first, action="approve").get_json()
    assert approved["question"]["status"] == "approved" and approved["event_id"]
    assert _moderate(organiser, session_id, first, action="approve").get_json()["event_id"] is None
    hidden_pending = _moderate(organiser, session_id, second, action="hide").get_json()
    assert hidden_pending["event_id"] is None  # nobody ever saw it
    answered = _moderate(organiser, session_id, second, action="answer", answer="每月 10 号", pinned=True).get_json()
    assert answered["question"] == answered["question"] | {"status": "approved", "answer": "每月 10 号", "pinned": True}
    hidden = _moderate(organiser, session_id, first, action="hide").get_json()

    events = stream.wait_events(4)[1:]
    assert [e["event"] for e in events] == ["question"] * 3
    assert [e["id"] for e in events] == [approved["event_id"], answered["event_id"], hidden["event_id"]]
    assert [e["data"]["question"]["status"] for e in events] == ["approved", "approved", "hidden"]
    assert events[1]["data"]["question"]["pinned"] is True
    assert "user_id" not in events[0]["data"]["question"]  # never who asked
    visible = worker.get(f"/api/v1/live/sessions/{session_id}/questions").get_json()["items"]
    assert [(q["body"], q["answer"], q["pinned"]) for q in visible] == [("几号发工资？", "每月 10 号", True)]


def test_question_events_are_replayed_after_a_reconnect_and_counts_are_not(organiser, make_worker, watch, hub,
                                                                           make_job, session, app):
    session_id = new_session(organiser)
    on_air_event = on_air(organiser, session_id, make_job()["id"])["event_id"]
    worker = make_worker()
    _ask(worker, session_id, "包吃住吗？")
    question = session.exec(select(LiveQuestion)).one()
    answer = _moderate(organiser, session_id, question.id, action="answer", answer="包三餐，包住",
                       pinned=True).get_json()["event_id"]
    hub.poll_once(counts=True)  # a counts tick: momentary, no id
    # A viewer who last saw the on-air event gets exactly the answer, then nothing doubled.
    stream = watch(session_id, headers={"Last-Event-ID": str(on_air_event)})
    events = stream.wait_events(1)
    assert [e["id"] for e in events] == [answer]
    stream.until(lambda s: s.momentary or len(s.comments) >= 3, timeout=3)
    assert all(e["id"] > on_air_event for e in stream.events) and len(stream.events) == 1
    session.rollback()  # a fresh look, not the snapshot of the first read
    stored = [e.event for e in session.exec(select(LiveEvent).where(LiveEvent.session_id == session_id))]
    assert "counts" not in stored and stored.count("question") == 1


def test_counts_tell_viewers_how_many_watch_and_heartbeats_keep_the_line(organiser, make_worker, watch, hub,
                                                                          make_job):
    session_id = new_session(organiser)
    job = make_job()
    on_air(organiser, session_id, job["id"])
    worker = make_worker()
    worker.post(f"/api/v1/live/sessions/{session_id}/applications", {"job_id": job["id"]})
    one, two = watch(session_id), watch(session_id)
    one.wait_events(1)
    two.wait_events(1)
    hub.poll_once(counts=True)
    one.until(lambda s: s.momentary)
    counts = one.momentary[-1]
    assert counts["event"] == "counts"
    assert counts["data"] == {"viewers": 2, "applications": 1, "on_air_job_id": job["id"], "on_air_applications": 1}
    one.until(lambda s: len(s.comments) >= 2)
    assert "keepalive" in one.comments


def test_questions_are_rate_limited_per_account(database_url, tmp_path, make_user, make_worker):
    limited = create_app({"DATABASE_URL": database_url, "TESTING": True, "SEARCH_ENABLED": False,
                          "MODEL_DIR": str(tmp_path / "models"), "REDIS_URL": None, "RATELIMIT_ENABLED": True})
    try:
        session_id = new_session(make_user("organiser"))
        worker = make_worker()
        client = limited.test_client()
        headers = {"Authorization": f"Bearer {worker.token}"}
        statuses = [client.post(f"/api/v1/live/sessions/{session_id}/questions", json={"body": f"第{i}个问题"},
                                headers=headers).status_code for i in range(4)]
        assert statuses == [201, 201, 201, 429]
    finally:
        limited.extensions["live"].close()
        limited.extensions["market"].engine.dispose()


def test_the_viewer_page_asks_with_a_form_and_keeps_what_was_typed(app, organiser, make_worker, make_job, session):
    session_id = new_session(organiser)
    browser = app.test_client()
    worker = make_worker()
    assert browser.post("/login", data={"phone": worker.user.phone, "password": "password123"}).status_code == 302
    r = browser.post(f"/live/{session_id}/questions", data={"body": "有事加我微信"})
    assert r.status_code == 422 and "有事加我微信" in r.get_data(as_text=True) and "不能公开" in r.get_data(as_text=True)
    assert browser.post(f"/live/{session_id}/questions", data={"body": "要体检吗？"}).status_code == 302
    question = session.exec(select(LiveQuestion)).one()
    _moderate(organiser, session_id, question.id, action="answer", answer="入职体检公司出钱", pinned=True)
    html = app.test_client().get(f"/live/{session_id}").get_data(as_text=True)
    assert "要体检吗？" in html and "答：入职体检公司出钱" in html and "置顶" in html
