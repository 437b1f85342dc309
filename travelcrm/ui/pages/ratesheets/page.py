"""Import a supplier's rate sheet into a rate list: upload, map the columns, check (dry run:
errors by row and column, warnings, the diff against the current version), then commit into a
draft. Large files show the worker's progress; a reload comes back to the same import."""

from __future__ import annotations

from typing import Any

import reflex as rx

from travelcrm.ratesheets.schemas import ImportField
from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button
from travelcrm.ui.components.cards import muted, page_header, section, stat_card
from travelcrm.ui.components.dialogs import confirm_dialog
from travelcrm.ui.components.grid import option_select
from travelcrm.ui.components.tables import data_table, empty_state, gated
from travelcrm.ui.pages.ratesheets.state import (
    AGE_BAND_OPTIONS,
    BASIS_OPTIONS,
    FIELD_OPTIONS,
    MEAL_PLAN_OPTIONS,
    OCCUPANCY_OPTIONS,
    STEPS,
    ChangeRow,
    ColumnChoice,
    HistoryRow,
    PreviewRow,
    ProblemRow,
    RateImportState,
)
from travelcrm.ui.pages.ratesheets.words import PriceWordsState, price_words_section
from travelcrm.ui.template import staff_page

S = RateImportState
MUTED = rx.color("gray", 11)


def _count(value: Any) -> Any:
    """A number var as text (for the stat cards)."""
    return rx.Var.create(value).to_string()


def _stepper() -> rx.Component:
    def step(index: int, key: str, label: str) -> rx.Component:
        reached = S.step_index >= index
        current = S.step == key
        return rx.hstack(
            rx.center(
                rx.text(str(index + 1), size="1", weight="bold"),
                width="24px",
                height="24px",
                border_radius="999px",
                background=rx.cond(reached, rx.color("accent", 9), rx.color("gray", 4)),
                color=rx.cond(reached, "white", rx.color("gray", 11)),
            ),
            rx.text(
                label,
                size="2",
                weight=rx.cond(current, "bold", "regular"),
                color=rx.cond(reached, rx.color("gray", 12), MUTED),
            ),
            spacing="2",
            align="center",
        )

    items: list[rx.Component] = []
    for index, (key, label) in enumerate(STEPS):
        if index:
            items.append(rx.box(height="1px", width="32px", background=rx.color("gray", 6)))
        items.append(step(index, key, label))
    return rx.hstack(*items, spacing="3", align="center", wrap="wrap", data_testid="import-steps")


# ---- step 1 ----------------------------------------------------------------------------------


def _upload() -> rx.Component:
    return section(
        "Upload the supplier's sheet",
        rx.upload(
            rx.vstack(
                rx.icon("file-spreadsheet", size=28, color=rx.color("accent", 10)),
                rx.text(
                    rx.cond(
                        rx.selected_files("sheet").length() > 0,
                        rx.selected_files("sheet")[0],
                        "Drop a CSV, XLSX or XLS file (up to 50 MB), or click to choose",
                    ),
                    size="2",
                    color=MUTED,
                    text_align="center",
                ),
                muted(
                    "Title rows, merged cells and blank lines above the table are fine: the "
                    "header row is found for you.",
                    size="1",
                    shade=10,
                    text_align="center",
                ),
                align="center",
                spacing="2",
            ),
            id="sheet",
            multiple=False,
            accept={
                "text/csv": [".csv"],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
                "application/vnd.ms-excel": [".xls"],
            },
            max_files=1,
            border=f"1px dashed {rx.color('gray', 7)}",
            border_radius="12px",
            padding="28px",
            width="100%",
            data_testid="sheet-drop",
        ),
        rx.hstack(
            rx.button(
                rx.icon("upload", size=16),
                "Upload and preview",
                on_click=S.upload(rx.upload_files(upload_id="sheet")),  # type: ignore[operator]
                data_testid="sheet-upload",
            ),
            justify="end",
            width="100%",
        ),
    )


def _history_row(item: HistoryRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(item.when, size="2", white_space="nowrap")),
        rx.table.cell(rx.link(item.file_name, href=item.href, size="2")),
        rx.table.cell(
            rx.match(
                item.status,
                ("committed", rx.badge("stored", color_scheme="green", variant="soft")),
                ("refused", rx.badge("refused", color_scheme="red", variant="soft")),
                ("failed", rx.badge("failed", color_scheme="red", variant="soft")),
                ("checked", rx.badge("checked", color_scheme="blue", variant="soft")),
                rx.badge(item.status_words, color_scheme="gray", variant="soft"),
            )
        ),
        rx.table.cell(item.lines, text_align="right"),
        rx.table.cell(rx.text(item.problems, size="2", color=MUTED)),
        data_testid="history-row",
    )


