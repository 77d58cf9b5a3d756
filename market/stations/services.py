"""Gig stations (零工驿站): the directory, the counter where staff register workers without a smartphone,
and the roster of who they registered and where those workers were placed (实名制动态管理)."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlmodel import Session, col, select

from market import clock
from market.audit import record
from market.crypto import PersonalDataCipher
from market.errors import FieldErrors, Forbidden, NotFound
from market.models import (
    ADMIN,
    HIRED,
    STATION_STAFF,
    Application,
    Employer,
    GigStation,
    Job,
    StationRegistration,
    User,
    Worker,
)
from market.partners.services import require_approved
from market.workers.services import register_at_counter
from vocab import regions, taxonomy

# What a station offers, by the names the policy documents use.
STATION_SERVICES = ("岗位信息发布", "零工登记", "技能培训报名", "政策咨询", "劳动维权", "休息等候", "饮水充电")


def create_station(*, session: Session, staff: User, data: dict) -> GigStation:
    errors = FieldErrors()
    name = str(data.get("name") or "").strip()
    errors.check(2 <= len(name) <= 100, "name", "请填写驿站名称（2 到 100 个字）")
    adcode = str(data.get("adcode") or "").strip()
    region = regions.get(adcode)
    errors.check(region is not None, "adcode", "驿站所在地的行政区划代码不存在")
    coords: list[float | None] = []
    for field, label, low, high in (("lat", "纬度", 3.0, 54.0), ("lng", "经度", 73.0, 136.0)):
        raw = data.get(field)
        if raw in (None, ""):
            coords.append(None)
            continue
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = -1.0
        if not low <= value <= high:
            errors.add(field, f"{label}应在 {low} 到 {high} 之间")
        coords.append(value)
    services = data.get("services") or []
    if isinstance(services, str):
        services = [services]
    if not isinstance(services, list):  # a number or an object from the API: named, never iterated (a 500)
        errors.add("services", "服务项目（services）应为列表")
        services = []
    services = [s for s in services if s]
    errors.check(all(s in STATION_SERVICES for s in services), "services",
                 f"服务只能是：{'、'.join(STATION_SERVICES)}")
    errors.raise_if_any()
    assert region is not None  # raise_if_any raised otherwise
    lat, lng = coords
    if lat is None or lng is None:  # the county's own point from cpca until staff enter the station's
        lat, lng = region.lat, region.lng
    station = GigStation(name=name, adcode=adcode, address=str(data.get("address") or "").strip()[:200],
                         lat=lat, lng=lng, hours=str(data.get("hours") or "").strip()[:100],
                         services=services, phone=str(data.get("phone") or "").strip()[:20])
    session.add(station)
    session.flush()
    record(session, actor=staff, action="station.create", target=("station", station.id))
    return station


def directory(session: Session, *, adcode: str | None = None) -> list[GigStation]:
    stmt = select(GigStation)
    if adcode:
        stmt = stmt.where(GigStation.adcode.startswith(adcode.rstrip("0") or adcode))
    return list(session.exec(stmt.order_by(col(GigStation.adcode), col(GigStation.id)).limit(500)))


def get_station(session: Session, station_id: int) -> GigStation:
    station = session.get(GigStation, station_id)
    if station is None:
        raise NotFound("没有这个零工驿站")
    return station


def station_public(station: GigStation) -> dict:
    return {"id": station.id, "name": station.name, "adcode": station.adcode,
            "place": regions.full_name(station.adcode), "address": station.address, "lat": station.lat,
            "lng": station.lng, "hours": station.hours, "services": station.services, "phone": station.phone}


def map_points(stations: list[GigStation], *, width: int = 320, height: int = 240) -> list[dict]:
    """Where each station sits on a plain box (no map tiles): longitude → x, latitude → y."""
    placed = [(s, s.lat, s.lng) for s in stations if s.lat is not None and s.lng is not None]
    if not placed:
        return []
    lats, lngs = [lat for _, lat, _ in placed], [lng for _, _, lng in placed]
    span_lat, span_lng = (max(lats) - min(lats)) or 1.0, (max(lngs) - min(lngs)) or 1.0
    pad = 16
    return [{"id": s.id, "name": s.name,
             "x": round(pad + (lng - min(lngs)) / span_lng * (width - 2 * pad), 1),
             "y": round(pad + (max(lats) - lat) / span_lat * (height - 2 * pad), 1)} for s, lat, lng in placed]


def _counter_staff(session: Session, user: User) -> int | None:
    """The station an approved station-staff account works at (None: bureau staff)."""
    if user.role == ADMIN:
        return None
    return require_approved(session, user, STATION_STAFF).station_id


def assisted_register(*, session: Session, staff: User, cipher: PersonalDataCipher, data: dict) -> Worker:
    """A worker without a smartphone, registered by station staff with trades and certificates; the account
    stays unclaimed until the worker verifies the phone (忘记密码 / 认领账号)."""
    station_id = _counter_staff(session, staff)
    worker = register_at_counter(session=session, staff=staff, cipher=cipher, data=data)
    assert worker.id is not None and staff.id is not None  # both flushed rows
    session.add(StationRegistration(worker_id=worker.id, station_id=station_id, staff_id=staff.id))
    return worker


def _registration(session: Session, staff: User, worker_id: int) -> StationRegistration:
    row = session.exec(select(StationRegistration).where(StationRegistration.worker_id == worker_id)).first()
    if row is None:
        raise NotFound("这个求职者不是在驿站登记的")
    if staff.role != ADMIN:
        station_id = _counter_staff(session, staff)
        if row.staff_id != staff.id and (station_id is None or row.station_id != station_id):
            raise Forbidden("只能查看本驿站登记的求职者")
    return row


def registered_worker(*, session: Session, staff: User, worker_id: int) -> Worker:
    """A worker this staff member (or their station) registered; bureau staff see every one."""
    _registration(session, staff, worker_id)
    worker = session.get(Worker, worker_id)
    assert worker is not None  # the registration's foreign key
    return worker


def roster(*, session: Session, staff: User, occupation: str | None = None, placed: bool | None = None,
           registered_from: date | None = None) -> list[dict]:
    """实名制动态管理: the workers registered at the counter, with where each was hired. Audited."""
    stmt = (select(StationRegistration, Worker, User).join(Worker, col(Worker.id) == StationRegistration.worker_id)
            .join(User, col(User.id) == Worker.user_id))
    if staff.role != ADMIN:
        station_id = _counter_staff(session, staff)
        stmt = stmt.where((StationRegistration.staff_id == staff.id) if station_id is None else
                          (StationRegistration.station_id == station_id) | (StationRegistration.staff_id == staff.id))
    if registered_from:  # from the start of that day in China
        start = datetime.combine(registered_from, time.min, tzinfo=clock.CHINA)
        stmt = stmt.where(StationRegistration.created_at >= start)
    rows = list(session.exec(stmt.order_by(col(StationRegistration.id).desc()).limit(1000)))
    hires: dict[int, list[dict]] = {}
    ids = [w.id for _, w, _ in rows]
    if ids:
        for app, job, employer in session.exec(
                select(Application, Job, Employer).join(Job, col(Job.id) == Application.job_id)
                .join(Employer, col(Employer.id) == Job.employer_id)
                .where(col(Application.worker_id).in_(ids), Application.status == HIRED)
                .order_by(col(Application.applied_at).desc())):
            hires.setdefault(app.worker_id, []).append(
                {"job_id": job.id, "title": job.title, "employer": employer.name,
                 "place": regions.full_name(job.adcode), "since": app.applied_at.isoformat()})
    out = []
    for reg, worker, user in rows:
        trades = [o["code"] for o in worker.occupations]
        if occupation and occupation not in trades:
            continue
        placements = hires.get(reg.worker_id, [])  # the join: reg.worker_id is worker.id
        if placed is not None and bool(placements) != placed:
            continue
        out.append({"worker_id": worker.id, "name": worker.name, "trades": [taxonomy.name_of(t) for t in trades],
                    "current_place": regions.full_name(worker.current_adcode) if worker.current_adcode else "",
                    "claimed": user.claimed, "registered_on": clock.to_china(reg.created_at).date().isoformat(),
                    "station_id": reg.station_id, "placements": placements})
    record(session, actor=staff, action="station.roster_view", target=("station", None),
           occupation=occupation, placed=placed, rows=len(out))
    return out


def matches(*, session: Session, ranker, worker: Worker, cipher: PersonalDataCipher, today: date,
            k: int = 5) -> list[dict]:
    """The worker's best open postings at once (market.recommend), as the slip prints them."""
    from market.postings import browse

    scored, _ = ranker.recommend(session, worker, k=k, today=today, cipher=cipher)
    ids = {j.employer_id for j, _ in scored}
    employers = {e.id: e for e in session.exec(select(Employer).where(col(Employer.id).in_(ids)))} if ids else {}
    return [{"job": browse.job_public(job, employers[job.employer_id], today=today, full=False),
             "reasons": s.reasons} for job, s in scored]


def slip(*, session: Session, ranker, worker: Worker, cipher: PersonalDataCipher, today: date) -> dict:
    """What the printed slip carries: the worker's matches and the subsidies they may claim now."""
    from market.subsidies.services import eligibility

    claimable = [i for i in eligibility(session=session, worker=worker, cipher=cipher) if i["eligible"]]
    return {"matches": matches(session=session, ranker=ranker, worker=worker, cipher=cipher, today=today),
            "subsidies": claimable}


def qr_svg_uri(url: str) -> str:
    """A QR code as a data: URI an <img> shows and a printer prints, with no script and no request."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)
