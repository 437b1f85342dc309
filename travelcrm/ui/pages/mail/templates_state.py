"""Email templates page state: the agency's templates by kind, the chosen one's subject,
HTML and text in an editor with its variables (click one to copy it), every unknown or
misspelt variable named at its field as soon as the field is left (and again on Save), and a
preview with sample values beside it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.errors import FieldError
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.mail import templates
from travelcrm.mail.models import EmailTemplate, PdfMode
from travelcrm.mail.schemas import PreviewIn, TemplateUpdate
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.mail.text import (
    COPIED,
    HAS_PROBLEMS,
    KIND_PURPOSES,
    OWN_KIND,
    PDF_WORDS,
    SAVED,
)
from travelcrm.ui.record import FormPage

TEXT_FIELDS = ("subject", "html_body", "text_body")


@dataclass
class TemplateChoice:
    template_id: str
    name: str
    purpose: str  # when it is sent, in words
    own: bool  # the agency's own kind (not one of the standard four)


@dataclass
class VariableChip:
    name: str
    label: str
    token: str  # "{{ name }}", what a click copies


@dataclass
class Editing:
    """The chosen template as the editor shows it."""

    template_id: str
    name: str
    subject: str
    html_body: str
    text_body: str
    pdf_mode: str
    row_version: int
    variables: list[VariableChip]


def editing(row: EmailTemplate) -> Editing:
    shown = templates.to_public(row)
    return Editing(
        template_id=str(row.id),
        name=row.name,
        subject=row.subject,
        html_body=row.html_body,
        text_body=row.text_body,
        pdf_mode=row.pdf_mode,
        row_version=row.row_version,
        variables=[
            VariableChip(name=v.name, label=v.label, token=f"{{{{ {v.name} }}}}")
            for v in shown.variables
        ],
    )


def problems_by_field(problems: list[FieldError]) -> dict[str, str]:
    """Each field's problems in one message (every unknown variable named)."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        found.setdefault(problem.field, []).append(problem.message)
    return {name: " ".join(messages) for name, messages in found.items()}


class EmailTemplatesState(FormPage, rx.State):
    can_edit: bool = False
    choices: list[TemplateChoice] = []
    selected_id: str = ""
    name: str = ""
    subject: str = ""
    html_body: str = ""
    text_body: str = ""
    pdf_mode: str = PdfMode.ATTACH.value
    variables: list[VariableChip] = []
    errors: dict[str, str] = {}
    preview_subject: str = ""
    preview_html: str = ""
    preview_text: str = ""
    editor_key: int = 0  # a new key redraws the editor's fields with the chosen template
    _row_version: int = 0

    @rx.var
    def pdf_words(self) -> str:
        return PDF_WORDS.get(self.pdf_mode, "")

    def _show(self, chosen: Editing) -> None:
        self.selected_id, self.name = chosen.template_id, chosen.name
        self.subject, self.html_body, self.text_body = (
            chosen.subject,
            chosen.html_body,
            chosen.text_body,
        )
        self.pdf_mode, self._row_version = chosen.pdf_mode, chosen.row_version
        self.variables = chosen.variables
        self.errors = {}
        self.editor_key += 1

    def _draft(self) -> PreviewIn:
        return PreviewIn(subject=self.subject, html_body=self.html_body, text_body=self.text_body)

    def _refresh_preview(self, session: Session, ctx: TenantContext) -> dict[str, str]:
        """Check the draft; when it passes, the preview shows it. The problems by field."""
        template_id = uuid.UUID(self.selected_id)
        problems = problems_by_field(
            templates.check_template(session, ctx, template_id=template_id, data=self._draft())
        )
        if not problems:
            shown = templates.preview(session, ctx, template_id=template_id, data=self._draft())
            self.preview_subject, self.preview_html, self.preview_text = (
                shown.subject,
                shown.html_body,
                shown.text_body,
            )
        return problems

    def _open(self, session: Session, ctx: TenantContext, wanted: uuid.UUID | None) -> None:
        rows = templates.list_templates(session, ctx)
        self.choices = [
            TemplateChoice(
                template_id=str(r.id),
                name=r.name,
                purpose=KIND_PURPOSES.get(r.kind, OWN_KIND),
                own=r.kind not in templates.STANDARD,
            )
            for r in rows
        ]
        chosen = next((r for r in rows if r.id == wanted), rows[0] if rows else None)
        if chosen is not None:
            self._show(editing(chosen))
            self.errors = self._refresh_preview(session, ctx)

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.MAIL_LOG)
        if viewer is None:
            return self._signed_out()
        self.can_edit = can(viewer.context.role, Action.MAIL_TEMPLATES)
        failed = None
        if self.allowed:
            wanted = parse_id(self.selected_id)
            _, failed = self._run(lambda session, ctx: self._open(session, ctx, wanted))
        self.loaded = True
        return failed

    @event
    def choose(self, template_id: str) -> EventSpec | None:
        wanted = parse_id(template_id)
        if wanted is None:
            return None
        _, failed = self._run(lambda session, ctx: self._open(session, ctx, wanted))
        return failed

    @event
    def edit(self, name: str, value: str) -> EventSpec | None:
        """A field left: keep its text, name its problems, preview it when it has none."""
        if name not in TEXT_FIELDS or not self.selected_id:
            return None
        setattr(self, name, str(value))
        problems, failed = self._run(self._refresh_preview)
        if problems is not None:
            self.errors = problems
        return failed

    @event
    def set_pdf(self, value: str) -> None:
        if value in {mode.value for mode in PdfMode}:
            self.pdf_mode = value

    @event
    def copy_variable(self, token: str) -> list[EventSpec]:
        return [rx.set_clipboard(token), rx.toast.info(COPIED.format(token=token))]

    @event
    def save(self, form: dict[str, Any]) -> EventSpec | list[EventSpec] | None:
        if not self.selected_id:
            return None
        for name in TEXT_FIELDS:
            if name in form:
                setattr(self, name, str(form[name]))
        problems, failed = self._run(self._refresh_preview)
        if failed is not None:
            return failed
        if problems:
            self.errors = problems
            return rx.toast.error(HAS_PROBLEMS)
        change = TemplateUpdate(
            subject=self.subject,
            html_body=self.html_body,
            text_body=self.text_body,
            pdf_mode=PdfMode(self.pdf_mode),
        )
        template_id = uuid.UUID(self.selected_id)
        saved, failed = self._run(
            lambda session, ctx: editing(
                templates.update_template(
                    session,
                    ctx,
                    template_id=template_id,
                    row_version=self._row_version,
                    data=change,
                )
            ),
            may=Action.MAIL_TEMPLATES,
            errors="errors",
        )
        if saved is None:
            return failed
        self._row_version = saved.row_version
        self.errors = {}
        return rx.toast.success(SAVED)
