"""Query settings (managers and up): how new queries find an agent, whether agents see every
query, the business hours and holidays the SLA clock counts in, the reply targets per priority,
the reasons a query can be lost for, and each agent's skills, cap and leave. Each section has
its own Save (and says when it has unsaved changes); leaving with any asks first."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.queries.sla import WEEKDAY_NAMES
from travelcrm.ui import routes
from travelcrm.ui.components.cards import (
    error_callout,
    icon_tile,
    muted,
    page_body,
    page_header,
    section,
    side_by_side,
    stacked,
)
from travelcrm.ui.components.fields import field, field_error
from travelcrm.ui.components.forms import form, section_save, unsaved_guard
from travelcrm.ui.components.tables import data_table, gated_by, listing
from travelcrm.ui.pages.queries.parts import no_agents
from travelcrm.ui.pages.queries.settings_state import (
    PRIORITIES,
    AgentRow,
    Holiday,
    QuerySettingsState,
)
from travelcrm.ui.pages.queries.text import PRIORITY_COLORS, PRIORITY_LABELS
from travelcrm.ui.template import staff_page

S = QuerySettingsState

RULE_CHOICES = (
    (
        "round_robin",
        "Round robin",
        "rotate-cw",
        "Agents take turns: the next query goes to the one who got a query longest ago.",
    ),
    (
        "least_loaded",
        "Lowest workload",
        "scale",
        "The agent with the fewest open queries gets the next one.",
    ),
    (
        "skill",
        "Skills",
        "sparkles",
        "An agent whose skills match the destination, interests or language; if none does, "
        "the lowest workload.",
    ),
)


def _error(message: rx.Var[str] | str, test_id: str) -> rx.Component:
    return rx.cond(rx.Var.create(message) != "", field_error(message, test_id))


def _hint(text: rx.Var[str] | str) -> rx.Component:
    return muted(text, size="1", shade=10)


def _save(name: str) -> rx.Component:
    """The section's Save, with "Unsaved changes" and Discard while it is edited."""
    return section_save(
        S.unsaved.contains(name),  # type: ignore[attr-defined]
        S.save(name),  # type: ignore[operator]
        S.discard(name),  # type: ignore[operator]
        test_id=f"section-{name}",
    )


# ---- assignment -------------------------------------------------------------------------------


def _rule_card(value: str, title: str, icon: str, text: str) -> rx.Component:
    return rx.radio_cards.item(
        rx.hstack(
            icon_tile(icon, size=30, icon_size=16),
            rx.vstack(
                rx.text(title, size="2", weight="bold"),
                muted(text, size="1"),
                spacing="1",
                align="start",
            ),
            spacing="3",
            align="start",
            width="100%",
        ),
        value=value,
        data_testid=f"rule-{value}",
        style={"justify_content": "start", "align_items": "start"},
    )


def _assignment() -> rx.Component:
    return section(
        "Assignment",
        rx.radio_cards.root(
            *[_rule_card(*choice) for choice in RULE_CHOICES],
            value=S.rule,
            on_value_change=S.set_rule,
            columns="1",
            gap="2",
            size="1",
            width="100%",
        ),
        _hint(
            "Whatever the rule, agents who are offline, on leave or at their workload cap are "
            "skipped; a query nobody can take waits and is assigned when an agent comes online."
        ),
        rx.separator(size="4"),
        rx.hstack(
            rx.switch(
                checked=S.agents_see_all,
                on_change=S.set_agents_see_all,
                id="agents-see-all",
                data_testid="agents-see-all",
            ),
            rx.vstack(
                rx.text("Agents see all queries", as_="label", html_for="agents-see-all", size="2"),
                _hint(
                    "Off: agents see their own queries and the unassigned ones. Managers always "
                    "see all."
                ),
                spacing="0",
                align="start",
            ),
            spacing="3",
            align="start",
        ),
        action=_save("assignment"),
    )


