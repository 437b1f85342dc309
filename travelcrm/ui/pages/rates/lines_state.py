"""The lines tab: the grid's filters and pages, a cell typed and saved at once (or refused
with the reason) with undo, a line added through the form, the ticked lines deleted."""

from __future__ import annotations

import uuid
from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.errors import DomainError, ValidationFailedError
from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session, tenant_scope
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import services as rates
from travelcrm.rates.models import AgeBandKind, Occupancy, RateLine
from travelcrm.rates.schemas import LineIn, LinePatch
from travelcrm.ui.components.money import format_amount
from travelcrm.ui.events import event
from travelcrm.ui.pages.rates.cells import (
    GRID_COLUMNS,
    cell_patch,
    line_values,
    parse_cell,
    values_text,
)
from travelcrm.ui.pages.rates.rows import (
    ALL,
    PER_PAGE,
    field_message,
    line_label,
    refusal,
    sentence,
)
from travelcrm.ui.pages.rates.state import RateListState
from travelcrm.ui.pages.rates.text import CellError, blank_fields, schema_message

TYPED_FIELDS = ("net", "sell", "markup_pct", "weekdays")  # read as the grid reads a cell
KEPT_REFUSALS = 5  # unsaved edits named over the grid at once
OTHER_VERSION = "not saved, the grid now shows another version; type it again"


