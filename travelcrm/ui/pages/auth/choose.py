"""Pick the agency to work in, for people in more than one (after sign-in, or to switch)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec

from travelcrm.accounts import services as accounts
from travelcrm.accounts.models import AuthSession
from travelcrm.core.errors import DomainError
from travelcrm.core.urls import safe_local_path
from travelcrm.db import system_scope
from travelcrm.ui import routes
from travelcrm.ui.components.cards import muted
from travelcrm.ui.errors import leave_errors_behind
from travelcrm.ui.events import event
from travelcrm.ui.pages.auth.layout import auth_card, notice
from travelcrm.ui.session import client_of, login_url, session_token


class ChooseAgencyState(rx.State):
    agencies: list[dict[str, str]] = []
    current: str = ""
    error: str = ""
    next_path: str = routes.HOME

    def _session(self) -> tuple[AuthSession, str | None] | None:
        token = session_token(self.router.headers.cookie)
        if not token:
            return None
        try:
            with system_scope() as session:
                auth, _user, ctx = accounts.resolve_session(session, raw_token=token)
        except accounts.SessionExpiredError:
            return None
        return auth, str(ctx.tenant_id) if ctx else None

    @event
    def load(self) -> EventSpec | None:
        self.next_path = safe_local_path(self.router.url.query_parameters.get("next"), routes.HOME)
        found = self._session()
        if found is None:
            return rx.redirect(login_url(self.router.url.path))
        auth, current = found
        with system_scope() as session:
            choices = accounts.my_agencies(session, user_id=auth.user_id)
        self.current = current or ""
        self.agencies = [
            {"id": str(c.tenant_id), "name": c.name, "slug": c.slug, "role": c.role}
            for c in choices
        ]
        return None

    @event
    def pick(self, tenant_id: str) -> EventSpec | None:
        import uuid

        found = self._session()
        if found is None:
            return rx.redirect(login_url(self.router.url.path))
        try:
            with system_scope() as session:
                accounts.switch_agency(
                    session,
                    auth_session=found[0],
                    tenant_id=uuid.UUID(tenant_id),
                    ip=client_of(self.router)[0],
                )
        except (DomainError, ValueError) as exc:
            self.error = exc.detail if isinstance(exc, DomainError) else "Agency not found."
            return None
        return rx.redirect(self.next_path)


def _choice(agency: Any) -> rx.Component:  # a row of the foreach (an object var)
    return rx.button(
        rx.hstack(
            rx.icon("building-2", size=18),
            rx.vstack(
                rx.text(agency["name"], weight="bold"),
                muted(agency["role"], size="1"),
                spacing="0",
                align="start",
            ),
            rx.spacer(),
            rx.cond(
                ChooseAgencyState.current == agency["id"],
                rx.badge("current", color_scheme="teal"),
                rx.icon("chevron-right", size=16),
            ),
            width="100%",
            align="center",
        ),
        on_click=ChooseAgencyState.pick(agency["id"]),  # type: ignore[operator]
        variant="surface",
        size="4",
        width="100%",
        justify="start",
        data_testid="agency-choice",
    )


@rx.page(
    route=routes.CHOOSE_AGENCY,
    title="Choose an agency · TravelCRM",
    on_load=[leave_errors_behind(), ChooseAgencyState.load],
)
def choose_agency_page() -> rx.Component:
    return auth_card(
        notice(ChooseAgencyState.error),
        rx.vstack(rx.foreach(ChooseAgencyState.agencies, _choice), spacing="2", width="100%"),
        title="Choose an agency",
        subtitle="You work in more than one. You can switch later from the menu.",
    )
