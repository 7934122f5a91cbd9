"""Brukeradministrasjon (/admin/brukere): only `admin`; create, change roles, deactivate."""

from __future__ import annotations

from engine.services.core import Actor, Saksflyt
from tests.web.support import PASSWORD, USERS, Browser, input_value, text

NEW = {
    "username": "ny.bruker",
    "full_name": "Nina Ny",
    "email": "nina@demo.kommune.no",
    "password": "et-langt-passord",
    "roles": ["saksbehandler", "leder"],
}


def test_only_admin_reaches_user_administration(browser: Browser, users: dict[str, Actor]) -> None:
    for username, (_name, roles) in USERS.items():
        browser.login(username)
        expected = 200 if "admin" in roles else 403
        assert browser.get("/admin/brukere").status_code == expected, username
        if expected == 403:
            target = users["kari"].user_id
            for url, data in (
                ("/admin/brukere", NEW),
                (f"/admin/brukere/{target}/roller", {"roles": ["admin"]}),
                (f"/admin/brukere/{target}/aktiv", {"active": "nei"}),
            ):
                assert browser.post(url, data).status_code == 403, (username, url)
        browser.logout()
    assert browser.login("kari").status_code == 302  # nothing changed by the refused requests
    browser.logout()
    assert browser.login("ny.bruker", NEW["password"]).status_code == 401


def test_create_user_and_log_in(browser: Browser) -> None:
    browser.login("admin")
    page = text(browser.get("/admin/brukere"))
    assert "Kari Saksbehandler" in page and "Ny bruker" in page
    response = browser.submit("/admin/brukere", NEW)
    assert response.status_code == 303
    assert "Nina Ny" in text(browser.get("/admin/brukere"))
    browser.logout()
    assert browser.login("ny.bruker", NEW["password"]).status_code == 302
    roles = text(browser.get("/oppgaver"))
    assert "Saksbehandler" in roles and "Leder" in roles


def test_bad_input_gives_norwegian_messages_and_keeps_the_input(browser: Browser) -> None:
    browser.login("admin")
    bad = {"username": "Ugyldig Navn!", "full_name": "", "email": "ikke-epost", "password": "kort", "roles": []}
    response = browser.submit("/admin/brukere", {**bad, "full_name": "Ola"})
    assert response.status_code == 422
    page = text(response)
    assert "Brukernavnet må ha 2–80 tegn" in page and "Skriv en gyldig e-postadresse" in page
    assert "Passordet må ha minst 10 tegn." in page and "Velg minst én rolle." in page
    assert input_value(page, "username") == "Ugyldig Navn!" and input_value(page, "full_name") == "Ola"
    assert input_value(page, "email") == "ikke-epost" and 'value="kort"' not in page  # never the password
    taken = browser.submit("/admin/brukere", {**NEW, "username": "kari"})
    assert taken.status_code == 422 and "Brukernavnet kari er i bruk." in text(taken)
    assert 'value="leder" checked' in taken.get_data(as_text=True)  # the chosen roles are kept


def test_change_roles_and_deactivate(browser: Browser, core: Saksflyt, users: dict[str, Actor]) -> None:
    kari = users["kari"].user_id
    browser.login("admin")
    assert browser.post(f"/admin/brukere/{kari}/roller", {"roles": ["saksbehandler", "kontrollor"]}).status_code == 303
    none = browser.post(f"/admin/brukere/{kari}/roller", {})
    assert none.status_code == 422 and "Velg minst én rolle." in text(none)
    own = browser.post(f"/admin/brukere/{users['admin'].user_id}/roller", {"roles": ["leder"]})
    assert own.status_code == 422 and "Du kan ikke fjerne din egen administratorrolle." in text(own)
    assert browser.post(f"/admin/brukere/{users['admin'].user_id}/aktiv", {"active": "nei"}).status_code == 409
    browser.logout()

    browser.login("kari")
    assert "Kontrollør" in text(browser.get("/oppgaver"))
    browser.logout()
    browser.login("admin")
    assert browser.post(f"/admin/brukere/{kari}/aktiv", {"active": "nei"}).status_code == 303
    assert "Deaktivert" in text(browser.get("/admin/brukere"))
    browser.logout()
    assert browser.login("kari", PASSWORD).status_code == 401
    browser.login("admin")
    assert browser.post(f"/admin/brukere/{kari}/aktiv", {"active": "ja"}).status_code == 303
    browser.logout()
    assert browser.login("kari", PASSWORD).status_code == 302


def test_a_deactivated_user_is_logged_out_at_once(browser: Browser, app, users: dict[str, Actor]) -> None:  # type: ignore[no-untyped-def]
    other = Browser(app.test_client())
    other.login("per")
    assert other.get("/oppgaver").status_code == 200
    browser.login("admin")
    browser.post(f"/admin/brukere/{users['per'].user_id}/aktiv", {"active": "nei"})
    assert other.get("/oppgaver").status_code == 302  # back to the login page
