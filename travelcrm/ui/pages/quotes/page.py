"""A quote version: its facts, the lines grouped as chosen with their sums, taxes by rule,
the total and the price per person, the payment schedule, inclusions, exclusions and terms
(a form while it is a draft), the actions (Send, Revise, Record acceptance, Record decline)
and the versions, this one beside the one it was revised from."""

from __future__ import annotations

from functools import partial

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button, dialog_of, opens
from travelcrm.ui.components.cards import back_link, muted, section, side_by_side, titled_card
from travelcrm.ui.components.dialogs import confirm_dialog, form_dialog
from travelcrm.ui.components.fields import SELECT_STYLE, field, field_row, text_field
from travelcrm.ui.components.forms import form
from travelcrm.ui.components.tables import data_table, record_page
from travelcrm.ui.pages.quotes.list_page import state_badge
from travelcrm.ui.pages.quotes.state import (
    ChangeRow,
    Fact,
    GroupRow,
    LineRow,
    PaymentRow,
    QuoteState,
    VersionRow,
)
from travelcrm.ui.pages.quotes.text import DEPOSIT_CHOICES, GROUPING_CHOICES
from travelcrm.ui.template import staff_page

S = QuoteState

# ---- header ------------------------------------------------------------------------------------


def _dialogs() -> rx.Component:
    return rx.fragment(
        confirm_dialog(
            "Send this quote?",
            "The customer gets this version; from then on it no longer changes (revise it to "
            "offer something else), and the query is marked quoted.",
            **dialog_of(S, "send"),
            on_confirm=S.send,
            action_label="Send",
            test_id="send",
            danger=False,
        ),
        confirm_dialog(
            "Record the customer's acceptance?",
            "The customer said yes to this version: it is accepted and the query is won.",
            **dialog_of(S, "accept"),
            on_confirm=S.accept,
            action_label="Record acceptance",
            test_id="accept",
            danger=False,
        ),
        form_dialog(
            "Record the customer's decline",
            text_field(
                "Why (optional)",
                "reason",
                "In the customer's words, e.g. “found a cheaper package”.",
                prefix="decline",
                errors=S.decline_errors,
                max_length=500,
            ),
            **dialog_of(S, "decline", S.decline),
            submit_label="Record decline",
            test_id="decline",
        ),
    )


def _download_pdf() -> rx.Component:
    return action_button(
        "file-down", "Download PDF", on_click=S.download_pdf, test_id="download-pdf"
    )


def _actions() -> rx.Component:
    return rx.hstack(_download_pdf(), _edit_actions(), spacing="2", wrap="wrap")


