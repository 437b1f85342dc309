"""The lines tab: the grid of one version's lines with its filters and pages, the add-line
form, deleting the ticked lines, and what a typed cell did (saved, refused, undone)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from travelcrm.ui.components.dialogs import confirm_dialog, form_dialog
from travelcrm.ui.components.fields import field
from travelcrm.ui.components.grid import option_select, pager, sheet
from travelcrm.ui.components.tables import empty_state
from travelcrm.ui.pages.rates.bulk import bulk_dialog
from travelcrm.ui.pages.rates.lines_state import RateLinesState
from travelcrm.ui.pages.rates.rows import ALL, BAND_OPTIONS, BASIS_OPTIONS, OCCUPANCY_OPTIONS
from travelcrm.ui.pages.rates.widgets import (
    MUTED,
    fields_row,
    input_field,
    message,
    opts,
    select_field,
)

L = RateLinesState


def _add_line_dialog() -> rx.Component:
    errors = L.add_errors

    def text(label: str, name: str, default: str = "", placeholder: str = "") -> rx.Component:
        return input_field(
            label, name, errors, test_id=f"add-{name}", default=default, placeholder=placeholder
        )

    def choice(label: str, options: list[tuple[str, str]], name: str, default: str) -> rx.Component:
        test_id = f"add-{name.replace('_', '-')}"
        return select_field(label, options, name, errors, default_value=default, test_id=test_id)

    return form_dialog(
        "Add a line",
        fields_row(
            select_field(
                "Service",
                L.services,
                "service_id",
                errors,
                placeholder="Service",
                test_id="add-service",
            ),
            select_field(
                "Season",
                L.season_options,
                "season_id",
                errors,
                placeholder="Season",
                test_id="add-season",
            ),
            columns="2",
        ),
        fields_row(
            choice("Basis", opts(BASIS_OPTIONS), "basis", "per_room"),
            choice("Occupancy", opts(OCCUPANCY_OPTIONS), "occupancy", "double"),
            choice("Age band", opts(BAND_OPTIONS), "age_band", "adult"),
            columns="3",
        ),
        fields_row(
            text("Net", "net", placeholder="9000"),
            text("Sell", "sell", placeholder="or markup"),
            text("Markup %", "markup_pct", placeholder="20"),
            columns="3",
        ),
        fields_row(
            text("Pax min", "pax_min", "1"),
            text("Pax max", "pax_max", "99"),
            text("Min nights", "min_nights", "1"),
            text("Weekdays", "weekdays", "Every day"),
            columns="4",
        ),
        fields_row(
            text("Seats per vehicle", "capacity", placeholder="the service's"),
            text("Supplement", "supplement", placeholder="empty: the base price"),
            field(
                "Added",
                rx.checkbox("Only when asked", name="optional", data_testid="add-optional"),
                error=errors.get("optional", ""),
            ),
            columns="3",
        ),
        message(errors.get("form", ""), test_id="add-error"),
        message(L.add_notice, tone="green", test_id="add-notice"),
        open=L.add_open,
        on_open_change=L.set_add_open,
        on_submit=L.add_line,
        submit_label="Add line",
        test_id="add-line",
        description="A price for one service in one season. The dialog stays open to add the next.",
        max_width="640px",
    )


def _delete_lines() -> rx.Component:
    return rx.fragment(
        rx.button(
            rx.icon("trash-2", size=14),
            "Delete ",
            L.selected_count,
            on_click=L.set_delete_open(True),  # type: ignore[operator]
            disabled=L.selected_count == 0,
            color_scheme="red",
            variant="soft",
            data_testid="delete-lines",
        ),
        confirm_dialog(
            "Delete " + L.selected_count.to_string() + " line(s)?",  # type: ignore[attr-defined]
            "They leave this draft; published versions keep their own copies.",
            open=L.delete_open,
            on_open_change=L.set_delete_open,
            on_confirm=L.delete_selected,
            action_label="Delete",
            test_id="delete-lines",
        ),
    )


def _lines_toolbar() -> rx.Component:
    return rx.hstack(
        option_select(
            L.services,
            value=L.filter_service,
            on_change=L.filter_by_service,
            first=(ALL, "All services"),
            test_id="filter-service",
            width="220px",
        ),
        option_select(
            L.season_options,
            value=L.filter_season,
            on_change=L.filter_by_season,
            first=(ALL, "All seasons"),
            test_id="filter-season",
            width="160px",
        ),
        rx.cond(
            L.only_label != "",
            rx.badge(
                rx.icon("filter", size=12),
                L.only_label,
                color_scheme="amber",
                size="2",
                max_width="360px",
                overflow="hidden",
                text_overflow="ellipsis",
                white_space="nowrap",
                data_testid="only-filter",
            ),
        ),
        rx.cond(
            (L.filter_service != ALL) | (L.filter_season != ALL) | (L.only_label != ""),
            rx.button(
                "Clear filters",
                on_click=L.clear_filters,
                variant="ghost",
                size="1",
                color_scheme="gray",
            ),
        ),
        rx.spacer(),
        pager(
            label=L.range_text,
            page=L.page,
            pages=L.pages,
            on_prev=L.prev_page,
            on_next=L.next_page,
            test_id="lines-pager",
        ),
        width="100%",
        align="center",
        spacing="2",
        wrap="wrap",
    )


def _tick_all() -> rx.Component:
    def tick(label: str, value: bool, test_id: str) -> rx.Component:
        return rx.button(
            label,
            on_click=L.pick_all(value),  # type: ignore[operator]
            variant="ghost",
            color_scheme="gray",
            data_testid=test_id,
        )

    return rx.cond(
        L.selected_count > 0,
        tick("Untick all", False, "untick-all"),
        tick("Tick all on this page", True, "tick-all"),
    )


def _lines_actions() -> rx.Component:
    return rx.cond(
        L.editable,
        rx.hstack(
            rx.button(
                rx.icon("plus", size=14),
                "Add line",
                size="2",
                on_click=L.set_add_open(True),  # type: ignore[operator]
                data_testid="add-line-open",
            ),
            _add_line_dialog(),
            bulk_dialog(),
            _delete_lines(),
            _tick_all(),
            rx.cond(
                L.undo_label != "",
                rx.button(
                    rx.icon("undo-2", size=14),
                    "Undo last edit",
                    on_click=L.undo,
                    variant="soft",
                    color_scheme="gray",
                    data_testid="undo",
                ),
            ),
            spacing="2",
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.callout(
            rx.cond(
                L.can_edit,
                "This version is "
                + L.status
                + " and read-only. Start a new draft to change prices.",
                "Your role can read these prices but not change them.",
            ),
            icon="lock",
            color_scheme="gray",
            size="1",
            width="100%",
            data_testid="read-only",
        ),
    )


def _said(icon: str, tone: str, text: Any, *after: rx.Component, **props: Any) -> rx.Component:
    """One line of the edits' status: an icon, the text in its tone, what follows it."""
    return rx.hstack(
        rx.icon(icon, size=14, color=rx.color(tone, 11), flex_shrink="0", margin_top="3px"),
        rx.text(text, size="2", color=rx.color(tone, 11), flex="1", **props),
        *after,
        align="start",
        spacing="2",
        width="100%",
    )


