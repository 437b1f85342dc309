"""Markup rules (managers and up): each rule in words (what it applies to, how much, how
specific it is), added or changed in a dialog with every problem at its field, removed after a
question; and "Which rule would apply?": a line described -> the rule the sheet would use and
why each other rule does not."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button, edit_and_remove, row_actions
from travelcrm.ui.components.cards import muted, page_body, section
from travelcrm.ui.components.dialogs import confirm_dialog, form_dialog
from travelcrm.ui.components.fields import SELECT_STYLE, field, field_row, short_select
from travelcrm.ui.components.tables import empty_state, gated_by, listing
from travelcrm.ui.pages.pricing.markups_state import MarkupRulesState, RuleRow, VerdictRow
from travelcrm.ui.pages.pricing.parts import header
from travelcrm.ui.pages.pricing.text import (
    KIND_CHOICES,
    MARKET_CHOICES,
    SERVICE_CHOICES,
    SUPPLIER_CHOICES,
)
from travelcrm.ui.template import staff_page

S = MarkupRulesState


def _rule(rule: ObjectVar[RuleRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(rule.name, weight="medium"),
                rx.cond(
                    ~rule.active,
                    rx.badge("Paused", color_scheme="gray", variant="soft", size="1"),
                ),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(rx.text(rule.scope, size="2")),
        rx.table.cell(rx.text(rule.value, weight="medium", white_space="nowrap")),
        rx.table.cell(muted(rule.specificity, size="1")),
        rx.table.cell(rx.text(rule.position, size="2"), text_align="right"),
        row_actions(
            *edit_and_remove(S.start_edit(rule.id), S.ask_remove(rule.id), "rule"),  # type: ignore[operator]
        ),
        align="center",
        data_testid="rule-row",
    )


def _rules() -> rx.Component:
    return section(
        "Rules",
        muted(
            "A rule applies to the lines matching everything it names; what it leaves empty "
            "matches anything. The order breaks ties between equally specific rules.",
            size="2",
        ),
        listing(
            S.rules,
            [
                ("Rule", "left"),
                ("Applies to", "left"),
                ("Markup", "left"),
                ("How specific", "left"),
                ("Order", "right"),
                ("", "right"),
            ],
            _rule,
            empty=empty_state(
                "percent",
                "No markup rules yet",
                "Without a rule, itineraries sell at net. Add one for every line, then "
                "more specific ones.",
                test_id="rules-empty",
            ),
            test_id="rules",
        ),
        action=action_button(
            "plus", "Add rule", on_click=S.start_new, test_id="add-rule", variant="solid"
        ),
    )


def _text(label: str, name: str, hint: str = "", **props: object) -> rx.Component:
    return field(
        label,
        rx.input(
            id=f"rule-{name}",
            name=name,
            default_value=S.form.get(name, ""),
            width="100%",
            **props,
        ),
        error=S.errors.get(name, ""),
        hint=hint,
        html_for=f"rule-{name}",
        test_id=f"rule-{name}",
    )


def _select(label: str, name: str, choices: list[tuple[str, str]]) -> rx.Component:
    return field(
        label,
        rx.el.select(
            *[rx.el.option(text, value=code) for code, text in choices],
            id=f"rule-{name}",
            name=name,
            default_value=S.form.get(name, ""),
            style=SELECT_STYLE,
            data_testid=f"rule-{name}-select",
        ),
        error=S.errors.get(name, ""),
        html_for=f"rule-{name}",
        test_id=f"rule-{name}",
    )


def _dialog() -> rx.Component:
    return form_dialog(
        rx.cond(S.editing == "", "Add a markup rule", "Change the markup rule"),
        _text("Name", "name", "e.g. Hotels in Goa, peak season", required=True),
        field_row(
            _select("Markup", "kind", KIND_CHOICES),
            _text(
                "How much", "value", "A percentage, or an amount in " + S.currency, required=True
            ),
        ),
        rx.text("Applies to (leave empty for any)", size="2", weight="bold"),
        field_row(
            _select("Service", "service_type", SERVICE_CHOICES),
            _text("Destination", "destination", "A city or region, e.g. Goa"),
        ),
        field_row(
            _select("Supplier", "supplier_type", SUPPLIER_CHOICES),
            _select("Market", "market", MARKET_CHOICES),
        ),
        field_row(
            _text("Travel from", "travel_from", type="date"),
            _text("Travel until", "travel_to", type="date"),
        ),
        field_row(
            _text("Order", "position", "Lower comes first in a tie", input_mode="numeric"),
            rx.el.label(
                rx.hstack(
                    rx.checkbox(
                        name="is_active",
                        default_checked=S.form.get("is_active", "") != "",
                        data_testid="rule-active",
                    ),
                    rx.text("In use", size="2"),
                    spacing="2",
                    align="center",
                ),
                padding_top="26px",
            ),
        ),
        open=S.edit_open,
        on_open_change=S.set_edit_open,
        on_submit=S.submit,
        submit_label=rx.cond(S.editing == "", "Add rule", "Save rule"),
        test_id="rule",
        key=S.form_key,  # type: ignore[arg-type]
        max_width="640px",
    )


def _verdict(row: ObjectVar[VerdictRow]) -> rx.Component:
    """One rule against the line tried: a row that reads on a phone as on a desktop."""
    return rx.hstack(
        rx.icon(
            rx.cond(row.chosen, "circle-check", rx.cond(row.matches, "circle-dot", "circle")),
            size=16,
            flex_shrink="0",
            margin_top="2px",
            color=rx.cond(row.chosen, rx.color("grass", 10), rx.color("gray", 9)),
        ),
        rx.vstack(
            rx.hstack(
                rx.text(row.name, size="2", weight=rx.cond(row.chosen, "bold", "medium")),
                rx.text(row.value, size="2", white_space="nowrap"),
                muted(row.scope, size="1"),
                spacing="2",
                align="baseline",
                wrap="wrap",
            ),
            rx.text(
                row.verdict,
                size="1",
                color=rx.cond(row.chosen, rx.color("grass", 11), rx.color("gray", 11)),
            ),
            spacing="0",
            align="start",
            min_width="0",
        ),
        spacing="2",
        align="start",
        width="100%",
        padding_y="6px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="verdict-row",
    )


def _trial_select(label: str, key: str, choices: list[tuple[str, str]]) -> rx.Component:
    return field(
        label,
        short_select(
            f"trial-{key}",
            choices,
            value=S.trial.get(key, ""),
            on_change=lambda value: S.set_trial(key, value),  # type: ignore[operator]
        ),
        error="",
        html_for=f"trial-{key}",
    )


def _tester() -> rx.Component:
    return section(
        "Which rule would apply?",
        muted("Describe a line of an itinerary: the sheet's own maths picks its markup.", size="2"),
        rx.grid(
            _trial_select("Service", "service_type", SERVICE_CHOICES),
            field(
                "Destination",
                rx.input(
                    id="trial-destination",
                    value=S.trial.get("destination", ""),
                    on_change=lambda value: S.set_trial("destination", value),  # type: ignore[operator]
                    placeholder="e.g. Goa",
                    width="100%",
                ),
                error="",
                html_for="trial-destination",
            ),
            _trial_select("Supplier", "supplier_type", SUPPLIER_CHOICES),
            _trial_select("Market", "market", MARKET_CHOICES),
            field(
                "Travel date",
                rx.input(
                    id="trial-date",
                    type="date",
                    value=S.trial.get("travel_date", ""),
                    on_change=lambda value: S.set_trial("travel_date", value),  # type: ignore[operator]
                    width="100%",
                ),
                error=S.trial_errors.get("travel_date", ""),
                html_for="trial-date",
                test_id="trial-date",
            ),
            columns=rx.breakpoints(initial="1", sm="2", md="5"),
            spacing="3",
            width="100%",
        ),
        rx.hstack(
            action_button(
                "flask-conical",
                "Try it",
                on_click=S.try_rules,
                test_id="try-rules",
                variant="solid",
            ),
            justify="end",
            width="100%",
        ),
        rx.cond(
            S.trial_tried,
            rx.vstack(
                rx.callout(
                    S.trial_summary,
                    icon="info",
                    color_scheme="grass",
                    width="100%",
                    data_testid="trial-summary",
                ),
                rx.vstack(
                    rx.foreach(S.verdicts, _verdict),
                    spacing="0",
                    width="100%",
                    data_testid="verdicts",
                ),
                spacing="3",
                width="100%",
            ),
        ),
    )


def _content() -> rx.Component:
    return page_body(
        header(
            "Markup rules",
            "What the agency adds to net rates, by market, destination, supplier, service "
            "and travel period.",
            routes.PRICING_MARKUPS,
        ),
        _rules(),
        _tester(),
        _dialog(),
        confirm_dialog(
            "Remove this rule?",
            rx.text.span(
                "“",
                S.remove_name,
                "” will no longer price new calculations. Frozen "
                "itineraries keep the price they were frozen with.",
            ),
            open=S.remove_open,
            on_open_change=S.set_remove_open,
            on_confirm=S.remove,
            action_label="Remove rule",
            test_id="remove-rule",
        ),
    )


@staff_page(
    route=routes.PRICING_MARKUPS,
    title="Markup rules",
    on_load=MarkupRulesState.load,
    nav_route=routes.SETTINGS,
)
def markup_rules_page() -> rx.Component:
    return gated_by(S, _content())
