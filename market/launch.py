"""`make run`: start Meilisearch on loopback (unless MEILI_URL names one), migrate the database, load the
demo market into an empty one, and serve the site with gunicorn. Ctrl-C stops everything it started."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time

from dotenv import load_dotenv

from market.config import ROOT

VAR = ROOT / "var"


def _master_key() -> str:
    path = VAR / "meili" / "master.key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(24)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _stop_on_sigterm(_signum, _frame) -> None:
    raise KeyboardInterrupt


def prepare_site(app) -> list:
    """Migrate, load the demo into an empty database, bring the index up to date when the engine answers.
    An engine that does not answer (a dead MEILI_URL) is reported, and the site serves from the database."""
    from market.db import session_scope
    from market.demo import load_demo
    from market.migrate import upgrade

    state = app.extensions["market"]
    print("Migrating the database ...", flush=True)
    upgrade(state.engine)
    started = time.monotonic()
    with session_scope(state.engine) as session:
        accounts = load_demo(session, cipher=state.cipher)
    if accounts:
        print(f"Loaded the demo market in {time.monotonic() - started:.1f} s", flush=True)
    if state.search is not None:
        from market.search_index import pending_count, relay_once
        from search.client import SearchError

        print("Bringing the search index up to date ...", flush=True)
        try:
            state.search.prepare()
            deadline = time.monotonic() + 60
            while pending_count(state.engine) and time.monotonic() < deadline:
                if not relay_once(state.engine, state.search):
                    time.sleep(0.2)
        except (SearchError, OSError) as exc:
            print(f"Meilisearch at {state.settings.MEILI_URL} does not answer ({type(exc).__name__}): the site "
                  "serves searches from the database (degraded) and the index catches up when it is back.",
                  flush=True)
    if state.policies is not None:  # the policy centre's index follows the database's documents
        from market.policies.services import reindex as reindex_policies
        from search.client import SearchError

        try:
            with session_scope(state.engine) as session:
                reindex_policies(session=session, index=state.policies)
        except (SearchError, OSError) as exc:
            print(f"The policy index could not be filled ({exc}); run: flask --app wsgi policies reindex")
    return accounts


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    load_dotenv(ROOT / ".env")
    VAR.mkdir(exist_ok=True)
    env = dict(os.environ)
    meili = None
    if not env.get("MEILI_URL"):
        from search.server import ServerError, free_port, start_local

        port = 7700
        try:
            import socket

            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                port = free_port()  # 7700 is taken: another server is there
        except OSError:
            pass
        print("Starting Meilisearch on 127.0.0.1 ...", flush=True)
        try:
            meili = start_local(VAR / "meili", port=port, master_key=_master_key())
        except ServerError as exc:
            print(f"Meilisearch did not start: {exc}\nThe site will answer searches from the database.", flush=True)
        else:
            env["MEILI_URL"], env["MEILI_MASTER_KEY"] = meili.url, meili.master_key
            print(f"Meilisearch is up at {meili.url}", flush=True)

    os.environ.update(env)
    from market import create_app

    app = create_app()
    state = app.extensions["market"]
    accounts = prepare_site(app)
    state.engine.dispose()

    bind = env.get("BIND", "127.0.0.1:8000")
    print(f"\n零工市场 is at http://{bind}/\n", flush=True)
    if accounts:
        print("Demo accounts (phone / password):")
        for role, phone, password in accounts:
            print(f"  {role:<10} {phone} / {password}")
    else:
        print("Demo accounts (if this database was made by make run): 13900000001 admin, 13900000011 employer, "
              "13900000021 worker; password demo12345")
    print("Press Ctrl-C to stop.\n", flush=True)

    gunicorn = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
                                 "--bind", bind, "wsgi:app"], cwd=ROOT, env=env)
    try:
        return gunicorn.wait()
    except KeyboardInterrupt:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=20)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
        return 0
    finally:
        if meili is not None:
            meili.stop()
            print("Stopped Meilisearch.", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
