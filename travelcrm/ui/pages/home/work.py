"""What Home shows of the work: an agent's desk (their open queries by urgency, today's
replies) and a manager's view (pipeline, SLA breaches, load per agent, won and lost)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.cards import muted, stat_grid, titled_card
from travelcrm.ui.components.charts import bar_chart
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
                    rx.cond(  # only when it stands out
                        (row.priority == "urgent") | (row.priority == "high"),
                        priority_badge(row.priority),
                        rx.fragment(),
                    ),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(row.title, size="2", color=rx.color("gray", 12), trim="both"),
                muted(people, size="1", shade=10),
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
            muted(empty),
            spacing="2",
            align="center",
            padding="12px 4px",
            data_testid=f"{test_id}-empty",
        ),
    )


def _to_queries(label: str) -> rx.Component:
    return rx.link(label, href=routes.QUERIES, size="2", white_space="nowrap")


def _numbers(table: tuple[tuple[str, str, str, Any], ...], columns: Any) -> rx.Component:
    """Stat cards from (icon, label, the state's count var by name, hint); test id: the name."""
    return stat_grid(
        *[
            (icon, label, rx.Var.create(getattr(S, name)).to_string(), hint, name.replace("_", "-"))
            for icon, label, name, hint in table
        ],
        columns=columns,
    )


def _two_columns(*cards: rx.Component) -> rx.Component:
    return rx.grid(
        *cards,
        columns=rx.breakpoints(initial="1", lg="2"),
        spacing="4",
        width="100%",
        align="start",
    )


# ---- an agent's desk ---------------------------------------------------------------------------

_DESK = (
    ("inbox", "My open queries", "desk_open", "assigned to you"),
    ("alarm-clock", "Past their SLA", "desk_breaching", "waiting for your reply"),
    ("calendar-clock", "Replies due today", "desk_due_today", "in the agency's timezone"),
)


def desk() -> rx.Component:
    return rx.vstack(
        _numbers(_DESK, rx.breakpoints(initial="1", sm="3")),
        _two_columns(
            titled_card(
                "My queries by urgency",
                "The reply due soonest first; late ones at the top.",
                query_lines(S.desk_rows, "No open queries: you're all caught up.", test_id="desk"),
                action=_to_queries("All my queries →"),
            ),
            titled_card(
                "Due today",
                "Replies that fall due today.",
                query_lines(S.today_rows, "Nothing falls due today.", test_id="desk-today"),
            ),
        ),
        spacing="4",
        width="100%",
        data_testid="home-desk",
    )


# ---- the team ----------------------------------------------------------------------------------

_TEAM = (
    ("inbox", "Open queries", "open_total", "in the pipeline"),
    ("alarm-clock", "SLA breaches", "breach_count", "replies overdue now"),
    ("trophy", "Won, last 30 days", "won_30", S.win_rate),
    ("circle-x", "Lost, last 30 days", "lost_30", "closed without a booking"),
)


def team() -> rx.Component:
    return rx.vstack(
        _numbers(_TEAM, rx.breakpoints(initial="2", md="4")),
        _two_columns(
            titled_card(
                "Pipeline",
                "Open queries by status.",
                bar_chart(S.pipeline_chart, "status", [("queries", "teal")], sideways=True),
                test_id="chart-pipeline",
            ),
            titled_card(
                "Workload",
                "Open queries per agent; red: past their SLA.",
                bar_chart(
                    S.load_chart, "name", [("on time", "teal"), ("past SLA", "red")], sideways=True
                ),
                test_id="chart-workload",
            ),
            titled_card(
                "Won and lost",
                "Queries closed each day, last 30 days.",
                bar_chart(S.outcome_chart, "day", [("won", "green"), ("lost", "red")]),
                test_id="chart-outcomes",
            ),
            titled_card(
                "SLA breaches",
                rx.Var.create(S.breach_count).to_string() + " overdue; the longest overdue first.",
                query_lines(S.breach_rows, "No reply is overdue.", who=True, test_id="breaches"),
                action=rx.link("Workload →", href=routes.QUERY_WORKLOAD, size="2"),
            ),
        ),
        spacing="4",
        width="100%",
        data_testid="home-team",
    )
