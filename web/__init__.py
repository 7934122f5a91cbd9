"""The web interface: an app factory around one `Saksflyt` core.

Views stay thin: they read through `engine.services.case_views` and change things through the
other services, which also enforce who may do what. Everything the user sees is Norwegian.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

from engine.services.core import Saksflyt

csrf = CSRFProtect()

# Endpoints reachable without logging in (the API authenticates each request itself).
PUBLIC_ENDPOINTS = {"auth.login", "static"}


def create_app(core: Saksflyt | None = None, config: dict[str, Any] | None = None) -> Flask:
    core = core or Saksflyt.create()
    app = Flask(__name__)
    secure = core.settings.secure_cookies
    app.config.update(
        SECRET_KEY=core.settings.secret_key,
        SESSION_COOKIE_NAME="saksflyt_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        # A long decision text may take a while to write; the token still dies with the session.
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        WTF_CSRF_SSL_STRICT=secure,
        # Attachments: 10 MB per file (engine.services.documents), a few files per form.
        MAX_CONTENT_LENGTH=32 * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    if config:
        app.config.update(config)
    app.extensions["saksflyt"] = core

    from web import (
        admin,
        agenda,
        api,
        auth,
        cases,
        controls,
        documents,
        errors,
        filters,
        manager,
        register,
        tasks,
        worklist,
    )

    csrf.init_app(app)
    auth.init_login(app)
    filters.register(app)
    errors.register(app)
    for blueprint in (
        auth.bp,
        worklist.bp,
        tasks.bp,
        cases.bp,
        agenda.bp,
        manager.bp,
        register.bp,
        documents.bp,
        admin.bp,
        controls.bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)

    @app.after_request
    def _security_headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        if request.endpoint != "static":
            # Case data must not linger in a shared computer's cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
