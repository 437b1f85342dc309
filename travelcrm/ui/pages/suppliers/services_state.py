"""The supplier page's Services tab: the service dialog (a room on a meal plan, a vehicle, a
ticket...), switching one off and on, deleting one. A substate of `SupplierState`: the list
itself is the page's `services`."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec

from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.schemas import ServiceIn, ServiceUpdate
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.suppliers.state import SupplierState
from travelcrm.ui.pages.suppliers.text import (
    DEFAULT_SERVICE,
    MEAL_PLAN_LABELS,
    SERVICE_LABELS,
    clean_form,
)

SERVICE_FIELDS = ("name", "code", "max_occupancy")
NO_PLAN = "none"
NOT_LISTED = "That service is not in this list; reload the page."


class ServicesState(SupplierState):
    service_open: bool = False
    service_edit_id: str = ""
    service_form: dict[str, str] = {}
    service_kind: str = "room"
    service_meal_plan: str = "CP"
    service_errors: dict[str, str] = {}

    @rx.var
    def is_room(self) -> bool:
        return self.service_kind == "room"

    @event
    def open_service(self, service_id: str) -> None:
        """The service dialog: empty for a new one ("" id), filled to edit one of this list."""
        row = self._edit_row(
            self.services, service_id, key="service_id", form="service", fields=SERVICE_FIELDS
        )
        self.service_kind = row.kind if row else DEFAULT_SERVICE.get(self.kind, "other")
        self.service_meal_plan = (row.meal_plan if row else "") or (
            "CP" if self.service_kind == "room" else NO_PLAN
        )

    @event
    def set_service_open(self, value: bool) -> None:
        self.service_open, self.service_errors = value, {}

    @event
    def set_service_kind(self, value: str) -> None:
        if value in SERVICE_LABELS:
            self.service_kind = value
            if value == "room" and self.service_meal_plan == NO_PLAN:
                self.service_meal_plan = "CP"

    @event
    def set_service_meal_plan(self, value: str) -> None:
        if value in MEAL_PLAN_LABELS:
            self.service_meal_plan = value

    @event
    def save_service(self, form_data: dict[str, Any]) -> EventSpec | None:
        values = clean_form(form_data, SERVICE_FIELDS)
        values["kind"] = self.service_kind
        values["meal_plan"] = self.service_meal_plan if self.service_kind == "room" else None
        return self._save_row(
            values,
            editing=parse_id(self.service_edit_id),
            add=(ServiceIn, suppliers.add_service),
            update=(ServiceUpdate, suppliers.update_service),
            id_name="service_id",
            errors="service_errors",
            dialog="service_open",
            done=f"{values.get('name') or 'Service'} saved.",
            whole="meal_plan",  # the meal-plan rule is about the whole form
        )

    @event
    def toggle_service(self, service_id: str) -> EventSpec | None:
        row = next((s for s in self.services if s.service_id == service_id), None)
        if row is None:
            return rx.toast.error(NOT_LISTED)
        return self._change_row(
            service_id,
            lambda session, ctx, supplier_id, target: suppliers.update_service(
                session,
                ctx,
                supplier_id=supplier_id,
                service_id=target,
                data=ServiceUpdate(is_active=not row.is_active),
            ),
            done=f"{row.name} is {'inactive' if row.is_active else 'active'}.",
            missing=NOT_LISTED,
        )