# ---- business hours and holidays --------------------------------------------------------------


def _day(index: int, name: str) -> rx.Component:
    on = S.working_days.contains(index)  # type: ignore[attr-defined]
    return rx.button(
        name,
        type="button",
        size="2",
        variant=rx.cond(on, "solid", "outline"),
        color_scheme=rx.cond(on, "teal", "gray"),
        on_click=S.toggle_day(index),  # type: ignore[operator]
        aria_pressed=rx.cond(on, "true", "false"),
        min_width="52px",
        data_testid=f"day-{index}",
    )


def _clock(label: str, name: str, value: rx.Var[str] | str, on_change: object) -> rx.Component:
    return field(
        label,
        rx.input(
            type="time",
            id=f"hours-{name}",
            value=value,
            on_change=on_change,
            size="2",
            width="100%",
            color_scheme=rx.cond(S.errors.contains(name), "red", "gray"),  # type: ignore[attr-defined]
            data_testid=f"hours-{name}",
        ),
        error=S.errors.get(name, ""),
        html_for=f"hours-{name}",
        test_id=name,
    )


def _holiday(day: ObjectVar[Holiday]) -> rx.Component:
    return rx.badge(
        rx.icon("calendar-off", size=13),
        day.label,
        rx.icon_button(
            rx.icon("x", size=12),
            size="1",
            variant="ghost",
            color_scheme="gray",
            type="button",
            aria_label="Remove " + day.label,  # type: ignore[operator]
            on_click=S.remove_holiday(day.day),  # type: ignore[operator]
            data_testid="remove-holiday",
            margin_left="2px",
        ),
        size="2",
        variant="surface",
        color_scheme="gray",
        radius="full",
        data_testid="holiday",
        padding_right="4px",
    )


def _hours() -> rx.Component:
    return section(
        "Business hours",
        muted(
            "The SLA clock runs only on working days, between opening and closing, in the "
            "agency's time: ",
            S.timezone_label,
            ".",
        ),
        rx.vstack(
            rx.text("Working days", size="2", weight="medium"),
            rx.flex(
                *[_day(i, name) for i, name in enumerate(WEEKDAY_NAMES)],
                gap="6px",
                wrap="wrap",
            ),
            _error(S.errors.get("working_days", ""), "working_days"),
            spacing="1",
            width="100%",
        ),
        rx.grid(
            _clock("Opens", "opens", S.opens, S.set_opens),
            _clock("Closes", "closes", S.closes, S.set_closes),
            columns="2",
            spacing="4",
            width="100%",
            max_width="360px",
        ),
        rx.cond(
            S.errors.get("hours", "") != "",
            _error(S.errors.get("hours", ""), "hours"),
            _hint("Closing at midnight (00:00) counts to the end of the day."),
        ),
        rx.separator(size="4"),
        rx.vstack(
            rx.text("Holidays", size="2", weight="medium"),
            _hint("No SLA time passes on these dates."),
            rx.hstack(
                rx.input(
                    type="date",
                    id="new-holiday",
                    value=S.new_holiday,
                    on_change=S.set_new_holiday,
                    size="2",
                    width="180px",
                    color_scheme=rx.cond(S.errors.contains("holidays"), "red", "gray"),  # type: ignore[attr-defined]
                    data_testid="new-holiday",
                ),
                rx.button(
                    rx.icon("plus", size=14),
                    "Add holiday",
                    type="button",
                    variant="soft",
                    size="2",
                    on_click=S.add_holiday,
                    data_testid="add-holiday",
                ),
                spacing="2",
                align="center",
            ),
            _error(S.errors.get("holidays", ""), "holidays"),
            rx.cond(
                S.holidays.length() > 0,  # type: ignore[attr-defined]
                rx.flex(
                    rx.foreach(S.holidays, _holiday),
                    gap="8px",
                    wrap="wrap",
                    padding_top="4px",
                    data_testid="holidays",
                ),
                muted("No holidays yet.", shade=10, data_testid="no-holidays"),
            ),
            spacing="2",
            width="100%",
        ),
        action=_save("hours"),
    )