def _edit_actions() -> rx.Component:
    return rx.cond(
        S.can_edit,
        rx.hstack(
            rx.cond(S.draft, opens("send", "Send", S, "send", test_id="send")),
            rx.cond(
                S.waiting,
                rx.hstack(
                    opens("check", "Record acceptance", S, "accept", test_id="accept"),
                    opens(
                        "x",
                        "Record decline",
                        S,
                        "decline",
                        test_id="decline",
                        variant="soft",
                        color_scheme="red",
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
            ),
            rx.cond(
                S.revisable,
                action_button("copy-plus", "Revise", on_click=S.revise, test_id="revise"),
            ),
            rx.cond(
                S.waiting & (S.live_links > 0),
                action_button(
                    "link-2-off",
                    "Withdraw link",
                    on_click=S.revoke_links,
                    test_id="revoke-links",
                    color_scheme="gray",
                ),
            ),
            _dialogs(),
            spacing="2",
            wrap="wrap",
        ),
    )


def _header() -> rx.Component:
    return rx.vstack(
        back_link("Quotes", routes.QUOTES, "back-to-quotes"),
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.heading(
                        S.reference,
                        rx.text.span(" v", S.version, color=rx.color("gray", 10)),
                        size="7",
                        weight="bold",
                        data_testid="page-title",
                    ),
                    state_badge(S.state_text, S.state_tone),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(S.title, size="3", color=rx.color("gray", 11), data_testid="quote-title"),
                spacing="1",
                align="start",
                min_width="0",
            ),
            rx.spacer(),
            _actions(),
            align="center",
            width="100%",
            wrap="wrap",
            spacing="3",
        ),
        rx.cond(
            ~S.draft,
            rx.callout(
                "This version is what the customer was given: it no longer changes. "
                "To offer something else, revise it.",
                icon="lock",
                color_scheme="blue",
                size="1",
                width="100%",
                data_testid="quote-locked",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _fact_tile(row: ObjectVar[Fact]) -> rx.Component:
    return rx.vstack(
        muted(row.label, size="1"),
        rx.text(row.value, size="2", weight="medium"),
        spacing="0",
        align="start",
        min_width="0",
    )


def _facts() -> rx.Component:
    return rx.card(
        rx.flex(rx.foreach(S.facts, _fact_tile), gap="16px 32px", wrap="wrap", width="100%"),
        rx.hstack(
            rx.link("Open the itinerary", href=S.itinerary_href, size="2"),
            rx.cond(
                S.query_href != "",
                rx.link("Open the query", href=S.query_href, size="2", data_testid="quote-query"),
            ),
            spacing="4",
            margin_top="10px",
            wrap="wrap",
        ),
        size="2",
        width="100%",
        data_testid="quote-facts",
    )


# ---- the price ---------------------------------------------------------------------------------


def _line(row: ObjectVar[LineRow]) -> rx.Component:
    return rx.hstack(
        rx.text(
            row.title,
            rx.cond(
                row.optional,
                rx.badge(
                    "optional, not in the total",
                    variant="soft",
                    color_scheme="gray",
                    margin_left="6px",
                ),
            ),
            size="2",
            min_width="0",
        ),
        rx.spacer(),
        rx.text(
            row.amount,
            size="2",
            white_space="nowrap",
            color=rx.cond(row.optional, rx.color("gray", 10), rx.color("gray", 12)),
        ),
        width="100%",
        align="start",
        data_testid="quote-line",
    )


def _group(row: ObjectVar[GroupRow]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(row.label, size="3", weight="bold"),
            rx.spacer(),
            rx.text(row.amount, size="3", weight="bold", white_space="nowrap"),
            width="100%",
            align="start",
        ),
        rx.vstack(rx.foreach(row.lines, _line), spacing="1", width="100%", padding_left="12px"),
        rx.divider(),
        spacing="2",
        width="100%",
        data_testid="quote-group",
    )


def _figure(label: rx.Var[str] | str, value: rx.Var[str] | str, **props: object) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="2", **props),
        rx.spacer(),
        rx.text(value, size="2", white_space="nowrap", **props),
        width="100%",
    )


def _tax(row: ObjectVar[Fact]) -> rx.Component:
    return _figure(row.label, row.value)


def _totals() -> rx.Component:
    return titled_card(
        "Total",
        "Taxes by rule, and what each traveller pays",
        _figure("Subtotal", S.subtotal),
        rx.cond(S.rounding != "", _figure("Rounding", S.rounding)),
        rx.foreach(S.taxes, _tax),
        rx.divider(),
        rx.hstack(
            rx.text("Total", size="4", weight="bold"),
            rx.spacer(),
            rx.text(S.total, size="4", weight="bold", data_testid="quote-total"),
            width="100%",
        ),
        _figure("Per person", S.per_person, color=rx.color("gray", 11)),
        test_id="quote-totals",
    )


def _payment(row: ObjectVar[PaymentRow]) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(row.label, size="2", weight="medium"),
            muted(row.due, size="1"),
            spacing="0",
            align="start",
        ),
        rx.spacer(),
        rx.text(row.amount, size="2", weight="medium", white_space="nowrap"),
        width="100%",
        data_testid="quote-payment",
    )


def _schedule() -> rx.Component:
    return titled_card(
        "Payment schedule",
        "The amounts add up to the total",
        rx.vstack(rx.foreach(S.payments, _payment), spacing="3", width="100%"),
        test_id="quote-schedule",
    )


def _price() -> rx.Component:
    return section(
        "Price",
        side_by_side(
            rx.vstack(
                rx.cond(
                    S.package,
                    muted("One package price: the services are listed without their prices."),
                ),
                rx.foreach(S.groups, _group),
                spacing="3",
                width="100%",
            ),
            rx.vstack(_totals(), _schedule(), spacing="4", width="100%"),
            widths="3fr 2fr",
        ),
    )


# ---- terms -------------------------------------------------------------------------------------


_terms_field = partial(text_field, prefix="terms", errors=S.terms_errors, values=S.terms_form)


def _text_area(label: str, name: str, hint: str) -> rx.Component:
    return field(
        label,
        rx.text_area(
            id=f"terms-{name}",
            name=name,
            default_value=S.terms_form[name],
            rows="4",
            width="100%",
            max_length=20000,
        ),
        error=S.terms_errors.get(name, ""),
        hint=hint,
        html_for=f"terms-{name}",
        test_id=f"terms-{name}",
    )


