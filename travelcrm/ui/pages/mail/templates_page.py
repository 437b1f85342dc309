"""Email templates: the agency's emails by kind (quote sent, reminder, accepted, payment
due, and its own), each edited with its variables at hand, unknown ones named at their field,
and a preview with sample values (rendered in a sandboxed frame: no script runs)."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.mail.models import PdfMode
from travelcrm.ui import routes
from travelcrm.ui.components.cards import muted, page_body, page_header, section, side_by_side
from travelcrm.ui.components.fields import field
from travelcrm.ui.components.tables import gated_by
from travelcrm.ui.pages.mail.templates_state import (
    EmailTemplatesState,
    TemplateChoice,
    VariableChip,
)
from travelcrm.ui.pages.mail.text import FIELD_LABELS, PDF_WORDS
from travelcrm.ui.template import staff_page

S = EmailTemplatesState
MONO = "var(--code-font-family, ui-monospace, monospace)"


def _choice(row: ObjectVar[TemplateChoice]) -> rx.Component:
    chosen = S.selected_id == row.template_id
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.text(row.name, size="2", weight="bold"),
                rx.cond(
                    row.own, rx.badge("Your own", size="1", variant="soft", color_scheme="gray")
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            muted(row.purpose, size="1"),
            spacing="1",
            align="start",
        ),
        on_click=S.choose(row.template_id),  # type: ignore[operator]
        padding="10px 12px",
        border_radius="8px",
        cursor="pointer",
        width="100%",
        background=rx.cond(chosen, rx.color("accent", 3), "transparent"),
        border=rx.cond(
            chosen, f"1px solid {rx.color('accent', 7)}", f"1px solid {rx.color('gray', 4)}"
        ),
        _hover={"background": rx.color("accent", 2)},
        data_testid="template-choice",
    )


def _kinds() -> rx.Component:
    return section(
        "Templates",
        rx.vstack(rx.foreach(S.choices, _choice), spacing="2", width="100%"),
    )


def _chip(chip: ObjectVar[VariableChip]) -> rx.Component:
    return rx.tooltip(
        rx.button(
            rx.icon("copy", size=12),
            rx.text.span(chip.label, size="1"),
            rx.code(chip.token, size="1", variant="ghost"),
            size="1",
            variant="soft",
            color_scheme="gray",
            on_click=S.copy_variable(chip.token),  # type: ignore[operator]
            type="button",
            data_testid="variable",
            height="auto",
            padding_y="4px",
            white_space="normal",
            text_align="left",
        ),
        content="Copy, then paste it into the subject or a body",
    )


def _variables() -> rx.Component:
    return rx.vstack(
        rx.text("Variables", size="2", weight="medium"),
        muted("Click one to copy it. Anything else in double braces is refused.", size="1"),
        rx.flex(rx.foreach(S.variables, _chip), wrap="wrap", gap="6px"),
        spacing="1",
        width="100%",
    )


def _text_field(name: str, rows: int | None = None) -> rx.Component:
    common = {
        "id": f"template-{name}",
        "name": name,
        "default_value": getattr(S, name),
        "on_blur": lambda value: S.edit(name, value),  # type: ignore[operator]
        "read_only": ~S.can_edit,
        "width": "100%",
        "spell_check": False,
    }
    control = (
        rx.input(**common, size="2")
        if rows is None
        else rx.text_area(
            **common, rows=str(rows), font_family=MONO, font_size="12px", resize="vertical"
        )
    )
    return field(
        FIELD_LABELS[name],
        control,
        error=S.errors.get(name, ""),
        html_for=f"template-{name}",
        test_id=f"template-{name}",
    )


def _pdf_choice() -> rx.Component:
    return field(
        "The quote's PDF",
        rx.select.root(
            rx.select.trigger(width="100%", data_testid="template-pdf"),
            rx.select.content(
                *[rx.select.item(PDF_WORDS[mode.value], value=mode.value) for mode in PdfMode]
            ),
            value=S.pdf_mode,
            on_change=S.set_pdf,
            disabled=~S.can_edit,
        ),
        error="",
        hint="Linked: the email carries a link instead of the file (smaller, always current).",
    )


def _editor() -> rx.Component:
    return section(
        S.name,
        rx.form(
            rx.vstack(
                _text_field("subject"),
                _variables(),
                _text_field("html_body", rows=14),
                _text_field("text_body", rows=8),
                _pdf_choice(),
                rx.cond(
                    S.can_edit,
                    rx.hstack(
                        rx.button(
                            rx.icon("save", size=14),
                            "Save",
                            type="submit",
                            data_testid="save-template",
                        ),
                        justify="end",
                        width="100%",
                    ),
                    muted("Your role can read the templates; a manager changes them."),
                ),
                spacing="4",
                width="100%",
            ),
            on_submit=S.save,
            key=S.editor_key,
            width="100%",
        ),
    )


def _preview() -> rx.Component:
    return section(
        "Preview",
        muted("With sample values, as a mail client shows it.", size="1"),
        rx.text(S.preview_subject, weight="bold", size="3", data_testid="preview-subject"),
        rx.el.iframe(
            src_doc=S.preview_html,
            sandbox="",
            title="HTML preview",
            width="100%",
            height="460px",
            border=f"1px solid {rx.color('gray', 5)}",
            border_radius="8px",
            background="white",
            data_testid="preview-html",
        ),
        rx.text("Plain text", size="2", weight="medium"),
        rx.box(
            rx.text(S.preview_text, size="1", white_space="pre-wrap", font_family=MONO),
            padding="10px",
            border_radius="8px",
            background=rx.color("gray", 2),
            width="100%",
            data_testid="preview-text",
        ),
    )


def _page() -> rx.Component:
    return page_body(
        page_header(
            "Email templates",
            "What your customers receive when a quote is sent, before it expires, when they "
            "accept and when a payment is due.",
            rx.link(
                rx.button(rx.icon("mail", size=14), "Email log", variant="soft"),
                href=routes.EMAIL_LOG,
            ),
        ),
        side_by_side(
            _kinds(),
            side_by_side(_editor(), _preview(), widths="1fr 1fr"),
            widths="1fr 4fr",
        ),
    )


@staff_page(
    route=routes.EMAIL_TEMPLATES,
    title="Email templates",
    on_load=EmailTemplatesState.load,
    nav_route=routes.EMAIL_LOG,
)
def email_templates_page() -> rx.Component:
    return gated_by(S, _page())