# ---- SLA targets ------------------------------------------------------------------------------


def _target(kind: str, priority: str) -> rx.Component:
    values = S.first_response if kind == "first_response" else S.follow_up
    key = f"{kind}.{priority}"
    return rx.input(
        rx.input.slot("h", side="right"),
        value=values[priority],
        on_change=lambda value: S.set_target(kind, priority, value),  # type: ignore[operator]
        input_mode="decimal",
        size="2",
        width="96px",
        aria_label=f"{PRIORITY_LABELS[priority]} {kind.replace('_', ' ')} in business hours",
        color_scheme=rx.cond(S.errors.contains(key), "red", "gray"),  # type: ignore[attr-defined]
        data_testid=f"sla-{kind}-{priority}",
    )


def _sla() -> rx.Component:
    return section(
        "SLA targets",
        muted(
            "How soon a reply is due, in business hours: a 4 h target for a query received "
            "an hour before closing is due three hours after the next opening."
        ),
        data_table(
            [("Priority", "left"), ("First response", "left"), ("Follow-up", "left")],
            rx.table.body(
                *[
                    rx.table.row(
                        rx.table.cell(
                            rx.badge(
                                PRIORITY_LABELS[p],
                                color_scheme=PRIORITY_COLORS[p],
                                variant="soft",
                            )
                        ),
                        rx.table.cell(_target("first_response", p)),
                        rx.table.cell(_target("follow_up", p)),
                        align="center",
                    )
                    for p in PRIORITIES
                ]
            ),
            test_id="sla-targets",
        ),
        _error(S.errors.get("first_response", ""), "first_response"),
        _error(S.errors.get("follow_up", ""), "follow_up"),
        _hint(
            "Follow-up: after each reply, how soon the next one is due while the customer "
            "waits. Lower priorities may not have shorter targets."
        ),
        action=_save("sla"),
    )


# ---- lost reasons -----------------------------------------------------------------------------


def _reason(label: rx.Var[str]) -> rx.Component:
    return rx.hstack(
        rx.icon("thumbs-down", size=14, color=rx.color("gray", 10)),
        rx.text(label, size="2"),
        spacing="2",
        align="center",
        padding="8px 12px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        data_testid="lost-reason",
    )


def _new_reason(label: rx.Var[str]) -> rx.Component:
    return rx.hstack(
        rx.icon("thumbs-down", size=14, color=rx.color("gray", 10)),
        rx.text(label, size="2"),
        rx.badge("new", color_scheme="amber", variant="soft"),
        rx.spacer(),
        rx.icon_button(
            rx.icon("x", size=12),
            size="1",
            variant="ghost",
            color_scheme="gray",
            type="button",
            aria_label="Remove " + label,  # type: ignore[operator]
            on_click=S.remove_new_reason(label),  # type: ignore[operator]
            data_testid="remove-new-reason",
        ),
        spacing="2",
        align="center",
        padding="8px 12px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        background=rx.color("amber", 2),
        width="100%",
        data_testid="new-lost-reason",
    )


def _reasons() -> rx.Component:
    return section(
        "Lost reasons",
        muted("Agents pick one when they mark a query lost. New reasons count once saved."),
        rx.box(
            rx.foreach(S.reasons, _reason),
            rx.foreach(S.new_reasons, _new_reason),
            border=f"1px solid {rx.color('gray', 5)}",
            border_radius="8px",
            overflow="hidden",
            width="100%",
            data_testid="lost-reasons",
        ),
        form(
            rx.hstack(
                rx.input(
                    name="reason",
                    placeholder="e.g. Chose a cheaper package",
                    value=S.new_reason,
                    on_change=S.set_new_reason,
                    max_length=120,
                    size="2",
                    width="100%",
                    color_scheme=rx.cond(S.reason_error != "", "red", "gray"),
                    data_testid="new-reason",
                ),
                rx.button(
                    rx.icon("plus", size=14),
                    "Add to the list",
                    type="submit",
                    variant="soft",
                    size="2",
                    data_testid="add-reason",
                ),
                spacing="2",
                width="100%",
            ),
            _error(S.reason_error, "reason"),
            on_submit=S.add_reason,
            reset_on_submit=False,
            width="100%",
        ),
        action=_save("reasons"),
    )


