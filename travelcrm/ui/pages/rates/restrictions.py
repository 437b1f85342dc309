"""The restrictions tab: the supplier's blackouts and stop-sales, and its allotment calendar
(a month of one service: units, used, left, and the restriction on each day)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.rates.models import RestrictionKind
from travelcrm.ui.components.cards import section
from travelcrm.ui.components.grid import option_select
from travelcrm.ui.components.tables import data_table
from travelcrm.ui.pages.rates.restrictions_state import RateRestrictionsState
from travelcrm.ui.pages.rates.rows import ALL, DayCell, RestrictionRow
from travelcrm.ui.pages.rates.text import DAY_LABELS
from travelcrm.ui.pages.rates.widgets import MUTED, input_field, select_field

S = RateRestrictionsState
LEGEND = [("teal", 3, "allotment"), ("red", 4, "blackout"), ("gray", 6, "stop-sale")]


def _dates(errors: Any, prefix: str) -> tuple[rx.Component, rx.Component]:
    """From and To (both days included)."""
    return (
        input_field("From", "starts_on", errors, test_id=f"{prefix}-from", type="date"),
        input_field("To", "ends_on", errors, test_id=f"{prefix}-to", type="date"),
    )


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
            select_field(
                "Kind",
                [
                    (RestrictionKind.BLACKOUT.value, "Blackout"),
                    (RestrictionKind.STOP_SALE.value, "Stop-sale"),
                ],
                "kind",
                errors,
                default_value=RestrictionKind.BLACKOUT.value,
                test_id="restriction-kind",
            ),
            select_field(
                "Service",
                S.services,
                "service_id",
                errors,
                default_value=ALL,
                first=(ALL, "All services"),
                test_id="restriction-service",
            ),
            *_dates(errors, "restriction"),
            input_field("Reason", "reason", errors, placeholder="e.g. New Year gala"),
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
                    # the whole reason, wrapped within the day (the day grows to hold it)
                    white_space="normal",
                    overflow_wrap="anywhere",
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
                *[
                    part
                    for color, shade, label in LEGEND
                    for part in (
                        rx.box(width="12px", height="12px", background=rx.color(color, shade)),
                        rx.text(label, size="1"),
                    )
                ],
                spacing="2",
                align="center",
            ),
            width="100%",
        ),
        rx.cond(
            S.can_edit,
            rx.form(
                rx.grid(
                    *_dates(errors, "allot"),
                    input_field("Units", "units", errors, test_id="allot-units"),
                    input_field("Release days", "release_days", errors, default="0"),
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


def restrictions_tab() -> rx.Component:
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
