"""The employer's record: only complaints staff accepted from workers who applied there count; the count is
kept on the employer, travels in every posting's search document (re-queued when it changes) and is the
ranker's ``employer_complaints`` feature, in serving and in training."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlmodel import select

from market.models import Employer, Job, SearchOutbox, WageComplaint
from market.recommend import employer_complaints, track_record, training_data
from market.search_index import hit_public, posting_document
from matching.features import F, PairBatch, PostingIndex, WorkerBlock
from matching.model import application_arrays, snapshot_state
from matching.types import TrackRecord


def _body(today, **overrides) -> dict:
    return {"amount_owed": 3000, "period_start": (today - timedelta(days=30)).isoformat(),
            "period_end": (today - timedelta(days=1)).isoformat()} | overrides


def _outbox_jobs(session) -> list[int]:
    session.rollback()
    return [r.job_id for r in session.exec(select(SearchOutbox).order_by(SearchOutbox.id))]


def test_the_count_changes_only_on_acceptance_and_closing_and_requeues_the_employers_postings(
        make_employer, make_job, make_worker, admin, session, today):
    employer = make_employer(name="东莞市拖欠五金厂")
    jobs = [make_job(employer, title=t) for t in ("冲压工", "普工")]
    bystander = make_job(make_employer(name="守信单位"))
    worker = make_worker()
    r = worker.post(f"/api/v1/jobs/{jobs[0]['id']}/applications")
    assert r.status_code == 201, r.get_json()
    before = _outbox_jobs(session)
    c = worker.post("/api/v1/complaints", _body(today, employer_id=employer.employer_id)).get_json()
    assert _outbox_jobs(session) == before  # filed, not yet accepted: nothing to tell search
    r = admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "in_progress"})
    assert r.status_code == 200, r.get_json()
    session.rollback()
    assert session.get(Employer, employer.employer_id).open_wage_complaints == 1
    queued = _outbox_jobs(session)
    assert sorted(queued[len(before):]) == sorted(j["id"] for j in jobs)  # every posting, no one else's
    assert bystander["id"] not in queued[len(before):]
    admin.post(f"/api/v1/complaints/{c['id']}/actions", {"action": "mediate", "note": "约谈"})
    assert len(_outbox_jobs(session)) == len(queued)  # a step that does not change the count queues nothing
    admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "resolved", "note": "已补发"})
    session.rollback()
    assert session.get(Employer, employer.employer_id).open_wage_complaints == 0
    assert len(_outbox_jobs(session)) == len(queued) + 2


def test_the_search_document_carries_the_count_and_a_hit_shows_it(make_employer, make_job, make_worker, admin,
                                                                  session, today):
    employer = make_employer()
    job = make_job(employer)
    worker = make_worker()
    worker.post(f"/api/v1/jobs/{job['id']}/applications")
    c = worker.post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()
    admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "in_progress"})
    session.rollback()
    doc = posting_document(session.get(Job, job["id"]), session.get(Employer, employer.employer_id))
    assert doc["employer_open_complaints"] == 1
    assert hit_public(doc)["employer"]["open_wage_complaints"] == 1


def _twin_market(make_employer, make_job):
    """Two employers with the same two postings each: nothing differs but the employers."""
    postings = {}
    for name in ("甲五金厂", "乙五金厂"):
        employer = make_employer(name=name)
        postings[name] = (employer, make_job(employer, title="电焊工", description="二保焊"),
                          make_job(employer, title="保洁员", occupation="cleaner", adcode="520102",
                                   description="写字楼保洁"))
    return postings


def test_an_employer_with_accepted_complaints_ranks_lower_everything_else_equal(app, make_employer, make_job,
                                                                               make_worker, admin, today):
    market = _twin_market(make_employer, make_job)
    seeker = make_worker(name="求职者")

    def scores() -> dict[int, float]:
        app.extensions["market"].ranker._checked_at = 0.0  # recommendations may lag changes by 30 s; not here
        items = seeker.get(f"/api/v1/workers/{seeker.worker_id}/recommendations?k=10").get_json()["items"]
        return {i["job"]["id"]: i["score"] for i in items}

    a_weld, b_weld = market["甲五金厂"][1]["id"], market["乙五金厂"][1]["id"]
    before = scores()
    assert before[a_weld] == before[b_weld]
    # The complainant worked at 甲's other posting, so the welding postings' own counts stay equal.
    complainant = make_worker(name="投诉人", occupations=[{"code": "cleaner", "years": 2}])
    complainant.post(f"/api/v1/jobs/{market['甲五金厂'][2]['id']}/applications")
    b_cleaner = market["乙五金厂"][2]["id"]
    make_worker(name="另一人").post(f"/api/v1/jobs/{b_cleaner}/applications")  # the same on 乙's side
    c = complainant.post("/api/v1/complaints", _body(today, employer_id=market["甲五金厂"][0].employer_id)).get_json()
    assert scores()[a_weld] == scores()[b_weld]  # filed only: not on the record yet
    admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "in_progress"})
    after = scores()
    assert after[a_weld] < after[b_weld]
    ranked = list(after)
    assert ranked.index(b_weld) < ranked.index(a_weld)


def test_serving_and_training_read_the_same_record(make_employer, make_job, make_worker, admin, session, today):
    market = _twin_market(make_employer, make_job)
    a = market["甲五金厂"][0]
    worker = make_worker()
    worker.post(f"/api/v1/jobs/{market['甲五金厂'][1]['id']}/applications")
    for amount in (100, 200):
        c = worker.post("/api/v1/complaints", _body(today, employer_id=a.employer_id, amount_owed=amount)).get_json()
        admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "in_progress"})
    session.rollback()
    assert employer_complaints(session) == {str(a.employer_id): 2}
    assert track_record(session, today).employer_complaints == {str(a.employer_id): 2}

    postings, workers, apps = training_data(session)
    index = PostingIndex.build(postings).with_track(TrackRecord(employer_complaints=employer_complaints(session)))
    block = WorkerBlock.build(workers)
    arrays = application_arrays(apps, block, index)
    _, snap = snapshot_state(block, index, arrays, (today + timedelta(days=1)).toordinal())
    rows = list(range(len(index)))
    X = PairBatch(block, snap, [0] * len(rows), rows, today.toordinal()).features()
    by_employer = {p.id: X[i, F["employer_complaints"]] for i, p in enumerate(index.postings)}
    a_ids = {str(market["甲五金厂"][k]["id"]) for k in (1, 2)}
    assert all(by_employer[i] == 2 for i in a_ids)
    assert all(v == 0 for i, v in by_employer.items() if i not in a_ids)


def test_training_rows_carry_the_feature(make_employer, make_job, make_worker, admin, session, today):
    from matching import model as model_mod

    market = _twin_market(make_employer, make_job)
    a = market["甲五金厂"][0]
    worker = make_worker()
    worker.post(f"/api/v1/jobs/{market['甲五金厂'][1]['id']}/applications")
    c = worker.post("/api/v1/complaints", _body(today, employer_id=a.employer_id)).get_json()
    admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "in_progress"})
    session.rollback()
    postings, workers, apps = training_data(session)
    seen = []
    original = model_mod.PairBatch.features

    def spy(self):
        X = original(self)
        seen.append(X[:, F["employer_complaints"]].copy())
        return X

    model_mod.PairBatch.features = spy
    try:
        try:
            model_mod.train(postings, workers, apps, today + timedelta(days=1), step_days=1,
                            employer_complaints=employer_complaints(session))
        except ValueError:
            pass  # a market this small may be too small to fit; the rows were built all the same
    finally:
        model_mod.PairBatch.features = original
    assert seen and max(float(col.max()) for col in seen) == 1.0
    assert session.exec(select(WageComplaint)).first().status == "in_progress"
    assert isinstance(today, date)


def test_lists_and_postings_read_the_count_without_counting_complaints(make_employer, make_job, make_worker, admin,
                                                                       engine, client, today):
    from sqlalchemy import event

    employer = make_employer()
    job = make_job(employer)
    worker = make_worker()
    worker.post(f"/api/v1/jobs/{job['id']}/applications")
    c = worker.post("/api/v1/complaints", _body(today, job_id=job["id"])).get_json()
    admin.post(f"/api/v1/complaints/{c['id']}/status", {"status": "in_progress"})
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        listed = client.get("/api/v1/jobs").get_json()["hits"]
        shown = client.get(f"/api/v1/jobs/{job['id']}").get_json()
        page = client.get(f"/jobs/{job['id']}").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert listed[0]["employer"]["open_wage_complaints"] == shown["employer"]["open_wage_complaints"] == 1
    assert "该单位有 1 件欠薪投诉正在处理" in page
    assert statements and not [s for s in statements if re.search(r"\bwage_complaints\b", s)]
