"""A supplier: the header (name, type, status, where), the overview form, contacts, services
(rooms with meal plans, vehicles, tickets...), bank details (masked; revealed on demand) and
the rate lists that use it — one module per tab. Agents read; editors change."""

from __future__ import annotations

from typing import Any

import reflex as rx

from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button
from travelcrm.ui.components.cards import back_link, icon_tile, muted
from travelcrm.ui.components.dialogs import confirm_dialog
from travelcrm.ui.components.tables import record_page
from travelcrm.ui.pages.suppliers.bank_page import bank
from travelcrm.ui.pages.suppliers.contacts_page import contacts
from travelcrm.ui.pages.suppliers.list_page import kind_badge, status_badge
from travelcrm.ui.pages.suppliers.overview_page import overview
from travelcrm.ui.pages.suppliers.rate_lists_page import rate_lists
from travelcrm.ui.pages.suppliers.services_page import services
from travelcrm.ui.pages.suppliers.state import SupplierState
from travelcrm.ui.pages.suppliers.text import KIND_ICONS
from travelcrm.ui.template import staff_page

S = SupplierState


def _header_actions() -> rx.Component:
    return rx.cond(
        S.can_edit,
        rx.hstack(
            rx.cond(
                S.status == "active",
                action_button(
                    "pause",
                    "Deactivate",
                    on_click=S.set_status("inactive"),  # type: ignore[operator]
                    test_id="deactivate-supplier",
                    color_scheme="gray",
                ),
                action_button(
                    "play",
                    rx.cond(S.archived, "Restore", "Activate"),
                    on_click=S.set_status("active"),  # type: ignore[operator]
                    test_id="activate-supplier",
                    color_scheme="green",
                ),
            ),
            rx.cond(
                ~S.archived,
                action_button(
                    "trash-2",
                    "Delete",
                    on_click=S.ask("supplier", "", ""),  # type: ignore[operator]
                    test_id="delete-supplier",
                    color_scheme="red",
                ),
            ),
            spacing="2",
        ),
    )


def _header() -> rx.Component:
    return rx.vstack(
        back_link("Suppliers", routes.SUPPLIERS, "back-to-suppliers"),
        rx.hstack(
            icon_tile(
                rx.match(
                    S.kind,
                    *[(k, rx.icon(icon, size=24)) for k, icon in KIND_ICONS.items()],
                    rx.icon("package", size=24),
                ),
                size=52,
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
                    muted("Updated " + S.updated, size="1", shade=10),
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
            rx.tabs.content(overview(), value="overview", padding_top="16px"),
            rx.tabs.content(contacts(), value="contacts", padding_top="16px"),
            rx.tabs.content(services(), value="services", padding_top="16px"),
            rx.tabs.content(bank(), value="bank", padding_top="16px"),
            rx.tabs.content(rate_lists(), value="rates", padding_top="16px"),
            value=S.tab,
            on_change=S.set_tab,
            width="100%",
        ),
        confirm_dialog(
            S.confirm_title,
            S.confirm_text,
            open=S.confirm_open,
            on_open_change=S.set_confirm_open,
            on_confirm=S.confirm,
            action_label=rx.cond(S.confirm_what == "supplier", "Delete or archive", "Remove"),
        ),
        spacing="4",
        width="100%",
    )


@staff_page(
    route=routes.SUPPLIER, title="Supplier", on_load=SupplierState.load, nav_route=routes.SUPPLIERS
)
def supplier_page() -> rx.Component:
    return record_page(
        S,
        _supplier(),
        what="supplier",
        text="It may have been deleted, or the link is not for this agency.",
        back=routes.SUPPLIERS,
    )
