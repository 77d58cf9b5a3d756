"""Schemathesis over /api/v1/openapi.json against the app itself (WSGI, no network), signed in as the demo
market's worker, employer, organiser, staff and partners: per route, how many requests, how many answered 5xx,
how many answers broke the document (status, content type, body schema) and how many invalid requests were
let through (negative data that was not refused with a 4xx).

    .venv/bin/python -m bench.fuzz --examples 50          # every route, 50 valid and 50 invalid requests each
    .venv/bin/python -m bench.fuzz --examples 20 --route /jobs

Cases are derandomised: the same code and document give the same requests. ``tests/test_api_fuzz.py`` runs a
bounded pass of the same runner in ``make test``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import hypothesis.errors
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

# Demo accounts (market.demo.ACCOUNTS) whose tokens the run sends, by the role a route is meant for.
ROLE_PHONES = {"worker": "13900000021", "employer": "13900000011", "organiser": "13900000002",
               "admin": "13900000001", "trainer": "13900000031", "station_staff": "13900000032"}
# Routes that end the caller's own account, token or sign-in: each request gets a fresh account.
DISPOSABLE = {("DELETE", "/api/v1/me"), ("POST", "/api/v1/auth/logout"),
              ("DELETE", "/api/v1/me/sign-ins/{sign_in_id}")}
CONFORMANCE = [not_a_server_error, status_code_conformance, content_type_conformance,
               response_schema_conformance]


@dataclass
class Figures:
    """One route's tally."""

    requests: int = 0
    server_errors: int = 0
    violations: int = 0
    accepted_invalid: int = 0
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)  # the first few failures, for the report

    def note(self, text: str) -> None:
        if len(self.examples) < 3 and text not in self.examples:
            self.examples.append(text)


@dataclass
class World:
    tokens: dict[str, str]
    ids: dict[str, Any]
    disposable_token: Callable[[], tuple[str, int]]  # a fresh worker's token and its sign-in id


def make_app(database_url: str):
    from market import create_app

    return create_app({
        "DATABASE_URL": database_url, "TESTING": True, "SMS_BACKEND": "memory", "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "SEARCH_ENABLED": False, "REDIS_URL": None,
        "MODEL_DIR": tempfile.mkdtemp(prefix="fuzz-models-"),
    })


def seed_world(app) -> World:
    """The demo market in the app's (empty, migrated) database, tokens for its accounts, and the ids of
    things those accounts own, so path parameters reach real rows."""
    from sqlmodel import Session, select

    from market.auth.services import create_user, issue_token
    from market.db import write_intent
    from market.demo import load_demo
    from market.models import (
        Application,
        BrandClaim,
        Employer,
        Fair,
        FairSignup,
        GigStation,
        Job,
        LiveQuestion,
        LiveSession,
        OrganiserApplication,
        PartnerAccount,
        PolicyDocument,
        SignIn,
        TrainingCourse,
        User,
        WageComplaint,
        Worker,
        WorkLogEntry,
    )

    state = app.extensions["market"]
    secret = app.config["SECRET_KEY"]
    with Session(state.engine, expire_on_commit=False) as s:
        write_intent(s)
        load_demo(s, cipher=state.cipher)
        s.commit()
        write_intent(s)
        users = {role: s.exec(select(User).where(User.phone == phone)).one() for role, phone in ROLE_PHONES.items()}
        tokens = {role: issue_token(user, secret, session=s, label="fuzz") for role, user in users.items()}
        s.commit()

        def first(query, default: Any = 1) -> Any:
            row = s.exec(query).first()
            return default if row is None else row

        employer = s.exec(select(Employer).where(Employer.owner_id == users["employer"].id)).one()
        worker = s.exec(select(Worker).where(Worker.user_id == users["worker"].id)).one()
        job_id = first(select(Job.id).where(Job.employer_id == employer.id).order_by(Job.id))
        ids = {
            "job_id": job_id, "employer_id": employer.id, "worker_id": worker.id,
            "app_id": first(select(Application.id).where(Application.worker_id == worker.id)),
            "complaint_id": first(select(WageComplaint.id).where(WageComplaint.worker_id == worker.id)),
            "session_id": first(select(LiveSession.id).order_by(LiveSession.id)),
            "question_id": first(select(LiveQuestion.id)),
            "fair_id": first(select(Fair.id).order_by(Fair.id)),
            "signup_id": first(select(FairSignup.id).order_by(FairSignup.id)),
            "entry_id": first(select(WorkLogEntry.id)),
            "course_id": first(select(TrainingCourse.id)),
            "station_id": first(select(GigStation.id)),
            "policy_id": first(select(PolicyDocument.id)),
            "claim_id": first(select(BrandClaim.id)),
            "application_id": first(select(OrganiserApplication.id)),
            "account_id": first(select(PartnerAccount.id)),
            "sign_in_id": first(select(SignIn.id).where(SignIn.user_id == users["worker"].id)),
            "name": "贵州绣娘",
        }
    _own_things(app, tokens, ids)
    counter = itertools.count(1)

    def disposable_token() -> tuple[str, int]:
        with Session(state.engine, expire_on_commit=False) as s:
            write_intent(s)
            user = create_user(session=s, phone=f"137{next(counter):08d}", password="disposable123",
                               role="worker", name="临时账号")
            s.commit()
            write_intent(s)
            token = issue_token(user, secret, session=s, label="fuzz")
            s.commit()
            sign_in = s.exec(select(SignIn.id).where(SignIn.user_id == user.id)).one()
        return token, sign_in

    return World(tokens=tokens, ids=ids, disposable_token=disposable_token)