class RateLinesState(RateListState):
    cell_error: str = ""
    cell_notice: str = ""
    undo_label: str = ""
    add_open: bool = False
    add_errors: dict[str, str] = {}
    add_notice: str = ""
    delete_open: bool = False
    _undo: dict[str, Any] = {}
    _unsaved: list[tuple[str, str]] = []  # (line id:field, why), newest first

    def _forget(self) -> None:
        self._version_shown()
        self.add_open = self.delete_open = False

    def _version_shown(self) -> None:
        self.cell_error = self.cell_notice = self.undo_label = ""
        self._undo, self._unsaved = {}, []

    @event
    def forget_edits(self) -> None:
        """Another version is on screen (its header changed it): no undo into it."""
        self._version_shown()

    # ---- filters, pages, ticks --------------------------------------------------------------

    def _pick(self, row: int, value: bool) -> None:
        line_id = self.row_ids[row]
        picked = [i for i in self._picked if i != line_id] + ([line_id] if value else [])
        self._picked, self.selected_count = picked, len(picked)
        self.grid[row][0] = value

    @event
    def pick_all(self, value: bool) -> None:
        """Tick (or untick) every line on this page."""
        if not self.editable:
            return
        for row in range(len(self.row_ids)):
            self._pick(row, bool(value))

    def _filter(self, service: str, season: str) -> EventSpec | None:
        self.filter_service = service if service in self._service_names else ALL
        self.filter_season = season if season in self._season_names else ALL
        self._show_lines()
        return self._reload_lines()

    @event
    def filter_by_service(self, value: str) -> EventSpec | None:
        return self._filter(value, self.filter_season)

    @event
    def filter_by_season(self, value: str) -> EventSpec | None:
        return self._filter(self.filter_service, value)

    @event
    def clear_filters(self) -> EventSpec | None:
        return self._filter(ALL, ALL)

    @event
    def next_page(self) -> EventSpec | None:
        self.page = min(self.page + 1, self.pages)
        return self._reload_lines()

    @event
    def prev_page(self) -> EventSpec | None:
        self.page = max(self.page - 1, 1)
        return self._reload_lines()

    # ---- a cell at a time ---------------------------------------------------------------------

    def _refuse(self, key: str, text: str) -> None:
        """An edit not saved: its reason joins those still open (newest first), so a later
        save of another cell never hides it."""
        kept = [(k, t) for k, t in self._unsaved if k != key][: KEPT_REFUSALS - 1]
        self._unsaved = [(key, text), *kept]
        self.cell_error = " ".join(t for _k, t in self._unsaved)

    def _settle(self, key: str) -> None:
        """An edit saved: an earlier refusal of the same cell no longer holds."""
        self._unsaved = [(k, t) for k, t in self._unsaved if k != key]
        self.cell_error = " ".join(t for _k, t in self._unsaved)

    @event
    def dismiss_refusals(self) -> None:
        self._unsaved, self.cell_error = [], ""

    @event
    def edit_cell(
        self, pos: tuple[int, int], cell: dict[str, Any], shown: list[str] | None = None
    ) -> EventSpec | None:
        """One cell typed in the grid: saved at once, or refused with the reason, naming its row
        and column (the cell keeps its value: the grid shows what the server holds).

        `shown` are the line ids of the grid the user typed in (the page sends them with the
        edit): a filter, a page or a save may have changed the grid before the edit arrives,
        and the edit still goes to the line it was typed in."""
        try:
            column, row = int(pos[0]) - 1, int(pos[1])  # column 0 of the grid is the tick box
        except (TypeError, ValueError, IndexError):
            self._refuse("?", "An edit could not be read: type it again.")
            return None
        ids = [str(i) for i in shown] if isinstance(shown, list) and shown else self.row_ids
        if not (-1 <= column < len(GRID_COLUMNS) and 0 <= row < len(ids)):
            self._refuse("?", f"Row {row + 1}: not saved, the grid changed; type it again.")
            return None
        line_id = ids[row]
        here = self.row_ids.index(line_id) if line_id in self.row_ids else None
        if column == -1:
            if self.editable and here is not None:
                self._pick(
                    here, bool((cell or {}).get("data")) if isinstance(cell, dict) else False
                )
            return None
        field, title, _w, editable_field = GRID_COLUMNS[column]
        where = (
            f"Row {(self.page - 1) * PER_PAGE + here + 1}, {title}"
            if here is not None
            else f"Row {row + 1} as typed (no longer shown here), {title}"
        )
        key = f"{line_id}:{field}"
        if not editable_field:
            self._refuse(key, refusal(where, "not saved, this column cannot be typed in"))
            return None
        if not self.editable:
            self._refuse(key, refusal(where, "not saved, this version is read-only"))
            return None
        text = str((cell or {}).get("data", "") if isinstance(cell, dict) else "")[:200]
        try:
            values = cell_patch(field, text, self.currency)
            patch = LinePatch.model_validate({"row_version": self.row_version, **values})
        except CellError as exc:
            self._refuse(key, refusal(where, str(exc)))
            return None
        except ValidationError as exc:
            self._refuse(key, refusal(where, field_message(exc, field)))
            return None
        old = self._raw[here].get(field, {}) if here is not None else {}
        line = self._save_line(line_id, patch, here, where=where, field=field)
        if line is None:
            return None
        if here is None:
            where = f"{line_label(line, self._service_names, self._season_names)}, {title}"
        after = values_text(field, line_values(field, line), self.currency) or "empty"
        if old:
            self._undo = {"line_id": line_id, "field": field, "values": old, "where": where}
            before = values_text(field, old, self.currency) or "empty"
            self.undo_label = f"{where}: {before} → {after}"
            self.cell_notice = f"Saved — {self.undo_label}"
        else:
            self._undo, self.undo_label = {}, ""
            self.cell_notice = f"Saved — {where}: {after}"
        return None

    def _save_line(
        self, line_id: str, patch: LinePatch, row: int | None, *, where: str, field: str
    ) -> RateLine | None:
        """update_line; on success the row and lock are refreshed, else the reason is shown
        over the grid (not as a toast: it names the cell)."""
        key = f"{line_id}:{field}"
        viewer = self._viewer()
        if viewer is None:
            self._refuse(key, refusal(where, "not saved, signed out: sign in again"))
            return None
        ctx = viewer.context
        try:
            with tenant_scope(ctx) as session:
                line = rate_lines.update_line(session, ctx, line_id=uuid.UUID(line_id), data=patch)
                version = rates.get_version(session, ctx, line.version_id)
                if str(version.id) != self.version_id:
                    raise ValidationFailedError(OTHER_VERSION)
                self.row_version = version.row_version
                if row is not None and row < len(self.row_ids) and self.row_ids[row] == line_id:
                    self.grid[row] = self._cells(line)
                    self._raw[row] = self._raw_values(line)
                self._settle(key)
                return line
        except rates.VersionConflictError:
            self._changed_elsewhere()
            self._refuse(key, f"{where}: not saved, changed by someone else. Reload first.")
        except DomainError as exc:
            reason = OTHER_VERSION if exc.detail == OTHER_VERSION else field_message(exc, field)
            self._refuse(key, refusal(where, reason))
        return None

    @event
    def undo(self) -> EventSpec | None:
        """Put back the value the last successful edit replaced."""
        if not self._undo or not self.editable:
            return None
        undo, self._undo = self._undo, {}
        field = str(undo["field"])
        try:
            patch = LinePatch.model_validate(
                {"row_version": self.row_version, **dict(undo.get("values") or {})}
            )
        except ValidationError as exc:
            self._refuse("undo", refusal("Cannot undo", field_message(exc, field)))
            return None
        line_id = str(undo["line_id"])
        row = self.row_ids.index(line_id) if line_id in self.row_ids else None
        if self._save_line(line_id, patch, row, where=str(undo["where"]), field=field):
            self.cell_notice = f"Undone: {undo['where']} is back to its old value."
            self.undo_label = ""
        return None

    # ---- adding and deleting lines ------------------------------------------------------------

    @event
    def set_add_open(self, value: bool) -> None:
        self.add_open, self.add_errors, self.add_notice = value and self.editable, {}, ""

    def _line_in(self, form: dict[str, Any]) -> LineIn | None:
        """The add form's line, checked like the grid's cells: every field's problem at once
        (in `add_errors`), or the line."""
        errors: dict[str, str] = {}
        typed: dict[str, Any] = {}
        for name in TYPED_FIELDS:
            raw = str(form.get(name, "") or "") or ("Every day" if name == "weekdays" else "")
            try:
                typed[name] = parse_cell(name, raw, self.currency)
            except CellError as exc:
                errors[name] = sentence(str(exc))
        try:
            data = LineIn.model_validate(
                {
                    "service_id": form.get("service_id") or None,
                    "season_id": form.get("season_id") or None,
                    "basis": form.get("basis") or None,
                    "occupancy": form.get("occupancy") or Occupancy.ANY.value,
                    "age_band": form.get("age_band") or AgeBandKind.ADULT.value,
                    "pax_min": form.get("pax_min") or 1,
                    "pax_max": form.get("pax_max") or 99,
                    "min_nights": form.get("min_nights") or 1,
                    "capacity": form.get("capacity") or None,
                    "supplement": form.get("supplement") or None,
                    "optional": bool(form.get("optional")),
                    **typed,
                }
            )
        except ValidationError as exc:
            data = None
            errors = (
                {
                    str(e["loc"][0]) if e.get("loc") else "form": sentence(schema_message(e))
                    for e in exc.errors()
                }
                | blank_fields(form, ["service_id", "season_id"])
                | errors
            )
        self.add_errors = errors
        return None if errors else data

    @event
    def add_line(self, form: dict[str, Any]) -> EventSpec | None:
        """The add form's line; the dialog stays open to add the next."""
        self.add_errors, self.add_notice = {}, ""
        if not self.editable:
            return rx.toast.error("This version is read-only.")
        data = self._line_in(form)
        if data is None:
            return None
        version_id = uuid.UUID(self.version_id)

        def work(session: Session, ctx: TenantContext) -> str:
            (line,) = rate_lines.add_lines(
                session, ctx, version_id=version_id, row_version=self.row_version, lines=[data]
            )
            self._saved(session, ctx, lines=True)
            return line_label(line, self._service_names, self._season_names)

        label, problem = self._run(work, may=Action.RATES_EDIT, errors="add_errors")
        if label is None:
            return problem
        self.add_notice = f"Added: {label}, net {format_amount(data.net, self.currency)}."
        return None

    @event
    def set_delete_open(self, value: bool) -> None:
        self.delete_open = value and self.editable and self.selected_count > 0

    @event
    def delete_selected(self) -> EventSpec | None:
        self.delete_open = False
        ids = self._selected_ids()
        if not ids or not self.editable:
            return None
        version_id = uuid.UUID(self.version_id)

        def work(session: Session, ctx: TenantContext) -> int:
            removed = rate_lines.delete_lines(
                session,
                ctx,
                version_id=version_id,
                row_version=self.row_version,
                line_ids=[uuid.UUID(i) for i in ids],
            )
            self._only_ids = [i for i in self._only_ids if i not in set(ids)]
            self._saved(session, ctx, lines=True)
            return removed

        removed, problem = self._run(work, may=Action.RATES_EDIT)
        if removed is None:
            return problem
        self._undo, self.undo_label = {}, ""
        return rx.toast.success(f"{removed} line{'s' if removed != 1 else ''} deleted.")
