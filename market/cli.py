"""Commands: flask --app wsgi <command>."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from market.db import session_scope


def _state():  # noqa: ANN202
    return current_app.extensions["market"]


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

    users = AppGroup("users", help="Accounts.")

    @users.command("create")
    @click.option("--role", type=click.Choice(["worker", "employer", "organiser", "admin"]), required=True)
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

    @app.cli.command("load-demo")
    def load_demo_cmd() -> None:
        """Load the small demo market into an empty database."""
        from market.demo import load_demo

        with session_scope(_state().engine) as session:
            accounts = load_demo(session, cipher=_state().cipher)
        for role, phone, password in accounts:
            click.echo(f"{role}: {phone} / {password}")
