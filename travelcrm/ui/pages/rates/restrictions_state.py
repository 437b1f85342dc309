"""The restrictions tab: the supplier's blackouts and stop-sales (whatever the version) and its
allotment calendar, a month at a time for one service."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.clock import today
from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.rates import availability
from travelcrm.rates.models import RestrictionKind, SupplierRestriction
from travelcrm.rates.schemas import AllotmentIn, RestrictionIn
from travelcrm.ui.components.money import format_range
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.rates.rows import ALL, DayCell, RestrictionRow
from travelcrm.ui.pages.rates.state import RateListState
from travelcrm.ui.pages.rates.text import blank_fields, month_title, month_weeks, shift_month

KIND_WORDS = {
    RestrictionKind.STOP_SALE.value: "Stop-sale",
    RestrictionKind.BLACKOUT.value: "Blackout",
}


def _day(
    day: date, in_month: bool, restrictions: list[SupplierRestriction], allotment: Any
) -> DayCell:
    """One day of the calendar: its allotment, and the restriction on it (a stop-sale before a
    blackout)."""
    hits = [r for r in restrictions if r.starts_on <= day <= r.ends_on]
    stop = next((r for r in hits if r.kind == RestrictionKind.STOP_SALE.value), None)
    chosen = stop or next((r for r in hits if r.kind == RestrictionKind.BLACKOUT.value), None)
    return DayCell(
        iso=day.isoformat(),
        day=str(day.day),
        in_month=in_month,
        units=str(allotment.units) if allotment else "",
        used=str(allotment.used) if allotment else "",
        left=str(max(allotment.units - allotment.used, 0)) if allotment else "",
        tone=chosen.kind if chosen else "",
        note=KIND_WORDS[chosen.kind] + (f": {chosen.reason}" if chosen.reason else "")
        if chosen
        else "",
    )


class RateRestrictionsState(RateListState):
    restrictions: list[RestrictionRow] = []
    restriction_errors: dict[str, str] = {}
    cal_service: str = ""
    cal_month: str = ""
    cal_title: str = ""
    cal_weeks: list[list[DayCell]] = []
    allot_errors: dict[str, str] = {}

    def _forget(self) -> None:
        self.restrictions, self.cal_weeks = [], []
        self.restriction_errors, self.allot_errors = {}, {}

    def _opened(self, session: Session, ctx: TenantContext, month: date) -> None:
        self._fill_restrictions(session, ctx)
        self.cal_service = self.services[0].value if self.services else ""
        self._fill_calendar(session, ctx, month)

    def _fill_restrictions(self, session: Session, ctx: TenantContext) -> None:
        supplier_id = uuid.UUID(self._supplier_id)
        self.restrictions = [
            RestrictionRow(
                restriction_id=str(r.id),
                kind=r.kind,
                kind_label=KIND_WORDS[r.kind],
                service=self._service_names.get(str(r.service_id), "?")
                if r.service_id
                else "All services",
                dates=format_range(r.starts_on, r.ends_on),
                reason=r.reason or "",
            )
            for r in availability.list_restrictions(session, ctx, supplier_id=supplier_id)
        ]

    def _fill_calendar(self, session: Session, ctx: TenantContext, month: date) -> None:
        self.cal_month, self.cal_title = month.isoformat(), month_title(month)
        service_id = parse_id(self.cal_service)
        held = (
            {
                a.on_date: a
                for a in availability.list_allotments(
                    session, ctx, service_id=service_id, month=month
                )
            }
            if service_id is not None
            else {}
        )
        restrictions = [
            r
            for r in availability.list_restrictions(
                session, ctx, supplier_id=uuid.UUID(self._supplier_id)
            )
            if r.service_id is None or r.service_id == service_id
        ]
        self.cal_weeks = [
            [_day(d.day, d.in_month, restrictions, held.get(d.day)) for d in week]
            for week in month_weeks(month)
        ]

    def _refill(self, session: Session, ctx: TenantContext) -> None:
        """After a restriction changed: the list and the month on screen."""
        self._fill_restrictions(session, ctx)
        self._fill_calendar(session, ctx, date.fromisoformat(self.cal_month))

    def _calendar(self, month: date) -> EventSpec | None:
        _r, problem = self._run(
            lambda s, c: self._fill_calendar(s, c, month), may=Action.RATES_VIEW
        )
        return problem

    @event
    def calendar_service(self, value: str) -> EventSpec | None:
        if value not in self._service_names:
            return None
        self.cal_service = value
        return self._calendar(date.fromisoformat(self.cal_month))

    @event
    def calendar_step(self, step: int) -> EventSpec | None:
        month = date.fromisoformat(self.cal_month) if self.cal_month else today(self._timezone)
        return self._calendar(shift_month(month, max(-12, min(12, int(step)))))

    def _blanks(self, errors: str, form: dict[str, Any], required: list[str]) -> None:
        """An empty required field says "Required." (not the schema's words for nothing)."""
        if getattr(self, errors):
            setattr(self, errors, getattr(self, errors) | blank_fields(form, required))

    @event
    def add_restriction(self, form: dict[str, Any]) -> EventSpec | None:
        self.restriction_errors = {}
        service = str(form.get("service_id", "") or ALL)
        kind = form.get("kind") or RestrictionKind.BLACKOUT.value

        def work(session: Session, ctx: TenantContext) -> None:
            data = RestrictionIn.model_validate(
                {
                    "supplier_id": self._supplier_id,
                    "service_id": None if service == ALL else service,
                    "kind": kind,
                    "starts_on": form.get("starts_on") or None,
                    "ends_on": form.get("ends_on") or None,
                    "reason": str(form.get("reason", "")).strip() or None,
                }
            )
            availability.add_restriction(session, ctx, data=data)
            self._refill(session, ctx)

        _r, problem = self._run(work, may=Action.RATES_EDIT, errors="restriction_errors")
        self._blanks("restriction_errors", form, ["starts_on", "ends_on"])
        return problem or rx.toast.success(f"{KIND_WORDS.get(kind, 'Blackout')} added.")

    @event
    def delete_restriction(self, restriction_id: str) -> EventSpec | None:
        target = parse_id(restriction_id)
        if target is None:
            return None

        def work(session: Session, ctx: TenantContext) -> None:
            availability.delete_restriction(session, ctx, restriction_id=target)
            self._refill(session, ctx)

        _r, problem = self._run(work, may=Action.RATES_EDIT)
        return problem or rx.toast.success("Restriction removed.")

    @event
    def set_allotment(self, form: dict[str, Any]) -> EventSpec | None:
        self.allot_errors = {}

        def work(session: Session, ctx: TenantContext) -> int:
            data = AllotmentIn.model_validate(
                {
                    "service_id": self.cal_service or None,
                    "starts_on": form.get("starts_on") or None,
                    "ends_on": form.get("ends_on") or None,
                    "units": form.get("units") or None,
                    "release_days": form.get("release_days") or 0,
                }
            )
            days = availability.set_allotment(session, ctx, data=data)
            self._fill_calendar(session, ctx, data.starts_on.replace(day=1))
            return days

        days, problem = self._run(work, may=Action.RATES_EDIT, errors="allot_errors")
        self._blanks("allot_errors", form, ["starts_on", "ends_on", "units"])
        if days is None:
            return problem
        return rx.toast.success(f"Allotment set for {days} day{'s' if days != 1 else ''}.")
