"""About / System: version, database, migrations, queue, worker heartbeat and live checks."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.cards import (
    muted,
    page_body,
    page_header,
    section,
    stat_card,
    status_badge,
)
from travelcrm.ui.pages.system.state import SystemState
from travelcrm.ui.template import staff_page

REFRESH_MS = 10_000


def _check_row(check: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(check["name"], weight="medium")),
        rx.table.cell(status_badge(check["ok"] == "yes")),
        rx.table.cell(muted(check["detail"])),
        rx.table.cell(rx.text(check["latency"], size="2"), text_align="right"),
        data_testid="check-row",
    )


def _worker_row(worker: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(worker["worker"])),
        rx.table.cell(worker["queue"]),
        rx.table.cell(worker["pid"]),
        rx.table.cell(worker["started"]),
        rx.table.cell(
            rx.hstack(
                rx.text(worker["beat"]),
                rx.cond(worker["stale"] == "yes", rx.badge("stale", color_scheme="red")),
                spacing="2",
            )
        ),
    )


def _checks_table() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Check"),
                rx.table.column_header_cell("Status"),
                rx.table.column_header_cell("Detail"),
                rx.table.column_header_cell("Latency", text_align="right"),
            )
        ),
        rx.table.body(rx.foreach(SystemState.checks, _check_row)),
        variant="surface",
        width="100%",
    )


def _latency_chart() -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
        rx.recharts.x_axis(data_key="name"),
        rx.recharts.y_axis(unit=" ms", width=70),
        rx.recharts.graphing_tooltip(),
        rx.recharts.bar(
            data_key="ms",
            name="latency (ms)",
            fill=rx.color("accent", 9),
            radius=4,
            is_animation_active=False,
        ),
        data=SystemState.latency_chart,
        height=220,
        width="100%",
    )


def _workers_table() -> rx.Component:
    return rx.cond(
        SystemState.workers.length() > 0,  # type: ignore[attr-defined]
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Worker"),
                    rx.table.column_header_cell("Queue"),
                    rx.table.column_header_cell("PID"),
                    rx.table.column_header_cell("Started"),
                    rx.table.column_header_cell("Last heartbeat"),
                )
            ),
            rx.table.body(rx.foreach(SystemState.workers, _worker_row)),
            variant="surface",
            width="100%",
        ),
        rx.callout(
            "No job worker has reported yet. `make run` starts one beside the app.",
            icon="info",
            color_scheme="amber",
        ),
    )


@staff_page(route=routes.SYSTEM, title="System", on_load=SystemState.refresh)
def system_page() -> rx.Component:
    return rx.cond(
        SystemState.allowed,
        _system_details(),
        rx.callout(
            "The System page is for owners and admins of the agency.",
            icon="lock",
            color_scheme="amber",
            data_testid="system-not-allowed",
        ),
    )


def _system_details() -> rx.Component:
    return page_body(
        page_header(
            "About / System",
            "What is running, and whether it is ready to serve.",
            rx.cond(
                SystemState.loaded,
                status_badge(SystemState.ready, "Ready", "Not ready"),
                rx.spinner(),
            ),
            rx.button(
                rx.icon("refresh-cw", size=16),
                "Refresh",
                on_click=SystemState.refresh,
                variant="soft",
                data_testid="refresh",
            ),
        ),
        rx.grid(
            stat_card(
                icon="tag",
                label="Version",
                value=SystemState.version,
                hint="commit " + SystemState.git_commit,
                test_id="card-version",
            ),
            stat_card(
                icon="database",
                label="Database",
                value=SystemState.database_kind,
                hint="migration "
                + SystemState.migration_revision
                + rx.cond(SystemState.migrations_at_head, " (at head)", " (behind head)"),
                test_id="card-database",
            ),
            stat_card(
                icon="list-checks",
                label="Job queue",
                value=SystemState.queue_kind,
                hint=f"{SystemState.dead_letters} dead letters",
                test_id="card-queue",
            ),
            stat_card(
                icon="heart-pulse",
                label="Worker heartbeat",
                value=SystemState.worker_summary,
                hint=rx.cond(SystemState.worker_ok, "fresh", "stale or missing"),
                test_id="card-worker",
            ),
            columns=rx.breakpoints(initial="1", sm="2", lg="4"),
            spacing="4",
            width="100%",
        ),
        section(
            "Readiness checks",
            muted(
                "The same checks as ",
                rx.link(rx.code(routes.API_READY), href=routes.API_READY, is_external=True),
                ", last run at ",
                SystemState.checked_at,
                ". Refreshes every 10 seconds.",
            ),
            _checks_table(),
            _latency_chart(),
        ),
        rx.grid(
            section("Job workers", _workers_table()),
            section(
                "Build",
                rx.data_list.root(
                    rx.data_list.item(
                        rx.data_list.label("Environment"), rx.data_list.value(SystemState.app_env)
                    ),
                    rx.data_list.item(
                        rx.data_list.label("Git commit"),
                        rx.data_list.value(rx.code(SystemState.git_commit)),
                    ),
                    rx.data_list.item(
                        rx.data_list.label("Built"), rx.data_list.value(SystemState.build_time)
                    ),
                    rx.data_list.item(
                        rx.data_list.label("Database URL"),
                        rx.data_list.value(
                            rx.code(SystemState.database_url, word_break="break-all")
                        ),
                    ),
                    rx.data_list.item(
                        rx.data_list.label("Schema"),
                        rx.data_list.value(
                            SystemState.migration_revision + " / head " + SystemState.migration_head
                        ),
                    ),
                ),
            ),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        rx.moment(
            interval=REFRESH_MS,
            on_change=SystemState.refresh.temporal,  # type: ignore[attr-defined]
            display="none",
        ),
    )