def _edit_status() -> rx.Component:
    """What the last edits did, in a space kept for it over the grid (it never moves the grid
    under the pointer): the last save (or how to edit) on one line, and every edit not saved,
    with the row, the column and why, on the next until that cell is saved."""
    one_line = {"white_space": "nowrap", "overflow": "hidden", "text_overflow": "ellipsis"}
    return rx.vstack(
        rx.cond(
            L.cell_notice != "",
            _said(
                "circle-check",
                "green",
                L.cell_notice,
                title=L.cell_notice,
                data_testid="cell-notice",
                **one_line,
            ),
            rx.text(
                rx.cond(
                    L.editable,
                    "Double-click a cell to edit it: Enter or a click away saves, Esc cancels.",
                    "",
                ),
                size="2",
                color=MUTED,
                **one_line,
            ),
        ),
        rx.cond(
            L.cell_error != "",
            _said(
                "circle-alert",
                "red",
                L.cell_error,
                rx.icon_button(
                    rx.icon("x", size=12),
                    on_click=L.dismiss_refusals,
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    aria_label="Dismiss",
                ),
                data_testid="cell-error",
                overflow_y="auto",
                max_height="40px",
            ),
        ),
        spacing="1",
        width="100%",
        height="68px",
        padding="6px 10px",
        border_radius="8px",
        background=rx.cond(L.cell_error != "", rx.color("red", 2), rx.color("gray", 2)),
        overflow="hidden",
        flex_shrink="0",
        data_testid="edit-status",
    )


def lines_tab() -> rx.Component:
    return rx.vstack(
        _lines_actions(),
        _lines_toolbar(),
        _edit_status(),
        rx.cond(
            L.total > 0,
            sheet(
                columns=L.columns,
                data=L.grid,
                # the edit names the lines of the grid it was typed in: a filter or a page
                # changed meanwhile still saves it to its own line
                on_cell_edited=lambda pos, cell: L.edit_cell(pos, cell, L.row_ids),  # type: ignore[operator]
                height=L.grid_height,
                test_id="rate-grid",
            ),
            empty_state(
                "table",
                "No lines here",
                rx.cond(
                    L.season_options.length() == 0,  # type: ignore[attr-defined]
                    "Add seasons first (Seasons tab), then the prices of each service.",
                    "Add a line, or change the filters.",
                ),
                test_id="lines-empty",
            ),
        ),
        spacing="3",
        width="100%",
    )