def _own_things(app, tokens: dict[str, str], ids: dict[str, Any]) -> None:
    """The demo's signed-in worker has applied to nothing and filed nothing: an application and a complaint
    of his own, so the routes that read them answer with a body."""
    client = app.test_client()
    worker = {"Authorization": f"Bearer {tokens['worker']}"}
    r = client.post(f"/api/v1/jobs/{ids['job_id']}/applications", json={}, headers=worker)
    assert r.status_code in (200, 201), r.get_json()
    ids["app_id"] = r.get_json()["id"]
    r = client.post("/api/v1/complaints", headers=worker, json={
        "job_id": ids["job_id"], "amount_owed": 3000, "period_start": "2026-01-01", "period_end": "2026-02-01",
        "description": "拖欠两个月工资"})
    assert r.status_code in (200, 201), r.get_json()
    ids["complaint_id"] = r.get_json()["id"]


def load_schema(app, document: dict | None = None):
    """The app's own document, or ``document`` (a test's altered copy) run against the same app."""
    if document is None:
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = app
    return schema


def operations(schema, only: Iterable[str] = ()) -> list:
    wanted = tuple(only)
    out = []
    for result in schema.get_all_operations():
        op = result.ok()
        if wanted and not any(w in op.path for w in wanted):
            continue
        out.append(op)
    # the routes that end something go last, so they cannot change what the others are answered
    return sorted(out, key=lambda op: (_ends_something(op), op.path, op.method))


def _ends_something(op) -> bool:
    return op.method.upper() == "DELETE" or op.path.endswith(("/end", "/take-down", "/withdraw", "/status"))


def _path_ids(op, world: World) -> dict[str, Any]:
    return {p.name: world.ids[p.name] for p in op.path_parameters if p.name in world.ids}


def _role(op) -> str:
    role = op.definition.raw.get("x-roles") or "worker"
    return role if role in ROLE_PHONES else "worker"


