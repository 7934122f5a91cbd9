"""Errors as Norwegian pages (or JSON under /api), with the right status and no tracebacks."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from engine.errors import SaksflytError

MESSAGES = {
    400: ("Ugyldig forespørsel", "Forespørselen kunne ikke behandles."),
    401: ("Innlogging kreves", "Du må logge inn."),
    403: ("Ingen tilgang", "Du har ikke tilgang til denne siden."),
    404: ("Fant ikke siden", "Siden eller saken finnes ikke."),
    405: ("Ikke tillatt", "Denne handlingen er ikke tillatt her."),
    409: ("Konflikt", "Saken er endret av noen andre. Last siden på nytt."),
    413: ("For stor forespørsel", "Innholdet er for stort."),
    415: ("Feil format", "Forespørselen må sendes som JSON (Content-Type: application/json)."),
    422: ("Feil i skjemaet", "Skjemaet inneholder feil."),
    500: ("Noe gikk galt", "Det oppstod en feil hos oss. Feilen er logget; prøv igjen senere."),
}
CSRF_MESSAGE = "Skjemaet mangler en gyldig sikkerhetsnøkkel (det kan være utløpt). Last siden på nytt og prøv igjen."


def is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def api_error(status: int, message: str, errors: dict[str, str] | None = None) -> Any:
    body: dict[str, Any] = {"error": message}
    if errors is not None:
        body["errors"] = errors
    return jsonify(body), status


def error_page(status: int, message: str | None = None, minimal: bool = False) -> Any:
    title, default = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    return render_template(
        "error.html", status=status, title=title, message=message or default, minimal=minimal
    ), status


def register(app: Flask) -> None:
    @app.errorhandler(SaksflytError)
    def _domain_error(error: SaksflytError) -> Any:
        errors = getattr(error, "errors", None)
        if is_api_request():
            return api_error(error.status_code, error.message, errors if errors is not None else {})
        return error_page(error.status_code, error.message)

    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError) -> Any:
        if is_api_request():
            return api_error(400, CSRF_MESSAGE)
        return error_page(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        status = error.code or 500
        if status >= 500:
            return _server_error(error)
        message = MESSAGES.get(status, (None, error.description))[1]
        if is_api_request():
            response, code = api_error(status, message)
            if status == 401:
                response.headers["WWW-Authenticate"] = 'Basic realm="Saksflyt", charset="UTF-8"'
            return response, code
        return error_page(status, message)

    @app.errorhandler(InternalServerError)
    def _server_error(_error: Exception) -> Any:
        # Flask has logged the original exception; the user sees no details of it.
        if is_api_request():
            return api_error(500, MESSAGES[500][1])
        try:
            return error_page(500, minimal=False)
        except Exception:  # the page itself may need the database that just failed
            return error_page(500, minimal=True)
