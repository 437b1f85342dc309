"""Bulk update, a dialog of the lines tab: which lines, which price, the change, a preview of
old → new for every line, then apply."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui.components.fields import field
from travelcrm.ui.components.grid import option_select
from travelcrm.ui.components.tables import data_table
from travelcrm.ui.pages.rates.bulk_state import RateBulkState
from travelcrm.ui.pages.rates.rows import PREVIEW_ROWS, BulkLine
from travelcrm.ui.pages.rates.widgets import MUTED, message, spinning

S = RateBulkState


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


OPERATIONS = [("percent", "+/- %"), ("amount", "+/- amount"), ("set", "Set to")]


def _setting(
    label: str, name: str, choices: list[tuple[str, str]] | None = None, placeholder: str = ""
) -> rx.Component:
    """One of the change's settings, saved as it is chosen (`set_bulk`)."""
    value = getattr(S, name)

    def on_change(chosen: rx.Var[str]) -> Any:
        return S.set_bulk(name, chosen)  # type: ignore[operator]

    test_id = name.replace("_", "-")
    control = (
        option_select(choices, value=value, on_change=on_change, test_id=test_id)
        if choices is not None
        else rx.input(
            value=value, on_change=on_change, placeholder=placeholder, data_testid=test_id
        )
    )
    return field(label, control, error="")


def bulk_dialog() -> rx.Component:
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
                    _setting("Price", "bulk_field", [("net", "Net"), ("sell", "Sell")]),
                    _setting("Change", "bulk_op", OPERATIONS),
                    _setting("Value", "bulk_value", placeholder="10 or -5"),
                    _setting("Round to", "bulk_round", placeholder="e.g. 10"),
                    columns="4",
                    spacing="3",
                    width="100%",
                ),
                message(S.bulk_error, test_id="bulk-error"),
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
                        spinning(S.bulk_running, "eye"),
                        "Preview",
                        on_click=S.bulk_preview,
                        disabled=S.bulk_running,
                        variant="soft",
                        data_testid="bulk-preview-run",
                    ),
                    rx.button(
                        spinning(S.bulk_running, "check"),
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
