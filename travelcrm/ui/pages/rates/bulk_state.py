"""Bulk update (a dialog of the lines tab): one change to many lines' prices — the ticked
lines, the lines shown, or every line of the filter — previewed old → new, then applied in one
transaction only with exactly the settings previewed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.rates import lines as rate_lines
from travelcrm.rates.schemas import BulkChange
from travelcrm.ui.components.money import format_amount
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.rates.cells import parse_cell
from travelcrm.ui.pages.rates.lines_state import RateLinesState
from travelcrm.ui.pages.rates.rows import (
    PREVIEW_ROWS,
    BulkLine,
    field_message,
    line_label,
    sentence,
)
from travelcrm.ui.pages.rates.text import CellError, service_words

CHOICES = {
    "bulk_scope": {"selected", "filter"},
    "bulk_field": {"net", "sell"},
    "bulk_op": {"percent", "amount", "set"},
}


class RateBulkState(RateLinesState):
    bulk_open: bool = False
    bulk_scope: str = "filter"
    bulk_field: str = "net"
    bulk_op: str = "percent"
    bulk_value: str = ""
    bulk_round: str = ""
    bulk_rows: list[BulkLine] = []
    bulk_count: int = 0
    bulk_ready: bool = False  # previewed with exactly these settings
    bulk_running: bool = False
    bulk_error: str = ""
    _bulk_key: str = ""

    def _forget(self) -> None:
        self.bulk_open = False

    @event
    def set_bulk_open(self, value: bool) -> None:
        self.bulk_open = value and self.editable
        self.bulk_rows, self.bulk_count, self.bulk_ready, self.bulk_error = [], 0, False, ""
        self.bulk_scope = "selected" if self.selected_count else "filter"

    @event
    def set_bulk(self, name: str, value: str) -> None:
        if name in CHOICES and value in CHOICES[name]:
            setattr(self, name, value)
        elif name in {"bulk_value", "bulk_round"}:
            setattr(self, name, str(value)[:30])
        self.bulk_ready = False

    def _bulk_selections(self) -> list[dict[str, Any]]:
        """What the change touches: the ticked lines, the lines shown (coverage filter), the
        service / season filter, or — with no filter — every service's lines."""
        if self.bulk_scope == "selected":
            ids = self._selected_ids()
            if not ids:
                raise CellError("tick the lines to change first, or use the current filter")
            return [{"line_ids": ids}]
        if self._only_ids:
            return [{"line_ids": list(self._only_ids)}]
        service, season = parse_id(self.filter_service), parse_id(self.filter_season)
        if service is not None or season is not None:
            return [{"service_id": service, "season_id": season}]
        return [{"service_id": uuid.UUID(s)} for s in self._service_names]

    def _bulk_change(self, selection: dict[str, Any], lock: int, dry_run: bool) -> BulkChange:
        value = parse_cell("markup_pct", self.bulk_value) if self.bulk_value.strip() else None
        if value is None:
            raise CellError("enter a value")
        return BulkChange.model_validate(
            {
                "row_version": lock,
                "selection": selection,
                "field": self.bulk_field,
                "operation": self.bulk_op,
                "value": value,
                "round_to": parse_cell("sell", self.bulk_round, self.currency),
                "dry_run": dry_run,
            }
        )

    def _bulk_run(
        self, session: Session, ctx: TenantContext, *, dry_run: bool
    ) -> list[rate_lines.BulkPreviewRow]:
        """The change over every selection, in this one transaction: a preview, or (after a
        preview of the same selections) the change itself. A refusal is kept in `bulk_error`
        (the dialog shows it) and rolls everything back."""
        version_id = uuid.UUID(self.version_id)
        rows: list[rate_lines.BulkPreviewRow] = []
        lock = self.row_version
        try:
            for selection in self._bulk_selections():
                preview = rate_lines.bulk_change(
                    session,
                    ctx,
                    version_id=version_id,
                    change=self._bulk_change(selection, lock, True),
                )
                if dry_run or not preview.rows:
                    rows += preview.rows
                    continue
                applied = rate_lines.bulk_change(
                    session,
                    ctx,
                    version_id=version_id,
                    change=self._bulk_change(selection, lock, False),
                )
                rows += applied.rows
                lock = applied.row_version
        except ValidationFailedError as exc:
            self.bulk_error = service_words(exc.detail)
            raise
        if not dry_run:
            self.row_version = lock
        return rows

    def _bulk_problem(self) -> str:
        """Why the dialog's settings cannot make a change ("" when they can)."""
        try:
            selections = self._bulk_selections()
            self._bulk_change(selections[0] if selections else {}, 1, True)
        except CellError as exc:
            return sentence(str(exc))
        except ValidationError as exc:
            return sentence(f"value {field_message(exc, 'value')}")
        return ""

    def _bulk_settings(self) -> str:
        return "|".join(
            [
                self.bulk_scope,
                self.bulk_field,
                self.bulk_op,
                self.bulk_value,
                self.bulk_round,
                str(self.row_version),
                ",".join(self._selected_ids()) if self.bulk_scope == "selected" else "",
            ]
        )

    def _preview_rows(
        self, session: Session, ctx: TenantContext, found: list[rate_lines.BulkPreviewRow]
    ) -> list[BulkLine]:
        shown = found[:PREVIEW_ROWS]
        named = rate_lines.list_lines(
            session,
            ctx,
            version_id=uuid.UUID(self.version_id),
            line_ids=[row.line_id for row in shown],
            per_page=PREVIEW_ROWS,
        ).lines
        known = {str(ln.id): ln for ln in named}
        out = []
        for row in shown:
            line = known.get(str(row.line_id))
            delta = row.new - row.old
            out.append(
                BulkLine(
                    label=line_label(line, self._service_names, self._season_names)
                    if line
                    else str(row.line_id),
                    old=format_amount(row.old, self.currency),
                    new=format_amount(row.new, self.currency),
                    delta=("+" if delta >= 0 else "-") + format_amount(abs(delta), self.currency),
                    up=delta >= 0,
                )
            )
        return out

    def _quiet(self, problem: EventSpec | None) -> EventSpec | None:
        """The dialog already says why (no toast over it)."""
        return None if self.bulk_error else problem

    @event
    def bulk_preview(self) -> Iterator[EventSpec | None]:
        self.bulk_error, self.bulk_ready = "", False
        if not self.editable:
            return
        self.bulk_error = self._bulk_problem()
        if self.bulk_error:
            return
        self.bulk_running = True
        yield None

        def work(session: Session, ctx: TenantContext) -> list[BulkLine]:
            found = self._bulk_run(session, ctx, dry_run=True)
            self.bulk_count = len(found)
            return self._preview_rows(session, ctx, found)

        rows, problem = self._run(work, may=Action.RATES_EDIT)
        self.bulk_running = False
        if rows is not None:
            self.bulk_rows, self.bulk_ready = rows, True
            self._bulk_key = self._bulk_settings()
        yield self._quiet(problem)

    @event
    def bulk_apply(self) -> Iterator[EventSpec | None]:
        if not self.editable:
            return
        if not self.bulk_ready or self._bulk_key != self._bulk_settings():
            self.bulk_error = "Preview the change first (the settings changed since)."
            self.bulk_ready = False
            return
        self.bulk_running = True
        self.bulk_error = ""
        yield None

        def work(session: Session, ctx: TenantContext) -> int:
            count = len(self._bulk_run(session, ctx, dry_run=False))
            self._fill_lines(session, ctx)
            return count

        try:
            count, problem = self._run(work, may=Action.RATES_EDIT)
        except CellError as exc:
            self.bulk_error, count, problem = str(exc), None, None
        self.bulk_running = False
        if count is None:
            yield self._quiet(problem)
            return
        self.bulk_open, self.bulk_ready, self.bulk_rows = False, False, []
        self._undo, self.undo_label = {}, ""
        yield rx.toast.success(f"Changed {count} line{'s' if count != 1 else ''}.")
