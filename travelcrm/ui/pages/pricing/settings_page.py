"""Pricing settings (managers and up): what happens when several markup rules match a line,
how prices are rounded, the buffer added to exchange rates, and the agent commission new
itineraries start with. Each section has its own Save; leaving with unsaved changes asks."""

from __future__ import annotations

import reflex as rx

from travelcrm.ui import routes
from travelcrm.ui.components.cards import muted, page_body, section, side_by_side, stacked
from travelcrm.ui.components.fields import field, short_select
from travelcrm.ui.components.forms import section_save, unsaved_guard
from travelcrm.ui.components.tables import gated_by
from travelcrm.ui.pages.pricing.parts import header
from travelcrm.ui.pages.pricing.settings_state import PricingSettingsState
from travelcrm.ui.pages.pricing.text import (
    COMMISSION_CHOICES,
    DIRECTION_CHOICES,
    LEVEL_CHOICES,
    POLICY_CHOICES,
)
from travelcrm.ui.template import staff_page

S = PricingSettingsState


def _save(name: str) -> rx.Component:
    return section_save(
        S.unsaved.contains(name),  # type: ignore[attr-defined]
        S.save(name),  # type: ignore[operator]
        S.discard(name),  # type: ignore[operator]
        test_id=f"section-{name}",
    )


def _number(label: str, key: str, hint: str, *, suffix: str = "") -> rx.Component:
    return field(
        label,
        rx.input(
            *([rx.input.slot(suffix, side="right")] if suffix else []),
            id=f"pricing-{key}",
            value=S.values.get(key, ""),
            on_change=lambda value: S.set_value(key, value),  # type: ignore[operator]
            input_mode="decimal",
            width="100%",
            max_width="200px",
        ),
        error=S.errors.get(key, ""),
        hint=hint,
        html_for=f"pricing-{key}",
        test_id=f"pricing-{key}",
    )


def _choice(label: str, key: str, choices: list[tuple[str, str]], hint: str = "") -> rx.Component:
    return field(
        label,
        short_select(
            f"pricing-{key}",
            choices,
            value=S.values.get(key, ""),
            on_change=lambda value: S.set_value(key, value),  # type: ignore[operator]
            data_testid=f"pricing-{key}",
        ),
        error=S.errors.get(key, ""),
        hint=hint,
        html_for=f"pricing-{key}",
        test_id=f"pricing-{key}",
    )


def _policy_card(value: str, title: str, text: str) -> rx.Component:
    return rx.radio_cards.item(
        rx.vstack(
            rx.text(title, size="2", weight="bold"),
            muted(text, size="1"),
            spacing="1",
            align="start",
        ),
        value=value,
        data_testid=f"policy-{value}",
        style={"justify_content": "start", "align_items": "start"},
    )


def _markups() -> rx.Component:
    return section(
        "When several markup rules match",
        rx.radio_cards.root(
            *[_policy_card(*choice) for choice in POLICY_CHOICES],
            value=S.values.get("markup_policy", ""),
            on_value_change=lambda value: S.set_value("markup_policy", value),  # type: ignore[operator]
            columns="1",
            gap="2",
            size="1",
            width="100%",
        ),
        rx.link(
            "See the rules, and try which one would price a line",
            href=routes.PRICING_MARKUPS,
            size="2",
        ),
        action=_save("markups"),
    )


def _rounding() -> rx.Component:
    return section(
        "Rounding",
        muted(
            "Selling prices are rounded to the step; margin and commission are then worked out "
            "from the rounded price. A step of 0 rounds to the currency's smallest unit.",
            size="2",
        ),
        _number("Round to the nearest", "rounding_step", "e.g. 100 for whole hundreds"),
        _choice("Round", "rounding_level", LEVEL_CHOICES),
        _choice("Direction", "rounding_direction", DIRECTION_CHOICES),
        action=_save("rounding"),
    )


def _fx() -> rx.Component:
    return section(
        "Exchange rates",
        rx.text(
            "Itineraries sell in ",
            rx.text.strong(S.currency),
            " unless an itinerary says otherwise (the agency's currency is in Settings).",
            size="2",
        ),
        _number(
            "Buffer on exchange rates",
            "fx_buffer_pct",
            "Added to the day's rate when a service bought in another currency is priced, "
            "so a moving rate does not eat the margin.",
            suffix="%",
        ),
        rx.link("Enter or import the rates", href=routes.PRICING_FX, size="2"),
        action=_save("fx"),
    )


def _commission() -> rx.Component:
    return section(
        "Agent commission",
        _number(
            "Commission for agents",
            "commission_pct",
            "What new itineraries start with; each itinerary can change it.",
            suffix="%",
        ),
        _choice("The commission is", "commission_mode", COMMISSION_CHOICES),
        action=_save("commission"),
    )


def _content() -> rx.Component:
    return page_body(
        header(
            "Pricing",
            "How itineraries turn net rates into selling prices.",
            routes.PRICING,
        ),
        side_by_side(stacked(_markups(), _fx()), stacked(_rounding(), _commission()), widths="2"),
        unsaved_guard(S.dirty),
    )


@staff_page(
    route=routes.PRICING,
    title="Pricing settings",
    on_load=PricingSettingsState.load,
    nav_route=routes.SETTINGS,
)
def pricing_settings_page() -> rx.Component:
    return gated_by(S, _content())
