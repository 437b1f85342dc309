"""New query: a fast form for the call or email in front of you. Find the customer (or type a
new one), where and when, who travels (an age per child), budget and preferences; save a draft
or submit it (submitted queries are assigned at once when an agent is free)."""

from __future__ import annotations

from functools import partial
from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.core.locale import currency_options
from travelcrm.ui import routes
from travelcrm.ui.components.cards import back_link, icon_tile, muted, section
from travelcrm.ui.components.fields import field, field_row, search_box
from travelcrm.ui.components.forms import form
from travelcrm.ui.components.tables import gated_by
from travelcrm.ui.pages.queries.new_state import CustomerOption, NewQueryState
from travelcrm.ui.pages.queries.text import ANY, HOTEL_CATEGORIES, PRIORITY_LABELS
from travelcrm.ui.template import staff_page

S = NewQueryState


def _error(name: str) -> Any:
    return S.errors.get(name, "")


def _input(label: str, name: str, hint: str = "", **props: Any) -> rx.Component:
    return field(
        label,
        rx.input(
            id=f"q-{name}",
            name=name,
            size="2",
            width="100%",
            color_scheme=rx.cond(S.errors.contains(name), "red", "gray"),  # type: ignore[attr-defined]
            **props,
        ),
        error=_error(name),
        hint=hint,
        html_for=f"q-{name}",
        test_id=f"q-{name}",
    )


_grid = partial(field_row, spacing="4")


# ---- the customer ------------------------------------------------------------------------------


def _match(option: ObjectVar[CustomerOption]) -> rx.Component:
    return rx.button(
        rx.vstack(
            rx.text(option.name, size="2", weight="medium"),
            muted(option.detail, size="1", shade=10),
            spacing="0",
            align="start",
        ),
        type="button",
        variant="ghost",
        color_scheme="gray",
        width="100%",
        justify="start",
        height="auto",
        padding="6px 10px",
        on_click=S.pick_customer(option.customer_id),  # type: ignore[operator]
        data_testid="customer-match",
    )


def _chosen() -> rx.Component:
    return rx.hstack(
        icon_tile("user-round", size=36, round_=True),
        rx.vstack(
            rx.text(S.customer_name, weight="bold", data_testid="chosen-customer"),
            muted(S.customer_detail, size="1", shade=10),
            spacing="0",
            align="start",
        ),
        rx.spacer(),
        rx.button(
            "Change",
            type="button",
            variant="soft",
            color_scheme="gray",
            size="1",
            on_click=S.clear_customer,
            data_testid="change-customer",
        ),
        align="center",
        width="100%",
        padding="10px 12px",
        border=f"1px solid {rx.color('accent', 6)}",
        border_radius="8px",
        background=rx.color("accent", 2),
    )


def _find() -> rx.Component:
    return rx.vstack(
        search_box(
            "Name, email or phone",
            S.customer_q,
            S.search_customers,
            "customer-search",
            debounce=300,
        ),
        rx.cond(
            S.matches.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.foreach(S.matches, _match),
                spacing="1",
                width="100%",
                padding="4px",
                border=f"1px solid {rx.color('gray', 5)}",
                border_radius="8px",
            ),
            rx.cond(
                S.customer_q.length() > 1,  # type: ignore[attr-defined]
                muted("No customer matches. Add them as a new customer.", size="1", shade=10),
            ),
        ),
        rx.cond(
            _error("customer") != "",
            rx.text(_error("customer"), size="1", color=rx.color("red", 11)),
        ),
        spacing="2",
        width="100%",
    )


def _new_customer() -> rx.Component:
    return rx.vstack(
        _grid(
            _input("Name", "contact_name", placeholder="Rahul Mehta"),
            _input("Email", "contact_email", type="email", placeholder="rahul@example.com"),
            _input("Phone", "contact_phone", "With the country code, e.g. +91 98123 45678"),
            columns="3",
        ),
        muted(
            "A customer with this email or phone already gets the query; otherwise a new "
            "customer is added.",
            size="1",
            shade=10,
        ),
        spacing="2",
        width="100%",
    )


def _customer() -> rx.Component:
    return section(
        "Customer",
        rx.segmented_control.root(
            rx.segmented_control.item("Existing customer", value="existing"),
            rx.segmented_control.item("New customer", value="new", data_testid="customer-new"),
            value=rx.cond(S.new_customer, "new", "existing"),
            on_change=lambda v: S.set_new_customer(v == "new"),  # type: ignore[operator]
            size="1",
        ),
        rx.cond(
            S.new_customer,
            _new_customer(),
            rx.cond(S.customer_id != "", _chosen(), _find()),
        ),
    )


# ---- the trip ----------------------------------------------------------------------------------


def _when() -> rx.Component:
    return rx.vstack(
        rx.segmented_control.root(
            rx.segmented_control.item("Dates", value="dates"),
            rx.segmented_control.item("Month and nights", value="month", data_testid="by-month"),
            value=rx.cond(S.by_month, "month", "dates"),
            on_change=S.set_dates_mode,
            size="1",
        ),
        rx.cond(
            S.by_month,
            _grid(
                _input("Month", "travel_month", type="month"),
                _input("Nights", "nights", type="number", min=1, max=90),
            ),
            _grid(
                _input("From", "start_date", type="date"),
                _input("To", "end_date", type="date"),
            ),
        ),
        spacing="3",
        width="100%",
    )


