"""The database engine and the per-request session (one transaction per request)."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, SQLModel, create_engine

log = logging.getLogger("market.db")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # pysqlite's own transaction handling breaks SAVEPOINT (a nested block commits at once);
            # SQLAlchemy's documented remedy: let SQLAlchemy emit BEGIN itself.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "commit")
        @event.listens_for(engine, "rollback")
        def _sqlite_end(conn):
            _open_gate(conn.connection.info)

        @event.listens_for(engine, "reset")
        def _sqlite_reset(_dbapi_conn, record, _reset_state):
            if record is not None:
                _open_gate(record.info)

        @event.listens_for(engine, "checkin")
        def _sqlite_checkin(_dbapi_conn, record):
            if record is not None:
                _open_gate(record.info)

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # A unit of work that reads and then must write (see write_intent) takes the write lock up
            # front; otherwise SQLite refuses its write if another one committed in between.
            if conn.get_execution_options().get("write_intent"):
                _begin_immediate(conn.connection.dbapi_connection, conn.connection.info)
            else:  # straight to the driver: this runs for every request's first query
                conn.connection.dbapi_connection.execute("BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


# A statement that must wait for SQLite's lock waits inside SQLite (a C call: under gevent the whole
# worker's hub waits with it) at most this long. Write transactions that say so (write_intent, the relay,
# imports) never wait there: they take the lock with BEGIN IMMEDIATE in a loop that sleeps between tries,
# which under gevent lets every other green thread run (health checks, searches, streams). This bound is
# the safety net for a plain transaction that writes: long enough that a busy moment is not a refusal.
SQLITE_BUSY_SECONDS = 10.0
LOCK_WAIT_SECONDS = 30.0


# Writers of this process queue here, first come first served, before they ask SQLite for its write lock.
_write_gate = threading.Lock()
_GATE_HELD = "market_write_gate"


def _open_gate(info: dict) -> None:
    """The pooled connection's write transaction is over: let the next writer of this process in."""
    if info.pop(_GATE_HELD, False):
        _write_gate.release()


def _begin_immediate(dbapi_conn, info: dict) -> None:
    """BEGIN IMMEDIATE: the process's writers queue in turn, and the one at the head waits for SQLite's
    write lock in short sleeps rather than in SQLite's own busy wait.

    SQLite's wait blocks the whole OS thread; under gevent (the gunicorn workers) that is every request of
    the process, including the green thread that holds the lock and would release it a moment later. The
    gate and ``time.sleep`` are gevent's there, so the holder runs and commits while the others wait, in
    order (no writer starves behind newcomers)."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    if not _write_gate.acquire(timeout=LOCK_WAIT_SECONDS):
        raise sqlite3.OperationalError("database is locked (this process's writers are queued too long)")
    pause = 0.0005
    try:
        dbapi_conn.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    dbapi_conn.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    busy = "locked" in str(exc) or "busy" in str(exc)
                    if not busy or time.monotonic() >= deadline:
                        raise
                time.sleep(pause)
                pause = min(pause * 2, 0.02)
        finally:
            dbapi_conn.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_SECONDS * 1000)}")
    except BaseException:
        _write_gate.release()
        raise
    info[_GATE_HELD] = True


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A short transaction that writes, outside a request (imports, the relay): on SQLite it holds the
    write lock from its first statement, so it never fails half-way because another writer came first."""
    with engine.connect().execution_options(write_intent=True) as conn, conn.begin():
        yield conn


def write_intent(session: Session) -> None:
    """Call first in a transaction that will read, then write rows others may be writing too: on SQLite
    it starts with the write lock held (BEGIN IMMEDIATE); PostgreSQL needs nothing. Whatever the session
    read before (signing the user in) ends here; nothing may have been written yet."""
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        assert not (session.new or session.dirty or session.deleted), "write_intent after a write"
        session.commit()
    session.connection(execution_options={"write_intent": True})


def create_schema(engine: Engine) -> None:
    from market import models  # noqa: F401  (registers the tables)

    SQLModel.metadata.create_all(engine)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for work outside a request (CLI, relay): commits on success, rolls back on error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the session's transaction has committed (SMS, search pushes); never on rollback."""
    session.info.setdefault("after_commit", []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop("after_commit", [])
    for callback in callbacks:
        try:
            callback()
        except Exception:  # a notification that fails to send must not fail the request
            log.exception("after-commit task failed")


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session: Session) -> None:
    session.info.pop("after_commit", None)
