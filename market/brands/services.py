"""Labour brands (劳务品牌: 贵州绣娘, 黔菜师傅, 羌绣, 草编 …, declared in vocab/data/labour_brands.json): a page
per brand, workers claiming one and staff confirming the claim."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, or_, select

from market import clock
from market.audit import record
from market.errors import Invalid, NotFound
from market.models import (
    BRAND_CLAIMED,
    BRAND_CONFIRMED,
    BRAND_REJECTED,
    BrandClaim,
    Employer,
    Job,
    User,
    Worker,
)
from market.postings import browse
from vocab import regions, taxonomy
from vocab.taxonomy import LabourBrand

STATUS_NAMES = {BRAND_CLAIMED: "待人社确认", BRAND_CONFIRMED: "已确认", BRAND_REJECTED: "未通过"}


def get_brand(name: str) -> LabourBrand:
    for brand in taxonomy.labour_brands():
        if brand.name == name:
            return brand
    raise NotFound("没有这个劳务品牌")


def brand_public(brand: LabourBrand) -> dict:
    home = brand.home_adcode or brand.province + "0000"
    return {"name": brand.name, "occupation": brand.occupation, "occupation_name": taxonomy.name_of(brand.occupation),
            "home_adcode": home, "home_region": regions.full_name(home)}


def claim(*, session: Session, worker: Worker, brand_name: str) -> tuple[BrandClaim, bool]:
    """The worker says they carry the brand; staff confirm. Claiming again returns the first claim."""
    if brand_name not in [b.name for b in taxonomy.labour_brands()]:
        raise Invalid({"brand": "劳务品牌不在列表里"})
    existing = session.exec(select(BrandClaim).where(BrandClaim.worker_id == worker.id,
                                                     BrandClaim.brand == brand_name)).first()
    if existing is not None:
        return existing, False
    assert worker.id is not None  # a stored worker
    row = BrandClaim(worker_id=worker.id, brand=brand_name)
    session.add(row)
    session.flush()
    record(session, actor=None, action="brand.claim", target=("brand_claim", row.id), worker_id=worker.id)
    return row, True


def pending(session: Session) -> list[tuple[BrandClaim, Worker]]:
    return list(session.exec(select(BrandClaim, Worker).join(Worker, col(Worker.id) == BrandClaim.worker_id)
                             .where(BrandClaim.status == BRAND_CLAIMED).order_by(col(BrandClaim.id)).limit(200)))


def decide(*, session: Session, staff: User, claim_id: int, confirm: bool) -> BrandClaim:
    row = session.get(BrandClaim, claim_id)
    if row is None:
        raise NotFound("没有这条品牌认定申请")
    worker = session.get(Worker, row.worker_id)
    assert worker is not None  # the claim's foreign key
    row.status = BRAND_CONFIRMED if confirm else BRAND_REJECTED
    row.decided_by, row.decided_at = staff.id, clock.now()
    if confirm:
        worker.labour_brand = row.brand  # the ranker's labour-brand feature reads it
    elif worker.labour_brand == row.brand:
        worker.labour_brand = None
    session.add_all([row, worker])
    record(session, actor=staff, action="brand.decide", target=("brand_claim", row.id), confirmed=confirm)
    return row


def claims_of(session: Session, worker: Worker) -> list[dict]:
    rows = session.exec(select(BrandClaim).where(BrandClaim.worker_id == worker.id).order_by(col(BrandClaim.id)))
    return [claim_public(c) for c in rows]


def claim_public(row: BrandClaim, worker: Worker | None = None) -> dict:
    out = {"id": row.id, "brand": row.brand, "status": row.status, "status_name": STATUS_NAMES[row.status],
           "worker_id": row.worker_id}
    if worker is not None:
        out["worker_name"] = worker.name
    return out


def carriers(session: Session, brand: LabourBrand, *, limit: int = 50) -> tuple[int, list[dict]]:
    """Workers staff confirmed for the brand: how many, and the discoverable ones by name and trade."""
    rows = list(session.exec(select(Worker).join(BrandClaim, col(BrandClaim.worker_id) == Worker.id)
                             .where(BrandClaim.brand == brand.name, BrandClaim.status == BRAND_CONFIRMED)
                             .order_by(col(Worker.id))))
    shown = []
    for w in rows:
        if not w.discoverable or not w.name:
            continue
        years = next((o["years"] for o in w.occupations if o["code"] == brand.occupation), None)
        shown.append({"worker_id": w.id, "name": w.name, "years": years,
                      "current_place": regions.full_name(w.current_adcode) if w.current_adcode else ""})
    return len(rows), shown[:limit]


def postings(session: Session, brand: LabourBrand, *, today: date | None = None, limit: int = 20) -> list[dict]:
    """Open postings that ask for the brand by name."""
    today = today or clock.today()
    rows = session.exec(select(Job, Employer).join(Employer, col(Employer.id) == Job.employer_id)
                        .where(browse.open_on_clause(today),
                               or_(col(Job.title).contains(brand.name), col(Job.description).contains(brand.name)))
                        .order_by(col(Job.posted_at).desc(), col(Job.id).desc()).limit(limit))
    return [browse.job_public(j, e, today=today, full=False) for j, e in rows]