def _child_age(index: rx.Var[int]) -> rx.Component:
    return rx.input(
        name=f"child_age_{index}",
        type="number",
        min=0,
        max=17,
        placeholder="Age",
        aria_label=f"Age of child {index + 1}",  # type: ignore[operator]
        width="72px",
        size="2",
        data_testid="child-age",
    )


def _travellers() -> rx.Component:
    return rx.vstack(
        _grid(
            _input("Adults", "adults", type="number", min=0, max=99, default_value="2"),
            field(
                "Children",
                rx.input(
                    id="q-children",
                    name="children",
                    type="number",
                    min=0,
                    max=10,
                    default_value="0",
                    on_change=S.set_children.debounce(200),  # type: ignore[attr-defined]
                    width="100%",
                    size="2",
                ),
                error=_error("children"),
                html_for="q-children",
                test_id="q-children",
            ),
        ),
        rx.cond(
            S.children > 0,
            field(
                "Ages of the children",
                rx.flex(rx.foreach(S.child_slots, _child_age), gap="8px", wrap="wrap"),
                error=_error("child_ages"),
                hint="0-17 on the day they travel",
                test_id="q-child_ages",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _select(name: str, options: list[tuple[str, str]], default: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", data_testid=f"q-{name}-select"),
        rx.select.content(*[rx.select.item(label, value=value) for value, label in options]),
        name=name,
        default_value=default,
        size="2",
    )


def _trip() -> rx.Component:
    return section(
        "Trip",
        _input(
            "Destinations",
            "destinations",
            "Comma-separated, e.g. Goa, Kerala",
            placeholder="Goa",
            required=True,
        ),
        _when(),
        _travellers(),
    )


def _preferences() -> rx.Component:
    return section(
        "Budget and preferences",
        _grid(
            _input("Budget", "budget", inputmode="decimal", placeholder="150000"),
            _input(
                "Currency",
                "budget_currency",
                "Type to find it, e.g. rupee",
                default_value=S.currency,
                auto_complete="off",
                custom_attrs={"list": "query-currencies"},
            ),
            field(
                "Hotel category",
                _select(
                    "hotel_category",
                    [(ANY, "No preference"), *[(c, c) for c in HOTEL_CATEGORIES]],
                    ANY,
                ),
                error=_error("hotel_category"),
            ),
            field(
                "Priority",
                _select("priority", list(PRIORITY_LABELS.items()), "normal"),
                error=_error("priority"),
                hint="Urgent and high get a shorter reply time",
            ),
            columns="4",
        ),
        _input(
            "Interests",
            "interests",
            "Comma-separated, e.g. beaches, honeymoon",
            placeholder="beaches, family",
        ),
        field(
            "Notes",
            rx.text_area(
                id="q-notes",
                name="notes",
                rows="3",
                width="100%",
                resize="vertical",
                placeholder="What they said on the call",
            ),
            error=_error("notes"),
            html_for="q-notes",
            test_id="q-notes",
        ),
        rx.el.datalist(
            *[rx.el.option(value=label) for _code, label in currency_options()],
            id="query-currencies",
        ),
    )


def _form() -> rx.Component:
    return form(
        rx.vstack(
            _customer(),
            _trip(),
            _preferences(),
            rx.hstack(
                rx.link(
                    rx.button("Cancel", type="button", variant="ghost", color_scheme="gray"),
                    href=routes.QUERIES,
                ),
                rx.spacer(),
                rx.button(
                    rx.icon("file-pen-line", size=15),
                    "Save as draft",
                    type="submit",
                    variant="soft",
                    on_click=S.set_submit(False),  # type: ignore[operator]
                    data_testid="save-draft",
                ),
                rx.button(
                    rx.icon("send", size=15),
                    "Submit",
                    type="submit",
                    on_click=S.set_submit(True),  # type: ignore[operator]
                    data_testid="submit-query",
                ),
                spacing="3",
                width="100%",
                align="center",
            ),
            spacing="4",
            width="100%",
        ),
        key=S.form_key,
        on_submit=S.save,
        reset_on_submit=False,
        width="100%",
        data_testid="query-form",
    )


def _page() -> rx.Component:
    return rx.vstack(
        back_link("Queries", routes.QUERIES),
        rx.heading("New query", size="7", weight="bold", data_testid="page-title"),
        rx.text(
            "Drafts stay with you; submitted queries start their SLA clock and go to an agent.",
            color=rx.color("gray", 11),
        ),
        _form(),
        spacing="3",
        width="100%",
        max_width="920px",
    )


@staff_page(
    route=routes.QUERY_NEW, title="New query", on_load=NewQueryState.load, nav_route=routes.QUERIES
)
def new_query_page() -> rx.Component:
    return gated_by(S, _page())
