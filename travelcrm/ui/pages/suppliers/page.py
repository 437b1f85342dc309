"""A supplier: overview form (with the version it read, so concurrent edits conflict instead of
overwriting), contacts, services (rooms with meal plans, vehicles, tickets...), bank details
(masked; revealed on demand) and the rate lists that use it. Agents read; editors change."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.cards import section
from travelcrm.ui.components.fields import field
from travelcrm.ui.components.grid import option_select
from travelcrm.ui.components.tables import data_table, empty_state, gated
from travelcrm.ui.pages.suppliers.list_page import kind_badge, status_badge
from travelcrm.ui.pages.suppliers.state import (
    BankLine,
    ContactRow,
    RateListRow,
    ServiceRow,
    SupplierState,
)
from travelcrm.ui.pages.suppliers.text import (
    COMMON_COUNTRIES,
    COMMON_CURRENCIES,
    KIND_ICONS,
    KIND_LABELS,
    MEAL_PLAN_LABELS,
    SERVICE_LABELS,
)
from travelcrm.ui.template import staff_page

S = SupplierState


# ---- header ------------------------------------------------------------------------------------


def _header_actions() -> rx.Component:
    return rx.cond(
        S.can_edit,
        rx.hstack(
            rx.cond(
                S.status == "active",
                rx.button(
                    rx.icon("pause", size=14),
                    "Deactivate",
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.set_status("inactive"),  # type: ignore[operator]
                    data_testid="deactivate-supplier",
                ),
                rx.button(
                    rx.icon("play", size=14),
                    rx.cond(S.archived, "Restore", "Activate"),
                    variant="soft",
                    color_scheme="green",
                    on_click=S.set_status("active"),  # type: ignore[operator]
                    data_testid="activate-supplier",
                ),
            ),
            rx.cond(
                ~S.archived,
                rx.button(
                    rx.icon("trash-2", size=14),
                    "Delete",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.ask("supplier", "", ""),  # type: ignore[operator]
                    data_testid="delete-supplier",
                ),
            ),
            spacing="2",
        ),
    )


def _header() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), "Suppliers", spacing="1", align="center"),
            href=routes.SUPPLIERS,
            size="2",
            color=rx.color("gray", 11),
            underline="hover",
            data_testid="back-to-suppliers",
        ),
        rx.hstack(
            rx.center(
                rx.match(
                    S.kind,
                    *[(k, rx.icon(icon, size=24)) for k, icon in KIND_ICONS.items()],
                    rx.icon("package", size=24),
                ),
                width="52px",
                height="52px",
                border_radius="14px",
                background=rx.color("accent", 3),
                color=rx.color("accent", 11),
                flex_shrink="0",
            ),
            rx.vstack(
                rx.heading(S.name, size="7", weight="bold", data_testid="page-title"),
                rx.hstack(
                    kind_badge(S.kind, S.kind_label),
                    status_badge(S.status),
                    rx.cond(
                        S.destination != "",
                        rx.hstack(
                            rx.icon("map-pin", size=14),
                            rx.text(S.destination, size="2"),
                            spacing="1",
                            align="center",
                            color=rx.color("gray", 11),
                        ),
                    ),
                    rx.text("Updated " + S.updated, size="1", color=rx.color("gray", 10)),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                spacing="1",
                align="start",
                min_width="0",
            ),
            rx.spacer(),
            _header_actions(),
            spacing="4",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        spacing="3",
        width="100%",
    )


# ---- overview ----------------------------------------------------------------------------------


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


def _f(label: str, name: str, control: rx.Component, hint: str = "") -> rx.Component:
    return field(
        label, control, error=S.errors.get(name, ""), hint=hint, html_for=name, test_id=name
    )


def _grid(*children: rx.Component, columns: str = "2") -> rx.Component:
    return rx.grid(
        *children,
        columns=rx.breakpoints(initial="1", sm=columns),
        spacing="4",
        width="100%",
    )


def _kind_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", data_testid="kind-select"),
        rx.select.content(*[rx.select.item(v, value=k) for k, v in KIND_LABELS.items()]),
        name="kind",
        default_value=S.form["kind"],
        disabled=~S.editable,
        size="2",
    )


def _datalist(list_id: str, values: tuple[str, ...]) -> rx.Component:
    return rx.el.datalist(*[rx.el.option(value=v) for v in values], id=list_id)


def _overview_actions() -> rx.Component:
    return rx.cond(
        S.editable,
        rx.hstack(
            rx.button(
                "Discard changes",
                type="button",
                variant="soft",
                color_scheme="gray",
                on_click=S.discard,
            ),
            rx.button(rx.icon("save", size=16), "Save", type="submit", data_testid="save-supplier"),
            spacing="3",
        ),
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
            rx.button(
                rx.icon("refresh-cw", size=14),
                "Load the latest version",
                type="button",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=S.reload,
                data_testid="reload-supplier",
                width="fit-content",
            ),
            color_scheme="red",
            width="100%",
            data_testid="version-conflict",
        ),
    )


def _overview() -> rx.Component:
    return rx.form(
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
                        _input("country", max_length=2, custom_attrs={"list": "countries"}),
                        "ISO 3166 code, e.g. IN, AE, ID",
                    ),
                    _f(
                        "Address",
                        "address",
                        rx.text_area(
                            id="address",
                            name="address",
                            default_value=S.form["address"],
                            read_only=~S.editable,
                            rows="2",
                            width="100%",
                            resize="vertical",
                        ),
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
                                max_length=3,
                                custom_attrs={"list": "currencies"},
                            ),
                            "ISO 4217, e.g. INR",
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
                rx.text_area(
                    id="notes",
                    name="notes",
                    default_value=S.form["notes"],
                    read_only=~S.editable,
                    rows="3",
                    width="100%",
                    resize="vertical",
                ),
            ),
            _datalist("countries", COMMON_COUNTRIES),
            _datalist("currencies", COMMON_CURRENCIES),
            spacing="4",
            width="100%",
        ),
        key=S.form_key,
        on_submit=S.save,
        reset_on_submit=False,
        width="100%",
        data_testid="supplier-form",
    )


# ---- contacts ----------------------------------------------------------------------------------


def _icon_button(icon: str, label: str, on_click: Any, test_id: str, **props: Any) -> rx.Component:
    return rx.tooltip(
        rx.icon_button(
            rx.icon(icon, size=14),
            on_click=on_click,
            variant="ghost",
            size="1",
            aria_label=label,
            data_testid=test_id,
            **props,
        ),
        content=label,
    )


def _contact_row(row: ObjectVar[ContactRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.text(row.name, weight="medium"),
                rx.cond(
                    row.is_primary,
                    rx.badge(rx.icon("star", size=11), "Primary", color_scheme="amber", size="1"),
                ),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(rx.text(row.role, size="2")),
        rx.table.cell(
            rx.cond(row.email != "", rx.link(row.email, href=f"mailto:{row.email}", size="2"))
        ),
        rx.table.cell(rx.text(row.phone, size="2", white_space="nowrap")),
        rx.table.cell(
            rx.cond(
                S.editable,
                rx.hstack(
                    rx.cond(
                        ~row.is_primary,
                        _icon_button(
                            "star",
                            "Make primary",
                            S.make_primary(row.contact_id),  # type: ignore[operator]
                            "make-primary",
                        ),
                    ),
                    _icon_button(
                        "pencil",
                        "Edit",
                        S.open_contact(row.contact_id),  # type: ignore[operator]
                        "edit-contact",
                    ),
                    _icon_button(
                        "trash-2",
                        "Remove",
                        S.ask("contact", row.contact_id, row.name),  # type: ignore[operator]
                        "delete-contact",
                        color_scheme="red",
                    ),
                    spacing="3",
                    justify="end",
                ),
            ),
            text_align="right",
        ),
        align="center",
        data_testid="contact-row",
    )


def _contact_dialog() -> rx.Component:
    errors = S.contact_errors

    def text(label: str, name: str, **props: Any) -> rx.Component:
        return field(
            label,
            rx.input(
                id=f"contact-{name}",
                name=name,
                default_value=S.contact_form[name],
                size="2",
                width="100%",
                **props,
            ),
            error=errors.get(name, ""),
            html_for=f"contact-{name}",
            test_id=f"contact-{name}",
        )

    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.contact_edit_id == "", "Add a contact", "Edit contact")),
            rx.form(
                rx.vstack(
                    text("Name", "name", required=True),
                    text("Role", "role", placeholder="reservations, accounts, sales..."),
                    rx.grid(
                        text("Email", "email", type="email"),
                        text("Phone", "phone"),
                        columns="2",
                        spacing="3",
                        width="100%",
                    ),
                    rx.text(
                        rx.hstack(
                            rx.checkbox(
                                checked=S.contact_primary,
                                on_change=S.set_contact_primary,
                                data_testid="contact-primary",
                            ),
                            "Primary contact (the one bookings go to)",
                            spacing="2",
                            align="center",
                        ),
                        as_="label",
                        size="2",
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Save contact", type="submit", data_testid="save-contact"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.save_contact,
                reset_on_submit=False,
            ),
            max_width="520px",
        ),
        open=S.contact_open,
        on_open_change=S.set_contact_open,
    )


def _contacts() -> rx.Component:
    return section(
        "Contacts",
        rx.cond(
            S.contacts.length() > 0,  # type: ignore[attr-defined]
            data_table(
                [
                    ("Name", "left"),
                    ("Role", "left"),
                    ("Email", "left"),
                    ("Phone", "left"),
                    ("", "right"),
                ],
                rx.table.body(rx.foreach(S.contacts, _contact_row)),
                test_id="contacts",
            ),
            empty_state(
                "contact",
                "No contacts yet",
                "Who takes reservations, who sends invoices: add them here.",
                test_id="contacts-empty",
            ),
        ),
        _contact_dialog(),
        action=rx.cond(
            S.editable,
            rx.button(
                rx.icon("user-plus", size=14),
                "Add contact",
                size="2",
                on_click=S.open_contact(""),  # type: ignore[operator]
                data_testid="add-contact",
            ),
        ),
    )


# ---- services ----------------------------------------------------------------------------------


def _service_row(row: ObjectVar[ServiceRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row.name, weight="medium"),
                rx.cond(row.code != "", rx.code(row.code, size="1", variant="ghost")),
                spacing="0",
                align="start",
            )
        ),
        rx.table.cell(rx.badge(row.kind_label, variant="soft", color_scheme="gray")),
        rx.table.cell(
            rx.cond(
                row.meal_plan != "",
                rx.tooltip(
                    rx.badge(row.meal_plan, color_scheme="blue", variant="soft"),
                    content=row.meal_label,
                ),
                rx.text("—", color=rx.color("gray", 9)),
            )
        ),
        rx.table.cell(
            rx.cond(
                row.max_occupancy != "",
                rx.hstack(
                    rx.icon("users", size=13),
                    rx.text(row.max_occupancy, size="2"),
                    spacing="1",
                    align="center",
                ),
            )
        ),
        rx.table.cell(
            rx.cond(
                row.rate_lines,
                rx.text(row.rate_lines.to_string() + " lines", size="2"),
                rx.text("Not priced", size="2", color=rx.color("gray", 10)),
            )
        ),
        rx.table.cell(
            rx.cond(
                row.is_active,
                rx.badge("Active", color_scheme="green", variant="soft", size="1"),
                rx.badge("Inactive", color_scheme="gray", variant="outline", size="1"),
            )
        ),
        rx.table.cell(
            rx.cond(
                S.editable,
                rx.hstack(
                    _icon_button(
                        "power",
                        "Deactivate or activate",
                        S.toggle_service(row.service_id),  # type: ignore[operator]
                        "toggle-service",
                    ),
                    _icon_button(
                        "pencil",
                        "Edit",
                        S.open_service(row.service_id),  # type: ignore[operator]
                        "edit-service",
                    ),
                    _icon_button(
                        "trash-2",
                        "Delete",
                        S.ask("service", row.service_id, row.name),  # type: ignore[operator]
                        "delete-service",
                        color_scheme="red",
                    ),
                    spacing="3",
                    justify="end",
                ),
            ),
            text_align="right",
        ),
        align="center",
        opacity=rx.cond(row.is_active, "1", "0.65"),
        data_testid="service-row",
    )


def _service_dialog() -> rx.Component:
    errors = S.service_errors
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.service_edit_id == "", "Add a service", "Edit service")),
            rx.dialog.description(
                "What this supplier sells and rate lists price: a room category on a meal "
                "plan, a vehicle type, a ticket or time slot...",
                size="2",
                margin_bottom="12px",
            ),
            rx.form(
                rx.vstack(
                    rx.grid(
                        field(
                            "Type",
                            option_select(
                                [(k, v) for k, v in SERVICE_LABELS.items()],
                                value=S.service_kind,
                                on_change=S.set_service_kind,
                                test_id="service-kind",
                            ),
                            error=errors.get("kind", ""),
                        ),
                        rx.cond(
                            S.is_room,
                            field(
                                "Meal plan",
                                option_select(
                                    [(k, v) for k, v in MEAL_PLAN_LABELS.items()],
                                    value=S.service_meal_plan,
                                    on_change=S.set_service_meal_plan,
                                    test_id="service-meal-plan",
                                ),
                                error=errors.get("meal_plan", ""),
                            ),
                        ),
                        columns="2",
                        spacing="3",
                        width="100%",
                    ),
                    field(
                        "Name",
                        rx.input(
                            id="service-name",
                            name="name",
                            default_value=S.service_form["name"],
                            placeholder=rx.cond(S.is_room, "Deluxe Sea View", "Innova Crysta"),
                            required=True,
                            width="100%",
                        ),
                        error=errors.get("name", ""),
                        html_for="service-name",
                        test_id="service-name",
                    ),
                    rx.grid(
                        field(
                            "Code",
                            rx.input(
                                id="service-code",
                                name="code",
                                default_value=S.service_form["code"],
                                placeholder="DLX-SV",
                                width="100%",
                            ),
                            error=errors.get("code", ""),
                            hint="Optional; the supplier's own code",
                            html_for="service-code",
                        ),
                        field(
                            "Capacity (people)",
                            rx.input(
                                id="service-occupancy",
                                name="max_occupancy",
                                default_value=S.service_form["max_occupancy"],
                                inputmode="numeric",
                                width="100%",
                            ),
                            error=errors.get("max_occupancy", ""),
                            html_for="service-occupancy",
                            test_id="service-occupancy",
                        ),
                        columns="2",
                        spacing="3",
                        width="100%",
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Save service", type="submit", data_testid="save-service"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.save_service,
                reset_on_submit=False,
            ),
            max_width="540px",
        ),
        open=S.service_open,
        on_open_change=S.set_service_open,
    )


def _services() -> rx.Component:
    return section(
        "Services",
        rx.cond(
            S.services.length() > 0,  # type: ignore[attr-defined]
            data_table(
                [
                    ("Service", "left"),
                    ("Type", "left"),
                    ("Meal plan", "left"),
                    ("Capacity", "left"),
                    ("Priced by", "left"),
                    ("Status", "left"),
                    ("", "right"),
                ],
                rx.table.body(rx.foreach(S.services, _service_row)),
                test_id="services",
            ),
            empty_state(
                "bed-double",
                "No services yet",
                "Add the room categories, vehicles or tickets this supplier sells; rate lists "
                "price them.",
                test_id="services-empty",
            ),
        ),
        _service_dialog(),
        action=rx.cond(
            S.editable,
            rx.button(
                rx.icon("plus", size=14),
                "Add service",
                size="2",
                on_click=S.open_service(""),  # type: ignore[operator]
                data_testid="add-service",
            ),
        ),
    )


# ---- bank details ------------------------------------------------------------------------------


def _bank_line(line: ObjectVar[BankLine]) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(line.label),
        rx.data_list.value(rx.code(line.value, variant="ghost", size="2")),
    )


def _bank_dialog() -> rx.Component:
    errors = S.bank_errors

    def text(label: str, name: str, hint: str = "", **props: Any) -> rx.Component:
        return field(
            label,
            rx.input(id=f"bank-{name}", name=name, width="100%", autocomplete="off", **props),
            error=errors.get(name, ""),
            hint=hint,
            html_for=f"bank-{name}",
            test_id=f"bank-{name}",
        )

    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Bank details"),
            rx.dialog.description(
                "Stored encrypted. Pages show only the bank and the last four digits; "
                "every change and every reveal goes to the audit log.",
                size="2",
                margin_bottom="12px",
            ),
            rx.form(
                rx.vstack(
                    text("Account holder", "account_holder", required=True),
                    rx.grid(
                        text("Bank", "bank_name", required=True),
                        text("Branch", "branch"),
                        columns="2",
                        spacing="3",
                        width="100%",
                    ),
                    text("Account number", "account_number", required=True),
                    rx.grid(
                        text("IFSC", "ifsc", "India, e.g. HDFC0001234", max_length=11),
                        text("SWIFT / BIC", "swift", "e.g. EBILAEAD", max_length=11),
                        columns="2",
                        spacing="3",
                        width="100%",
                    ),
                    text("IBAN", "iban", "Where banks use one (UAE, Europe...)"),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Save bank details", type="submit", data_testid="save-bank"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.save_bank,
                reset_on_submit=False,
            ),
            max_width="540px",
        ),
        open=S.bank_open,
        on_open_change=S.set_bank_open,
    )


def _bank_on_file() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.center(
                rx.icon("landmark", size=20),
                width="40px",
                height="40px",
                border_radius="10px",
                background=rx.color("accent", 3),
                color=rx.color("accent", 11),
            ),
            rx.vstack(
                rx.text(
                    rx.cond(S.bank_hint != "", S.bank_hint, "On file"),
                    size="4",
                    weight="bold",
                    font_family="monospace",
                    data_testid="bank-hint",
                ),
                rx.text(
                    rx.cond(
                        S.can_bank,
                        "Masked. Revealing the full details is recorded in the audit log.",
                        "Bank details are on file. Owners, admins, managers and finance can see "
                        "and change them.",
                    ),
                    size="2",
                    color=rx.color("gray", 11),
                ),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            rx.cond(
                S.can_bank,
                rx.hstack(
                    rx.cond(
                        S.revealed.length() > 0,  # type: ignore[attr-defined]
                        rx.button(
                            rx.icon("eye-off", size=14),
                            "Hide",
                            variant="soft",
                            on_click=S.hide,
                            data_testid="hide-bank",
                        ),
                        rx.button(
                            rx.icon("eye", size=14),
                            "Reveal",
                            variant="soft",
                            on_click=S.reveal,
                            data_testid="reveal-bank",
                        ),
                    ),
                    rx.cond(
                        ~S.archived,
                        rx.hstack(
                            rx.button(
                                rx.icon("pencil", size=14),
                                "Replace",
                                variant="soft",
                                color_scheme="gray",
                                on_click=S.set_bank_open(True),  # type: ignore[operator]
                                data_testid="change-bank",
                            ),
                            rx.button(
                                rx.icon("trash-2", size=14),
                                "Remove",
                                variant="soft",
                                color_scheme="red",
                                on_click=S.ask("bank", "", ""),  # type: ignore[operator]
                                data_testid="remove-bank",
                            ),
                            spacing="2",
                        ),
                    ),
                    spacing="2",
                ),
            ),
            spacing="3",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            S.revealed.length() > 0,  # type: ignore[attr-defined]
            rx.box(
                rx.data_list.root(rx.foreach(S.revealed, _bank_line), size="2"),
                padding="14px",
                border_radius="8px",
                border=f"1px dashed {rx.color('amber', 7)}",
                background=rx.color("amber", 2),
                width="100%",
                data_testid="bank-revealed",
            ),
        ),
        spacing="4",
        width="100%",
    )


def _bank() -> rx.Component:
    return section(
        "Bank details",
        rx.cond(
            S.has_bank,
            _bank_on_file(),
            empty_state(
                "landmark",
                "No bank details",
                rx.cond(
                    S.can_bank,
                    "Add the account payments go to; it is stored encrypted and shown masked.",
                    "Owners, admins, managers and finance add bank details.",
                ),
                rx.cond(
                    S.can_bank & ~S.archived,
                    rx.button(
                        rx.icon("plus", size=14),
                        "Add bank details",
                        on_click=S.set_bank_open(True),  # type: ignore[operator]
                        data_testid="add-bank",
                    ),
                ),
                test_id="bank-empty",
            ),
        ),
        _bank_dialog(),
    )


# ---- rate lists --------------------------------------------------------------------------------


def _rate_list_row(row: ObjectVar[RateListRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(rx.text(row.name, weight="medium"), href=row.href, underline="hover"),
        ),
        rx.table.cell(
            rx.hstack(
                rx.badge(row.market, variant="soft", color_scheme="gray"),
                rx.cond(row.agent_group != "", rx.text(row.agent_group, size="1")),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(
            rx.cond(row.archived, rx.badge("Archived", color_scheme="amber", variant="soft"))
        ),
        align="center",
        data_testid="rate-list-row",
    )


def _rate_lists() -> rx.Component:
    return section(
        "Rate lists",
        rx.cond(
            S.rate_lists.length() > 0,  # type: ignore[attr-defined]
            data_table(
                [("Rate list", "left"), ("Market", "left"), ("", "left")],
                rx.table.body(rx.foreach(S.rate_lists, _rate_list_row)),
                test_id="rate-lists",
            ),
            empty_state(
                "tags",
                "No rate lists yet",
                "Contracts with this supplier appear here once they are created under Rate lists.",
                test_id="rate-lists-empty",
            ),
        ),
    )


# ---- the page ----------------------------------------------------------------------------------


def _confirm_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(S.confirm_title),
            rx.alert_dialog.description(S.confirm_text, size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        rx.cond(S.confirm_what == "supplier", "Delete or archive", "Remove"),
                        color_scheme="red",
                        on_click=S.confirm,
                        data_testid="confirm-action",
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
            max_width="480px",
        ),
        open=S.confirm_open,
        on_open_change=S.set_confirm_open,
    )


def _tab(value: str, label: str, icon: str, count: Any = None) -> rx.Component:
    badge = (
        rx.cond(count > 0, rx.badge(count, size="1", variant="soft", radius="full"))
        if count is not None
        else rx.fragment()
    )
    return rx.tabs.trigger(
        rx.hstack(rx.icon(icon, size=14), label, badge, spacing="2", align="center"),
        value=value,
        data_testid=f"tab-{value}",
    )


def _notices() -> rx.Component:
    return rx.fragment(
        rx.cond(
            S.archived,
            rx.callout(
                "Archived: rate lists use this supplier, so it was kept instead of deleted. "
                "Restore it to change it or price it again.",
                icon="archive",
                color_scheme="amber",
                width="100%",
                data_testid="archived-notice",
            ),
        ),
        rx.cond(
            ~S.can_edit,
            rx.callout(
                "You can read this supplier; operators, managers, admins and owners change it.",
                icon="eye",
                color_scheme="blue",
                width="100%",
                data_testid="read-only",
            ),
        ),
    )


def _supplier() -> rx.Component:
    return rx.vstack(
        _header(),
        _notices(),
        rx.tabs.root(
            rx.tabs.list(
                _tab("overview", "Overview", "info"),
                _tab("contacts", "Contacts", "contact", S.contacts.length()),  # type: ignore[attr-defined]
                _tab("services", "Services", "bed-double", S.services.length()),  # type: ignore[attr-defined]
                _tab("bank", "Bank details", "landmark"),
                _tab("rates", "Rate lists", "tags", S.rate_lists.length()),  # type: ignore[attr-defined]
                size="2",
            ),
            rx.tabs.content(_overview(), value="overview", padding_top="16px"),
            rx.tabs.content(_contacts(), value="contacts", padding_top="16px"),
            rx.tabs.content(_services(), value="services", padding_top="16px"),
            rx.tabs.content(_bank(), value="bank", padding_top="16px"),
            rx.tabs.content(_rate_lists(), value="rates", padding_top="16px"),
            value=S.tab,
            on_change=S.set_tab,
            width="100%",
        ),
        _confirm_dialog(),
        spacing="4",
        width="100%",
    )


def _not_found() -> rx.Component:
    return empty_state(
        "search-x",
        "Supplier not found",
        "It may have been deleted, or the link is not for this agency.",
        rx.link(rx.button("Back to suppliers", variant="soft"), href=routes.SUPPLIERS),
        test_id="supplier-not-found",
    )


@staff_page(
    route=routes.SUPPLIER, title="Supplier", on_load=SupplierState.load, nav_route=routes.SUPPLIERS
)
def supplier_page() -> rx.Component:
    return gated(
        loaded=S.loaded,
        allowed=S.allowed,
        role=S.role,
        content=rx.cond(S.found, _supplier(), _not_found()),
    )