def _resume() -> rx.Component:
    """The viewer's newest unfinished import of this list, one click away."""
    return rx.cond(
        S.resume_href != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("history")),
            rx.callout.text(
                "Your import of ",
                rx.text(S.resume_file, as_="span", weight="medium"),
                " is " + S.resume_status + ". ",
                rx.link("Continue it", href=S.resume_href, data_testid="resume-import"),
            ),
            color_scheme="blue",
            variant="surface",
            width="100%",
            data_testid="resume",
        ),
        rx.fragment(),
    )


def _history() -> rx.Component:
    return rx.cond(
        S.history.length() > 0,  # type: ignore[attr-defined]
        section(
            "Earlier imports of this list",
            data_table(
                [
                    ("When", "left"),
                    ("File", "left"),
                    ("Result", "left"),
                    ("Lines", "right"),
                    ("Problems", "left"),
                ],
                rx.foreach(S.history, _history_row),
                test_id="import-history",
            ),
        ),
        rx.fragment(),
    )


# ---- step 2 ----------------------------------------------------------------------------------


def _preview_cell(text: Any) -> rx.Component:
    return rx.table.cell(
        rx.text(text, size="1", trim="both", white_space="nowrap"),
        max_width="180px",
        overflow="hidden",
        text_overflow="ellipsis",
    )


def _preview_row(row: PreviewRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.number, size="1", color=MUTED)),
        rx.foreach(row.cells, _preview_cell),
        background=rx.cond(row.is_header, rx.color("accent", 3), "transparent"),
        font_weight=rx.cond(row.is_header, "600", "400"),
    )


def _preview() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.body(rx.foreach(S.preview, _preview_row)),
            size="1",
            variant="surface",
        ),
        overflow_x="auto",
        max_height="320px",
        overflow_y="auto",
        width="100%",
        data_testid="sheet-preview",
    )


def _column_row(column: ColumnChoice) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.badge(column.letter, variant="soft", color_scheme="gray")),
        rx.table.cell(rx.text(column.header, size="2", weight="medium")),
        rx.table.cell(rx.text(column.samples, size="1", color=MUTED), max_width="260px"),
        rx.table.cell(
            option_select(
                FIELD_OPTIONS,
                value=column.field,
                on_change=lambda value: S.set_field(column.index, value),  # type: ignore[operator]
                test_id="column-field",
                width="220px",
            )
        ),
        rx.table.cell(
            rx.cond(
                column.meaning != "",
                rx.badge(column.meaning, variant="soft", color_scheme="blue"),
                rx.text("—", color=MUTED),
            )
        ),
        data_testid="column-row",
    )


def _constant(label: str, control: rx.Component, hint: str = "") -> rx.Component:
    parts = [rx.text(label, size="2", weight="medium"), control]
    if hint:
        parts.append(rx.text(hint, size="1", color=MUTED))
    return rx.vstack(*parts, spacing="1")


def _choose(field: ImportField, options: list[tuple[str, str]], value: Any) -> rx.Component:
    return option_select(
        options,
        value=value,
        on_change=lambda v: S.set_constant(field.value, v),  # type: ignore[operator]
        test_id=f"constant-{field.value.replace('_', '-')}",
    )


def _typed(field: ImportField, value: Any, *, kind: str = "text", **props: Any) -> rx.Component:
    return rx.input(
        default_value=value,
        key=value,
        on_blur=lambda v: S.set_constant(field.value, v),  # type: ignore[operator]
        type=kind,
        data_testid=f"constant-{field.value.replace('_', '-')}",
        **props,
    )


