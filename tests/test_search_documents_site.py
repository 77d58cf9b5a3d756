"""The documents a reindex builds from plain columns are the ones the outbox relay sends for each posting."""

from sqlmodel import select

from market.models import Employer, Job
from market.search_index import documents_from_database, posting_document


def test_reindex_documents_equal_the_relays(make_employer, make_job, engine, session):
    employer = make_employer()
    make_job(employer, title="急招氩弧焊工", benefits=["包吃", "包住"])
    make_job(employer, title="保洁", occupation="cleaner", wage_unit="day", wage_min=150, wage_max=200)
    rebuilt = list(documents_from_database(engine))
    relayed = [posting_document(j, e) for j, e in session.exec(
        select(Job, Employer).join(Employer, Employer.id == Job.employer_id).order_by(Job.id))]
    assert rebuilt == relayed and len(rebuilt) == 2
    assert rebuilt[0]["employer_id"] == employer.employer_id and rebuilt[0]["employer_verified"] is True


def test_stored_trade_is_the_one_the_title_names(make_job, client):
    job = make_job(title="急招电焊工", occupation="factory_worker")  # the declared trade contradicts the title
    assert client.get(f"/api/v1/jobs/{job['id']}").get_json()["occupation"] == "welder"
