"""Workload (managers): who is online, how many open queries each agent has against their cap
(a bar chart to compare them), how many breach their SLA, and the oldest one waiting."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button
from travelcrm.ui.components.cards import muted, page_body, page_header, section, stat_card
from travelcrm.ui.components.tables import data_table, gated_by
from travelcrm.ui.pages.queries.parts import no_agents
from travelcrm.ui.pages.queries.workload_state import AgentLine, WorkloadState
from travelcrm.ui.template import staff_page

S = WorkloadState


def _presence(agent: ObjectVar[AgentLine]) -> rx.Component:
    return rx.cond(
        agent.on_leave,
        rx.badge("On leave", color_scheme="amber", variant="soft", size="1"),
        rx.hstack(
            rx.box(
                width="8px",
                height="8px",
                border_radius="50%",
                background=rx.cond(agent.online, rx.color("green", 9), rx.color("gray", 7)),
                box_shadow=rx.cond(agent.online, f"0 0 0 3px {rx.color('green', 4)}", "none"),
            ),
            muted(rx.cond(agent.online, "Online", "Offline"), size="1"),
            spacing="2",
            align="center",
            data_testid="presence",
        ),
    )


def _load_bar(agent: ObjectVar[AgentLine]) -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.box(
                width=agent.load_pct.to_string() + "%",
                height="100%",
                border_radius="4px",
                background=rx.match(
                    agent.tone,
                    ("red", rx.color("red", 9)),
                    ("amber", rx.color("amber", 9)),
                    rx.color("teal", 9),
                ),
            ),
            width="120px",
            height="8px",
            border_radius="4px",
            background=rx.color("gray", 4),
            overflow="hidden",
        ),
        rx.text(
            agent.open_queries.to_string() + " / " + agent.cap.to_string(),
            size="2",
            white_space="nowrap",
        ),
        spacing="2",
        align="center",
    )


def _row(agent: ObjectVar[AgentLine]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(agent.name, weight="medium", white_space="nowrap")),
        rx.table.cell(_presence(agent)),
        rx.table.cell(_load_bar(agent)),
        rx.table.cell(
            rx.cond(
                agent.breaching > 0,  # type: ignore[operator]
                rx.badge(
                    rx.icon("alarm-clock", size=12),
                    agent.breaching,
                    color_scheme="red",
                    variant="solid",
                    size="1",
                ),
                muted("0", shade=10),
            ),
            text_align="center",
        ),
        rx.table.cell(
            rx.cond(
                agent.oldest != "",
                rx.tooltip(
                    rx.text(agent.oldest, size="2", white_space="nowrap"),
                    content="Since " + agent.oldest_at,  # type: ignore[operator]
                ),
                rx.text("—", size="2", color=rx.color("gray", 9)),
            )
        ),
        align="center",
        data_testid="agent-row",
    )


def _chart() -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", horizontal=False),
        rx.recharts.x_axis(type_="number", allow_decimals=False),
        rx.recharts.y_axis(data_key="name", type_="category", width=160, interval=0, font_size=12),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
        rx.recharts.bar(
            data_key="open",
            name="Open queries",
            fill=rx.color("teal", 9),
            radius=4,
            bar_size=16,
            is_animation_active=False,
        ),
        rx.recharts.bar(
            data_key="breaching",
            name="Breaching SLA",
            fill=rx.color("red", 9),
            radius=4,
            bar_size=16,
            is_animation_active=False,
        ),
        layout="vertical",
        data=S.chart,
        height=S.chart_height,
        width="100%",
        data_testid="workload-chart",
    )


def _workload() -> rx.Component:
    return page_body(
        page_header(
            "Workload",
            "Open queries per agent against their cap; assignment skips agents who are "
            "offline, on leave or at their cap.",
            action_button("refresh-cw", "Refresh", on_click=S.refresh, test_id="refresh-workload"),
            rx.link(
                action_button("settings-2", "Settings"),
                href=routes.QUERY_SETTINGS,
                data_testid="query-settings",
            ),
        ),
        rx.grid(
            stat_card(
                icon="users-round",
                label="Agents online",
                value=S.online.to_string() + " of " + S.agents.length().to_string(),  # type: ignore[attr-defined]
                test_id="stat-online",
            ),
            stat_card(
                icon="inbox",
                label="Open queries",
                value=S.open_total.to_string(),  # type: ignore[attr-defined]
            ),
            stat_card(
                icon="alarm-clock",
                label="Breaching SLA",
                value=S.breaching_total.to_string(),  # type: ignore[attr-defined]
                test_id="stat-breaching",
            ),
            stat_card(
                icon="hourglass",
                label="Waiting for an agent",
                value=S.waiting,
                hint="Pending and unassigned",
                test_id="stat-waiting",
            ),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="4",
            width="100%",
        ),
        rx.cond(
            S.agents.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                section("Open queries per agent", _chart()),
                section(
                    "Agents",
                    data_table(
                        [
                            ("Agent", "left"),
                            ("Status", "left"),
                            ("Open / cap", "left"),
                            ("Breaching", "center"),
                            ("Oldest waiting", "left"),
                        ],
                        rx.table.body(rx.foreach(S.agents, _row)),
                        test_id="agents",
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            no_agents("workload-empty"),
        ),
        # read again each minute while the page is open
        rx.moment(interval=60_000, on_change=S.refresh, display="none"),
    )


@staff_page(route=routes.QUERY_WORKLOAD, title="Workload", on_load=WorkloadState.load)
def workload_page() -> rx.Component:
    return gated_by(S, _workload())
