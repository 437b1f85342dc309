"""Exchange rates (managers and up): a rate entered by hand, a bank's file checked row by row
(each problem with its row and column) and saved whole only when every row is right, a pair's
rate over time, and the latest rates."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button
from travelcrm.ui.components.cards import muted, page_body, section, side_by_side
from travelcrm.ui.components.charts import line_chart
from travelcrm.ui.components.fields import (
    SELECT_STYLE,
    currency_field,
    field_error,
    field_row,
    text_field,
)
from travelcrm.ui.components.forms import form
from travelcrm.ui.components.tables import empty_state, gated_by, listing
from travelcrm.ui.pages.pricing.fx_state import (
    UPLOAD_ID,
    FxRatesState,
    PreviewRow,
    ProblemRow,
    RateRow,
)
from travelcrm.ui.pages.pricing.parts import header
from travelcrm.ui.template import staff_page

S = FxRatesState
MUTED = rx.color("gray", 11)


def _by_hand() -> rx.Component:
    return section(
        "Enter a rate",
        form(
            rx.vstack(
                field_row(
                    currency_field("Currency", "base", prefix="fx", errors=S.errors, values=S.form),
                    currency_field(
                        "Priced in", "quote", prefix="fx", errors=S.errors, values=S.form
                    ),
                ),
                field_row(
                    text_field(
                        "Date", "valid_on", prefix="fx", errors=S.errors, values=S.form, type="date"
                    ),
                    text_field(
                        "Rate",
                        "rate",
                        "What 1 of the currency costs",
                        prefix="fx",
                        errors=S.errors,
                        values=S.form,
                        input_mode="decimal",
                    ),
                ),
                rx.hstack(
                    rx.button(
                        rx.icon("save", size=14), "Save rate", type="submit", data_testid="save-fx"
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            key=S.form_key,
            on_submit=S.add_rate,
            reset_on_submit=False,
            width="100%",
        ),
        muted("A rate for a pair and day already saved is corrected.", size="1", shade=10),
    )


def _preview_row(row: ObjectVar[PreviewRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.row, size="2"), text_align="right"),
        rx.table.cell(rx.text(row.day, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(row.base, " → ", row.quote, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(row.rate, size="2"), text_align="right"),
        rx.table.cell(
            rx.cond(
                row.ok,
                rx.badge("Fine", color_scheme="grass", variant="soft", size="1"),
                rx.badge("Problem", color_scheme="red", variant="soft", size="1"),
            )
        ),
        data_testid="fx-preview-row",
    )


def _problem(row: ObjectVar[ProblemRow]) -> rx.Component:
    return rx.hstack(
        rx.icon("circle-alert", size=14, color=rx.color("red", 10), flex_shrink="0"),
        rx.text(
            rx.text.strong("Row ", row.row, ", ", row.column, ": "),
            row.message,
            size="2",
        ),
        spacing="2",
        align="start",
        data_testid="fx-problem",
    )


def _import() -> rx.Component:
    return section(
        "Import the bank's file",
        muted(
            "A CSV or Excel file with a Date, a Currency (or a pair such as USD/INR) and a Rate "
            "column; without a “priced in” column, rates are in " + S.currency + ". Nothing is "
            "saved until every row is right.",
            size="2",
        ),
        rx.upload(
            rx.vstack(
                rx.icon("file-spreadsheet", size=24, color=rx.color("accent", 10)),
                rx.text(
                    rx.cond(
                        rx.selected_files(UPLOAD_ID).length() > 0,
                        rx.selected_files(UPLOAD_ID)[0],
                        "Drop the file here, or click to choose (up to 5 MB)",
                    ),
                    size="2",
                    color=MUTED,
                    text_align="center",
                ),
                align="center",
                spacing="2",
            ),
            id=UPLOAD_ID,
            multiple=False,
            accept={
                "text/csv": [".csv"],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
                "application/vnd.ms-excel": [".xls"],
            },
            max_files=1,
            border=f"1px dashed {rx.color('gray', 7)}",
            border_radius="12px",
            padding="20px",
            width="100%",
            data_testid="fx-drop",
        ),
        rx.hstack(
            action_button(
                "file-search",
                "Check the file",
                on_click=S.upload(rx.upload_files(upload_id=UPLOAD_ID)),  # type: ignore[operator]
                test_id="fx-check",
                variant="solid",
            ),
            justify="end",
            width="100%",
        ),
        rx.cond(S.file_error != "", field_error(S.file_error, "fx-file")),
        rx.cond(
            S.preview.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.text(
                    rx.text.strong(S.file_name),
                    ": ",
                    S.good_rows,
                    " of ",
                    S.preview.length(),  # type: ignore[attr-defined]
                    " rows fine. ",
                    S.columns,
                    ".",
                    size="2",
                    data_testid="fx-file-summary",
                ),
                rx.cond(
                    S.problems.length() > 0,  # type: ignore[attr-defined]
                    rx.callout.root(
                        rx.callout.icon(rx.icon("circle-alert")),
                        rx.vstack(
                            rx.text(
                                "Nothing is saved until these are fixed in the file:",
                                size="2",
                                weight="bold",
                            ),
                            rx.foreach(S.problems, _problem),
                            spacing="1",
                            align="start",
                        ),
                        color_scheme="red",
                        width="100%",
                        data_testid="fx-problems",
                    ),
                ),
                rx.box(
                    listing(
                        S.preview,
                        [
                            ("Row", "right"),
                            ("Date", "left"),
                            ("Pair", "left"),
                            ("Rate", "right"),
                            ("", "left"),
                        ],
                        _preview_row,
                        empty=rx.fragment(),
                        test_id="fx-preview",
                    ),
                    max_height="320px",
                    overflow_y="auto",
                    width="100%",
                ),
                rx.hstack(
                    rx.button(
                        "Discard",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.discard_file,
                        data_testid="fx-discard",
                    ),
                    rx.button(
                        rx.icon("save", size=14),
                        "Save ",
                        S.good_rows,
                        " rates",
                        disabled=~S.can_save_file,
                        on_click=S.save_file,
                        data_testid="fx-save-file",
                    ),
                    spacing="3",
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
        ),
    )


def _chart() -> rx.Component:
    return section(
        "Over time",
        rx.cond(
            S.pairs.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.hstack(
                    rx.text("Pair", as_="label", html_for="fx-pair", size="2"),
                    rx.el.select(
                        rx.foreach(S.pairs, lambda p: rx.el.option(p, value=p)),
                        id="fx-pair",
                        value=S.pair,
                        on_change=S.pick_pair,
                        style={**SELECT_STYLE, "width": "auto"},
                        data_testid="fx-pair",
                    ),
                    muted(S.pair_words, size="1", shade=10),
                    align="center",
                    spacing="3",
                ),
                line_chart(S.series, "day", "rate", name="Rate", test_id="fx-chart"),
                spacing="3",
                width="100%",
            ),
            muted("Saved rates show here, a line per currency pair.", size="2"),
        ),
    )


def _rate(row: ObjectVar[RateRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.day, white_space="nowrap", size="2")),
        rx.table.cell(rx.text(row.rate, size="2", white_space="nowrap")),
        rx.table.cell(muted(row.source, size="1", white_space="nowrap")),
        data_testid="fx-rate-row",
    )


def _rates() -> rx.Component:
    return section(
        "Latest rates",
        listing(
            S.rates,
            [("Date", "left"), ("Rate", "left"), ("From", "left")],
            _rate,
            empty=empty_state(
                "arrow-left-right",
                "No exchange rates yet",
                "Services bought in another currency cannot be priced until their rate is here.",
                test_id="fx-empty",
            ),
            test_id="fx-rates",
        ),
    )


def _content() -> rx.Component:
    return page_body(
        header(
            "Exchange rates",
            "The agency's dated rates: itineraries use the latest on or before the travel day.",
            routes.PRICING_FX,
        ),
        side_by_side(
            _import(), rx.vstack(_by_hand(), _chart(), spacing="4", width="100%"), widths="2"
        ),
        _rates(),
    )


@staff_page(
    route=routes.PRICING_FX,
    title="Exchange rates",
    on_load=FxRatesState.load,
    nav_route=routes.SETTINGS,
)
def fx_rates_page() -> rx.Component:
    return gated_by(S, _content())
