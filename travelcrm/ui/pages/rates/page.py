"""One rate list: its versions, the header of the version on screen (validity, currency,
status, cancellation terms), new draft / publish / compare, and the tabs: lines (the grid),
seasons and age bands, restrictions and allotments, price check — each in its own module."""

from __future__ import annotations

from typing import Any

import reflex as rx

from travelcrm.ui import routes
from travelcrm.ui.components.cards import page_header
from travelcrm.ui.components.grid import option_select
from travelcrm.ui.components.tables import empty_state, gated
from travelcrm.ui.pages.rates.lines import lines_tab
from travelcrm.ui.pages.rates.price_check import price_tab
from travelcrm.ui.pages.rates.publish import compare_menu, diff_panel, publish_dialog, terms_dialog
from travelcrm.ui.pages.rates.publish_state import RatePublishState
from travelcrm.ui.pages.rates.restrictions import restrictions_tab
from travelcrm.ui.pages.rates.seasons import seasons_tab
from travelcrm.ui.pages.rates.state import RateListState
from travelcrm.ui.pages.rates.text import STATUS_COLORS
from travelcrm.ui.pages.rates.widgets import MUTED, fact
from travelcrm.ui.template import staff_page

S = RateListState
P = RatePublishState


def _status_badge(status: Any) -> rx.Component:
    return rx.match(
        status,
        *[
            (value, rx.badge(value, color_scheme=color, variant="soft", size="2"))
            for value, color in STATUS_COLORS.items()
        ],
        rx.badge(status, variant="soft", size="2"),
    )


# ---- header ---------------------------------------------------------------------------------


def _version_picker() -> rx.Component:
    return option_select(
        S.versions,
        value=S.version_id,
        on_change=S.select_version,
        test_id="version-select",
        width="190px",
    )


EXPORTS = [  # (the menu's words, file format, layout, test id)
    ("Export this version (XLSX)", "xlsx", "ours", "export-xlsx"),
    ("Export this version (CSV)", "csv", "ours", None),
    ("Export, one sheet per season (XLSX)", "xlsx", "seasons", None),
    ("Export in the supplier's layout (XLSX)", "xlsx", "supplier", None),
]


