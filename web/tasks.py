"""The task page: instructions, the case summary and the task's form."""

from __future__ import annotations

import functools
import json
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from engine.errors import ValidationFailed
from engine.forms import FORMS_DIR, load_form
from engine.services import case_views, document_store, documents, letters, tasks
from web.context import actor, core
from web.forms_render import form_view, raw_input

bp = Blueprint("tasks", __name__)


@functools.cache
def _form_flags(name: str) -> dict[str, Any]:
    """Top-level flags of a form definition, e.g. "attachments": true (the task takes files)."""
    path = FORMS_DIR / f"{name}.json"
    raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {k: v for k, v in raw.items() if k not in ("title", "fields")}


def takes_attachments(form_name: str | None) -> bool:
    return bool(form_name) and _form_flags(form_name or "").get("attachments") is True


def _render(task_id: int, submitted: dict[str, Any] | None = None, errors: dict[str, str] | None = None) -> Any:
    me = actor()
    task = tasks.get_task(core(), me, task_id)  # NotFound / Forbidden for the wrong role
    brief = case_views.case_brief(core(), me, task.case_id)
    errors = dict(errors or {})
    upload_error = errors.pop("vedlegg", None)
    form = form_view(load_form(task.form), core().today(), submitted, errors) if task.form else None
    attachments = takes_attachments(task.form)
    assignee = case_views.task_assignee(core(), task_id)
    taken_by_other = assignee is not None and assignee != me.username
    return render_template(
        "tasks/task.html",
        task=task,
        brief=brief,
        form=form,
        taken_by_other=taken_by_other,
        colleagues=case_views.colleagues(core(), me).get(task.role or "", []),
        letter_kind=letters.task_letter_kind(core(), me, task_id),
        attachments=attachments,
        upload_error=upload_error,
        max_upload_mb=document_store.MAX_UPLOAD_BYTES // (1024 * 1024),
        case_documents=documents.case_documents(core(), me, task.case_id) if attachments else [],
        resubmit_files=submitted is not None and attachments,
    )


@bp.get("/oppgaver/<int:task_id>")
def show(task_id: int) -> Any:
    return _render(task_id)


@bp.post("/oppgaver/<int:task_id>")
def complete(task_id: int) -> Any:
    me = actor()
    task = tasks.get_task(core(), me, task_id)
    raw = raw_input(load_form(task.form), request.form) if task.form else {}
    files = _uploaded_files() if takes_attachments(task.form) else []
    try:
        attachments = _attachments(files, raw, task.form, task.role)
        # A task that writes a letter stores it with the case as PDF, made from what was submitted,
        # in the same transaction as the task.
        letter = letters.task_letter(core(), me, task_id, raw)
        new_documents = list(attachments)
        if letter is not None:
            pdf = letters.render_pdf(letter.html)
            new_documents.insert(
                0,
                document_store.letter_document(
                    letter=letter.kind,
                    title=letter.title,
                    filename=letter.filename,
                    pdf=pdf,
                    task_spec=letter.spec_name or "",
                ),
            )
        case_id = tasks.complete_task(core(), me, task_id, raw, new_documents)
    except ValidationFailed as failed:
        return _render(task_id, submitted=raw, errors=failed.errors), 422
    for document in new_documents:
        what = "Brevet" if document.kind == "brev" else "Vedlegget"
        flash(f"{what} «{document.title}» er lagret i saken.", "success")
    flash(f"Oppgaven «{task.title}» er utført.", "success")
    if case_views.has_full_access(me):
        return redirect(url_for("cases.show", case_id=case_id), code=303)
    return redirect(url_for("worklist.index"), code=303)


def _uploaded_files() -> list[tuple[str, bytes]]:
    return [(f.filename or "vedlegg", f.read()) for f in request.files.getlist("vedlegg") if f and f.filename]


def _attachments(
    files: list[tuple[str, bytes]], raw: dict[str, Any], form_name: str | None, role: str | None
) -> list[document_store.NewDocument]:
    """The uploads as documents; a bad file is refused before anything is saved, together with
    the form's own errors."""
    checked: list[document_store.NewDocument] = []
    errors: dict[str, str] = {}
    for name, data in files:
        try:
            checked.append(document_store.attachment_document(name, data, form_name or "", role))
        except ValidationFailed as failed:
            errors.update(failed.errors)
            break
    if errors:
        if form_name:
            try:
                load_form(form_name).validate(raw)
            except ValidationFailed as failed:
                errors = {**failed.errors, **errors}
        raise ValidationFailed(errors)
    return checked


def _letter(task_id: int, stylesheet: bool) -> Any:
    """The task's letter from the submitted (not yet saved) form, or the task page with errors."""
    me = actor()
    task = tasks.get_task(core(), me, task_id)
    raw = raw_input(load_form(task.form), request.form) if task.form else {}
    href = url_for("static", filename="letter.css") if stylesheet else None
    try:
        letter = letters.task_letter(core(), me, task_id, raw, href)
    except ValidationFailed as failed:
        return None, (_render(task_id, submitted=raw, errors=failed.errors), 422)
    if letter is None:
        return None, (_render(task_id, submitted=raw), 404)
    return letter, None


@bp.post("/oppgaver/<int:task_id>/brev")
def letter_preview(task_id: int) -> Any:
    letter, page = _letter(task_id, stylesheet=True)
    if page is not None:
        return page
    return Response(letter.html, mimetype="text/html")


@bp.post("/oppgaver/<int:task_id>/brev.pdf")
def letter_pdf(task_id: int) -> Any:
    letter, page = _letter(task_id, stylesheet=False)
    if page is not None:
        return page
    response = Response(letters.render_pdf(letter.html), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{letter.filename}"'
    return response
