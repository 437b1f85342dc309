"""What the header does to versions: a new draft, the draft's terms, publishing after the
coverage check (errors block, gaps are confirmed one by one, warnings do not block), and the
diff between two versions."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.errors import ValidationFailedError
from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.rates import services as rates
from travelcrm.rates.models import VersionStatus
from travelcrm.rates.schemas import VersionUpdate
from travelcrm.ui.components.money import format_amount, format_range
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.rates.lines_state import RateLinesState
from travelcrm.ui.pages.rates.rows import ALL, DiffLine, IssueRow
from travelcrm.ui.pages.rates.state import RateListState
from travelcrm.ui.pages.rates.text import CellError, parse_tiers, service_words, words

TIER_FIELDS = {"days_before", "charge_pct", "charge_nights"}  # shown at the terms box
NOT_IN_LIST = "That version is not in this list."


class RatePublishState(RateListState):
    terms_open: bool = False
    terms_errors: dict[str, str] = {}
    publish_open: bool = False
    publish_checked: bool = False
    publish_blocked: bool = False
    publish_running: bool = False
    to_confirm: int = 0  # gaps still to tick before "Publish" is allowed
    issues: list[IssueRow] = []
    diff_open: bool = False
    diff_title: str = ""
    diff_summary: str = ""
    diff_rows: list[DiffLine] = []
    _issue_lines: list[list[str]] = []

    def _forget(self) -> None:
        self.diff_open = self.publish_open = self.terms_open = False

    # ---- a new draft, its terms -----------------------------------------------------------

    @event
    def new_draft(self) -> list[EventSpec] | EventSpec | None:
        source = parse_id(self.version_id)
        if source is None:
            return None

        def work(session: Session, ctx: TenantContext) -> int:
            draft = rates.new_draft(session, ctx, version_id=source)
            if str(draft.rate_list_id) != self._list_id:
                raise ValidationFailedError(NOT_IN_LIST)
            self._show_lines()
            self._show_again(session, ctx, draft)
            return draft.number

        number, problem = self._run(work, may=Action.RATES_EDIT)
        if number is None:
            return problem
        return [
            rx.toast.success(f"Draft v{number} started: change it, then publish."),
            RateLinesState.forget_edits,
        ]

    @event
    def set_terms_open(self, value: bool) -> None:
        self.terms_open, self.terms_errors = value and self.editable, {}

    @event
    def save_terms(self, form: dict[str, Any]) -> list[EventSpec] | EventSpec | None:
        """Every field's problem at once; the terms box's own (its tiers) at the box."""
        self.terms_errors = {}
        if not self.editable:
            return None
        try:
            tiers, tier_error = parse_tiers(str(form.get("terms", ""))), {}
        except CellError as exc:
            tiers, tier_error = [], {"terms": str(exc)}
        given = {
            "currency": str(form.get("currency", "")).strip().upper(),
            "valid_from": str(form.get("valid_from", "") or ""),
            "valid_to": str(form.get("valid_to", "") or ""),
        }
        payload = {
            "row_version": self.row_version,
            **{name: value for name, value in given.items() if value},  # blank: unchanged
            "cancellation_tiers": tiers,
            "no_show_charge_pct": str(form.get("no_show", "")).strip().rstrip("%") or None,
        }
        version_id = uuid.UUID(self.version_id)

        def work(session: Session, ctx: TenantContext) -> bool:
            data = VersionUpdate.model_validate(payload)
            if tier_error:
                return False
            version = rates.update_version(session, ctx, version_id=version_id, data=data)
            self._show_again(session, ctx, version)
            return True

        saved, problem = self._run(work, may=Action.RATES_EDIT, errors="terms_errors")
        self.terms_errors = {
            ("terms" if name in TIER_FIELDS else name): message
            for name, message in self.terms_errors.items()
        } | tier_error
        if not saved:
            return problem
        self.terms_open = False
        return [rx.toast.success("Terms saved."), RateLinesState.forget_edits]

    # ---- publishing -------------------------------------------------------------------------

    @event
    def open_publish(self) -> EventSpec | None:
        """The coverage check first: errors block publishing, warnings do not."""
        if self.status != VersionStatus.DRAFT.value or not self.can_publish:
            return None
        version_id = uuid.UUID(self.version_id)

        def work(session: Session, ctx: TenantContext) -> list[rates.CoverageIssue]:
            return rates.coverage(session, ctx, version_id=version_id)

        found, problem = self._run(work, may=Action.RATES_VIEW)
        if found is None:
            return problem
        self.issues = [
            IssueRow(
                severity=i.severity,
                message=service_words(i.message),
                service_id=str(i.service_id or ""),
                season_id=str(i.season_id or ""),
                line_count=len(i.line_ids),
                can_show=bool(i.line_ids or i.service_id or i.season_id),
                key=i.key,
            )
            for i in found
        ]
        self._issue_lines = [[str(x) for x in i.line_ids] for i in found]
        self.publish_blocked = any(i.severity == "error" for i in found)
        self.to_confirm = sum(i.severity == "confirm" for i in found)
        self.publish_checked, self.publish_open = True, True
        return None

    @event
    def set_publish_open(self, value: bool) -> None:
        self.publish_open = value and self.publish_checked

    def _issue_at(self, index: Any) -> int | None:
        try:
            number = int(index)
        except (TypeError, ValueError):
            return None
        return number if 0 <= number < len(self.issues) else None

    @event
    def confirm_issue(self, index: int, value: bool) -> None:
        """The operator accepts (or takes back) one gap the coverage check asks about."""
        number = self._issue_at(index)
        if number is None or self.issues[number].severity != "confirm":
            return
        rows = list(self.issues)
        rows[number] = dataclasses.replace(rows[number], confirmed=bool(value))
        self.issues = rows
        self.to_confirm = sum(i.severity == "confirm" and not i.confirmed for i in rows)

    @event
    def show_issue(self, index: int) -> EventSpec | None:
        """ "Show these lines": the grid filtered to what the issue is about."""
        number = self._issue_at(index)
        if number is None or number >= len(self._issue_lines):
            return None
        issue, ids = self.issues[number], self._issue_lines[number]
        self.publish_open, self.tab = False, "lines"
        if ids:
            self.filter_service = self.filter_season = ALL
            self._show_lines(ids, f"{len(ids)} line{'s' if len(ids) != 1 else ''}: {issue.message}")
        else:
            self._show_lines()
            self.filter_service = (
                issue.service_id if issue.service_id in self._service_names else ALL
            )
            self.filter_season = issue.season_id if issue.season_id in self._season_names else ALL
        return self._reload_lines()

    @event
    def publish(self) -> Iterator[Any]:
        if self.publish_blocked or self.to_confirm or not self.can_publish:
            return
        self.publish_running = True
        yield None
        version_id = uuid.UUID(self.version_id)
        confirmed = [i.key for i in self.issues if i.severity == "confirm" and i.confirmed]

        def work(session: Session, ctx: TenantContext) -> int:
            version = rates.publish(
                session,
                ctx,
                version_id=version_id,
                row_version=self.row_version,
                acknowledged=confirmed,
            )
            self._show_again(session, ctx, version)
            return version.number

        number, problem = self._run(work, may=Action.RATES_PUBLISH)
        self.publish_running = False
        if number is None:
            yield problem
            return
        self.publish_open = False
        yield rx.toast.success(f"v{number} is published: quotes use its prices from now on.")
        yield RateLinesState.forget_edits

    # ---- the diff -----------------------------------------------------------------------------

    @event
    def compare_with(self, other_id: str) -> EventSpec | None:
        other, current = parse_id(other_id), parse_id(self.version_id)
        if other is None or current is None or other_id == self.version_id:
            return None
        if other_id not in {v.value for v in self.versions}:
            return rx.toast.error(NOT_IN_LIST)

        def work(session: Session, ctx: TenantContext) -> tuple[str, list[rates.DiffRow]]:
            a = rates.get_version(session, ctx, other)
            b = rates.get_version(session, ctx, current)
            old, new = (a, b) if a.number < b.number else (b, a)
            rows = rates.diff(session, ctx, old_version_id=old.id, new_version_id=new.id)
            return f"Changes from v{old.number} to v{new.number}", rows

        found, problem = self._run(work, may=Action.RATES_VIEW)
        if found is None:
            return problem
        self.diff_title, rows = found
        money = self.currency
        self.diff_rows = [
            DiffLine(
                change=r.change,
                key=words(r.key).replace("/", " / "),
                old_net=format_amount(r.old_net, money),
                new_net=format_amount(r.new_net, money),
                old_sell=format_amount(r.old_sell, money),
                new_sell=format_amount(r.new_sell, money),
                old_dates=", ".join(format_range(a, b) for a, b in r.old_ranges or []),
                new_dates=", ".join(format_range(a, b) for a, b in r.new_ranges or []),
            )
            for r in rows
        ]
        counts = {kind: sum(1 for r in rows if r.change == kind) for kind in ("added", "removed")}
        changed = len(rows) - counts["added"] - counts["removed"]
        self.diff_summary = (
            f"{changed} changed · {counts['added']} added · {counts['removed']} removed"
            if rows
            else "The two versions have the same prices."
        )
        self.diff_open = True
        return None

    @event
    def close_diff(self) -> None:
        self.diff_open = False