def _constants() -> rx.Component:
    """A value for every line, for each field the file does not give."""
    return rx.grid(
        _constant(
            "Currency of the prices",
            _typed(ImportField.CURRENCY, S.constant_currency, max_length=3, width="100px"),
            "Used when a cell carries no currency.",
        ),
        _constant("Pricing basis", _choose(ImportField.BASIS, BASIS_OPTIONS, S.constant_basis)),
        _constant(
            "Occupancy for every price",
            _choose(ImportField.OCCUPANCY, OCCUPANCY_OPTIONS, S.constant_occupancy),
            "For sheets priced for one occupancy only.",
        ),
        _constant(
            "Meal plan", _choose(ImportField.MEAL_PLAN, MEAL_PLAN_OPTIONS, S.constant_meal_plan)
        ),
        _constant("Guest", _choose(ImportField.AGE_BAND, AGE_BAND_OPTIONS, S.constant_age_band)),
        _constant(
            "Season name",
            _typed(ImportField.SEASON, S.constant_season, placeholder="Peak"),
            "For a sheet of one season.",
        ),
        _constant(
            "Valid from",
            _typed(ImportField.VALID_FROM, S.constant_valid_from, kind="date"),
            "For a sheet of one period.",
        ),
        _constant("Valid to", _typed(ImportField.VALID_TO, S.constant_valid_to, kind="date")),
        _constant(
            "Pax break",
            _typed(ImportField.PAX, S.constant_pax, placeholder="1-2, 10+", width="120px"),
        ),
        _constant(
            "Minimum nights",
            _typed(ImportField.MIN_NIGHTS, S.constant_min_nights, kind="number", min=1, max=60),
        ),
        _constant(
            "Days of the week",
            _typed(ImportField.WEEKDAYS, S.constant_weekdays, placeholder="Mon-Thu"),
        ),
        _constant(
            "Seats per vehicle",
            _typed(ImportField.CAPACITY, S.constant_capacity, kind="number", min=1, max=100),
            "For prices per vehicle; a Seats column, or seats in the basis, say it per row.",
        ),
        columns=rx.breakpoints(initial="1", sm="2", md="3", lg="4"),
        spacing="4",
        width="100%",
        data_testid="constants",
    )


