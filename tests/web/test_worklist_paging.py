"""A long queue shows one page (sorted by the database) with the count and a link to all of it."""

from __future__ import annotations

import pytest

from engine.services import case_views
from engine.services.core import Saksflyt
from tests.integration.conftest import CASE_HANDLER
from tests.integration.helpers import register
from tests.web.support import Browser, text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_long_queue_is_paged(browser: Browser, core: Saksflyt, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(case_views, "WORKLIST_PAGE", 3)
    refs = [register(core, applicant_name=f"Søker {n} AS", org_number=f"91122{n:04d}").reference for n in range(5)]
    browser.login("kari")
    page = text(browser.get("/oppgaver?sorter=sak"))
    assert 'Kø: Saksbehandler <span class="count">(5)</span>' in page and "Viser 3 av 5." in page and "Vis alle" in page
    assert refs[0] in page and refs[2] in page and refs[4] not in page
    everything = text(browser.get("/oppgaver?sorter=sak&antall=alle"))
    assert all(ref in everything for ref in refs) and "Viser 3 av 5." not in everything
    items, total = case_views.worklist_tasks(core, CASE_HANDLER, sort="sak", limit=2)
    assert total == 5 and [t.case_reference for t in items] == refs[:2]
