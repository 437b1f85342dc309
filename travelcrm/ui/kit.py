"""What every signed-in page's state shares, once: who is looking (`_viewer`), the way back
to sign-in when nobody is (`_signed_out`), the page's route arguments (`_page_arg`, `_page_id`),
and `_run`: a piece of work run in the viewer's agency with the domain's errors turned into
what the page shows (field messages, a toast, the way to sign-in).

A page state mixes it in: `class CustomerState(StaffPage, rx.State)`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.errors import DomainError, ValidationFailedError, VersionConflictError
from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session, tenant_scope
from travelcrm.ui.errors import form_errors
from travelcrm.ui.routes import page_arg
from travelcrm.ui.session import Viewer, identify, login_url

T = TypeVar("T")

CHANGED_ELSEWHERE = "Changed by someone else — reload to see their changes."


def parse_id(value: str | None) -> uuid.UUID | None:
    """An id from a route or a row's button; None for anything that is not one."""
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


class StaffPage(rx.State, mixin=True):
    def _viewer(self) -> Viewer | None:
        """The signed-in person and their agency, or None (signed out, session ended)."""
        return identify(self.router.headers.cookie)

    def _me(self) -> tuple[Viewer, uuid.UUID] | None:
        """`_viewer()` with their user id, for the pages about the viewer's own account."""
        viewer = self._viewer()
        if viewer is None or viewer.context.user_id is None:
            return None
        return viewer, viewer.context.user_id

    def _signed_out(self) -> EventSpec:
        """To sign-in, and back to this page afterwards."""
        return rx.redirect(login_url(self.router.url.path))

    def _page_arg(self, name: str) -> str:
        """`[name]` of this page's route, e.g. the id in /queries/[id]."""
        return page_arg(self.router, name)

    def _page_id(self, name: str = "id") -> uuid.UUID | None:
        """`[name]` of this page's route as an id (None when it is not one)."""
        return parse_id(self._page_arg(name))

    def _refused(self, action: Action) -> EventSpec:
        """What a person is told when their role may not do `action` (overridden per page)."""
        return rx.toast.error("Your role cannot do this.")

    def _conflict(self, exc: VersionConflictError) -> EventSpec:
        """Someone else saved the row first (overridden by pages that show a banner)."""
        return rx.toast.error(CHANGED_ELSEWHERE)

    def _run(
        self,
        work: Callable[[Session, TenantContext], T],
        *,
        may: Action | None = None,
        errors: str | None = None,
    ) -> tuple[T | None, EventSpec | None]:
        """Run `work(session, ctx)` in the viewer's agency, in one transaction.

        Returns (result, None), or (None, what to show): the way to sign-in, a refusal when
        the role may not do `may`, `_conflict(...)` for a stale row version, or the service's
        error as a toast. With `errors` (the name of a `dict[str, str]` var), invalid input
        puts every field's message there in one pass — it is emptied when the work succeeds —
        and the toast carries the summary."""
        viewer = self._viewer()
        if viewer is None:
            return None, self._signed_out()
        ctx = viewer.context
        if may is not None and not can(ctx.role, may):
            return None, self._refused(may)
        try:
            with tenant_scope(ctx) as session:
                result = work(session, ctx)
        except VersionConflictError as exc:
            return None, self._conflict(exc)
        except (ValidationError, ValidationFailedError) as exc:
            summary, fields = form_errors(exc)
            if errors is None:
                return None, rx.toast.error(next(iter(fields.values()), summary))
            setattr(self, errors, fields)
            return None, rx.toast.error(summary) if not fields else None
        except DomainError as exc:
            return None, rx.toast.error(exc.detail)
        if errors is not None:
            setattr(self, errors, {})
        return result, None
