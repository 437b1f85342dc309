"""The supplier page's Services tab: what the supplier sells and rate lists price — room
categories on a meal plan, vehicle types, tickets or time slots..."""

from __future__ import annotations

from functools import partial
from typing import Any

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui.components.actions import (
    add_button,
    dialog_of,
    edit_and_remove,
    row_actions,
    row_button,
)
from travelcrm.ui.components.cards import muted, section
from travelcrm.ui.components.dialogs import form_dialog
from travelcrm.ui.components.fields import field, field_row, text_field
from travelcrm.ui.components.grid import option_select
from travelcrm.ui.components.tables import empty_state, listing
from travelcrm.ui.pages.suppliers.content_page import content_dialog, service_content_cell
from travelcrm.ui.pages.suppliers.rows import ServiceRow
from travelcrm.ui.pages.suppliers.services_state import ServicesState
from travelcrm.ui.pages.suppliers.text import MEAL_PLAN_LABELS, SERVICE_LABELS

S = ServicesState


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
                muted("Not priced", shade=10),
            )
        ),
        rx.table.cell(service_content_cell(row)),
        rx.table.cell(
            rx.cond(
                row.is_active,
                rx.badge("Active", color_scheme="green", variant="soft", size="1"),
                rx.badge("Inactive", color_scheme="gray", variant="outline", size="1"),
            )
        ),
        row_actions(
            row_button(
                "power",
                "Deactivate or activate",
                S.toggle_service(row.service_id),  # type: ignore[operator]
                "toggle-service",
            ),
            *edit_and_remove(
                S.open_service(row.service_id),  # type: ignore[operator]
                S.ask("service", row.service_id, row.name),  # type: ignore[operator]
                "service",
                "Delete",
            ),
            when=S.editable,
        ),
        align="center",
        opacity=rx.cond(row.is_active, "1", "0.65"),
        data_testid="service-row",
    )


_text = partial(text_field, prefix="service", errors=S.service_errors, values=S.service_form)


def _choice(
    label: str, name: str, labels: dict[str, str], value: Any, on_change: Any
) -> rx.Component:
    return field(
        label,
        option_select(
            list(labels.items()),
            value=value,
            on_change=on_change,
            test_id=f"service-{name.replace('_', '-')}",
        ),
        error=S.service_errors.get(name, ""),
    )


def _service_dialog() -> rx.Component:
    return form_dialog(
        rx.cond(S.service_edit_id == "", "Add a service", "Edit service"),
        field_row(
            _choice("Type", "kind", SERVICE_LABELS, S.service_kind, S.set_service_kind),
            rx.cond(
                S.is_room,
                _choice(
                    "Meal plan",
                    "meal_plan",
                    MEAL_PLAN_LABELS,
                    S.service_meal_plan,
                    S.set_service_meal_plan,
                ),
            ),
        ),
        _text(
            "Name",
            "name",
            placeholder=rx.cond(S.is_room, "Deluxe Sea View", "Innova Crysta"),
            required=True,
        ),
        field_row(
            _text("Code", "code", "Optional; the supplier's own code", placeholder="DLX-SV"),
            _text(
                "Capacity (people)",
                "max_occupancy",
                input_id="service-occupancy",
                inputmode="numeric",
            ),
        ),
        **dialog_of(S, "service", S.save_service),
        submit_label="Save service",
        test_id="service",
        description="What this supplier sells and rate lists price: a room category on a meal "
        "plan, a vehicle type, a ticket or time slot...",
        max_width="540px",
    )


def services() -> rx.Component:
    return section(
        "Services",
        listing(
            S.services,
            [
                ("Service", "left"),
                ("Type", "left"),
                ("Meal plan", "left"),
                ("Capacity", "left"),
                ("Priced by", "left"),
                ("Content", "left"),
                ("Status", "left"),
                ("", "right"),
            ],
            _service_row,
            test_id="services",
            empty=empty_state(
                "bed-double",
                "No services yet",
                "Add the room categories, vehicles or tickets this supplier sells; rate lists "
                "price them.",
                test_id="services-empty",
            ),
        ),
        _service_dialog(),
        content_dialog(),
        action=add_button(
            S,
            "plus",
            "Add service",
            on_click=S.open_service(""),  # type: ignore[operator]
            test_id="add-service",
        ),
    )