# ---- agents -----------------------------------------------------------------------------------


def _presence(agent: ObjectVar[AgentRow]) -> rx.Component:
    return rx.cond(
        agent.on_leave,
        rx.badge("On leave", color_scheme="amber", variant="soft"),
        rx.cond(
            agent.online,
            rx.badge("Online", color_scheme="green", variant="soft"),
            rx.badge("Offline", color_scheme="gray", variant="soft"),
        ),
    )


def _agent(agent: ObjectVar[AgentRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(agent.name, weight="medium", white_space="nowrap")),
        rx.table.cell(_presence(agent)),
        rx.table.cell(
            rx.vstack(
                rx.input(
                    value=agent.skills,
                    on_change=lambda value: S.set_agent_field(agent.user_id, "skills", value),  # type: ignore[operator]
                    placeholder="e.g. goa, honeymoon, hindi",
                    aria_label="Skills of " + agent.name,  # type: ignore[operator]
                    size="2",
                    width="100%",
                    min_width="220px",
                    data_testid="agent-skills",
                ),
                _error(agent.error, "agent"),
                spacing="1",
                width="100%",
            ),
        ),
        rx.table.cell(
            rx.input(
                value=agent.cap,
                on_change=lambda value: S.set_agent_field(agent.user_id, "cap", value),  # type: ignore[operator]
                type="number",
                min=1,
                max=500,
                aria_label="Workload cap of " + agent.name,  # type: ignore[operator]
                size="2",
                width="84px",
                data_testid="agent-cap",
            )
        ),
        rx.table.cell(
            rx.input(
                value=agent.leave_until,
                on_change=lambda value: S.set_agent_field(agent.user_id, "leave_until", value),  # type: ignore[operator]
                type="date",
                aria_label="On leave until, " + agent.name,  # type: ignore[operator]
                size="2",
                width="160px",
                data_testid="agent-leave",
            )
        ),
        align="center",
        data_testid="agent-row",
    )


def _agents() -> rx.Component:
    return section(
        "Agents",
        muted(
            "What assignment knows of each agent: skills (destinations, interests, languages; "
            "used by the Skills rule), how many open queries they take at most, and leave "
            "(inclusive)."
        ),
        listing(
            S.agents,
            [
                ("Agent", "left"),
                ("Status", "left"),
                ("Skills", "left"),
                ("Workload cap", "left"),
                ("On leave until", "left"),
            ],
            _agent,
            empty=no_agents("agents-empty"),
            test_id="agents",
        ),
        action=_save("agents"),
    )


# ---- the page ---------------------------------------------------------------------------------


def _settings() -> rx.Component:
    return page_body(
        page_header(
            "Query settings",
            "How queries find an agent, when SLA clocks run, and why queries are lost.",
        ),
        rx.cond(
            S.errors.get("settings", "") != "",
            error_callout(S.errors.get("settings", ""), "settings-error", width="100%"),
        ),
        side_by_side(stacked(_assignment(), _hours()), stacked(_sla(), _reasons()), widths="2"),
        _agents(),
        unsaved_guard(S.dirty),
    )


@staff_page(
    route=routes.QUERY_SETTINGS,
    title="Query settings",
    on_load=QuerySettingsState.load,
    nav_route=routes.QUERY_WORKLOAD,
)
def query_settings_page() -> rx.Component:
    return gated_by(S, _settings())
