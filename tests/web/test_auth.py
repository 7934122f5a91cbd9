"""Logging in and out, the navigation, CSRF, cookies and headers."""

from __future__ import annotations

import dataclasses

from flask import Flask
from flask.testing import FlaskClient

from tests.web.support import PASSWORD, Browser, csrf_token, text
from web import create_app


def test_pages_need_login(client: FlaskClient) -> None:
    for url in ("/", "/oppgaver", "/saker", "/saker/1", "/saker/ny", "/saksliste", "/oppgaver/1"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), url
    assert "Logg inn" in text(client.get("/login"))


def test_login_shows_roles_in_norwegian_and_logout(browser: Browser) -> None:
    response = browser.login("sekretariat")
    assert response.status_code == 302 and response.headers["Location"] == "/oppgaver"
    page = text(browser.get("/oppgaver"))
    assert "Du er logget inn som sekretariat." in page
    assert "Politisk sekretariat" in page
    assert '<li class="role-badge">Formannskapet</li><li class="role-badge">Kommunestyret</li>' in page
    for label in ("Mine oppgaver", "Saker", "Saksliste", "Logg ut"):
        assert label in page
    assert "Ny søknad" not in page  # only case handlers register applications

    response = browser.logout()
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Du er logget ut." in text(browser.get("/login"))
    assert browser.get("/oppgaver").status_code == 302


def test_role_names_in_navigation(browser: Browser) -> None:
    expected = {
        "kari": "Saksbehandler",
        "lise": "Leder",
        "kontroll": "Kontrollør",
        "politi": "Politiet",
        "nav": "NAV",
        "formannskap": "Formannskapet",
        "kommunestyre": "Kommunestyret",
        "admin": "Administrator",
    }
    for username, label in expected.items():
        browser.login(username)
        page = text(browser.get("/oppgaver"))
        assert f'<li class="role-badge">{label}</li>' in page, username
        assert ("Ny søknad" in page) == (username == "kari")
        browser.logout()


def test_wrong_password_shows_a_norwegian_message(browser: Browser) -> None:
    response = browser.login("kari", "feil-passord-999")
    assert response.status_code == 401
    page = text(response)
    assert "Feil brukernavn eller passord." in page
    assert 'value="kari"' in page  # the username is kept, the password is not
    assert "feil-passord-999" not in page
    assert browser.get("/oppgaver").status_code == 302
    assert browser.login("ukjent", PASSWORD).status_code == 401


def test_login_redirects_only_to_local_pages(browser: Browser) -> None:
    page = browser.get("/login")
    response = browser.client.post(
        "/login?next=https://evil.example/x",
        data={"username": "kari", "password": PASSWORD, "csrf_token": csrf_token(page.text)},
    )
    assert response.headers["Location"] == "/oppgaver"
    browser.logout()
    page = browser.get("/login")
    response = browser.client.post(
        "/login?next=/saker",
        data={"username": "kari", "password": PASSWORD, "csrf_token": csrf_token(page.text)},
    )
    assert response.headers["Location"] == "/saker"


def test_post_without_csrf_token_is_refused(browser: Browser) -> None:
    response = browser.client.post("/login", data={"username": "kari", "password": PASSWORD})
    assert response.status_code == 400
    assert "sikkerhetsnøkkel" in text(response)
    browser.login("kari")
    response = browser.client.post("/logout")
    assert response.status_code == 400
    assert browser.get("/oppgaver").status_code == 200  # still logged in
    response = browser.client.post("/saker/ny", data={"applicant_name": "X"})
    assert response.status_code == 400


def test_session_cookie_flags_and_security_headers(browser: Browser) -> None:
    response = browser.login("kari")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # default off for localhost
    page = browser.get("/oppgaver")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"


def test_secure_cookies_from_the_settings(app: Flask, core) -> None:  # type: ignore[no-untyped-def]
    secure_core = dataclasses.replace(core, settings=dataclasses.replace(core.settings, secure_cookies=True))
    secure_app = create_app(secure_core, {"TESTING": True})
    assert secure_app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert secure_app.config["SECRET_KEY"] == core.settings.secret_key


def test_a_removed_user_is_logged_out(browser: Browser, core) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    from engine.persistence.models import User

    browser.login("kari")
    assert browser.get("/oppgaver").status_code == 200
    with core.transaction() as session:
        session.execute(update(User).where(User.username == "kari").values(active=False))
    assert browser.get("/oppgaver").status_code == 302