def _sheet_menu() -> rx.Component:
    """Spreadsheets: import a supplier's sheet (editors), export the version on screen."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("file-spreadsheet", size=16),
                "Spreadsheet",
                rx.icon("chevron-down", size=14),
                variant="soft",
                color_scheme="gray",
                data_testid="sheet-menu",
            )
        ),
        rx.menu.content(
            rx.cond(
                S.can_edit,
                rx.menu.item(
                    rx.icon("upload", size=14),
                    "Import a supplier's sheet…",
                    on_click=rx.redirect(S.import_url),
                    data_testid="open-import",
                ),
            ),
            rx.menu.separator(),
            *[
                rx.menu.item(
                    rx.icon("download", size=14),
                    label,
                    on_click=S.export_sheet(file_format, layout),  # type: ignore[operator]
                    data_testid=test_id,
                )
                for label, file_format, layout, test_id in EXPORTS
            ],
        ),
    )


def _header_actions() -> rx.Component:
    return rx.hstack(
        rx.cond(
            ~S.is_draft & S.can_edit,
            rx.cond(
                S.draft_id == "",
                rx.button(
                    rx.icon("copy-plus", size=16),
                    "New draft",
                    on_click=P.new_draft,
                    data_testid="new-draft",
                ),
                rx.button(
                    rx.icon("pencil", size=16),
                    "Open the draft",
                    on_click=S.select_version(S.draft_id),  # type: ignore[operator]
                    variant="soft",
                    data_testid="open-draft",
                ),
            ),
        ),
        rx.cond(
            S.editable,
            rx.button(
                rx.icon("file-pen-line", size=16),
                "Edit terms",
                on_click=P.set_terms_open(True),  # type: ignore[operator]
                variant="soft",
                color_scheme="gray",
                data_testid="edit-terms",
            ),
        ),
        compare_menu(),
        _sheet_menu(),
        rx.cond(
            S.is_draft & S.can_publish,
            rx.button(
                rx.icon("rocket", size=16),
                "Publish",
                on_click=P.open_publish,
                color_scheme="green",
                data_testid="publish-open",
            ),
        ),
        spacing="2",
        wrap="wrap",
        align="center",
    )


def _header() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.hstack(
                    rx.heading("v", S.version_number, size="5", data_testid="version-number"),
                    rx.box(_status_badge(S.status), data_testid="version-status"),
                    _version_picker(),
                    spacing="3",
                    align="center",
                ),
                rx.spacer(),
                _header_actions(),
                width="100%",
                align="center",
                wrap="wrap",
                spacing="3",
            ),
            rx.grid(
                fact("Validity", S.validity, "version-validity"),
                fact("Currency", S.currency, "version-currency"),
                fact("Market", S.market),
                fact("Cancellation", S.terms, "version-terms"),
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                spacing="4",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        data_testid="version-header",
    )


def _stale_callout() -> rx.Component:
    """Someone else changed the version: said over the page's foot, with the way to reload."""
    return rx.cond(
        S.stale,
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.hstack(
                rx.vstack(
                    rx.text("Changed by someone else — reload", weight="bold"),
                    rx.text(S.stale_message, size="2"),
                    spacing="1",
                    align="start",
                ),
                rx.spacer(),
                rx.button(
                    rx.icon("refresh-cw", size=14),
                    "Reload",
                    on_click=S.reload,
                    color_scheme="amber",
                    data_testid="stale-reload",
                ),
                width="100%",
                align="center",
            ),
            color_scheme="amber",
            variant="surface",
            # over the page, not in it: it never pushes the grid from under the pointer
            position="fixed",
            bottom="16px",
            left="50%",
            transform="translateX(-50%)",
            width="min(720px, calc(100vw - 32px))",
            z_index="50",
            box_shadow="0 8px 24px rgba(0, 0, 0, 0.18)",
            data_testid="stale",
        ),
    )


# ---- the page ---------------------------------------------------------------------------


def _tabs() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger("Lines", value="lines", data_testid="tab-lines"),
            rx.tabs.trigger("Seasons & age bands", value="seasons", data_testid="tab-seasons"),
            rx.tabs.trigger(
                "Restrictions & allotments", value="restrictions", data_testid="tab-restrictions"
            ),
            rx.tabs.trigger("Price check", value="price", data_testid="tab-price"),
        ),
        rx.tabs.content(lines_tab(), value="lines", padding_top="16px"),
        rx.tabs.content(seasons_tab(), value="seasons", padding_top="16px"),
        rx.tabs.content(restrictions_tab(), value="restrictions", padding_top="16px"),
        rx.tabs.content(price_tab(), value="price", padding_top="16px"),
        value=S.tab,
        on_change=S.set_tab,
        width="100%",
    )


def _not_found() -> rx.Component:
    return empty_state(
        "search-x",
        "Rate list not found",
        "It may have been removed, or it belongs to another agency.",
        rx.link(rx.button("All rate lists", variant="soft"), href=routes.RATES),
        test_id="rate-list-missing",
    )


def _content() -> rx.Component:
    return rx.cond(
        S.found,
        rx.vstack(
            rx.link(
                rx.hstack(rx.icon("arrow-left", size=14), "Rate lists", spacing="1"),
                href=routes.RATES,
                size="2",
                underline="none",
                color=MUTED,
            ),
            page_header(S.list_name, S.supplier_name),
            _stale_callout(),
            _header(),
            diff_panel(),
            _tabs(),
            terms_dialog(),
            publish_dialog(),
            spacing="4",
            width="100%",
        ),
        _not_found(),
    )


@staff_page(
    route=routes.RATE_LIST, title="Rate list", on_load=RateListState.load, nav_route=routes.RATES
)
def rate_list_page() -> rx.Component:
    return gated(loaded=S.loaded, allowed=S.allowed, role=S.role, content=_content())
