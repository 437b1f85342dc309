"""The supplier page's Overview tab: the supplier's own fields in one form, saved against the
version this page read (a change made meanwhile elsewhere shows as a conflict, with the typing
kept), or discarded."""

from __future__ import annotations

from functools import partial
from typing import Any

import reflex as rx

from travelcrm.core.locale import country_options, currency_options
from travelcrm.ui.components.actions import action_button
from travelcrm.ui.components.cards import section
from travelcrm.ui.components.fields import datalist, field_row, named_field
from travelcrm.ui.components.forms import discard_and_save, form
from travelcrm.ui.pages.suppliers.state import SupplierState
from travelcrm.ui.pages.suppliers.text import KIND_LABELS

S = SupplierState


def _input(name: str, **props: Any) -> rx.Component:
    return rx.input(
        id=name,
        name=name,
        default_value=S.form[name],
        read_only=~S.editable,
        size="2",
        width="100%",
        color_scheme=rx.cond(S.errors.contains(name), "red", "gray"),  # type: ignore[attr-defined]
        **props,
    )


def _area(name: str, rows: str) -> rx.Component:
    return rx.text_area(
        id=name,
        name=name,
        default_value=S.form[name],
        read_only=~S.editable,
        rows=rows,
        width="100%",
        resize="vertical",
    )


_f = partial(named_field, errors=S.errors)
_grid = partial(field_row, spacing="4")


def _kind_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", data_testid="kind-select"),
        rx.select.content(*[rx.select.item(v, value=k) for k, v in KIND_LABELS.items()]),
        name="kind",
        default_value=S.form["kind"],
        disabled=~S.editable,
        size="2",
    )


def _overview_actions() -> rx.Component:
    return rx.cond(
        S.editable,
        discard_and_save(S.discard, "Save", "save-supplier"),
    )


def _conflict() -> rx.Component:
    return rx.cond(
        S.conflict != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("git-compare-arrows")),
            rx.callout.text(
                rx.text("Not saved: ", weight="bold", as_="span"),
                S.conflict,
            ),
            action_button(
                "refresh-cw",
                "Load the latest version",
                on_click=S.reload,
                test_id="reload-supplier",
                type="button",
                size="1",
                color_scheme="red",
                width="fit-content",
            ),
            color_scheme="red",
            width="100%",
            data_testid="version-conflict",
        ),
    )


def overview() -> rx.Component:
    return form(
        rx.vstack(
            _conflict(),
            rx.el.input(type="hidden", name="row_version", value=S.version),
            section(
                "Basics",
                _grid(
                    _f("Name", "name", _input("name", required=True)),
                    _f("Type", "kind", _kind_select()),
                ),
                _f(
                    "Tags",
                    "tags",
                    _input("tags", placeholder="beach, family"),
                    "Comma-separated lower-case words; the list filters by them",
                ),
                action=_overview_actions(),
            ),
            rx.grid(
                section(
                    "Destination",
                    _grid(
                        _f("City", "city", _input("city")),
                        _f("Region / state", "region", _input("region")),
                    ),
                    _f(
                        "Country",
                        "country",
                        _input("country", auto_complete="off", custom_attrs={"list": "countries"}),
                        "Type to find it, e.g. India",
                    ),
                    _f(
                        "Address",
                        "address",
                        _area("address", rows="2"),
                    ),
                ),
                section(
                    "Business",
                    _f("Legal name", "legal_name", _input("legal_name")),
                    _grid(
                        _f(
                            "GSTIN",
                            "gstin",
                            _input("gstin", max_length=15, font_family="monospace"),
                            "15 characters, e.g. 27AAPFU0939F1ZV",
                        ),
                        _f(
                            "PAN",
                            "pan",
                            _input("pan", max_length=10, font_family="monospace"),
                            "e.g. AAPFU0939F",
                        ),
                    ),
                    _f("Other tax id", "tax_id", _input("tax_id"), "TRN, VAT, EIN..."),
                ),
                section(
                    "Reach them",
                    _f("Email", "email", _input("email", type="email")),
                    _grid(
                        _f("Phone", "phone", _input("phone")),
                        _f("Website", "website", _input("website", placeholder="https://")),
                    ),
                ),
                section(
                    "Terms",
                    _grid(
                        _f(
                            "Currency",
                            "default_currency",
                            _input(
                                "default_currency",
                                auto_complete="off",
                                custom_attrs={"list": "currencies"},
                            ),
                            "Type to find it, e.g. rupee",
                        ),
                        _f(
                            "Commission %",
                            "default_commission_pct",
                            _input("default_commission_pct", inputmode="decimal"),
                            "0-100",
                        ),
                        _f(
                            "Due in days",
                            "payment_due_days",
                            _input("payment_due_days", inputmode="numeric"),
                        ),
                        columns="3",
                    ),
                    _f(
                        "Payment terms",
                        "payment_terms",
                        _input("payment_terms", placeholder="50% on confirmation, balance..."),
                    ),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
                align_items="start",
            ),
            section(
                "Notes",
                _area("notes", rows="3"),
            ),
            datalist("countries", tuple(name for _code, name in country_options())),
            datalist("currencies", tuple(label for _code, label in currency_options())),
            spacing="4",
            width="100%",
        ),
        key=S.form_key,
        on_submit=S.save,
        reset_on_submit=False,
        width="100%",
        data_testid="supplier-form",
    )
