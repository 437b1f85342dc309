"""Home: where the day starts. Shows the agencies on this installation and system health."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.cards import page_header, section, stat_card, status_badge
from travelcrm.ui.pages.home.state import HomeState
from travelcrm.ui.template import staff_page


def _agency_row(agency: ObjectVar[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(agency["name"], weight="bold"),
                rx.text(agency["slug"], size="1", color=rx.color("gray", 10)),
                spacing="0",
            )
        ),
        rx.table.cell(agency["country"]),
        rx.table.cell(rx.badge(agency["currency"], variant="outline")),
        rx.table.cell(agency["timezone"]),
        rx.table.cell(agency["local_time"]),
        rx.table.cell(agency["locale"]),
        data_testid="agency-row",
    )


def _agencies() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Agency"),
                rx.table.column_header_cell("Country"),
                rx.table.column_header_cell("Currency"),
                rx.table.column_header_cell("Timezone"),
                rx.table.column_header_cell("Local time"),
                rx.table.column_header_cell("Locale"),
            )
        ),
        rx.table.body(rx.foreach(HomeState.agencies, _agency_row)),
        variant="surface",
        width="100%",
    )


def _status_card() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.text("System status", size="2", color=rx.color("gray", 11), weight="medium"),
                rx.cond(
                    HomeState.ready,
                    rx.text("All checks pass", size="5", weight="bold"),
                    rx.text("Failing: " + HomeState.failing, size="5", weight="bold"),
                ),
                rx.link("Open System page →", href=routes.SYSTEM, size="2"),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            status_badge(HomeState.ready, "Ready", "Not ready"),
            width="100%",
            align="start",
        ),
        size="2",
        width="100%",
        data_testid="home-status",
    )


def _api_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("For integrators", size="2", color=rx.color("gray", 11), weight="medium"),
            rx.text("REST API with OpenAPI docs", size="5", weight="bold"),
            rx.link("Browse the API docs →", href=routes.API_DOCS, is_external=True, size="2"),
            spacing="1",
            align="start",
        ),
        size="2",
        width="100%",
    )


@staff_page(route=routes.HOME, title="Home", on_load=HomeState.load)
def home_page() -> rx.Component:
    return rx.vstack(
        page_header(
            "Welcome to TravelCRM", "The back office for travel agencies and tour operators."
        ),
        rx.grid(
            _status_card(),
            stat_card(
                icon="building-2",
                label="Agencies",
                value=f"{HomeState.agencies.length()}",  # type: ignore[attr-defined]
                hint="on this installation",
                test_id="card-agencies",
            ),
            _api_card(),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="4",
            width="100%",
        ),
        section(
            "Agencies",
            rx.text(
                "Each agency keeps its own currency, timezone and locale; times are stored in UTC "
                "and shown in the agency's timezone.",
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.cond(
                HomeState.loaded,
                _agencies(),
                rx.center(rx.spinner(size="3"), padding="24px", width="100%"),
            ),
        ),
        spacing="5",
        width="100%",
    )
