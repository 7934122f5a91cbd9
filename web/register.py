"""Bevillingsregisteret: search and CSV export (for Excel: UTF-8 with BOM, semicolons, dd.mm.yyyy)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, render_template, request

from engine.services import register_views
from web.context import actor, core
from web.filters import dato

bp = Blueprint("register", __name__)

CSV_COLUMNS = (
    ("Bevillingsnummer", "number"),
    ("Bevillingshaver", "holder"),
    ("Organisasjonsnummer", "org_number"),
    ("Sted", "premises"),
    ("Type", "licence_kind"),
    ("Alkoholgrupper", "groups"),
    ("Tider", "hours"),
    ("Styrer", "manager_name"),
    ("Stedfortreder", "deputy_name"),
    ("Vilkår", "conditions"),
    ("Innvilget", "granted_on"),
    ("Gyldig til", "valid_until"),
    ("Status", "status_label"),
    ("Inndratt til", "suspended_until"),
)
DATE_COLUMNS = {"granted_on", "valid_until", "suspended_until"}


def _search() -> tuple[str, str, list[register_views.LicenceRow]]:
    query = (request.args.get("q") or "").strip()[:200]
    status = request.args.get("status") or ""
    if status not in register_views.LICENCE_STATUSES:
        status = ""
    return query, status, register_views.licence_register(core(), actor(), query, status)


@bp.get("/bevillinger")
def index() -> Any:
    query, status, rows = _search()
    return render_template(
        "register/index.html", rows=rows, query=query, status=status, statuses=register_views.LICENCE_STATUSES
    )


@bp.get("/bevillinger.csv")
def export() -> Any:
    _query, _status, rows = _search()
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([title for title, _ in CSV_COLUMNS])
    for row in rows:
        writer.writerow([_cell(name, getattr(row, name)) for _, name in CSV_COLUMNS])
    filename = f"bevillingsregister-{core().today().isoformat()}.csv"
    return Response(
        buffer.getvalue().encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in DATE_COLUMNS:
        return dato(value)
    text = str(value)
    # A cell starting with =, +, - or @ would be run as a formula by Excel (CSV injection).
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text
