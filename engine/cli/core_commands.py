"""Core commands: database, fixtures, the web app with the scheduler, and the case list."""

from __future__ import annotations

import argparse
from typing import Any

from engine.cli.common import core_from_env, show_date
from engine.config import Settings
from engine.persistence.migrate import upgrade
from engine.services.queries import case_overview


def register(subparsers: Any) -> None:
    init_db = subparsers.add_parser("init-db", help="opprett eller oppgrader databasen (Alembic)")
    init_db.set_defaults(handler=_init_db)

    fixtures = subparsers.add_parser("load-fixtures", help="last demodata (kommune, brukere, saker)")
    fixtures.set_defaults(handler=_load_fixtures)

    run = subparsers.add_parser("run", help="start webgrensesnittet med planleggeren (fristene)")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=5000)
    run.add_argument("--no-scheduler", action="store_true", help="uten planlegger (når `saksflyt worker` kjører)")
    run.set_defaults(handler=_run)

    cases = subparsers.add_parser("cases", help="list saker med åpne oppgaver og frister")
    cases.add_argument("--open", action="store_true", help="bare åpne saker")
    cases.set_defaults(handler=_cases)


def _init_db(_args: argparse.Namespace) -> int:
    upgrade(Settings.from_env().database_url)
    print("Databasen er klar.")
    return 0


def _load_fixtures(_args: argparse.Namespace) -> int:
    from engine.fixtures import load_demo

    summary = load_demo(core_from_env())
    print(summary)
    return 0


def _run(args: argparse.Namespace) -> int:
    """One process for a laptop or a small municipality: a threaded web server and the scheduler.

    Deployments with several web processes run gunicorn and one `saksflyt worker` instead.
    """
    from werkzeug.serving import make_server

    from engine.scheduling.scheduler import build_scheduler
    from web import create_app

    core = core_from_env()
    server = make_server(args.host, args.port, create_app(core), threaded=True)
    scheduler = None if args.no_scheduler else build_scheduler(core)
    if scheduler is not None:
        scheduler.start()
    print(f"Saksflyt kjører på http://{args.host}:{args.port}/ (avslutt med Ctrl+C)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if scheduler is not None:
            scheduler.shutdown(wait=False)
    return 0


def _cases(args: argparse.Namespace) -> int:
    for case in case_overview(core_from_env(), include_closed=not args.open):
        body = f" · {case.competent_body}" if case.competent_body else ""
        print(f"{case.reference}  {case.title}  [{case.status}{body}]  {case.party}")
        for title, role, due in case.open_tasks:
            print(f"    oppgave: {title} ({role}) frist {show_date(due)}")
        for d in case.deadlines:
            print(f"    frist:   {d.label} ({d.legal_basis}) {show_date(d.due_on)} – {d.status}")
    return 0
