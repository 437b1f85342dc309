"""The seasons tab: a season (its name and one or more date ranges) added, edited or deleted
with its lines, and the version's age bands."""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.rates import services as rates
from travelcrm.rates.models import AgeBandKind
from travelcrm.rates.schemas import MAX_SEASON_RANGES, AgeBandIn, SeasonIn
from travelcrm.ui.errors import form_errors
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.rates.rows import RangeSlot, sentence
from travelcrm.ui.pages.rates.state import RateListState
from travelcrm.ui.pages.rates.text import service_words


class RateSeasonsState(RateListState):
    season_open: bool = False
    season_edit_id: str = ""
    season_form: dict[str, str] = {}
    season_errors: dict[str, str] = {}
    season_slots: list[RangeSlot] = []
    delete_season_id: str = ""  # the season the "delete?" dialog asks about
    delete_season_name: str = ""
    band_errors: dict[str, str] = {}
    band_message: str = ""

    def _forget(self) -> None:
        self.season_open, self.delete_season_id = False, ""

    # ---- the season dialog ----------------------------------------------------------------

    @event
    def open_season(self, season_id: str) -> None:
        row = next((s for s in self.seasons if s.season_id == season_id), None)
        self.season_edit_id = row.season_id if row else ""
        self.season_form = {"name": row.name if row else ""}
        spans = self._season_spans.get(row.season_id, []) if row else []
        self.season_slots = [RangeSlot(a, b) for a, b in spans] or [RangeSlot()]
        self.season_errors = {}
        self.season_open = self.editable

    @event
    def set_season_open(self, value: bool) -> None:
        self.season_open = value and self.editable

    @event
    def add_range(self) -> None:
        """Another date range of the same season ("Peak" again in April)."""
        if len(self.season_slots) < MAX_SEASON_RANGES:
            self.season_slots = [*self.season_slots, RangeSlot()]

    @event
    def remove_range(self, index: int) -> None:
        slots = list(self.season_slots)
        if len(slots) > 1 and 0 <= int(index) < len(slots):
            del slots[int(index)]
            self.season_slots = slots

    @event
    def set_range(self, index: int, which: str, value: str) -> None:
        slots = list(self.season_slots)
        number = int(index)
        if not 0 <= number < len(slots) or which not in {"starts_on", "ends_on"}:
            return
        slots[number] = dataclasses.replace(slots[number], **{which: str(value)}, error="")
        self.season_slots = slots

    def _slot_errors(self, errors: dict[int, str]) -> None:
        self.season_slots = [
            dataclasses.replace(slot, error=errors.get(n, ""))
            for n, slot in enumerate(self.season_slots)
        ]

    def _season_in(self, name: str) -> SeasonIn | None:
        """The dialog's season, or None with every problem shown: the name at its field, each
        range's at its row."""
        slots = self.season_slots
        try:
            return SeasonIn.model_validate(
                {
                    "name": name,
                    "ranges": [
                        {"starts_on": slot.starts_on or None, "ends_on": slot.ends_on or None}
                        for slot in slots
                    ],
                }
            )
        except ValidationError as exc:
            slot_errors: dict[int, str] = {}
            for error in exc.errors():
                loc = error.get("loc", ())
                if loc[:1] == ("ranges",) and len(loc) > 1 and isinstance(loc[1], int):
                    slot = slots[loc[1]]
                    slot_errors[loc[1]] = (
                        "Both dates are required."
                        if not slot.starts_on or not slot.ends_on
                        else "Not a date."
                    )
                elif loc[:1] == ("name",):
                    self.season_errors["name"] = (
                        "Required." if not name else form_errors(exc)[1].get("name", "Not valid.")
                    )
            self._slot_errors(slot_errors)
            return None

    def _range_problems(self, exc: ValidationFailedError) -> None:
        """The service names each range's problem ("overlaps Peak (1 Oct to 19 Dec 2027)");
        its rows are in the order given, which the slots keep."""
        by_row: dict[int, list[str]] = defaultdict(list)
        for problem in exc.errors:
            if problem.row is not None:
                by_row[problem.row].append(sentence(service_words(problem.message)))
        self._slot_errors({n: " ".join(m) for n, m in by_row.items()})
        if not by_row:
            self.season_errors = {"form": service_words(exc.detail)}

    @event
    def save_season(self, form: dict[str, Any]) -> EventSpec | None:
        """Every problem at once: the name at its field, each range's at its row."""
        self.season_errors = {}
        self.season_slots = self.season_slots or [RangeSlot()]
        self._slot_errors({})
        data = self._season_in(str(form.get("name", "")).strip())
        if data is None:
            return rx.toast.error("Some fields need attention.")
        version_id = uuid.UUID(self.version_id)
        season_id = parse_id(self.season_edit_id)

        def work(session: Session, ctx: TenantContext) -> None:
            try:
                if season_id is None:
                    rates.add_season(
                        session, ctx, version_id=version_id, row_version=self.row_version, data=data
                    )
                else:
                    rates.update_season(
                        session, ctx, season_id=season_id, row_version=self.row_version, data=data
                    )
            except ValidationFailedError as exc:
                self._range_problems(exc)
                raise
            self._saved(session, ctx, seasons=True)

        _r, problem = self._run(work, may=Action.RATES_EDIT)
        if problem is not None:
            return problem
        self.season_open = False
        return rx.toast.success(f"Season {data.name} saved.")

    # ---- deleting a season ----------------------------------------------------------------

    @event
    def ask_delete_season(self, season_id: str) -> None:
        row = next((s for s in self.seasons if s.season_id == season_id), None)
        self.delete_season_id = row.season_id if row and self.editable else ""
        self.delete_season_name = row.name if row else ""

    @event
    def set_delete_season_open(self, value: bool) -> None:
        if not value:
            self.delete_season_id = ""

    @event
    def delete_season(self, season_id: str) -> EventSpec | None:
        self.delete_season_id = ""
        target = parse_id(season_id)
        if target is None or parse_id(self.version_id) is None:
            return None

        def work(session: Session, ctx: TenantContext) -> int:
            removed = rates.delete_season(
                session, ctx, season_id=target, row_version=self.row_version
            )
            self._saved(session, ctx, seasons=True, lines=True)
            return removed

        removed, problem = self._run(work, may=Action.RATES_EDIT)
        if removed is None:
            return problem
        return rx.toast.success(
            f"Season deleted with its {removed} line{'s' if removed != 1 else ''}."
        )

    # ---- age bands --------------------------------------------------------------------------

    @event
    def save_bands(self, form: dict[str, Any]) -> EventSpec | None:
        self.band_errors, self.band_message = {}, ""
        bands = []
        for kind in AgeBandKind:
            low = str(form.get(f"{kind.value}_min", "")).strip()
            high = str(form.get(f"{kind.value}_max", "")).strip()
            if not low and not high:
                continue
            try:
                bands.append(AgeBandIn(kind=kind, age_min=int(low or -1), age_max=int(high or -1)))
            except (ValueError, ValidationError):
                self.band_errors[kind.value] = "Ages are whole numbers from 0 to 120."
        if self.band_errors:
            return rx.toast.error("Some age bands need attention.")
        if not bands:
            self.band_message = "Keep at least one age band."
            return None
        version_id = uuid.UUID(self.version_id)

        def work(session: Session, ctx: TenantContext) -> None:
            try:
                rates.set_age_bands(
                    session, ctx, version_id=version_id, row_version=self.row_version, bands=bands
                )
            except ValidationFailedError as exc:
                self.band_message = service_words(
                    exc.detail
                )  # (about the bands together: under the table)
                raise
            self._saved(session, ctx, seasons=True)

        _r, problem = self._run(work, may=Action.RATES_EDIT)
        return problem or rx.toast.success("Age bands saved.")