def _map() -> rx.Component:
    return rx.vstack(
        section(
            "The file",
            rx.hstack(
                rx.icon("file-spreadsheet", size=18, color=rx.color("accent", 10)),
                rx.text(S.file_name, weight="medium", data_testid="file-name"),
                rx.badge(S.file_note, variant="soft", color_scheme="gray"),
                rx.spacer(),
                rx.cond(
                    S.sheets.length() > 1,  # type: ignore[attr-defined]
                    rx.hstack(
                        rx.text("Sheet", size="2", color=MUTED),
                        option_select(
                            S.sheet_options,
                            value=S.sheet,
                            on_change=S.pick_sheet,
                            test_id="sheet-select",
                            width="260px",
                        ),
                        align="center",
                    ),
                    rx.fragment(),
                ),
                rx.hstack(
                    rx.text("Header row", size="2", color=MUTED),
                    rx.input(
                        default_value=S.header_row,
                        key=S.header_row,
                        on_blur=S.set_header_row,
                        width="70px",
                        type="number",
                        min=1,
                        data_testid="header-row",
                    ),
                    align="center",
                ),
                align="center",
                width="100%",
                wrap="wrap",
                spacing="3",
            ),
            _preview(),
            rx.text(
                "The highlighted row is read as the header; change the number if it is wrong.",
                size="1",
                color=MUTED,
            ),
        ),
        section(
            "Map the columns",
            rx.cond(
                S.from_template,
                rx.callout(
                    "The columns are mapped as the last import from this supplier was.",
                    icon="history",
                    color_scheme="green",
                    size="1",
                    data_testid="from-template",
                ),
                rx.fragment(),
            ),
            data_table(
                [
                    ("", "left"),
                    ("Header", "left"),
                    ("Examples", "left"),
                    ("Reads as", "left"),
                    ("Stands for (wide layouts)", "left"),
                ],
                rx.foreach(S.columns, _column_row),
                test_id="column-map",
            ),
            rx.divider(),
            rx.text("Values the file lacks", size="2", weight="bold"),
            _constants(),
            rx.cond(
                S.unmapped.length() > 0,  # type: ignore[attr-defined]
                rx.callout(
                    "Still to map before the check: " + S.unmapped.join(", "),  # type: ignore[attr-defined]
                    icon="info",
                    color_scheme="amber",
                    size="1",
                    data_testid="unmapped",
                ),
                rx.fragment(),
            ),
            rx.cond(
                S.mapping_error != "",
                rx.callout(S.mapping_error, icon="circle-alert", color_scheme="red", size="1"),
                rx.fragment(),
            ),
            rx.hstack(
                rx.button("Start over", variant="soft", color_scheme="gray", on_click=S.start_over),
                rx.spacer(),
                rx.button(
                    rx.icon("list-checks", size=16),
                    "Check the file (dry run)",
                    on_click=S.check,
                    loading=S.running,
                    data_testid="run-check",
                ),
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )


# ---- step 3: the report ----------------------------------------------------------------------


def _problem_row(problem: ProblemRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(problem.row, text_align="right"),
        rx.table.cell(problem.column),
        rx.table.cell(problem.reason),
        data_testid="problem-row",
    )


def _problems(title: str, rows: Any, count: Any, color: str, test_id: str) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.vstack(
            rx.hstack(
                rx.badge(count, color_scheme=color, variant="solid"),
                rx.text(title, weight="bold"),
                align="center",
            ),
            rx.box(
                data_table(
                    [("Row", "right"), ("Column", "left"), ("Why", "left")],
                    rx.foreach(rows, _problem_row),
                    test_id=test_id,
                ),
                max_height="320px",
                overflow_y="auto",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        rx.fragment(),
    )


def _change_row(change: ChangeRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.match(
                change.change,
                ("added", rx.badge("added", color_scheme="green", variant="soft")),
                ("removed", rx.badge("removed", color_scheme="red", variant="soft")),
                rx.badge("changed", color_scheme="amber", variant="soft"),
            )
        ),
        rx.table.cell(change.row, text_align="right"),
        rx.table.cell(change.service),
        rx.table.cell(change.season),
        rx.table.cell(rx.text(change.line, size="1")),
        rx.table.cell(change.old, text_align="right"),
        rx.table.cell(change.new, text_align="right"),
        rx.table.cell(change.pct, text_align="right"),
        data_testid="change-row",
    )


def _diff() -> rx.Component:
    counts = S.diff_counts
    return section(
        "What the import changes",
        rx.text(
            rx.cond(S.against != "", "Compared with version " + S.against + ".", ""),
            size="2",
            color=MUTED,
        ),
        rx.grid(
            stat_card(
                icon="plus", label="Added", value=_count(counts["added"]), test_id="diff-added"
            ),
            stat_card(
                icon="pencil",
                label="Changed",
                value=_count(counts["changed"]),
                test_id="diff-changed",
            ),
            stat_card(
                icon="minus",
                label="Removed",
                value=_count(counts["removed"]),
                test_id="diff-removed",
            ),
            stat_card(icon="equal", label="Unchanged", value=_count(counts["unchanged"])),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
        ),
        rx.cond(
            S.chart.length() > 0,  # type: ignore[attr-defined]
            # on a phone the table below says it all (the chart's names would fill the width)
            rx.box(
                rx.recharts.bar_chart(
                    rx.recharts.cartesian_grid(stroke_dasharray="3 3", horizontal=False),
                    rx.recharts.x_axis(type_="number", allow_decimals=False),
                    rx.recharts.y_axis(
                        data_key="name", type_="category", width=360, interval=0, font_size=12
                    ),
                    rx.recharts.graphing_tooltip(),
                    rx.recharts.legend(),
                    *[
                        rx.recharts.bar(
                            data_key=key,
                            name=key,
                            stack_id="a",
                            fill=rx.color(color, 9),
                            is_animation_active=False,
                        )
                        for key, color in (
                            ("added", "green"),
                            ("changed", "amber"),
                            ("removed", "red"),
                        )
                    ],
                    layout="vertical",
                    data=S.chart,
                    height=S.chart_height,
                    width="100%",
                    data_testid="diff-chart",
                ),
                display=["none", "block"],
                width="100%",
            ),
            rx.fragment(),
        ),
        rx.cond(
            S.changes.length() > 0,  # type: ignore[attr-defined]
            rx.box(
                data_table(
                    [
                        ("", "left"),
                        ("Row", "right"),
                        ("Service", "left"),
                        ("Season", "left"),
                        ("Line", "left"),
                        ("Old net", "right"),
                        ("New net", "right"),
                        ("Change", "right"),
                    ],
                    rx.foreach(S.changes, _change_row),
                    test_id="diff-table",
                ),
                max_height="360px",
                overflow_y="auto",
                width="100%",
            ),
            rx.text("No line differs from the current version.", size="2", color=MUTED),
        ),
    )


def _progress() -> rx.Component:
    return section(
        "Working on it",
        rx.progress(value=S.progress, max=100, size="3", data_testid="import-progress"),
        rx.text(S.stage, size="2", color=MUTED, data_testid="import-stage"),
        muted(
            "Large files run in the background: you can leave this page and come back.",
            size="1",
            shade=10,
        ),
    )


def _report() -> rx.Component:
    return rx.vstack(
        rx.grid(
            stat_card(icon="rows-3", label="Rows read", value=_count(S.rows_read)),
            stat_card(
                icon="tags",
                label="Rate lines ready",
                value=_count(S.lines),
                test_id="lines-ready",
            ),
            stat_card(
                icon="circle-x",
                label="Errors",
                value=_count(S.error_count),
                test_id="error-count",
            ),
            stat_card(
                icon="triangle-alert",
                label="Warnings",
                value=_count(S.warning_count),
                test_id="warning-count",
            ),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
        ),
        section(
            "Checks",
            rx.vstack(
                rx.cond(
                    S.date_note != "",
                    rx.text(rx.text.strong("Dates: "), S.date_note, size="2"),
                    rx.fragment(),
                ),
                rx.cond(
                    S.number_note != "",
                    rx.text(rx.text.strong("Amounts: "), S.number_note, size="2"),
                    rx.fragment(),
                ),
                spacing="1",
            ),
            rx.cond(
                S.error_count > 0,
                rx.callout(
                    "Nothing is stored while the file has errors. Fix them in the sheet (the "
                    'failing rows download with an extra "error" column) or change the mapping.',
                    icon="circle-x",
                    color_scheme="red",
                    size="1",
                ),
                rx.callout(
                    "No errors: the file can be stored as a draft version.",
                    icon="circle-check",
                    color_scheme="green",
                    size="1",
                    data_testid="no-errors",
                ),
            ),
            _problems("errors", S.errors, S.error_count, "red", "error-table"),
            _problems("warnings", S.warnings, S.warning_count, "amber", "warning-table"),
            action=rx.cond(
                S.error_count > 0,
                action_button(
                    "download",
                    "Failing rows (CSV)",
                    on_click=S.download_failing,
                    test_id="download-failing",
                    size="1",
                ),
                rx.fragment(),
            ),
        ),
        _diff(),
        rx.hstack(
            rx.button(
                rx.icon("arrow-left", size=16),
                "Back to the mapping",
                variant="soft",
                color_scheme="gray",
                on_click=S.back_to_mapping,
            ),
            rx.spacer(),
            rx.button(
                rx.icon("save", size=16),
                "Store as a draft version",
                on_click=S.commit,
                disabled=S.error_count > 0,
                data_testid="commit-import",
            ),
            width="100%",
            wrap="wrap",
            spacing="3",
        ),
        spacing="4",
        width="100%",
    )


def _done() -> rx.Component:
    return section(
        "Stored",
        rx.callout(
            rx.text(
                "The sheet is stored as draft version ",
                rx.text.strong(S.committed_version),
                ". Check it in the grid, then publish it when you are ready.",
            ),
            icon="circle-check",
            color_scheme="green",
            data_testid="import-done",
        ),
        rx.hstack(
            rx.link(
                rx.button(rx.icon("table", size=16), "Open the rate list"),
                href=routes.RATES + "/" + S.list_id,
                data_testid="open-list",
            ),
            rx.button(
                "Import another sheet", variant="soft", color_scheme="gray", on_click=S.start_over
            ),
            spacing="3",
        ),
    )


def _replace_dialog() -> rx.Component:
    return confirm_dialog(
        "A draft already exists",
        S.replace_message,
        open=S.replace_open,
        on_open_change=S.set_replace_open,
        on_confirm=S.commit_replacing,
        action_label="Replace the draft's lines",
        test_id="replace-draft",
    )


def _content() -> rx.Component:
    return rx.cond(
        S.found,
        rx.vstack(
            rx.link(
                rx.hstack(
                    rx.icon("arrow-left", size=14), rx.text("Back to the rate list", size="2")
                ),
                href=routes.RATES + "/" + S.list_id,
                color=MUTED,
            ),
            page_header("Import a rate sheet", S.list_name + " · " + S.supplier_name),
            _stepper(),
            rx.cond(
                S.running,
                _progress(),
                rx.match(
                    S.step,
                    (
                        "upload",
                        rx.vstack(
                            _resume(),
                            _upload(),
                            _history(),
                            price_words_section(),
                            spacing="4",
                            width="100%",
                        ),
                    ),
                    ("map", _map()),
                    ("report", _report()),
                    ("done", _done()),
                    _upload(),
                ),
            ),
            rx.cond(
                S.failure != "",
                rx.callout(S.failure, icon="circle-x", color_scheme="red"),
                rx.fragment(),
            ),
            _replace_dialog(),
            spacing="4",
            width="100%",
        ),
        empty_state(
            "search-x",
            "Rate list not found",
            "It does not exist, or it belongs to another agency.",
            rx.link(rx.button("All rate lists"), href=routes.RATES),
        ),
    )


@staff_page(
    route=routes.RATE_IMPORT,
    title="Import a rate sheet",
    on_load=[RateImportState.load, PriceWordsState.load],
    nav_route=routes.RATES,
)
def rate_import_page() -> rx.Component:
    return gated(loaded=S.loaded, allowed=S.can_edit, role=S.role, content=_content())
