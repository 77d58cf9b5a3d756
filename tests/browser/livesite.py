"""What the browser tests share besides fixtures: phone numbers, credit codes, and the served site with
shortcuts that set up data directly (for what a test is not about)."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlmodel import Session, func, select

PASSWORD = "password123"
TIMEOUT_MS = 10_000

_phones = itertools.count(1)


def new_phone_number() -> str:
    """A mobile number no other test of this run uses."""
    return f"137{os.getpid() % 10000:04d}{next(_phones):04d}"


def uscc_with_check(body17: str) -> str:
    """An 18-character 统一社会信用代码 whose GB 32100 check character is right."""
    from market.identity import _USCC_CHARS, _USCC_WEIGHTS

    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return body17 + _USCC_CHARS[(31 - total % 31) % 31]


class LiveSite:
    """The app being served, and shortcuts that set up data directly (for what a test is not about)."""

    def __init__(self, app, url: str):
        self.app = app
        self.url = url
        self.state = app.extensions["market"]
        self.engine = self.state.engine
        self.sms = self.state.sms
        self.server_errors: list[str] = []
        self._staff = None

    def __call__(self, path: str = "/") -> str:
        return self.url + path

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as s:
            yield s
            s.commit()

    def sms_code(self, phone: str) -> str:
        text = self.sms.last_to(phone)
        assert text, f"no SMS was sent to {phone}"
        match = re.search(r"\b(\d{6})\b", text)
        assert match, f"no code in the SMS: {text!r}"
        return match.group(1)

    def make_user(self, role: str, *, name: str = "") -> tuple[str, object]:
        from market.auth.services import create_user

        phone = new_phone_number()
        with self.session() as s:
            user = create_user(session=s, phone=phone, password=PASSWORD, role=role,
                               name=name or {"admin": "人社窗口", "employer": "招工单位"}.get(role, ""))
        return phone, user

    def make_employer(self, name: str = "东莞市长安五金制品有限公司", adcode: str = "441900") -> tuple[str, int]:
        """An employer account whose organisation staff have verified: (phone, employer id)."""
        from market.employers.services import decide, register_employer

        if self._staff is None:
            _, self._staff = self.make_user("admin")
        staff = self._staff
        phone, user = self.make_user("employer")
        with self.session() as s:
            body = f"91{adcode}MA{next(_phones):07d}"[:17]
            employer = register_employer(session=s, user=user,
                                         data={"name": name, "uscc": uscc_with_check(body), "adcode": adcode})
            decide(session=s, employer=employer, staff=staff, approve=True)
            employer_id = employer.id
        return phone, employer_id

    def make_job(self, employer_id: int, **overrides) -> int:
        from market import clock
        from market.models import Employer, User
        from market.postings.services import create_job

        data = {"title": "电焊工", "occupation": "welder", "description": "二保焊，持证上岗。", "adcode": "441900",
                "wage_min": 6000, "wage_max": 8000, "wage_unit": "month", "employment_type": "full_time",
                "headcount": 2, "benefits": ["包吃", "包住"],
                "closes_at": (clock.today() + timedelta(days=30)).isoformat()} | overrides
        with self.session() as s:
            employer = s.get(Employer, employer_id)
            job = create_job(session=s, employer=employer, actor=s.get(User, employer.owner_id), data=data)
            s.flush()
            return job.id

    def make_worker(self, name: str = "王师傅") -> str:
        """A worker account with a filled-in profile: its phone."""
        from market.workers.services import update_profile, worker_of

        phone, user = self.make_user("worker", name=name)
        with self.session() as s:
            update_profile(session=s, worker=worker_of(s, user), cipher=self.state.cipher,
                           data={"name": name, "current_adcode": "441900",
                                 "occupations": [{"code": "welder", "years": 10}], "expected_wage": 6500})
        return phone

    def count(self, model, **where) -> int:
        with self.session() as s:
            query = select(func.count()).select_from(model)
            for column, value in where.items():
                query = query.where(getattr(model, column) == value)
            return s.exec(query).one()


class HoldFirstAnswer:
    """WSGI middleware for a slow network: the first POST to a path ending in ``suffix`` is handled at once
    (its work is done and committed), but its answer is held back until ``release()``: meanwhile the page
    the user tapped on stays on screen, as on a phone waiting for a reply."""

    def __init__(self, wsgi_app, suffix: str):
        import threading

        self.wsgi_app, self.suffix = wsgi_app, suffix
        self.handled = threading.Event()
        self._released = threading.Event()
        self._first = True
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "POST" or not environ["PATH_INFO"].endswith(self.suffix):
            return self.wsgi_app(environ, start_response)
        with self._lock:
            first, self._first = self._first, False
        if not first:
            return self.wsgi_app(environ, start_response)
        body = b"".join(self.wsgi_app(environ, start_response))
        self.handled.set()
        self._released.wait(timeout=30)
        return [body]

    def release(self) -> None:
        self._released.set()