def _select(label: str, name: str, choices: list[tuple[str, str]]) -> rx.Component:
    return field(
        label,
        rx.el.select(
            *[rx.el.option(words, value=code) for code, words in choices],
            id=f"terms-{name}",
            name=name,
            default_value=S.terms_form[name],
            style=SELECT_STYLE,
        ),
        error=S.terms_errors.get(name, ""),
        html_for=f"terms-{name}",
        test_id=f"terms-{name}",
    )


def _terms_form() -> rx.Component:
    return form(
        rx.vstack(
            field_row(
                _terms_field("Valid until", "valid_until", type="date", required=True),
                _select("Lines", "grouping", GROUPING_CHOICES),
            ),
            field_row(
                _select("Deposit", "deposit_kind", DEPOSIT_CHOICES),
                _terms_field("Deposit (percent or amount)", "deposit_value", inputmode="decimal"),
            ),
            field_row(
                _terms_field(
                    "Balance due, days before travel",
                    "balance_days_before",
                    type="number",
                    min=0,
                ),
                _terms_field(
                    "Instalments between", "instalments", "0 for none", type="number", min=0
                ),
            ),
            _text_area("Inclusions", "inclusions", "One per line."),
            _text_area("Exclusions", "exclusions", "One per line."),
            _text_area("Terms", "terms", "Cancellation, payment and other conditions."),
            rx.hstack(
                rx.button("Save", type="submit", data_testid="save-terms"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.save_terms,
        reset_on_submit=False,
        key=S.terms_key,
        data_testid="terms-form",
    )


def _words(title: str, text: rx.Var[str] | str, test_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(title, size="2", weight="bold"),
        rx.text(
            rx.cond(text != "", text, "—"),
            size="2",
            white_space="pre-wrap",
            data_testid=test_id,
        ),
        spacing="1",
        width="100%",
        align="start",
    )


def _terms() -> rx.Component:
    return section(
        rx.cond(S.draft & S.can_edit, "Validity, schedule and terms", "Inclusions and terms"),
        rx.cond(
            S.draft & S.can_edit,
            _terms_form(),
            rx.vstack(
                _words("Inclusions", S.inclusions, "quote-inclusions"),
                _words("Exclusions", S.exclusions, "quote-exclusions"),
                _words("Terms", S.terms, "quote-terms"),
                spacing="3",
                width="100%",
            ),
        ),
    )


# ---- versions ----------------------------------------------------------------------------------


def _version(row: ObjectVar[VersionRow]) -> rx.Component:
    return rx.link(
        rx.badge(
            row.label,
            " · ",
            row.state,
            " · ",
            row.total,
            color_scheme=rx.cond(row.current, "blue", "gray"),
            variant=rx.cond(row.current, "solid", "soft"),
            size="2",
        ),
        href=row.href,
        data_testid="quote-version",
    )


def _change(row: ObjectVar[ChangeRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.what, size="1", color=rx.color("gray", 10))),
        rx.table.cell(rx.text(row.label, size="2")),
        rx.table.cell(rx.text(row.before, size="2", white_space="pre-wrap")),
        rx.table.cell(rx.text(row.after, size="2", white_space="pre-wrap", weight="medium")),
        data_testid="quote-change",
    )


def _versions() -> rx.Component:
    return section(
        "Versions",
        rx.flex(rx.foreach(S.versions, _version), gap="8px", wrap="wrap", width="100%"),
        rx.cond(
            S.compared_with != "",
            rx.vstack(
                rx.text("Side by side with ", S.compared_with, size="2", weight="medium"),
                rx.cond(
                    S.changes.length() > 0,  # type: ignore[attr-defined]
                    data_table(
                        [("", "left"), ("What", "left"), ("Before", "left"), ("Now", "left")],
                        rx.table.body(rx.foreach(S.changes, _change)),
                        test_id="quote-changes",
                    ),
                    muted("Nothing differs yet."),
                ),
                spacing="2",
                width="100%",
            ),
        ),
    )


# ---- the page ----------------------------------------------------------------------------------


def _quote() -> rx.Component:
    return rx.vstack(
        _header(),
        _facts(),
        _price(),
        _terms(),
        _versions(),
        spacing="4",
        width="100%",
    )


@staff_page(route=routes.QUOTE, title="Quote", on_load=QuoteState.load, nav_route=routes.QUOTES)
def quote_page() -> rx.Component:
    return record_page(
        S,
        _quote(),
        what="quote",
        text="The link may be for another agency.",
        back=routes.QUOTES,
    )
