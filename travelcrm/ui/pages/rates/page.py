"""One rate list: its versions, the header of the version on screen (validity, currency,
status, cancellation terms), new draft / publish / compare, and the tabs: lines (the grid),
seasons and age bands, restrictions and allotments, price check."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.rates.models import RestrictionKind
from travelcrm.rates.schemas import MAX_SEASON_RANGES
from travelcrm.ui import routes
from travelcrm.ui.components.cards import page_header, section
from travelcrm.ui.components.fields import field
from travelcrm.ui.components.grid import option_select, pager, sheet
from travelcrm.ui.components.money import DASH
from travelcrm.ui.components.tables import data_table, empty_state, gated
from travelcrm.ui.pages.rates.state import (
    ALL,
    BAND_OPTIONS,
    BASIS_OPTIONS,
    OCCUPANCY_OPTIONS,
    PC_ANY_BASIS,
    PREVIEW_ROWS,
    BandRow,
    BulkLine,
    DayCell,
    DiffLine,
    IssueRow,
    NightRow,
    RangeSlot,
    RateListState,
    RestrictionRow,
    SeasonRow,
)
from travelcrm.ui.pages.rates.text import DAY_LABELS, STATUS_COLORS
from travelcrm.ui.template import staff_page

S = RateListState
MUTED = rx.color("gray", 11)


def _status_badge(status: Any) -> rx.Component:
    return rx.match(
        status,
        *[
            (value, rx.badge(value, color_scheme=color, variant="soft", size="2"))
            for value, color in STATUS_COLORS.items()
        ],
        rx.badge(status, variant="soft", size="2"),
    )


def _fact(label: str, value: Any, test_id: str | None = None) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", weight="medium", color=MUTED),
        rx.text(value, size="2", weight="medium", data_testid=test_id),
        spacing="1",
        align="start",
        min_width="0",
    )


def _opts(pairs: list[Any]) -> list[tuple[str, str]]:
    return [(o.value, o.label) for o in pairs]


# ---- header ---------------------------------------------------------------------------------


def _version_picker() -> rx.Component:
    return option_select(
        S.versions,
        value=S.version_id,
        on_change=S.select_version,
        test_id="version-select",
        width="190px",
    )


def _compare_menu() -> rx.Component:
    return rx.cond(
        S.other_versions.length() > 0,
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.icon("git-compare", size=16),
                    "Compare with…",
                    variant="soft",
                    color_scheme="gray",
                    data_testid="compare-open",
                )
            ),
            rx.menu.content(
                rx.foreach(
                    S.other_versions,
                    lambda o: rx.menu.item(
                        o.label,
                        on_click=S.compare_with(o.value),  # type: ignore[operator]
                        data_testid="compare-item",
                    ),
                )
            ),
        ),
    )


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
            rx.menu.item(
                rx.icon("download", size=14),
                "Export this version (XLSX)",
                on_click=S.export_sheet("xlsx", "ours"),  # type: ignore[operator]
                data_testid="export-xlsx",
            ),
            rx.menu.item(
                rx.icon("download", size=14),
                "Export this version (CSV)",
                on_click=S.export_sheet("csv", "ours"),  # type: ignore[operator]
            ),
            rx.menu.item(
                rx.icon("download", size=14),
                "Export, one sheet per season (XLSX)",
                on_click=S.export_sheet("xlsx", "seasons"),  # type: ignore[operator]
            ),
            rx.menu.item(
                rx.icon("download", size=14),
                "Export in the supplier's layout (XLSX)",
                on_click=S.export_sheet("xlsx", "supplier"),  # type: ignore[operator]
            ),
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
                    on_click=S.new_draft,
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
                on_click=S.set_terms_open(True),  # type: ignore[operator]
                variant="soft",
                color_scheme="gray",
                data_testid="edit-terms",
            ),
        ),
        _compare_menu(),
        _sheet_menu(),
        rx.cond(
            S.is_draft & S.can_publish,
            rx.button(
                rx.icon("rocket", size=16),
                "Publish",
                on_click=S.open_publish,
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
                _fact("Validity", S.validity, "version-validity"),
                _fact("Currency", S.currency, "version-currency"),
                _fact("Market", S.market),
                _fact("Cancellation", S.terms, "version-terms"),
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
            width="100%",
            data_testid="stale",
        ),
    )


def _terms_dialog() -> rx.Component:
    errors = S.terms_errors
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Terms of v", S.version_number),
            rx.form(
                rx.vstack(
                    rx.grid(
                        field(
                            "Valid from",
                            rx.input(
                                name="valid_from",
                                type="date",
                                default_value=S.terms_form["valid_from"],
                            ),
                            error=errors.get("valid_from", ""),
                        ),
                        field(
                            "Valid to",
                            rx.input(
                                name="valid_to", type="date", default_value=S.terms_form["valid_to"]
                            ),
                            error=errors.get("valid_to", ""),
                        ),
                        field(
                            "Currency",
                            rx.input(
                                name="currency",
                                max_length=3,
                                default_value=S.terms_form["currency"],
                            ),
                            error=errors.get("currency", ""),
                        ),
                        columns="3",
                        spacing="3",
                        width="100%",
                    ),
                    field(
                        "Cancellation terms",
                        rx.text_area(
                            name="terms",
                            rows="4",
                            default_value=S.terms_form["terms"],
                            placeholder="30: free\n7: 1 night\n0: 100%",
                            width="100%",
                        ),
                        error=errors.get("terms", ""),
                        hint="One tier a line — days before arrival: charge (free, 50%, 1 night)",
                    ),
                    field(
                        "No-show charge %",
                        rx.input(name="no_show", default_value=S.terms_form["no_show"]),
                        error=errors.get("no_show_charge_pct", ""),
                    ),
                    rx.cond(
                        errors.contains("form"),  # type: ignore[attr-defined]
                        rx.callout(errors.get("form", ""), color_scheme="red", width="100%"),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Save terms", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.save_terms,
                reset_on_submit=False,
            ),
            max_width="560px",
        ),
        open=S.terms_open,
        on_open_change=S.set_terms_open,
    )


# ---- publish and diff -------------------------------------------------------------------------


def _issue(issue: ObjectVar[IssueRow], index: rx.Var[int]) -> rx.Component:
    return rx.hstack(
        rx.match(
            issue.severity,
            ("error", rx.badge(rx.icon("circle-x", size=12), "Error", color_scheme="red")),
            (
                "confirm",
                rx.badge(rx.icon("circle-help", size=12), "Confirm", color_scheme="orange"),
            ),
            rx.badge(rx.icon("triangle-alert", size=12), "Warning", color_scheme="amber"),
        ),
        rx.vstack(
            rx.text(issue.message, size="2"),
            rx.cond(
                issue.severity == "confirm",
                rx.checkbox(
                    "Publish with this gap",
                    checked=issue.confirmed,
                    on_change=lambda value: S.confirm_issue(index, value),  # type: ignore[operator]
                    size="1",
                    data_testid="issue-confirm",
                ),
            ),
            spacing="1",
            flex="1",
        ),
        rx.cond(
            issue.can_show,
            rx.button(
                "Show these lines",
                on_click=S.show_issue(index),  # type: ignore[operator]
                size="1",
                variant="soft",
                data_testid="issue-show",
            ),
        ),
        width="100%",
        align="start",
        spacing="3",
        padding="8px 0",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="coverage-issue",
    )


def _publish_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Publish v", S.version_number, "?"),
            rx.dialog.description(
                "The coverage check first. Errors block publishing; each gap marked Confirm "
                "is published only once you tick it (your confirmation is kept in the audit "
                "log); warnings do not block. Publishing replaces the current published "
                "version for every new quote.",
                size="2",
            ),
            rx.box(
                rx.cond(
                    S.issues.length() > 0,  # type: ignore[attr-defined]
                    rx.foreach(S.issues, _issue),
                    rx.callout(
                        "Every active service is priced for the whole validity.",
                        icon="circle-check",
                        color_scheme="green",
                        width="100%",
                    ),
                ),
                max_height="50vh",
                overflow_y="auto",
                margin_y="12px",
                data_testid="coverage",
            ),
            rx.hstack(
                rx.cond(
                    S.publish_blocked,
                    rx.text(
                        "Fix the errors first.",
                        color=rx.color("red", 11),
                        size="2",
                        data_testid="publish-blocked",
                    ),
                    rx.cond(
                        S.to_confirm > 0,
                        rx.text(
                            rx.cond(
                                S.to_confirm == 1,
                                "Tick the gap above to publish with it.",
                                f"Tick each gap above to publish with them ({S.to_confirm} left).",
                            ),
                            color=rx.color("orange", 11),
                            size="2",
                            data_testid="publish-to-confirm",
                        ),
                    ),
                ),
                rx.spacer(),
                rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.button(
                    rx.cond(S.publish_running, rx.spinner(size="1"), rx.icon("rocket", size=14)),
                    "Publish",
                    on_click=S.publish,
                    disabled=S.publish_blocked | (S.to_confirm > 0) | S.publish_running,
                    color_scheme="green",
                    data_testid="publish-confirm",
                ),
                width="100%",
                align="center",
                spacing="2",
            ),
            max_width="680px",
        ),
        open=S.publish_open,
        on_open_change=S.set_publish_open,
    )


DIFF_TONES = {"added": "green", "removed": "red", "changed": "amber"}


def _change(old: rx.Var[str], new: rx.Var[str]) -> rx.Component:
    return rx.hstack(
        rx.text(rx.cond(old != "", old, "—"), color=MUTED, size="2"),
        rx.icon("arrow-right", size=12, color=rx.color("gray", 9)),
        rx.text(rx.cond(new != "", new, "—"), weight="medium", size="2"),
        spacing="2",
        align="center",
        justify="end",
        white_space="nowrap",
    )


def _diff_row(row: ObjectVar[DiffLine]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.match(
                row.change,
                *[
                    (kind, rx.badge(kind, color_scheme=tone, variant="soft"))
                    for kind, tone in DIFF_TONES.items()
                ],
                rx.badge(row.change),
            )
        ),
        rx.table.cell(rx.text(row.key, size="2")),
        rx.cond(
            (row.old_dates != "") | (row.new_dates != ""),
            rx.table.cell(
                _change(row.old_dates, row.new_dates),
                col_span=2,
                text_align="right",
                data_testid="diff-dates",
            ),
            rx.fragment(
                rx.table.cell(_change(row.old_net, row.new_net), text_align="right"),
                rx.table.cell(_change(row.old_sell, row.new_sell), text_align="right"),
            ),
        ),
        background=rx.match(
            row.change,
            *[(kind, rx.color(tone, 2)) for kind, tone in DIFF_TONES.items()],
            "transparent",
        ),
        align="center",
        data_testid="diff-row",
        data_change=row.change,
    )


def _diff() -> rx.Component:
    return rx.cond(
        S.diff_open,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("git-compare", size=18),
                    rx.heading(S.diff_title, size="4", data_testid="diff-title"),
                    rx.text(S.diff_summary, size="2", color=MUTED, data_testid="diff-summary"),
                    rx.spacer(),
                    rx.icon_button(
                        rx.icon("x", size=16),
                        on_click=S.close_diff,
                        variant="ghost",
                        aria_label="Close the comparison",
                    ),
                    width="100%",
                    align="center",
                    spacing="3",
                ),
                rx.cond(
                    S.diff_rows.length() > 0,  # type: ignore[attr-defined]
                    data_table(
                        [
                            ("Change", "left"),
                            ("Line", "left"),
                            ("Net (" + S.currency + ")", "right"),
                            ("Sell (" + S.currency + ")", "right"),
                        ],
                        rx.table.body(rx.foreach(S.diff_rows, _diff_row)),
                        test_id="diff",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            size="3",
            width="100%",
            data_testid="diff-panel",
        ),
    )


# ---- lines ------------------------------------------------------------------------------


def _add_line_dialog() -> rx.Component:
    errors = S.add_errors

    def num(label: str, name: str, default: str = "", placeholder: str = "") -> rx.Component:
        return field(
            label,
            rx.input(
                name=name,
                default_value=default,
                placeholder=placeholder,
                width="100%",
                data_testid=f"add-{name}",
            ),
            error=errors.get(name, ""),
        )

    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(rx.icon("plus", size=14), "Add line", size="2", data_testid="add-line-open")
        ),
        rx.dialog.content(
            rx.dialog.title("Add a line"),
            rx.dialog.description(
                "A price for one service in one season. The dialog stays open to add the next.",
                size="2",
                margin_bottom="12px",
            ),
            rx.form(
                rx.vstack(
                    rx.grid(
                        field(
                            "Service",
                            option_select(
                                S.services,
                                name="service_id",
                                placeholder="Service",
                                test_id="add-service",
                            ),
                            error=errors.get("service_id", ""),
                        ),
                        field(
                            "Season",
                            option_select(
                                S.season_options,
                                name="season_id",
                                placeholder="Season",
                                test_id="add-season",
                            ),
                            error=errors.get("season_id", ""),
                        ),
                        columns="2",
                        spacing="3",
                        width="100%",
                    ),
                    rx.grid(
                        field(
                            "Basis",
                            option_select(
                                _opts(BASIS_OPTIONS),
                                name="basis",
                                default_value="per_room",
                                test_id="add-basis",
                            ),
                            error=errors.get("basis", ""),
                        ),
                        field(
                            "Occupancy",
                            option_select(
                                _opts(OCCUPANCY_OPTIONS),
                                name="occupancy",
                                default_value="double",
                                test_id="add-occupancy",
                            ),
                            error=errors.get("occupancy", ""),
                        ),
                        field(
                            "Age band",
                            option_select(
                                _opts(BAND_OPTIONS),
                                name="age_band",
                                default_value="adult",
                                test_id="add-age-band",
                            ),
                            error=errors.get("age_band", ""),
                        ),
                        columns="3",
                        spacing="3",
                        width="100%",
                    ),
                    rx.grid(
                        num("Net", "net", placeholder="9000"),
                        num("Sell", "sell", placeholder="or markup"),
                        num("Markup %", "markup_pct", placeholder="20"),
                        columns="3",
                        spacing="3",
                        width="100%",
                    ),
                    rx.grid(
                        num("Pax min", "pax_min", "1"),
                        num("Pax max", "pax_max", "99"),
                        num("Min nights", "min_nights", "1"),
                        num("Weekdays", "weekdays", "Every day"),
                        columns="4",
                        spacing="3",
                        width="100%",
                    ),
                    rx.grid(
                        num("Seats per vehicle", "capacity", placeholder="the service's"),
                        num("Supplement", "supplement", placeholder="empty: the base price"),
                        field(
                            "Added",
                            rx.checkbox(
                                "Only when asked",
                                name="optional",
                                data_testid="add-optional",
                            ),
                            error=errors.get("optional", ""),
                        ),
                        columns="3",
                        spacing="3",
                        width="100%",
                    ),
                    rx.cond(
                        errors.contains("form"),  # type: ignore[attr-defined]
                        rx.callout(
                            errors.get("form", ""),
                            icon="circle-alert",
                            color_scheme="red",
                            size="1",
                            width="100%",
                            data_testid="add-error",
                        ),
                    ),
                    rx.cond(
                        S.add_notice != "",
                        rx.callout(
                            S.add_notice,
                            icon="circle-check",
                            color_scheme="green",
                            size="1",
                            width="100%",
                            data_testid="add-notice",
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Close", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Add line", type="submit", data_testid="add-line-save"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.add_line,
                reset_on_submit=False,
            ),
            max_width="640px",
        ),
        open=S.add_open,
        on_open_change=S.set_add_open,
    )


def _delete_lines() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("trash-2", size=14),
                "Delete ",
                S.selected_count,
                disabled=S.selected_count == 0,
                color_scheme="red",
                variant="soft",
                data_testid="delete-lines",
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete ", S.selected_count, " line(s)?"),
            rx.alert_dialog.description(
                "They leave this draft; published versions keep their own copies.", size="2"
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Delete",
                        color_scheme="red",
                        on_click=S.delete_selected,
                        data_testid="delete-lines-confirm",
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
        open=S.delete_open,
        on_open_change=S.set_delete_open,
    )


def _bulk_row(row: ObjectVar[BulkLine]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.label, size="1")),
        rx.table.cell(rx.text(row.old, size="2", color=MUTED), text_align="right"),
        rx.table.cell(rx.text(row.new, size="2", weight="bold"), text_align="right"),
        rx.table.cell(
            rx.text(
                row.delta,
                size="1",
                color=rx.cond(row.up, rx.color("green", 11), rx.color("red", 11)),
            ),
            text_align="right",
        ),
        data_testid="bulk-row",
    )


def _bulk_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("percent", size=14),
                "Bulk update",
                variant="soft",
                data_testid="bulk-open",
            )
        ),
        rx.dialog.content(
            rx.dialog.title("Bulk update"),
            rx.dialog.description(
                "Preview shows old → new for every line; Apply changes them all in one go.",
                size="2",
                margin_bottom="12px",
            ),
            rx.vstack(
                rx.radio_group.root(
                    rx.hstack(
                        rx.radio_group.item(value="selected", disabled=S.selected_count == 0),
                        rx.text("Ticked lines (", S.selected_count, ")", size="2"),
                        rx.radio_group.item(value="filter"),
                        rx.text(
                            rx.cond(
                                S.only_label != "",
                                "The lines shown",
                                "All lines of the current filter",
                            ),
                            size="2",
                        ),
                        spacing="2",
                        align="center",
                    ),
                    value=S.bulk_scope,
                    on_change=lambda v: S.set_bulk("bulk_scope", v),  # type: ignore[operator]
                    data_testid="bulk-scope",
                ),
                rx.grid(
                    field(
                        "Price",
                        option_select(
                            [("net", "Net"), ("sell", "Sell")],
                            value=S.bulk_field,
                            on_change=lambda v: S.set_bulk("bulk_field", v),  # type: ignore[operator]
                            test_id="bulk-field",
                        ),
                        error="",
                    ),
                    field(
                        "Change",
                        option_select(
                            [
                                ("percent", "+/- %"),
                                ("amount", "+/- amount"),
                                ("set", "Set to"),
                            ],
                            value=S.bulk_op,
                            on_change=lambda v: S.set_bulk("bulk_op", v),  # type: ignore[operator]
                            test_id="bulk-op",
                        ),
                        error="",
                    ),
                    field(
                        "Value",
                        rx.input(
                            value=S.bulk_value,
                            on_change=lambda v: S.set_bulk("bulk_value", v),  # type: ignore[operator]
                            placeholder="10 or -5",
                            data_testid="bulk-value",
                        ),
                        error="",
                    ),
                    field(
                        "Round to",
                        rx.input(
                            value=S.bulk_round,
                            on_change=lambda v: S.set_bulk("bulk_round", v),  # type: ignore[operator]
                            placeholder="e.g. 10",
                            data_testid="bulk-round",
                        ),
                        error="",
                    ),
                    columns="4",
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    S.bulk_error != "",
                    rx.callout(
                        S.bulk_error,
                        icon="circle-alert",
                        color_scheme="red",
                        width="100%",
                        data_testid="bulk-error",
                    ),
                ),
                rx.cond(
                    S.bulk_ready,
                    rx.vstack(
                        rx.text(
                            S.bulk_count,
                            " line(s) will change",
                            rx.cond(
                                S.bulk_count > PREVIEW_ROWS,
                                f" (the first {PREVIEW_ROWS} shown)",
                                "",
                            ),
                            ".",
                            size="2",
                            weight="medium",
                            data_testid="bulk-count",
                        ),
                        rx.box(
                            data_table(
                                [
                                    ("Line", "left"),
                                    ("Old (" + S.currency + ")", "right"),
                                    ("New (" + S.currency + ")", "right"),
                                    ("", "right"),
                                ],
                                rx.table.body(rx.foreach(S.bulk_rows, _bulk_row)),
                                test_id="bulk-preview",
                            ),
                            max_height="340px",
                            overflow_y="auto",
                            width="100%",
                        ),
                        spacing="2",
                        width="100%",
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                    rx.button(
                        rx.cond(S.bulk_running, rx.spinner(size="1"), rx.icon("eye", size=14)),
                        "Preview",
                        on_click=S.bulk_preview,
                        disabled=S.bulk_running,
                        variant="soft",
                        data_testid="bulk-preview-run",
                    ),
                    rx.button(
                        rx.cond(S.bulk_running, rx.spinner(size="1"), rx.icon("check", size=14)),
                        "Apply",
                        on_click=S.bulk_apply,
                        disabled=~S.bulk_ready | S.bulk_running,
                        data_testid="bulk-apply",
                    ),
                    justify="end",
                    width="100%",
                    spacing="2",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="760px",
        ),
        open=S.bulk_open,
        on_open_change=S.set_bulk_open,
    )


def _lines_toolbar() -> rx.Component:
    return rx.hstack(
        option_select(
            S.services,
            value=S.filter_service,
            on_change=S.filter_by_service,
            first=(ALL, "All services"),
            test_id="filter-service",
            width="220px",
        ),
        option_select(
            S.season_options,
            value=S.filter_season,
            on_change=S.filter_by_season,
            first=(ALL, "All seasons"),
            test_id="filter-season",
            width="160px",
        ),
        rx.cond(
            S.only_label != "",
            rx.badge(
                rx.icon("filter", size=12),
                S.only_label,
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
            (S.filter_service != ALL) | (S.filter_season != ALL) | (S.only_label != ""),
            rx.button(
                "Clear filters",
                on_click=S.clear_filters,
                variant="ghost",
                size="1",
                color_scheme="gray",
            ),
        ),
        rx.spacer(),
        pager(
            label=S.range_text,
            page=S.page,
            pages=S.pages,
            on_prev=S.prev_page,
            on_next=S.next_page,
            test_id="lines-pager",
        ),
        width="100%",
        align="center",
        spacing="2",
        wrap="wrap",
    )


def _lines_actions() -> rx.Component:
    return rx.cond(
        S.editable,
        rx.hstack(
            _add_line_dialog(),
            _bulk_dialog(),
            _delete_lines(),
            rx.cond(
                S.selected_count > 0,
                rx.button(
                    "Untick all",
                    on_click=S.pick_all(False),  # type: ignore[operator]
                    variant="ghost",
                    color_scheme="gray",
                    data_testid="untick-all",
                ),
                rx.button(
                    "Tick all on this page",
                    on_click=S.pick_all(True),  # type: ignore[operator]
                    variant="ghost",
                    color_scheme="gray",
                    data_testid="tick-all",
                ),
            ),
            rx.cond(
                S.undo_label != "",
                rx.button(
                    rx.icon("undo-2", size=14),
                    "Undo last edit",
                    on_click=S.undo,
                    variant="soft",
                    color_scheme="gray",
                    data_testid="undo",
                ),
            ),
            rx.spacer(),
            rx.text(
                "Double-click a cell to edit it; Enter saves, Esc cancels.",
                size="1",
                color=MUTED,
            ),
            spacing="2",
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.callout(
            rx.cond(
                S.can_edit,
                "This version is "
                + S.status
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


def _cell_messages() -> rx.Component:
    return rx.fragment(
        rx.cond(
            S.cell_error != "",
            rx.callout(
                S.cell_error,
                icon="circle-alert",
                color_scheme="red",
                size="1",
                width="100%",
                data_testid="cell-error",
            ),
        ),
        rx.cond(
            (S.cell_notice != "") & (S.cell_error == ""),
            rx.callout(
                S.cell_notice,
                icon="circle-check",
                color_scheme="green",
                size="1",
                width="100%",
                data_testid="cell-notice",
            ),
        ),
    )


def _lines_tab() -> rx.Component:
    return rx.vstack(
        _lines_actions(),
        _lines_toolbar(),
        _cell_messages(),
        rx.cond(
            S.total > 0,
            sheet(
                columns=S.columns,
                data=S.grid,
                on_cell_edited=S.edit_cell,
                height=S.grid_height,
                test_id="rate-grid",
            ),
            empty_state(
                "table",
                "No lines here",
                rx.cond(
                    S.season_options.length() == 0,  # type: ignore[attr-defined]
                    "Add seasons first (Seasons tab), then the prices of each service.",
                    "Add a line, or change the filters.",
                ),
                test_id="lines-empty",
            ),
        ),
        spacing="3",
        width="100%",
    )


# ---- seasons and age bands ----------------------------------------------------------------


def _season_row(row: ObjectVar[SeasonRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.name, weight="medium")),
        rx.table.cell(rx.text(row.dates, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(row.nights, " days", size="2", color=MUTED)),
        rx.table.cell(
            rx.cond(
                S.editable,
                rx.hstack(
                    rx.button(
                        rx.icon("pencil", size=12),
                        "Edit",
                        size="1",
                        variant="soft",
                        on_click=S.open_season(row.season_id),  # type: ignore[operator]
                        data_testid="season-edit",
                    ),
                    rx.alert_dialog.root(
                        rx.alert_dialog.trigger(
                            rx.button(
                                rx.icon("trash-2", size=12),
                                "Delete",
                                size="1",
                                variant="soft",
                                color_scheme="red",
                                data_testid="season-delete",
                            )
                        ),
                        rx.alert_dialog.content(
                            rx.alert_dialog.title("Delete season ", row.name, "?"),
                            rx.alert_dialog.description(
                                "Its prices in this draft go with it.", size="2"
                            ),
                            rx.hstack(
                                rx.alert_dialog.cancel(
                                    rx.button("Cancel", variant="soft", color_scheme="gray")
                                ),
                                rx.alert_dialog.action(
                                    rx.button(
                                        "Delete",
                                        color_scheme="red",
                                        on_click=S.delete_season(row.season_id),  # type: ignore[operator]
                                    )
                                ),
                                spacing="3",
                                justify="end",
                                margin_top="16px",
                            ),
                        ),
                    ),
                    spacing="2",
                    justify="end",
                ),
            ),
            text_align="right",
        ),
        align="center",
        data_testid="season-row",
    )


def _range_slot(slot: ObjectVar[RangeSlot], index: rx.Var[int]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.input(
                type="date",
                value=slot.starts_on,
                on_change=lambda v: S.set_range(index, "starts_on", v),  # type: ignore[operator]
                aria_label="Starts on",
                data_testid="season-start",
            ),
            rx.text(DASH, color=MUTED),
            rx.input(
                type="date",
                value=slot.ends_on,
                on_change=lambda v: S.set_range(index, "ends_on", v),  # type: ignore[operator]
                aria_label="Ends on (inclusive)",
                data_testid="season-end",
            ),
            rx.cond(
                S.season_slots.length() > 1,  # type: ignore[attr-defined]
                rx.icon_button(
                    rx.icon("x", size=12),
                    type="button",
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    on_click=S.remove_range(index),  # type: ignore[operator]
                    aria_label="Remove these dates",
                    data_testid="season-remove-range",
                ),
            ),
            align="center",
            spacing="2",
        ),
        rx.cond(
            slot.error != "",
            rx.text(slot.error, size="1", color=rx.color("red", 11), data_testid="range-error"),
        ),
        spacing="1",
        width="100%",
        data_testid="season-range",
    )


def _season_dialog() -> rx.Component:
    errors = S.season_errors
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.season_edit_id == "", "Add a season", "Edit the season")),
            rx.form(
                rx.vstack(
                    field(
                        "Name",
                        rx.input(
                            name="name",
                            default_value=S.season_form["name"],
                            placeholder="e.g. Peak",
                            width="100%",
                            data_testid="season-name",
                        ),
                        error=errors.get("name", ""),
                    ),
                    rx.text("Dates", size="2", weight="medium"),
                    rx.text(
                        "A season may have several date ranges with the same prices (Peak at "
                        "New Year and again at Easter).",
                        size="1",
                        color=MUTED,
                    ),
                    rx.foreach(S.season_slots, _range_slot),
                    rx.cond(
                        S.season_slots.length() < MAX_SEASON_RANGES,  # type: ignore[attr-defined]
                        rx.button(
                            rx.icon("plus", size=12),
                            "Add dates",
                            type="button",
                            size="1",
                            variant="soft",
                            on_click=S.add_range,
                            data_testid="season-add-range",
                        ),
                    ),
                    rx.cond(
                        errors.contains("form"),  # type: ignore[attr-defined]
                        rx.callout(
                            errors.get("form", ""),
                            icon="circle-alert",
                            color_scheme="red",
                            width="100%",
                            data_testid="season-error",
                        ),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Save season", type="submit", data_testid="season-save"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.save_season,
                reset_on_submit=False,
            ),
            max_width="480px",
        ),
        open=S.season_open,
        on_open_change=S.set_season_open,
    )


def _band_row(row: ObjectVar[BandRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.label, weight="medium", size="2")),
        rx.table.cell(
            rx.input(
                name=f"{row.kind}_min",
                default_value=row.age_min,
                read_only=~S.editable,
                width="80px",
                size="1",
            )
        ),
        rx.table.cell(
            rx.input(
                name=f"{row.kind}_max",
                default_value=row.age_max,
                read_only=~S.editable,
                width="80px",
                size="1",
            )
        ),
        rx.table.cell(
            rx.text(
                S.band_errors.get(row.kind, ""),  # type: ignore[call-overload]
                size="1",
                color=rx.color("red", 11),
            )
        ),
        align="center",
    )


def _seasons_tab() -> rx.Component:
    return rx.vstack(
        section(
            "Seasons",
            rx.cond(
                S.seasons.length() > 0,  # type: ignore[attr-defined]
                data_table(
                    [("Season", "left"), ("Dates", "left"), ("Length", "left"), ("", "right")],
                    rx.table.body(rx.foreach(S.seasons, _season_row)),
                    test_id="seasons",
                ),
                empty_state(
                    "calendar-range",
                    "No seasons yet",
                    "Seasons split the validity into date ranges with their own prices.",
                ),
            ),
            action=rx.cond(
                S.editable,
                rx.button(
                    rx.icon("plus", size=14),
                    "Add season",
                    on_click=S.open_season(""),  # type: ignore[operator]
                    data_testid="season-add",
                ),
            ),
        ),
        section(
            "Age bands",
            rx.text(
                "Who counts as a child or an infant in this contract. Leave both ages empty for a "
                "band the contract does not price.",
                size="2",
                color=MUTED,
            ),
            rx.form(
                rx.vstack(
                    data_table(
                        [("Band", "left"), ("From age", "left"), ("To age", "left"), ("", "left")],
                        rx.table.body(rx.foreach(S.bands, _band_row)),
                        test_id="age-bands",
                    ),
                    rx.cond(
                        S.band_message != "",
                        rx.callout(S.band_message, color_scheme="red", size="1", width="100%"),
                    ),
                    rx.cond(
                        S.editable,
                        rx.button("Save age bands", type="submit", data_testid="bands-save"),
                    ),
                    spacing="3",
                    width="100%",
                    align="start",
                ),
                on_submit=S.save_bands,
                reset_on_submit=False,
                key=S.version_id + S.row_version.to_string(),  # type: ignore[attr-defined]
            ),
        ),
        _season_dialog(),
        spacing="4",
        width="100%",
    )


# ---- restrictions and allotments ----------------------------------------------------------


def _restriction_row(row: ObjectVar[RestrictionRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.badge(
                row.kind_label,
                color_scheme=rx.cond(row.kind == RestrictionKind.STOP_SALE.value, "gray", "red"),
                variant="soft",
            )
        ),
        rx.table.cell(rx.text(row.service, size="2")),
        rx.table.cell(rx.text(row.dates, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(row.reason, size="2", color=MUTED)),
        rx.table.cell(
            rx.cond(
                S.can_edit,
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    on_click=S.delete_restriction(row.restriction_id),  # type: ignore[operator]
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    aria_label="Remove",
                    data_testid="restriction-delete",
                ),
            ),
            text_align="right",
        ),
        align="center",
        data_testid="restriction-row",
    )


def _restriction_form() -> rx.Component:
    errors = S.restriction_errors
    return rx.form(
        rx.grid(
            field(
                "Kind",
                option_select(
                    [
                        (RestrictionKind.BLACKOUT.value, "Blackout"),
                        (RestrictionKind.STOP_SALE.value, "Stop-sale"),
                    ],
                    name="kind",
                    default_value=RestrictionKind.BLACKOUT.value,
                    test_id="restriction-kind",
                ),
                error=errors.get("kind", ""),
            ),
            field(
                "Service",
                option_select(
                    S.services,
                    name="service_id",
                    default_value=ALL,
                    first=(ALL, "All services"),
                    test_id="restriction-service",
                ),
                error=errors.get("service_id", ""),
            ),
            field(
                "From",
                rx.input(name="starts_on", type="date", data_testid="restriction-from"),
                error=errors.get("starts_on", ""),
            ),
            field(
                "To",
                rx.input(name="ends_on", type="date", data_testid="restriction-to"),
                error=errors.get("ends_on", ""),
            ),
            field(
                "Reason",
                rx.input(name="reason", placeholder="e.g. New Year gala", width="100%"),
                error=errors.get("reason", ""),
            ),
            rx.button("Add", type="submit", data_testid="restriction-add", margin_top="22px"),
            columns=rx.breakpoints(initial="1", md="140px 220px 150px 150px 1fr auto"),
            spacing="3",
            align="start",
            width="100%",
        ),
        on_submit=S.add_restriction,
        reset_on_submit=True,
    )


def _day(cell: ObjectVar[DayCell]) -> rx.Component:
    background = rx.match(
        cell.tone,
        ("blackout", rx.color("red", 4)),
        ("stop_sale", rx.color("gray", 6)),
        rx.cond(cell.units != "", rx.color("teal", 2), rx.color("gray", 1)),
    )
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.text(cell.day, size="2", weight="bold"),
                rx.spacer(),
                rx.cond(
                    cell.units != "",
                    rx.text(cell.left, " left", size="1", color=MUTED),
                ),
                width="100%",
            ),
            rx.cond(
                cell.units != "",
                rx.text(
                    cell.used,
                    " / ",
                    cell.units,
                    " used",
                    size="1",
                    weight="medium",
                    color=rx.color("teal", 11),
                ),
            ),
            rx.cond(
                cell.note != "",
                rx.text(
                    cell.note,
                    size="1",
                    weight="medium",
                    color=rx.cond(
                        cell.tone == "blackout", rx.color("red", 11), rx.color("gray", 12)
                    ),
                    overflow="hidden",
                    text_overflow="ellipsis",
                    white_space="nowrap",
                    max_width="100%",
                ),
            ),
            spacing="1",
            align="start",
            width="100%",
        ),
        padding="6px 8px",
        min_height="72px",
        border_radius="6px",
        border=f"1px solid {rx.color('gray', 4)}",
        background=background,
        opacity=rx.cond(cell.in_month, "1", "0.35"),
        title=cell.note,
        data_testid="cal-day",
        data_date=cell.iso,
        data_tone=cell.tone,
    )


def _calendar() -> rx.Component:
    errors = S.allot_errors
    return section(
        "Allotments",
        rx.hstack(
            option_select(
                S.services,
                value=S.cal_service,
                on_change=S.calendar_service,
                test_id="cal-service",
                width="240px",
            ),
            rx.spacer(),
            rx.icon_button(
                rx.icon("chevron-left", size=16),
                on_click=S.calendar_step(-1),  # type: ignore[operator]
                variant="soft",
                aria_label="Previous month",
                data_testid="cal-prev",
            ),
            rx.text(S.cal_title, weight="bold", min_width="130px", text_align="center"),
            rx.icon_button(
                rx.icon("chevron-right", size=16),
                on_click=S.calendar_step(1),  # type: ignore[operator]
                variant="soft",
                aria_label="Next month",
                data_testid="cal-next",
            ),
            width="100%",
            align="center",
            spacing="2",
        ),
        rx.grid(
            *[
                rx.text(label, size="1", weight="bold", color=MUTED, text_align="center")
                for label in DAY_LABELS
            ],
            rx.foreach(S.cal_weeks, lambda week: rx.foreach(week, _day)),
            columns="7",
            spacing="1",
            width="100%",
            data_testid="calendar",
        ),
        rx.hstack(
            rx.hstack(
                rx.box(width="12px", height="12px", background=rx.color("teal", 3)),
                rx.text("allotment", size="1"),
                rx.box(width="12px", height="12px", background=rx.color("red", 4)),
                rx.text("blackout", size="1"),
                rx.box(width="12px", height="12px", background=rx.color("gray", 6)),
                rx.text("stop-sale", size="1"),
                spacing="2",
                align="center",
            ),
            width="100%",
        ),
        rx.cond(
            S.can_edit,
            rx.form(
                rx.grid(
                    field(
                        "From",
                        rx.input(name="starts_on", type="date", data_testid="allot-from"),
                        error=errors.get("starts_on", ""),
                    ),
                    field(
                        "To",
                        rx.input(name="ends_on", type="date", data_testid="allot-to"),
                        error=errors.get("ends_on", ""),
                    ),
                    field(
                        "Units",
                        rx.input(name="units", data_testid="allot-units"),
                        error=errors.get("units", ""),
                    ),
                    field(
                        "Release days",
                        rx.input(name="release_days", default_value="0"),
                        error=errors.get("release_days", ""),
                    ),
                    rx.button(
                        "Set allotment",
                        type="submit",
                        margin_top="22px",
                        data_testid="allot-save",
                    ),
                    columns=rx.breakpoints(initial="1", md="150px 150px 90px 150px auto"),
                    spacing="3",
                    align="start",
                ),
                on_submit=S.set_allotment,
                reset_on_submit=False,
            ),
        ),
    )


def _restrictions_tab() -> rx.Component:
    return rx.vstack(
        section(
            "Blackouts and stop-sales",
            rx.text(
                "For this supplier, whatever the version: a blackout suspends the contract "
                "price, a stop-sale closes sales.",
                size="2",
                color=MUTED,
            ),
            rx.cond(
                S.restrictions.length() > 0,  # type: ignore[attr-defined]
                data_table(
                    [
                        ("Kind", "left"),
                        ("Service", "left"),
                        ("Dates", "left"),
                        ("Reason", "left"),
                        ("", "right"),
                    ],
                    rx.table.body(rx.foreach(S.restrictions, _restriction_row)),
                    test_id="restrictions",
                ),
                rx.text("None.", size="2", color=MUTED),
            ),
            rx.cond(S.can_edit, _restriction_form()),
        ),
        _calendar(),
        spacing="4",
        width="100%",
    )


# ---- price check --------------------------------------------------------------------------


def _night(row: ObjectVar[NightRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(row.night, size="2"),
            rx.cond(
                row.parts != "",
                rx.text(row.parts, size="1", color=MUTED, data_testid="quote-parts"),
            ),
        ),
        rx.table.cell(rx.text(row.net, size="2"), text_align="right"),
        rx.table.cell(rx.text(row.sell, size="2", weight="medium"), text_align="right"),
        data_testid="quote-night",
    )


def _price_tab() -> rx.Component:
    errors = S.quote_errors

    def small(label: str, name: str, default: str, placeholder: str = "") -> rx.Component:
        return field(
            label,
            rx.input(
                name=name,
                default_value=default,
                placeholder=placeholder,
                width="100%",
                data_testid=f"pc-{name}",
            ),
            error=errors.get(name, ""),
        )

    return section(
        "Price check",
        rx.text(
            "What a quote would get from the published versions of this supplier (drafts are "
            "not on sale).",
            size="2",
            color=MUTED,
        ),
        rx.form(
            rx.vstack(
                rx.grid(
                    field(
                        "Service",
                        option_select(
                            S.services,
                            name="service_id",
                            placeholder="Service",
                            on_change=S.set_pc_service,
                            test_id="pc-service",
                        ),
                        error=errors.get("service_id", ""),
                    ),
                    field(
                        "Check-in",
                        rx.input(name="check_in", type="date", data_testid="pc-check-in"),
                        error=errors.get("check_in", ""),
                    ),
                    small("Nights", "nights", "1"),
                    field(
                        "Occupancy",
                        option_select(
                            _opts(OCCUPANCY_OPTIONS),
                            name="occupancy",
                            default_value="double",
                        ),
                        error=errors.get("occupancy", ""),
                    ),
                    small("Rooms", "rooms", "1"),
                    small("Adults", "adults", "2"),
                    small("Child ages", "child_ages", "", "e.g. 8, 4"),
                    small("With a bed", "children_with_bed", "0"),
                    columns=rx.breakpoints(
                        initial="1", md="220px 150px 64px 120px 64px 64px 100px 84px"
                    ),
                    spacing="3",
                    align="start",
                    width="100%",
                ),
                rx.grid(
                    field(
                        "Priced",
                        option_select(
                            _opts(BASIS_OPTIONS),
                            name="basis",
                            first=(PC_ANY_BASIS, "As the list sells it"),
                            default_value=PC_ANY_BASIS,
                            test_id="pc-basis",
                        ),
                        error=errors.get("basis", ""),
                    ),
                    rx.cond(S.pc_vehicle, small("Km per day", "km", "", "e.g. 300")),
                    rx.cond(S.pc_vehicle, small("Hours per day", "hours", "", "e.g. 4")),
                    rx.cond(S.pc_vehicle, small("Transfers per day", "transfers", "1")),
                    small("Supplements", "supplements", "", "e.g. Night driving"),
                    columns=rx.breakpoints(initial="1", md="200px 100px 100px 120px 220px"),
                    spacing="3",
                    align="start",
                    width="100%",
                ),
                rx.button("Check price", type="submit", data_testid="pc-run"),
                spacing="3",
                align="start",
                width="100%",
            ),
            on_submit=S.check_price,
            reset_on_submit=False,
        ),
        rx.cond(
            S.quote_error != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("ban")),
                rx.callout.text(rx.text(S.quote_reason, weight="bold"), S.quote_error),
                color_scheme="red",
                width="100%",
                data_testid="quote-refused",
            ),
        ),
        rx.cond(
            S.quote_rows.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                data_table(
                    [("Night", "left"), ("Net", "right"), ("Sell", "right")],
                    rx.table.body(
                        rx.foreach(S.quote_rows, _night),
                        rx.table.row(
                            rx.table.cell(rx.text("Total", weight="bold")),
                            rx.table.cell(
                                rx.text(S.quote_total_net, weight="bold"), text_align="right"
                            ),
                            rx.table.cell(
                                rx.text(S.quote_total_sell, weight="bold"), text_align="right"
                            ),
                        ),
                    ),
                    test_id="quote",
                ),
                rx.text(S.quote_source, size="2", data_testid="quote-source"),
                rx.text(S.quote_note, size="1", color=MUTED),
                spacing="2",
                width="100%",
            ),
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
        rx.tabs.content(_lines_tab(), value="lines", padding_top="16px"),
        rx.tabs.content(_seasons_tab(), value="seasons", padding_top="16px"),
        rx.tabs.content(_restrictions_tab(), value="restrictions", padding_top="16px"),
        rx.tabs.content(_price_tab(), value="price", padding_top="16px"),
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
            _diff(),
            _tabs(),
            _terms_dialog(),
            _publish_dialog(),
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
