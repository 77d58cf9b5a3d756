"""Commands: flask --app wsgi <command>."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from market.db import session_scope


def _state():
    return current_app.extensions["market"]


def _require_search():
    gateway = _state().search
    if gateway is None:
        raise click.ClickException("No search engine configured: set MEILI_URL and MEILI_MASTER_KEY (make run starts one).")
    return gateway


def register_cli(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db() -> None:
        """Create or migrate the database schema to the newest version."""
        from market.migrate import upgrade

        upgrade(_state().engine)
        click.echo("Database is at the newest schema.")

    @app.cli.command("import-market")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False))
    @click.option("--report", "report_path", type=click.Path(dir_okay=False), default=None,
                  help="Write every rejected row and its reason to this file (JSON lines).")
    def import_market_cmd(folder: str, report_path: str | None) -> None:
        """Import a market-v1 folder (employers, jobs, workers, applications); safe to run again."""
        import json
        import time

        from market.importer import import_market
        from market.migrate import upgrade

        upgrade(_state().engine)
        started = time.monotonic()
        report = import_market(_state().engine, folder, cipher=_state().cipher)
        click.echo(report.summary())
        click.echo(f"Finished in {time.monotonic() - started:.0f} s.")
        if report.rejected:
            click.echo(f"{len(report.rejected)} rows rejected; the first ones:")
            for file, key, reason in report.rejected[:20]:
                click.echo(f"  {file} {key}: {reason}")
            if report_path:
                with open(report_path, "w", encoding="utf-8") as fh:
                    for file, key, reason in report.rejected:
                        fh.write(json.dumps({"file": file, "key": key, "reason": reason}, ensure_ascii=False) + "\n")
                click.echo(f"All rejected rows: {report_path}")
        if _state().search is not None:
            click.echo("New postings are queued for search; the relay indexes them (or run: search reindex).")

    search = AppGroup("search", help="The job search index.")

    @search.command("reindex")
    def search_reindex() -> None:
        """Rebuild the index from the database into a new index and swap it in (search stays up)."""
        from sqlalchemy import func
        from sqlmodel import Session, select
        from tqdm import tqdm

        from market import clock
        from market.models import Job
        from market.search_index import documents_from_database, settle_after_reindex
        from search.indexing import reindex

        gateway = _require_search()
        engine = _state().engine
        with Session(engine) as session:
            total = session.exec(select(func.count()).select_from(Job)).one()
        started = clock.now()
        with tqdm(total=total, desc="indexing", unit=" postings") as bar:
            result = reindex(gateway.admin, documents_from_database(engine), progress=bar.update)
        replayed = settle_after_reindex(engine, started=started)
        click.echo(f"Indexed {result.documents} postings into {result.built_as} and swapped it in as "
                   f"{result.index_uid} in {result.seconds:.1f} s; {replayed} recent changes queued again.")

    @search.command("reconcile")
    @click.option("--repair/--report-only", default=True, help="Queue fixes for what is missing or stale.")
    def search_reconcile(repair: bool) -> None:
        """Compare the index with the database: missing, stale and extra documents."""
        from market.search_index import expected_versions, queue_fixes
        from search.indexing import reconcile

        gateway = _require_search()
        engine = _state().engine
        report = reconcile(gateway.admin, expected_versions(engine))
        click.echo(f"missing {len(report.missing)}, stale {len(report.stale)}, extra {len(report.extra)}")
        if repair and not report.clean:
            queued = queue_fixes(engine, [*report.missing, *report.stale, *report.extra])
            click.echo(f"Queued {queued} fixes; the relay applies them (extra documents are deleted).")

    @search.command("relay")
    def search_relay() -> None:
        """Drain the search outbox now and report what is left."""
        from market.search_index import pending_count, relay_once

        gateway = _require_search()
        engine = _state().engine
        while relay_once(engine, gateway):
            pass
        click.echo(f"{pending_count(engine)} outbox rows not yet confirmed by the search engine.")

    @search.command("trades")
    def search_trades() -> None:
        """Which postings a reindex would give another trade (after the vocabulary changed)."""
        from market.search_index import trade_changes
        from vocab import taxonomy

        changes = trade_changes(_state().engine)
        total = sum(len(ids) for ids in changes.values())
        click.echo(f"{total} postings would be read as another trade by a reindex.")
        for (stored, now), ids in sorted(changes.items(), key=lambda item: -len(item[1])):
            click.echo(f"  {len(ids):6d}  {taxonomy.name_of(stored) or '无'} → {taxonomy.name_of(now) or '无'}"
                       f"  (e.g. {', '.join(map(str, ids[:5]))})")

    @search.command("zero-rate")
    @click.option("--log", "log_path", default=None, help="The search log (default: the SEARCH_LOG setting).")
    @click.option("--top", default=20, help="How many of the queries that found nothing to list.")
    def search_zero_rate(log_path: str | None, top: int) -> None:
        """How many searches with words found nothing, from the server's own search log."""
        from pathlib import Path

        from market.searchlog import zero_rate

        path = Path(log_path or _state().settings.SEARCH_LOG or "")
        files = sorted(path.parent.glob(path.name + "*")) if path.name else []
        if not files:
            raise click.ClickException(f"No search log at {path}: searches are logged by the running site.")
        lines = (line for f in files for line in f.read_text(encoding="utf-8").splitlines())
        result = zero_rate(lines, top=top)
        click.echo(f"{result.searches} searches, {result.with_words} with words; {result.zero} found nothing: "
                   f"zero-result rate {result.rate:.1%}")
        for q, n in result.top_zero:
            click.echo(f"  {n:5d}  {q}")

    app.cli.add_command(search)

    ranker = AppGroup("ranker", help="The job ranker.")

    @ranker.command("train")
    @click.option("--as-of", "as_of", default=None, help="Train on applications before this day (default: today).")
    def ranker_train(as_of: str | None) -> None:
        """Train the ranker on the applications in the database and save a versioned model."""
        from datetime import date

        from sqlmodel import Session

        from market import clock
        from market.recommend import training_data
        from matching import model as model_mod

        day = date.fromisoformat(as_of) if as_of else clock.today()
        with Session(_state().engine) as session:
            postings, workers, apps = training_data(session)
        click.echo(f"{len(postings)} postings, {len(workers)} workers, {len(apps)} applications; training as of {day} ...")
        try:
            model = model_mod.train(postings, workers, apps, day, progress=True)
        except ValueError as exc:
            raise click.ClickException(f"Cannot train yet: {exc}. Import a market or wait for applications.") from None
        path = model_mod.save(model, _state().settings.MODEL_DIR)
        _state().ranker.reload()
        meta = model.metadata
        click.echo(f"Saved {path} (scikit-learn {meta['sklearn_version']}, {meta['training_pairs']} pairs, "
                   f"window {meta['training_window']['from']} – {meta['training_window']['to']}).")

    app.cli.add_command(ranker)

    users = AppGroup("users", help="Accounts.")

    @users.command("create")
    @click.option("--role", type=click.Choice(["worker", "employer", "organiser", "admin", "trainer", "station_staff"]), required=True)
    @click.option("--phone", required=True)
    @click.option("--password", required=True)
    @click.option("--name", default="")
    def users_create(role: str, phone: str, password: str, name: str) -> None:
        """Create an account that can sign in at once (an employer made here is verified)."""
        from market.auth.services import create_user
        from market.errors import AppError
        from market.models import EMPLOYER, EMPLOYER_VERIFIED, Employer

        try:
            with session_scope(_state().engine) as session:
                user = create_user(session=session, phone=phone, password=password, role=role, name=name)
                if role == EMPLOYER:
                    session.add(Employer(owner_id=user.id, name=name or f"单位{user.id}", uscc=f"CLI{user.id:015d}",
                                         uscc_checksum_ok=False, adcode="110101", status=EMPLOYER_VERIFIED,
                                         review_note="由管理员在命令行创建"))
                user_id = user.id
        except AppError as exc:
            raise click.ClickException(f"{exc.message} {exc.fields or ''}".strip()) from None
        click.echo(f"Created {role} account {user_id} for phone {phone}.")

    app.cli.add_command(users)

    policies = AppGroup("policies", help="The policy centre.")

    @policies.command("reindex")
    def policies_reindex() -> None:
        """Push every policy document to the policy index (after an outage, or on a new engine)."""
        from market.policies.services import reindex

        if _state().policies is None:
            raise click.ClickException("Search is not configured (MEILI_URL / SEARCH_ENABLED).")
        with session_scope(_state().engine) as session:
            count = reindex(session=session, index=_state().policies)
        click.echo(f"{count} policy documents indexed.")

    app.cli.add_command(policies)

    @app.cli.command("load-demo")
    def load_demo_cmd() -> None:
        """Load the small demo market into an empty database."""
        from market.demo import load_demo

        with session_scope(_state().engine) as session:
            accounts = load_demo(session, cipher=_state().cipher)
        for role, phone, password in accounts:
            click.echo(f"{role}: {phone} / {password}")
