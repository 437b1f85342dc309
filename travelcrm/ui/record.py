"""The state kit for a record's page (a supplier, a customer, a query): the record's id from
the route, reading it again after every change, and a change made the same way everywhere —
run in the viewer's agency (`StaffPage._run`), then the page shows the record as it is now and
says what happened; invalid input keeps the form open with a message under each field.

A page state mixes it in: `class CustomerState(RecordPage, rx.State)`, and says which record
(`_record_id`), how to read it (`_read`) and what to say when it is gone (`_missing`)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx
from pydantic import BaseModel, ValidationError
from reflex.event import EventSpec

from travelcrm.core.errors import VersionConflictError
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.ui.errors import form_errors
from travelcrm.ui.kit import StaffPage, parse_id
from travelcrm.ui.session import Viewer

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

NEEDS_ATTENTION = "Some fields need attention."

RecordWork = Callable[[Session, TenantContext, uuid.UUID], T]
RowWork = Callable[[Session, TenantContext, uuid.UUID, uuid.UUID], Any]


class GatedPage(StaffPage, mixin=True):
    """A page some roles may open: whether it has loaded, whether the viewer's role may see
    it (`allowed`, else the page says which role they have) and the agency's timezone."""

    loaded: bool = False
    allowed: bool = False
    role: str = ""
    _timezone: str = "UTC"

    def _admit(self, view: Action) -> Viewer | None:
        """For `load`: the viewer (None when signed out), noting their role, whether it may
        `view` this page, and their agency's timezone."""
        viewer = self._viewer()
        if viewer is not None:
            self.role, self._timezone = viewer.context.role.value, viewer.agency_timezone
            self.allowed = can(viewer.context.role, view)
        return viewer


class FormPage(GatedPage, mixin=True):
    """A page with forms: their values checked against a schema, a message under each field."""

    def _messages(self, exc: ValidationError) -> dict[str, str]:
        """A message per field for invalid form input (pages may say it in their own words)."""
        return form_errors(exc)[1]

    def _parse(
        self, schema: type[M], values: dict[str, Any], *, errors: str, whole: str = "form"
    ) -> M | None:
        """The form's values as `schema`, or None with every field's message in the var named
        `errors` (a rule about the whole form is said under the field `whole`)."""
        try:
            return schema.model_validate(values)
        except ValidationError as exc:
            messages = self._messages(exc)
            if "form" in messages:
                messages[whole] = messages.pop("form")
            setattr(self, errors, messages)
            return None


class RecordPage(FormPage, mixin=True):
    found: bool = False
    _stale: bool = False  # the last change met a newer version of the record (see `_conflict`)

    # ---- what each page says ---------------------------------------------------------------------

    def _record_id(self) -> uuid.UUID | None:
        """The id of the record this page shows (None when the route's is not one)."""
        raise NotImplementedError

    def _missing(self) -> str:
        """What the page says when the record is not (or no longer) in the agency."""
        return "Not found."

    def _read(self, session: Session, ctx: TenantContext, record_id: uuid.UUID) -> None:
        """Read the record (and what the page lists with it) into the page's vars."""
        raise NotImplementedError

    def _conflict(self, exc: VersionConflictError) -> EventSpec:
        return rx.toast.error(exc.detail)

    # ---- the kit ---------------------------------------------------------------------------------

    def _on_record(
        self, work: RecordWork[T], *, errors: str | None = None
    ) -> tuple[T | None, EventSpec | None]:
        """`_run(work(session, ctx, record_id))`; a route id that is not one is "not found"."""
        record_id = self._record_id()
        if record_id is None:
            return None, rx.toast.error(self._missing())
        self._stale = False
        return self._run(lambda session, ctx: work(session, ctx, record_id), errors=errors)

    def _loaded(self) -> None:
        """The end of `load`: the record read when the role may see it (`found` says whether
        it is in this agency; the page says so when it is not), and the page shown."""
        self.found = False
        if self.allowed:
            self._refresh()
        self.loaded = True

    def _refresh(self) -> EventSpec | None:
        """Read the record again; `found` says whether it (still) is in this agency."""
        _, failed = self._on_record(self._read)
        self.found = failed is None
        return failed

    def _change(
        self,
        work: RecordWork[Any],
        *,
        done: str,
        errors: str | None = None,
        dialog: str | None = None,
        then: Callable[[], Any] | None = None,
    ) -> EventSpec | None:
        """Make one change to the record (and `then()` once it is made), then show the page
        as it is now and say so.

        Invalid input (a message in `errors`) keeps the form and its `dialog` open; a stale
        version keeps what was typed; any other refusal closes the dialog, shows the record as
        it is now and says why."""
        _, failed = self._on_record(work, errors=errors)
        if self._stale or (errors is not None and getattr(self, errors)):
            return failed
        if dialog is not None:
            setattr(self, dialog, False)
        if failed is None and then is not None:
            then()
        self._refresh()
        return failed or rx.toast.success(done)

    def _submit(
        self,
        schema: type[M],
        values: dict[str, Any],
        work: Callable[[Session, TenantContext, uuid.UUID, M], Any],
        *,
        done: str,
        errors: str,
        dialog: str | None = None,
        whole: str = "form",
    ) -> EventSpec | None:
        """A form sent: its `values` checked against `schema` (a message under each field that
        is wrong), then `_change` with `work(session, ctx, record_id, data)`."""
        setattr(self, errors, {})
        data = self._parse(schema, values, errors=errors, whole=whole)
        if data is None:
            return rx.toast.error(NEEDS_ATTENTION)
        return self._change(
            lambda session, ctx, record_id: work(session, ctx, record_id, data),
            done=done,
            errors=errors,
            dialog=dialog,
        )

    def _change_row(
        self, row_id: str, work: RowWork, *, done: str, missing: str
    ) -> EventSpec | None:
        """`_change` of one of the record's rows: `work(session, ctx, record_id, row_id)`."""
        target = parse_id(row_id)
        if target is None:
            return rx.toast.error(missing)
        return self._change(
            lambda session, ctx, record_id: work(session, ctx, record_id, target), done=done
        )
