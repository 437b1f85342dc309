"""Quote settings (managers and up): what each new quote starts with — its number's prefix,
how long it is valid, how its lines are grouped, the payment schedule (deposit, instalments,
balance before travel), and the inclusions, exclusions and terms copied into it. Each section
has its own Save; leaving with unsaved changes asks."""

from __future__ import annotations

import reflex as rx

from travelcrm.ui import routes
from travelcrm.ui.components.cards import (
    muted,
    page_body,
    page_header,
    section,
    side_by_side,
    stacked,
)
from travelcrm.ui.components.fields import field, short_select
from travelcrm.ui.components.forms import section_save, unsaved_guard
from travelcrm.ui.components.tables import gated_by
from travelcrm.ui.pages.quotes.settings_state import QuoteSettingsState
from travelcrm.ui.pages.quotes.text import DEPOSIT_CHOICES, GROUPING_CHOICES
from travelcrm.ui.template import staff_page

S = QuoteSettingsState


def _save(name: str) -> rx.Component:
    return section_save(
        S.unsaved.contains(name),  # type: ignore[attr-defined]
        S.save(name),  # type: ignore[operator]
        S.discard(name),  # type: ignore[operator]
        test_id=f"section-{name}",
    )


def _input(
    label: str, key: str, hint: str, *, suffix: rx.Var[str] | str = "", mode: str = "numeric"
) -> rx.Component:
    return field(
        label,
        rx.input(
            rx.input.slot(suffix, side="right"),
            id=f"quote-{key}",
            value=S.values.get(key, ""),
            on_change=lambda value: S.set_value(key, value),  # type: ignore[operator]
            input_mode=mode,
            width="100%",
            max_width="220px",
        ),
        error=S.errors.get(key, ""),
        hint=hint,
        html_for=f"quote-{key}",
        test_id=f"quote-{key}",
    )


def _choice(label: str, key: str, choices: list[tuple[str, str]], hint: str = "") -> rx.Component:
    return field(
        label,
        short_select(
            f"quote-{key}",
            choices,
            value=S.values.get(key, ""),
            on_change=lambda value: S.set_value(key, value),  # type: ignore[operator]
            data_testid=f"quote-{key}",
        ),
        error=S.errors.get(key, ""),
        hint=hint,
        html_for=f"quote-{key}",
        test_id=f"quote-{key}",
    )


def _words(label: str, key: str, hint: str) -> rx.Component:
    return field(
        label,
        rx.text_area(
            id=f"quote-{key}",
            value=S.values.get(key, ""),
            on_change=lambda value: S.set_value(key, value),  # type: ignore[operator]
            rows="4",
            width="100%",
            max_length=20000,
        ),
        error=S.errors.get(key, ""),
        hint=hint,
        html_for=f"quote-{key}",
        test_id=f"quote-{key}",
    )


def _numbering() -> rx.Component:
    return section(
        "Quote numbers",
        _input(
            "Prefix",
            "reference_prefix",
            "Quotes are numbered PREFIX-Q-2026-0001. Leave it empty to use the agency's initials.",
            mode="text",
        ),
        action=_save("numbering"),
    )


def _validity() -> rx.Component:
    return section(
        "Validity and layout",
        _input("A quote is valid for", "validity_days", "From the day it is made.", suffix="days"),
        _choice("Prices are shown", "grouping", GROUPING_CHOICES),
        action=_save("validity"),
    )


def _payment() -> rx.Component:
    return section(
        "Payment schedule",
        muted(
            "A deposit on acceptance, instalments between, and the balance before travel; "
            "the amounts always add up to the total.",
            size="2",
        ),
        _choice("The deposit is", "deposit_kind", DEPOSIT_CHOICES),
        _input(
            "Deposit",
            "deposit_value",
            "What the customer pays on acceptance.",
            suffix=rx.cond(S.deposit_is_percent, "%", ""),
            mode="decimal",
        ),
        _input("Instalments", "instalments", "Between the deposit and the balance (0 for none)."),
        _input(
            "Balance due",
            "balance_days_before",
            "Before the first day of travel. When that day has passed, one payment is asked.",
            suffix="days before",
        ),
        action=_save("payment"),
    )


def _texts() -> rx.Component:
    return section(
        "Inclusions, exclusions and terms",
        _words("Included", "inclusions", "One a line; printed as a list."),
        _words("Not included", "exclusions", "One a line; printed as a list."),
        _words("Terms and conditions", "terms", "Paragraphs parted by a blank line."),
        action=_save("words"),
    )


def _content() -> rx.Component:
    return page_body(
        page_header(
            "Quote settings",
            "What each new quote starts with; a quote can change its own before it is sent.",
            rx.link("Back to quotes", href=routes.QUOTES, size="2"),
        ),
        side_by_side(stacked(_numbering(), _validity(), _payment()), stacked(_texts()), widths="2"),
        unsaved_guard(S.dirty),
    )


@staff_page(
    route=routes.QUOTE_SETTINGS,
    title="Quote settings",
    on_load=QuoteSettingsState.load,
    nav_route=routes.QUOTES,
)
def quote_settings_page() -> rx.Component:
    return gated_by(S, _content())
