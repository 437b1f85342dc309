"""What Home shows of the work: an agent's desk (their open queries by urgency, today's
replies) and a manager's view (pipeline, SLA breaches, load per agent, won and lost)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.cards import stat_card
from travelcrm.ui.components.charts import bar_chart, chart_card
from travelcrm.ui.pages.home.state import HomeState as S
from travelcrm.ui.pages.queries.parts import priority_badge, sla_chip, status_badge
from travelcrm.ui.pages.queries.text import QueryListRow


def _query_line(row: ObjectVar[QueryListRow], *, who: bool) -> rx.Component:
    """One query as a line that fits a phone: reference, status and priority, the trip, the
    customer (and its agent), the SLA clock on the right; the whole line opens the query."""
    people = row.customer_name
    if who:
        people = rx.cond(
            row.assignee != "",
            row.customer_name.to(str) + " · " + row.assignee.to(str),
            row.customer_name.to(str) + " · unassigned",
        )
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(row.reference, weight="bold", size="2", white_space="nowrap"),
                    status_badge(row.status),
                    priority_badge(row.priority),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(row.title, size="2", color=rx.color("gray", 12), trim="both"),
                rx.text(people, size="1", color=rx.color("gray", 10)),
                spacing="1",
                align="start",
                min_width="0",
                flex="1",
            ),
            sla_chip(row.sla, row.sla_tone, size="2"),
            align="center",
            spacing="3",
            width="100%",
        ),
        href=row.href,
        underline="none",
        color="inherit",
        padding="10px 4px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        _hover={"background": rx.color("gray", 2)},
        data_testid="home-query",
    )


def query_lines(rows: Any, empty: str, *, who: bool = False, test_id: str) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.vstack(
            rx.foreach(rows, lambda row: _query_line(row, who=who)),
            spacing="0",
            width="100%",
            data_testid=test_id,
        ),
        rx.hstack(
            rx.icon("circle-check", size=16, color=rx.color("green", 10)),
            rx.text(empty, size="2", color=rx.color("gray", 11)),
            spacing="2",
            align="center",
            padding="12px 4px",
            data_testid=f"{test_id}-empty",
        ),
    )


def _list_card(
    title: str, subtitle: rx.Var[str] | str, body: rx.Component, link: rx.Component
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text(title, size="3", weight="bold"),
                    rx.text(subtitle, size="1", color=rx.color("gray", 10)),
                    spacing="0",
                    align="start",
                ),
                rx.spacer(),
                link,
                align="start",
                width="100%",
            ),
            body,
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
        min_width="0",
    )


def _to_queries(label: str) -> rx.Component:
    return rx.link(label, href=routes.QUERIES, size="2", white_space="nowrap")


def _count(value: Any) -> Any:
    """A count var as text (state vars type as their Python values)."""
    return rx.Var.create(value).to_string()


# ---- an agent's desk ---------------------------------------------------------------------------


def desk() -> rx.Component:
    return rx.vstack(
        rx.grid(
            stat_card(
                icon="inbox",
                label="My open queries",
                value=_count(S.desk_open),
                hint="assigned to you",
                test_id="desk-open",
            ),
            stat_card(
                icon="alarm-clock",
                label="Past their SLA",
                value=_count(S.desk_breaching),
                hint="waiting for your reply",
                test_id="desk-breaching",
            ),
            stat_card(
                icon="calendar-clock",
                label="Replies due today",
                value=_count(S.desk_due_today),
                hint="in the agency's timezone",
                test_id="desk-due-today",
            ),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="4",
            width="100%",
        ),
        rx.grid(
            _list_card(
                "My queries by urgency",
                "The reply due soonest first; late ones at the top.",
                query_lines(S.desk_rows, "No open queries: you're all caught up.", test_id="desk"),
                _to_queries("All my queries →"),
            ),
            _list_card(
                "Due today",
                "Replies that fall due today.",
                query_lines(S.today_rows, "Nothing falls due today.", test_id="desk-today"),
                rx.fragment(),
            ),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
        data_testid="home-desk",
    )


# ---- the team ----------------------------------------------------------------------------------


def team() -> rx.Component:
    return rx.vstack(
        rx.grid(
            stat_card(
                icon="inbox",
                label="Open queries",
                value=_count(S.open_total),
                hint="in the pipeline",
                test_id="team-open",
            ),
            stat_card(
                icon="alarm-clock",
                label="SLA breaches",
                value=_count(S.breach_count),
                hint="replies overdue now",
                test_id="team-breaches",
            ),
            stat_card(
                icon="trophy",
                label="Won, last 30 days",
                value=_count(S.won_30),
                hint=S.win_rate,
                test_id="team-won",
            ),
            stat_card(
                icon="circle-x",
                label="Lost, last 30 days",
                value=_count(S.lost_30),
                hint="closed without a booking",
                test_id="team-lost",
            ),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="4",
            width="100%",
        ),
        rx.grid(
            chart_card(
                "Pipeline",
                "Open queries by status.",
                bar_chart(S.pipeline_chart, "status", [("queries", "teal")]),
                test_id="chart-pipeline",
            ),
            chart_card(
                "Workload",
                "Open queries per agent; red: past their SLA.",
                bar_chart(
                    S.load_chart,
                    "name",
                    [("on time", "teal"), ("past SLA", "red")],
                    sideways=True,
                ),
                test_id="chart-workload",
            ),
            chart_card(
                "Won and lost",
                "Queries closed each day, last 30 days.",
                bar_chart(S.outcome_chart, "day", [("won", "green"), ("lost", "red")]),
                test_id="chart-outcomes",
            ),
            _list_card(
                "SLA breaches",
                _count(S.breach_count) + " overdue; the longest overdue first.",
                query_lines(S.breach_rows, "No reply is overdue.", who=True, test_id="breaches"),
                rx.link("Workload →", href=routes.QUERY_WORKLOAD, size="2"),
            ),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
        data_testid="home-team",
    )
