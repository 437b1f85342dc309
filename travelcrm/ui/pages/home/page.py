"""Home: where the day starts, per role. An agent's desk, a manager's pipeline and team, an
owner's setup checklist, then the agency and (owners and admins) the system's health."""

from __future__ import annotations

import reflex as rx

from travelcrm.ui import routes
from travelcrm.ui.components.cards import (
    muted,
    page_body,
    page_header,
    section,
    stat_card,
    status_badge,
)
from travelcrm.ui.pages.home.setup import checklist
from travelcrm.ui.pages.home.state import HomeState
from travelcrm.ui.pages.home.work import desk, team
from travelcrm.ui.template import staff_page


def _agency_facts() -> rx.Component:
    agency = HomeState.agency
    return rx.data_list.root(
        rx.data_list.item(rx.data_list.label("Agency"), rx.data_list.value(agency["name"])),
        rx.data_list.item(rx.data_list.label("Address"), rx.data_list.value(agency["slug"])),
        rx.data_list.item(rx.data_list.label("Country"), rx.data_list.value(agency["country"])),
        rx.data_list.item(
            rx.data_list.label("Currency"),
            rx.data_list.value(agency["currency"]),
        ),
        rx.data_list.item(rx.data_list.label("Timezone"), rx.data_list.value(agency["timezone"])),
        rx.data_list.item(
            rx.data_list.label("Local time"), rx.data_list.value(agency["local_time"])
        ),
        rx.data_list.item(rx.data_list.label("Language"), rx.data_list.value(agency["locale"])),
        rx.data_list.item(rx.data_list.label("Your role"), rx.data_list.value(agency["role"])),
        data_testid="agency-facts",
    )


def _skeleton_card(test_id: str | None = None) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.skeleton(height="14px", width="40%", loading=True),
            rx.skeleton(height="26px", width="80%", loading=True),
            rx.skeleton(height="14px", width="50%", loading=True),
            spacing="2",
        ),
        size="2",
        width="100%",
        data_testid=test_id,
    )


def _link_card(
    kicker: str,
    title: rx.Component,
    link: rx.Component,
    badge: rx.Component | None = None,
    test_id: str | None = None,
) -> rx.Component:
    """A small card: what it is about, one line in bold, a link on (and a badge at the right)."""
    return rx.card(
        rx.hstack(
            rx.vstack(
                muted(kicker, weight="medium"),
                title,
                link,
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            badge if badge is not None else rx.fragment(),
            width="100%",
            align="start",
        ),
        size="2",
        width="100%",
        data_testid=test_id,
    )


def _status_card() -> rx.Component:
    """The installation's health for owners and admins, once it has been read; the profile
    for everyone else."""
    return rx.cond(
        HomeState.loaded,
        rx.cond(
            HomeState.shows_status,
            _link_card(
                "System status",
                rx.cond(
                    HomeState.ready,
                    rx.text("All checks pass", size="5", weight="bold"),
                    rx.text("Failing: " + HomeState.failing, size="5", weight="bold"),
                ),
                rx.link("Open System page →", href=routes.SYSTEM, size="2"),
                status_badge(HomeState.ready, "Ready", "Not ready"),
                test_id="home-status",
            ),
            _link_card(
                "Your account",
                rx.text("Profile and sign-ins", size="5", weight="bold"),
                rx.link("Open your profile →", href=routes.PROFILE, size="2"),
            ),
        ),
        _skeleton_card("home-status-loading"),
    )


def _api_card() -> rx.Component:
    return _link_card(
        "For integrators",
        rx.text("REST API with OpenAPI docs", size="5", weight="bold"),
        rx.link("Browse the API docs →", href=routes.API_DOCS, is_external=True, size="2"),
    )


def _work_placeholder() -> rx.Component:
    """What a reload shows until the page knows whose Home it is."""
    return rx.vstack(
        rx.grid(
            _skeleton_card(),
            _skeleton_card(),
            _skeleton_card(),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="4",
            width="100%",
        ),
        rx.skeleton(height="220px", width="100%", loading=True),
        spacing="4",
        width="100%",
        data_testid="home-work-loading",
    )


def _work() -> rx.Component:
    return rx.cond(
        HomeState.loaded,
        rx.fragment(
            rx.cond(HomeState.shows_setup, checklist(), rx.fragment()),
            rx.cond(HomeState.shows_desk, desk(), rx.fragment()),
            rx.cond(HomeState.shows_team, team(), rx.fragment()),
        ),
        _work_placeholder(),
    )


@staff_page(route=routes.HOME, title="Home", on_load=HomeState.load)
def home_page() -> rx.Component:
    return page_body(
        page_header(
            HomeState.greeting,
            rx.cond(
                HomeState.loaded,
                HomeState.agency["name"] + " · " + HomeState.agency["local_time"],
                "",
            ),
        ),
        _work(),
        rx.grid(
            _status_card(),
            stat_card(
                icon="clock",
                label="Local time at the agency",
                value=HomeState.agency["local_time"],
                hint=HomeState.agency["timezone"],
                test_id="card-local-time",
            ),
            _api_card(),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="4",
            width="100%",
        ),
        section(
            "Your agency",
            muted("Times are stored in UTC and shown in the agency's timezone."),
            rx.cond(
                HomeState.loaded,
                _agency_facts(),
                rx.center(rx.spinner(size="3"), padding="24px", width="100%"),
            ),
        ),
    )