def probe(op, world: World, figures: Figures, *, mode: GenerationMode, examples: int) -> None:
    """``examples`` generated requests to one operation, each checked against the document; failures are
    counted, never raised, so a run reports every route."""
    negative = mode == GenerationMode.NEGATIVE
    fixed = None if negative else (_path_ids(op, world) or None)
    strategy = op.as_strategy(generation_mode=mode, path_parameters=fixed)
    key = (op.method.upper(), op.full_path)
    checks = CONFORMANCE + ([negative_data_rejection] if negative else [])

    @hypothesis.settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                         phases=[Phase.generate], suppress_health_check=list(HealthCheck), print_blob=False)
    @hypothesis.given(strategy)
    def one(case) -> None:
        if key in DISPOSABLE:
            token, sign_in = world.disposable_token()
            if "sign_in_id" in (case.path_parameters or {}) and not negative:
                case.path_parameters["sign_in_id"] = sign_in
        else:
            token = world.tokens[_role(op)]
        # identity: the transport hands checks the body as sent, and the app gzips JSON for clients that ask
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
        response = case.call()
        figures.requests += 1
        figures.statuses[response.status_code] += 1
        if response.status_code >= 500:
            figures.server_errors += 1
            figures.note(f"{response.status_code} {case.as_curl_command()}")
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as group:
            for failure in group.exceptions:
                title = type(failure).__name__
                if title == "ServerError":
                    continue
                if title == "RejectedPositiveData" or "AcceptedNegativeData" in title:
                    figures.accepted_invalid += 1
                else:
                    figures.violations += 1
                figures.note(f"{title}: {failure.title}: {' '.join(str(failure.message).split())[:300]} — {response.status_code} "
                             f"{response.content[:200].decode(errors='replace')} ← {case.as_curl_command()}")

    one()


def run(app, world: World, *, examples: int, only: Iterable[str] = (), document: dict | None = None,
        progress: Callable[[str], None] | None = None) -> dict[tuple[str, str], Figures]:
    schema = load_schema(app, document)
    report: dict[tuple[str, str], Figures] = {}
    for op in operations(schema, only):
        figures = report.setdefault((op.method.upper(), op.full_path), Figures())
        started = time.perf_counter()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                probe(op, world, figures, mode=mode, examples=examples)
            except hypothesis.errors.Unsatisfiable:
                pass  # nothing in this route's request can be made invalid (no parameters, no body)
        figures.seconds += time.perf_counter() - started
        if progress:
            progress(f"{op.method.upper():6} {op.full_path} {figures.seconds:.2f}s")
    return report


def print_report(report: dict[tuple[str, str], Figures], out=sys.stdout) -> None:
    print(f"{'route':62} {'requests':>8} {'5xx':>5} {'schema':>7} {'let in':>7}  statuses", file=out)
    for (method, path), f in sorted(report.items(), key=lambda kv: kv[0][1]):
        statuses = " ".join(f"{code}×{n}" for code, n in sorted(f.statuses.items()))
        print(f"{method + ' ' + path:62} {f.requests:8} {f.server_errors:5} {f.violations:7} "
              f"{f.accepted_invalid:7}  {statuses}", file=out)
    total = Figures()
    for f in report.values():
        total.requests += f.requests
        total.server_errors += f.server_errors
        total.violations += f.violations
        total.accepted_invalid += f.accepted_invalid
    print(f"{'total (' + str(len(report)) + ' routes)':62} {total.requests:8} {total.server_errors:5} "
          f"{total.violations:7} {total.accepted_invalid:7}", file=out)
    for (method, path), f in sorted(report.items()):
        for example in f.examples:
            print(f"  ! {method} {path}: {example}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=50, help="valid and invalid requests per route (each)")
    parser.add_argument("--route", action="append", default=[], help="only routes whose path contains this")
    parser.add_argument("--database", help="an empty database URL (default: a SQLite file in a temp folder)")
    args = parser.parse_args(argv)

    from argon2 import PasswordHasher

    from market.auth import services as auth_services
    from market.db import make_engine
    from market.migrate import upgrade

    auth_services._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # accounts made per request
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp(prefix='fuzz-')) / 'fuzz.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    app = make_app(url)
    started = time.perf_counter()
    world = seed_world(app)
    print(f"demo market loaded in {time.perf_counter() - started:.1f}s; {args.examples} valid + "
          f"{args.examples} invalid requests per route", flush=True)
    started = time.perf_counter()
    report = run(app, world, examples=args.examples, only=args.route,
                 progress=lambda line: print(f"  done {line}", file=sys.stderr, flush=True))
    elapsed = time.perf_counter() - started
    print_report(report)
    requests = sum(f.requests for f in report.values())
    print(f"{requests} requests in {elapsed:.1f}s ({requests / max(elapsed, 1e-9):.0f}/s)")
    bad = sum(f.server_errors + f.violations + f.accepted_invalid for f in report.values())
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
