"""The seasons tab: the version's seasons (each one or more date ranges) with the add / edit
dialog and "delete?", and its age bands."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.rates.schemas import MAX_SEASON_RANGES
from travelcrm.ui.components.actions import add_button
from travelcrm.ui.components.cards import section
from travelcrm.ui.components.dialogs import confirm_dialog, form_dialog
from travelcrm.ui.components.money import DASH
from travelcrm.ui.components.tables import data_table, empty_state
from travelcrm.ui.pages.rates.rows import BandRow, RangeSlot, SeasonRow
from travelcrm.ui.pages.rates.seasons_state import RateSeasonsState
from travelcrm.ui.pages.rates.widgets import MUTED, input_field, message

S = RateSeasonsState


def _row_button(
    icon: str, label: str, on_click: rx.EventHandler, test_id: str, **props: str
) -> rx.Component:
    return rx.button(
        rx.icon(icon, size=12),
        label,
        size="1",
        variant="soft",
        on_click=on_click,
        data_testid=test_id,
        **props,
    )


def _season_row(row: ObjectVar[SeasonRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.name, weight="medium")),
        rx.table.cell(rx.text(row.dates, size="2", white_space="nowrap")),
        rx.table.cell(rx.text(row.nights, " days", size="2", color=MUTED)),
        rx.table.cell(
            rx.cond(
                S.editable,
                rx.hstack(
                    _row_button(
                        "pencil",
                        "Edit",
                        S.open_season(row.season_id),  # type: ignore[operator]
                        "season-edit",
                    ),
                    _row_button(
                        "trash-2",
                        "Delete",
                        S.ask_delete_season(row.season_id),  # type: ignore[operator]
                        "season-delete",
                        color_scheme="red",
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


def _range_date(
    slot: ObjectVar[RangeSlot], index: rx.Var[int], which: str, label: str, test_id: str
) -> rx.Component:
    return rx.input(
        type="date",
        value=getattr(slot, which),
        on_change=lambda v: S.set_range(index, which, v),  # type: ignore[operator]
        aria_label=label,
        data_testid=test_id,
    )


def _range_slot(slot: ObjectVar[RangeSlot], index: rx.Var[int]) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            _range_date(slot, index, "starts_on", "Starts on", "season-start"),
            rx.text(DASH, color=MUTED),
            _range_date(slot, index, "ends_on", "Ends on (inclusive)", "season-end"),
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


def _age(row: ObjectVar[BandRow], end: str) -> rx.Component:
    return rx.table.cell(
        rx.input(
            name=row.kind + end,  # type: ignore[operator]
            default_value=getattr(row, f"age{end}"),
            read_only=~S.editable,
            width="80px",
            size="1",
        )
    )


def _band_row(row: ObjectVar[BandRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.label, weight="medium", size="2")),
        _age(row, "_min"),
        _age(row, "_max"),
        rx.table.cell(
            rx.text(
                S.band_errors.get(row.kind, ""),  # type: ignore[call-overload]
                size="1",
                color=rx.color("red", 11),
            )
        ),
        align="center",
    )


def _season_dialog() -> rx.Component:
    return form_dialog(
        rx.cond(S.season_edit_id == "", "Add a season", "Edit the season"),
        input_field(
            "Name",
            "name",
            S.season_errors,
            test_id="season-name",
            default=S.season_form["name"],
            placeholder="e.g. Peak",
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
        message(S.season_errors.get("form", ""), test_id="season-error"),
        open=S.season_open,
        on_open_change=S.set_season_open,
        on_submit=S.save_season,
        submit_label="Save season",
        test_id="season",
        max_width="480px",
    )


def _delete_season_dialog() -> rx.Component:
    return confirm_dialog(
        "Delete season " + S.delete_season_name + "?",
        "Its prices in this draft go with it.",
        open=S.delete_season_id != "",
        on_open_change=S.set_delete_season_open,
        on_confirm=S.delete_season(S.delete_season_id),  # type: ignore[operator]
        action_label="Delete",
        test_id="delete-season",
    )


def seasons_tab() -> rx.Component:
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
            action=add_button(
                S,
                "plus",
                "Add season",
                on_click=S.open_season(""),  # type: ignore[operator]
                test_id="season-add",
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
                    message(S.band_message),
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
        _delete_season_dialog(),
        spacing="4",
        width="100%",
    )
