"""Event handlers that wait (the database, files) do not hold up the web worker's event loop:
`@event` runs a synchronous handler in a worker thread, so other tabs' events and API requests
on the same worker go on meanwhile."""

from __future__ import annotations

import asyncio
import inspect
import time

import reflex as rx

from travelcrm.ui.events import event, plain


class _Tab:
    def __init__(self) -> None:
        self.done: list[int] = []


def wait_for_database(self: _Tab, n: int) -> int:
    time.sleep(0.3)  # a query that takes a while
    self.done.append(n)
    return n


def test_a_waiting_handler_leaves_the_loop_free_for_other_tabs() -> None:
    handler = event(wait_for_database)
    assert inspect.iscoroutinefunction(handler)
    assert plain(handler) is wait_for_database

    async def three_tabs_and_a_heartbeat() -> tuple[float, int]:
        beats = 0

        async def heartbeat() -> None:
            nonlocal beats
            for _ in range(10):
                await asyncio.sleep(0.02)
                beats += 1

        tabs = [_Tab() for _ in range(3)]
        started = time.perf_counter()
        results = await asyncio.gather(*(handler(t, i) for i, t in enumerate(tabs)), heartbeat())
        assert results[:3] == [0, 1, 2] and [t.done for t in tabs] == [[0], [1], [2]]
        return time.perf_counter() - started, beats

    took, beats = asyncio.run(three_tabs_and_a_heartbeat())
    assert took < 0.6  # side by side: one after the other would take 0.9 s
    assert beats == 10  # the loop kept ticking while the handlers waited


def test_generators_and_coroutines_stay_as_reflex_runs_them() -> None:
    def steps(self: _Tab):  # type: ignore[no-untyped-def]
        yield

    async def already_async(self: _Tab) -> None:
        return None

    assert inspect.isgeneratorfunction(event(steps))
    assert event(already_async) is already_async


def test_every_page_handler_that_can_block_runs_off_the_loop() -> None:
    """A guard: a synchronous handler declared with Reflex's plain `@rx.event` (or no
    decorator) would block the worker again; pages use `travelcrm.ui.events.event`."""
    import travelcrm.travelcrm  # noqa: F401  (every page and state registered)

    on_loop = []
    pending = [rx.State]
    while pending:
        state = pending.pop()
        pending.extend(state.get_substates())
        if not state.__module__.startswith("travelcrm."):
            continue
        for name, handler in state.event_handlers.items():
            fn = handler.fn
            if not getattr(fn, "__module__", "").startswith("travelcrm."):
                continue  # Reflex's own (setvar, the setters it makes)
            if not (
                inspect.iscoroutinefunction(fn)
                or inspect.isasyncgenfunction(fn)
                or inspect.isgeneratorfunction(fn)
            ):
                on_loop.append(f"{state.__name__}.{name}")
    assert on_loop == [], f"handlers that would block the event loop: {sorted(on_loop)}"


def test_who_is_behind_an_event_takes_three_statements_at_most(migrated_engine) -> None:
    """Every handler that touches data asks who is signed in; that is the session and its
    person in one statement, the person's memberships with their agencies in another (and
    on PostgreSQL the setting that lets the person read them)."""
    from sqlalchemy import event as sa_event

    from tests.ui.test_queries_pages import _agency, _signed_in
    from travelcrm.accounts.services import SESSION_COOKIE
    from travelcrm.ui.session import identify

    agency = _agency()
    cookie = f"{SESSION_COOKIE}={_signed_in(agency.email)}"
    assert identify(cookie) is not None  # warm: the last-seen touch is written once
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa_event.listen(migrated_engine, "before_cursor_execute", count)
    try:
        viewer = identify(cookie)
    finally:
        sa_event.remove(migrated_engine, "before_cursor_execute", count)
    assert viewer is not None and viewer.context.tenant_id == agency.owner.tenant_id
    assert viewer.agency_name and viewer.agency_timezone
    assert len(statements) <= 3, statements


def _counted(_engine, work):  # type: ignore[no-untyped-def]
    """(work(), the statements it sent through the app's engine)."""
    from sqlalchemy import event as sa_event

    from travelcrm.db import get_engine

    engine = get_engine()  # (the fixture's engine is not the app's after an engine reset)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        return work(), statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


def test_a_known_sign_in_is_checked_by_one_statement_and_still_ends_at_once(
    migrated_engine,
) -> None:
    """After the first look, who is behind an event is one statement in the agency the sign-in
    worked in last; it still sees at once a role change, a membership ended, a sign-out."""
    from sqlmodel import select

    from tests.ui.test_queries_pages import _agency, _colleague, _signed_in
    from travelcrm.accounts import services as accounts
    from travelcrm.accounts.models import Membership
    from travelcrm.accounts.services import SESSION_COOKIE
    from travelcrm.core.permissions import Role
    from travelcrm.db import system_scope, tenant_scope
    from travelcrm.ui.session import identify

    agency = _agency()
    email, colleague = _colleague(agency, Role.AGENT, "Asha Rao")
    token = _signed_in(email)
    cookie = f"{SESSION_COOKIE}={token}"
    assert identify(cookie) is not None  # the first look: the agency is not known yet
    viewer, statements = _counted(migrated_engine, lambda: identify(cookie))
    assert viewer is not None and viewer.context == colleague
    assert viewer.user_name == "Asha Rao" and viewer.agency_name and viewer.agency_timezone
    assert len(statements) == 1, statements

    with tenant_scope(agency.owner) as session:
        member = session.exec(select(Membership).where(Membership.user_id == colleague.user_id))
        member_id = member.one().id
        accounts.change_role(session, agency.owner, member_id=member_id, role=Role.MANAGER)
    viewer = identify(cookie)
    assert viewer is not None and viewer.context.role is Role.MANAGER
    with tenant_scope(agency.owner) as session:
        accounts.deactivate_member(session, agency.owner, member_id=member_id)
    assert identify(cookie) is None

    owner_token = _signed_in(agency.email)
    owner_cookie = f"{SESSION_COOKIE}={owner_token}"
    assert identify(owner_cookie) is not None and identify(owner_cookie) is not None
    with system_scope() as session:
        accounts.sign_out(session, raw_token=owner_token)
    assert identify(owner_cookie) is None


def test_an_event_asks_who_is_looking_once_until_a_unit_of_work_ends(migrated_engine) -> None:
    """`_admit` and the `_run` after it in one handler share one answer; once a unit of work
    has ended (it may have signed the person out, or changed their role) the next asks again."""
    from tests.ui.test_queries_pages import _agency, _signed_in
    from travelcrm.accounts import services as accounts
    from travelcrm.accounts.services import SESSION_COOKIE
    from travelcrm.db import system_scope
    from travelcrm.ui.session import event_scope, identify

    agency = _agency()
    token = _signed_in(agency.email)
    cookie = f"{SESSION_COOKIE}={token}"
    assert identify(cookie) is not None
    with event_scope():
        first, sent = _counted(migrated_engine, lambda: identify(cookie))
        again, sent_again = _counted(migrated_engine, lambda: identify(cookie))
        assert first is not None and again == first
        assert len(sent) == 1 and sent_again == []
        with system_scope() as session:
            accounts.sign_out(session, raw_token=token)
        assert identify(cookie) is None  # asked again after the sign-out's unit of work
    assert identify(cookie) is None
