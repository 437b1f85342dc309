"""Customers and queries in a real browser: create a customer (a second one with the same email
shows the duplicate), add a traveller, capture a query for them (a missing child's age is named
on its field), see it assigned to the online agent with its SLA clock, log a call, move it on
the board by drag and drop (a refused move names the allowed states; "Lost" asks why), find it
in the list, and the managers' workload page. The agent's loop: the list by urgency with its
view in the address (kept across a reload and the way back), cards with status and SLA on a
phone, the customer's phone and email as links, @mention suggestions, the reply box only for
calls and emails. Screenshots: customer-duplicates, customer, query-new, query-detail,
queries-board, queries-list, queries-workload, queries-urgent(-phone), query-loop(-phone)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import backend_url
from travelcrm.demo import DEMO_LOGINS, DEMO_STAFF

TIMEOUT = 20_000
TOP = {"x": 60, "y": 24}  # where a card is dropped: the top of a column (they can be tall)
OWNER_EMAIL = DEMO_LOGINS[0][1]
AGENT = next((e, p) for _s, e, _n, p, role in DEMO_STAFF if role.value == "agent")


def _url(harness: Any, path: str) -> str:
    return harness.frontend_url.rstrip("/") + path


def _toast(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator("[data-sonner-toast]").filter(has_text=text).first).to_be_visible(
        timeout=TIMEOUT
    )


def _settle(page: Page) -> None:
    """Before a screenshot: no toasts over the content, no hover, scrolled to the top. The
    pointer leaves first: a toast under it (the last click's button) pauses its timer."""
    page.mouse.move(0, 0)
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=TIMEOUT)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)


def _online_agent(name: str) -> None:
    """A colleague with the agent role and a browser session seen just now: assignment takes
    online agents only."""
    from sqlmodel import select

    from tests.queries.factories import member
    from travelcrm.accounts.models import User
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import system_scope
    from travelcrm.tenants.models import Tenant

    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
        owner = session.exec(select(User).where(User.email == OWNER_EMAIL)).one()
    member(TenantContext(tenant.id, owner.id, Role.OWNER), name, role=Role.AGENT, online=True)


def test_a_customer_and_their_query_from_capture_to_the_board(page, harness, shot) -> None:
    tag = secrets.token_hex(2)
    agent_name = f"Aadil Online {tag}"
    _online_agent(agent_name)
    customer = f"Meera Iyer {tag}"
    email = f"meera.{tag}@example.com"
    phone = f"+91 98{secrets.randbelow(10**8):08d}"

    # A new customer, then the same email again: the dialog offers the existing one.
    page.goto(_url(harness, "/customers"))
    expect(page.get_by_test_id("page-title")).to_have_text("Customers", timeout=TIMEOUT)
    page.get_by_test_id("new-customer").click()
    page.locator("#new-name").fill(customer)
    page.locator("#new-email").fill(email)
    page.locator("#new-phone").fill(phone)
    page.locator("#new-city").fill("Chennai")
    page.locator("#new-tags").fill("family, repeat")
    page.get_by_test_id("save-new-customer").click()
    expect(page.get_by_test_id("page-title")).to_have_text(customer, timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"/customers/[0-9a-f-]{36}$"))
    customer_url = page.url

    page.goto(_url(harness, "/customers"))
    page.get_by_test_id("new-customer").click()
    page.locator("#new-name").fill("Meera I.")
    page.locator("#new-email").fill(email.upper())
    page.get_by_test_id("save-new-customer").click()
    duplicates = page.get_by_test_id("duplicates")
    expect(duplicates).to_contain_text(customer, timeout=TIMEOUT)
    expect(duplicates).to_contain_text("Same email")
    expect(page.get_by_test_id("create-anyway")).to_be_visible()
    _settle(page)
    shot(page, "customer-duplicates")
    page.get_by_test_id("open-duplicate").click()
    expect(page.get_by_test_id("page-title")).to_have_text(customer, timeout=TIMEOUT)
    assert page.url == customer_url

    # A traveller on the customer's page.
    page.get_by_test_id("add-traveller").click()
    page.locator("#traveller-name").fill("Anika Iyer")
    page.locator("#traveller-relation").fill("daughter")
    page.locator("#traveller-date_of_birth").fill("2018-04-02")
    page.get_by_test_id("save-traveller").click()
    _toast(page, "Anika Iyer added.")
    expect(page.get_by_test_id("traveller-row")).to_contain_text("daughter", timeout=TIMEOUT)
    _settle(page)
    shot(page, "customer")

    # A query for them: the customer is already chosen; a child without an age is refused.
    page.get_by_test_id("new-query-for-customer").click()
    expect(page.get_by_test_id("page-title")).to_have_text("New query", timeout=TIMEOUT)
    expect(page.get_by_test_id("chosen-customer")).to_have_text(customer, timeout=TIMEOUT)
    year = date.today().year + 1
    page.locator("#q-destinations").fill("Goa, Kerala")
    page.locator("#q-start_date").fill(f"{year}-02-10")
    page.locator("#q-end_date").fill(f"{year}-02-16")
    page.locator("#q-adults").fill("2")
    page.locator("#q-children").fill("1")
    expect(page.get_by_test_id("child-age")).to_have_count(1, timeout=TIMEOUT)
    page.locator("#q-budget").fill("180000")
    page.locator("#q-interests").fill("beaches, backwaters")
    page.locator("#q-notes").fill("Called from the website; prefers a pool villa.")
    page.get_by_test_id("submit-query").click()
    expect(page.get_by_test_id("error-q-child_ages")).to_be_visible(timeout=TIMEOUT)
    page.get_by_test_id("child-age").fill("7")
    _settle(page)
    shot(page, "query-new")
    page.get_by_test_id("submit-query").click()
    _toast(page, re.compile(r"Q-\d+ submitted and assigned to "))
    expect(page).to_have_url(re.compile(r"/queries/[0-9a-f-]{36}$"), timeout=TIMEOUT)
    query_url = page.url
    title = page.get_by_test_id("page-title")
    expect(title).to_have_text(re.compile(r"^Q-\d+$"), timeout=TIMEOUT)
    reference = title.inner_text()

    # The query page: assigned to an online agent, the SLA clock running.
    header = page.get_by_test_id("query-header")
    expect(header).to_contain_text(customer)
    expect(page.get_by_test_id("reassign")).not_to_have_text("Reassign to…")
    expect(page.get_by_test_id("sla-clock")).to_have_text(
        re.compile(r"^\S+( \S+)? left( in working hours)?$")
    )
    expect(page.get_by_test_id("query-details")).to_contain_text("1 child")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Assigned to ")
    expect(timeline).to_contain_text("round robin")

    # A call that answers the customer: logged, on the timeline.
    page.get_by_test_id("note-kind-call").click()
    expect(page.get_by_test_id("counts-as-reply")).to_be_checked()
    page.get_by_test_id("note-body").fill("Called Meera: sending three Goa options by evening.")
    page.get_by_test_id("add-note").click()
    _toast(page, "Call logged: the reply clock starts again.")
    expect(timeline.get_by_test_id("timeline-entry").first).to_contain_text(
        "Call logged", timeout=TIMEOUT
    )
    expect(timeline).to_contain_text("sending three Goa options")
    expect(page.get_by_test_id("note-body")).to_have_value("")  # ready for the next one
    expect(page.get_by_test_id("counts-as-reply")).to_have_count(0)  # a note again
    _settle(page)
    shot(page, "query-detail")

    # The board: drag the card from Assigned to Quoted.
    page.goto(_url(harness, "/queries/board"))
    card = page.get_by_test_id("board-card").filter(has_text=reference)
    assigned = page.get_by_test_id("column-assigned")
    quoted = page.get_by_test_id("column-quoted")
    expect(assigned.get_by_test_id("board-card").filter(has_text=reference)).to_be_visible(
        timeout=TIMEOUT
    )
    card.drag_to(quoted, target_position=TOP)
    _toast(page, f"{reference} moved to Quoted.")
    expect(quoted.get_by_test_id("board-card").filter(has_text=reference)).to_be_visible(
        timeout=TIMEOUT
    )
    expect(assigned.get_by_test_id("board-card").filter(has_text=reference)).to_have_count(0)

    # A move the status machine refuses: the toast names the allowed states.
    card.drag_to(page.get_by_test_id("column-pending"), target_position=TOP)
    _toast(page, re.compile(rf"{reference} cannot move: .*allowed: assigned, .*won"))
    expect(quoted.get_by_test_id("board-card").filter(has_text=reference)).to_be_visible()
    _settle(page)
    shot(page, "queries-board")

    # The list finds it by reference, with its status and assignee.
    page.goto(_url(harness, "/queries"))
    expect(page.get_by_test_id("page-title")).to_have_text("Queries", timeout=TIMEOUT)
    page.get_by_test_id("view-all").click()
    page.get_by_test_id("query-search").fill(reference)
    rows = page.get_by_test_id("query-row")
    expect(rows).to_have_count(1, timeout=TIMEOUT)
    expect(rows.first).to_contain_text(customer)
    expect(rows.first).to_contain_text("Quoted")
    page.get_by_test_id("query-search").fill("")
    expect(rows.first).to_be_visible(timeout=TIMEOUT)
    _settle(page)
    shot(page, "queries-list")

    # Lost, with its move menu: the reason is asked for, then it sits in the Lost column.
    page.goto(_url(harness, "/queries/board"))
    card = page.get_by_test_id("board-card").filter(has_text=reference)
    card.get_by_test_id("card-menu").click()
    page.get_by_test_id("move-lost").click()
    page.get_by_role("dialog").get_by_text("Price too high").click()
    page.get_by_test_id("save-lost").click()
    _toast(page, f"{reference} moved to Lost.")
    lost = page.get_by_test_id("column-lost")
    expect(lost.get_by_test_id("board-card").filter(has_text=reference)).to_be_visible(
        timeout=TIMEOUT
    )
    page.goto(query_url)
    expect(page.get_by_test_id("query-details")).to_contain_text("Price too high", timeout=TIMEOUT)
    expect(page.get_by_test_id("move-pending")).to_have_text("Reopen")

    # The customer's page lists the query.
    page.goto(customer_url)
    expect(page.get_by_test_id("customer-query").filter(has_text=reference)).to_contain_text(
        "Lost", timeout=TIMEOUT
    )


def test_the_workload_page_compares_agents(page, harness, shot) -> None:
    name = f"Aadil Online {secrets.token_hex(2)}"
    _online_agent(name)
    page.goto(_url(harness, "/queries/workload"))
    expect(page.get_by_test_id("page-title")).to_have_text("Workload", timeout=TIMEOUT)
    row = page.get_by_test_id("agent-row").filter(has_text=name)
    expect(row).to_be_visible(timeout=TIMEOUT)
    expect(row.get_by_test_id("presence")).to_have_text("Online")
    expect(page.get_by_test_id("workload-chart")).to_be_visible()
    expect(page.locator(".recharts-bar-rectangle").first).to_be_visible(timeout=TIMEOUT)
    _settle(page)
    shot(page, "queries-workload")


def test_an_agent_starts_with_their_own_queries(browser, harness) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    response = context.request.post(
        f"{backend_url(harness)}/api/auth/login", data={"email": AGENT[0], "password": AGENT[1]}
    )
    assert response.status == 200, response.text()
    page = context.new_page()
    try:
        page.goto(_url(harness, "/queries"))
        expect(page.get_by_test_id("page-title")).to_have_text("Queries", timeout=TIMEOUT)
        expect(page.get_by_test_id("view-my_open")).to_have_attribute("data-state", "on")
        expect(page.get_by_test_id("nav-queries")).to_be_visible()
        expect(page.get_by_test_id("nav-customers")).to_be_visible()
        expect(page.get_by_test_id("nav-queries-workload")).to_have_count(0)
        page.goto(_url(harness, "/queries/workload"))
        expect(page.get_by_test_id("no-access")).to_be_visible(timeout=TIMEOUT)
    finally:
        context.close()


@contextmanager
def _demo_query_settings_kept() -> Iterator[None]:
    """The demo agency's query settings (holidays: they move SLA due times) and its lost
    reasons are as they were after the block, however it ended: other tests share the agency."""
    from sqlmodel import col, select

    from travelcrm.accounts.models import User
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import system_scope, tenant_scope
    from travelcrm.queries import services as queries
    from travelcrm.queries.models import LostReason
    from travelcrm.queries.schemas import QuerySettingsIn
    from travelcrm.tenants.models import Tenant

    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
        owner = session.exec(select(User).where(User.email == OWNER_EMAIL)).one()
    ctx = TenantContext(tenant.id, owner.id, Role.OWNER)
    fields = set(QuerySettingsIn.model_fields)
    with tenant_scope(ctx) as session:
        row = queries.query_settings(session, ctx)
        before = QuerySettingsIn.model_validate({f: getattr(row, f) for f in fields})
        reasons = set(queries.lost_reasons(session, ctx))
    try:
        yield
    finally:
        with tenant_scope(ctx) as session:
            queries.update_settings(session, ctx, data=before)
            added = session.exec(
                select(LostReason).where(
                    col(LostReason.is_active).is_(True), col(LostReason.label).not_in(reasons)
                )
            ).all()
            for reason in added:
                reason.is_active = False
                session.add(reason)


def test_a_manager_keeps_holidays_and_lost_reasons_in_the_query_settings(browser, harness, shot):
    from datetime import timedelta

    tag = secrets.token_hex(2)
    manager = next((e, p) for _s, e, _n, p, role in DEMO_STAFF if role.value == "manager")
    day = date(date.today().year + 1, 1, 1) + timedelta(days=secrets.randbelow(360))
    label = f"{day:%a}, {day.day} {day:%b %Y}"
    reason = f"Chose a cheaper package {tag}"
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    response = context.request.post(
        f"{backend_url(harness)}/api/auth/login", data={"email": manager[0], "password": manager[1]}
    )
    assert response.status == 200, response.text()
    page = context.new_page()
    with _demo_query_settings_kept():
        try:
            page.goto(_url(harness, "/queries/workload"))
            page.get_by_test_id("query-settings").click()
            expect(page.get_by_test_id("page-title")).to_have_text(
                "Query settings", timeout=TIMEOUT
            )
            expect(page.get_by_test_id("agent-row").first).to_be_visible(timeout=TIMEOUT)

            # a holiday: on the page at once, kept when saved
            page.get_by_test_id("new-holiday").fill(day.isoformat())
            page.get_by_test_id("add-holiday").click()
            expect(page.get_by_test_id("holiday").filter(has_text=label)).to_be_visible(
                timeout=TIMEOUT
            )
            expect(page.get_by_test_id("section-hours-unsaved")).to_be_visible()
            page.get_by_test_id("section-hours-save").click()
            _toast(page, "Business hours saved.")
            expect(page.get_by_test_id("section-hours-unsaved")).to_have_count(0)

            # a lost reason: listed as new, kept when its section is saved
            page.get_by_test_id("new-reason").fill(reason)
            page.get_by_test_id("add-reason").click()
            expect(page.get_by_test_id("new-reason")).to_have_value("")
            expect(page.get_by_test_id("new-lost-reason")).to_contain_text(reason)
            page.get_by_test_id("section-reasons-save").click()
            _toast(page, "added to the lost reasons")
            expect(page.get_by_test_id("section-reasons-unsaved")).to_have_count(0)

            page.reload()
            expect(page.get_by_test_id("holiday").filter(has_text=label)).to_be_visible(
                timeout=TIMEOUT
            )
            expect(page.get_by_test_id("lost-reason").filter(has_text=reason)).to_be_visible()
            expect(page.get_by_test_id("rule-round_robin")).to_have_attribute(
                "data-state", "checked"
            )
            _settle(page)
            shot(page, "queries-settings")
        finally:
            context.close()


# ---- the agent's loop --------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}


def _signed_in_tab(browser: Any, harness: Any, login: tuple[str, str], viewport: dict[str, int]):
    context = browser.new_context(viewport=viewport)
    response = context.request.post(
        f"{backend_url(harness)}/api/auth/login", data={"email": login[0], "password": login[1]}
    )
    assert response.status == 200, response.text()
    return context, context.new_page()


def _loop_data(tag: str) -> dict[str, str]:
    """In the demo agency: a colleague to mention and a customer with a phone and an email
    who asked for a trip (a fresh query, its reply owed)."""
    from sqlmodel import select

    from tests.queries.factories import member, trip
    from travelcrm.accounts.models import User
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.customers import services as customers
    from travelcrm.customers.schemas import CustomerCreate
    from travelcrm.db import system_scope, tenant_scope
    from travelcrm.queries import services as queries
    from travelcrm.tenants.models import Tenant

    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
        owner = session.exec(select(User).where(User.email == OWNER_EMAIL)).one()
    ctx = TenantContext(tenant.id, owner.id, Role.OWNER)
    colleague = f"Zubin Q{tag}"
    member(ctx, colleague, role=Role.AGENT, online=False)
    phone = f"+91 97{secrets.randbelow(10**8):08d}"
    with tenant_scope(ctx) as session:
        customer = customers.create_customer(
            session,
            ctx,
            data=CustomerCreate(
                name=f"Kavya Rao {tag}", email=f"kavya.{tag}@example.com", phone=phone
            ),
        )
        query, _created = queries.create_query(
            session, ctx, data=trip(contact=None, customer_id=customer.id)
        )
        return {
            "query": str(query.id),
            "email": customer.email or "",
            "tel": f"tel:{customer.phone}",
            "colleague": colleague,
        }


def _urgent_references(limit: int) -> list[str]:
    """The first queries of the demo agency by urgency, as the owner's list has them."""
    from sqlmodel import select

    from travelcrm.accounts.models import User
    from travelcrm.core.pagination import PageParams
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import system_scope, tenant_scope
    from travelcrm.queries import services as queries
    from travelcrm.queries.schemas import QueryFilter
    from travelcrm.tenants.models import Tenant

    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
        owner = session.exec(select(User).where(User.email == OWNER_EMAIL)).one()
    ctx = TenantContext(tenant.id, owner.id, Role.OWNER)
    with tenant_scope(ctx) as session:
        found = queries.list_queries(
            session, ctx, filters=QueryFilter(), page=PageParams(limit, None), sort="urgency"
        )
    return [item.reference for item in found.items]


def test_the_list_keeps_its_view_in_the_address_and_sorts_by_urgency(browser, harness, shot):
    context, page = _signed_in_tab(browser, harness, (OWNER_EMAIL, DEMO_LOGINS[0][3]), DESK)
    try:
        page.goto(_url(harness, "/queries"))
        expect(page.get_by_test_id("page-title")).to_have_text("Queries", timeout=TIMEOUT)
        rows = page.get_by_test_id("query-row")
        expect(rows.first).to_be_visible(timeout=TIMEOUT)
        page.get_by_test_id("view-all").click()
        page.get_by_test_id("sort").click()
        page.get_by_role("option", name="Most urgent first").click()
        expect(page).to_have_url(re.compile(r"/queries\?view=all&sort=urgency$"), timeout=TIMEOUT)

        # the most urgent first: the overdue ones lead, as the service orders them
        expected = _urgent_references(5)
        links = page.get_by_test_id("query-link")
        expect(links.nth(len(expected) - 1)).to_be_visible(timeout=TIMEOUT)
        expect(links.first).to_have_text(expected[0], timeout=TIMEOUT)
        assert [links.nth(i).inner_text() for i in range(len(expected))] == expected
        clocks = [
            t.strip() for t in page.get_by_test_id("queries").locator("tbody tr").all_inner_texts()
        ]
        late = [("breached" in c) for c in clocks]
        assert late == sorted(late, reverse=True), "an overdue query below one still in time"
        expect(page.get_by_test_id("query-travel").first).to_be_visible()
        _settle(page)
        shot(page, "queries-urgent")

        # a search and a status join the address; a reload shows the same list
        page.get_by_test_id("query-search").fill("Goa")
        expect(page).to_have_url(re.compile(r"[?&]q=Goa(&|$)"), timeout=TIMEOUT)
        page.reload()
        expect(page.get_by_test_id("view-all")).to_have_attribute(
            "data-state", "on", timeout=TIMEOUT
        )
        expect(page.get_by_test_id("sort")).to_have_text("Most urgent first")
        expect(page.get_by_test_id("query-search")).to_have_value("Goa")
        expect(page).to_have_url(re.compile(r"view=all&q=Goa&sort=urgency$"))

        # a query, then Back: the list as it was
        first = rows.first.get_by_test_id("query-link")
        expect(first).to_be_visible(timeout=TIMEOUT)
        first.click()
        expect(page).to_have_url(re.compile(r"/queries/[0-9a-f-]{36}$"), timeout=TIMEOUT)
        expect(page.get_by_test_id("query-header")).to_be_visible(timeout=TIMEOUT)
        page.go_back()
        expect(page).to_have_url(re.compile(r"view=all&q=Goa&sort=urgency$"), timeout=TIMEOUT)
        expect(page.get_by_test_id("sort")).to_have_text("Most urgent first", timeout=TIMEOUT)
        expect(page.get_by_test_id("query-search")).to_have_value("Goa")
    finally:
        context.close()


def test_a_phone_shows_each_querys_status_and_sla_clock(browser, harness, shot):
    context, page = _signed_in_tab(browser, harness, (OWNER_EMAIL, DEMO_LOGINS[0][3]), PHONE)
    try:
        page.goto(_url(harness, "/queries?view=all&sort=urgency"))
        cards = page.get_by_test_id("query-card")
        expect(cards.first).to_be_visible(timeout=TIMEOUT)
        expect(page.get_by_test_id("queries")).not_to_be_visible()  # no table to scroll
        card = cards.first
        expect(card.get_by_test_id("card-sla")).to_be_visible()
        expect(card.locator(".rt-Badge").first).to_be_visible()  # the status
        for element in (card, card.get_by_test_id("card-sla")):
            box = element.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"
        _settle(page)
        shot(page, "queries-urgent-phone")
    finally:
        context.close()


def test_the_query_page_has_the_customers_links_mentions_and_one_reply_box(browser, harness, shot):
    tag = secrets.token_hex(2)
    data = _loop_data(tag)
    context, page = _signed_in_tab(browser, harness, (OWNER_EMAIL, DEMO_LOGINS[0][3]), DESK)
    try:
        page.goto(_url(harness, f"/queries/{data['query']}"))
        expect(page.get_by_test_id("query-header")).to_be_visible(timeout=TIMEOUT)
        expect(page.get_by_test_id("customer-phone")).to_have_attribute("href", data["tel"])
        expect(page.get_by_test_id("customer-email")).to_have_attribute(
            "href", f"mailto:{data['email']}"
        )
        # one clock: the time left and the due time side by side, no second due time below
        expect(page.get_by_test_id("sla-clock")).to_contain_text("left")
        expect(page.get_by_test_id("sla-due")).to_have_text(re.compile(r"^due \w{3}, "))
        expect(page.get_by_test_id("query-details")).not_to_contain_text("Reply due")

        # the reply box: not on a note; on a call, ticked; gone again once the call is saved
        box = page.get_by_test_id("counts-as-reply")
        expect(box).to_have_count(0)
        page.get_by_test_id("note-kind-call").click()
        expect(box).to_be_checked(timeout=TIMEOUT)
        page.get_by_test_id("note-body").fill(f"Called Kavya {tag}: options by tonight.")
        page.get_by_test_id("add-note").click()
        _toast(page, "Call logged: the reply clock starts again.")
        expect(page.get_by_test_id("note-body")).to_have_value("", timeout=TIMEOUT)
        expect(box).to_have_count(0)
        page.get_by_test_id("note-kind-email").click()
        expect(box).to_be_visible(timeout=TIMEOUT)
        page.get_by_test_id("note-kind-note").click()
        expect(box).to_have_count(0, timeout=TIMEOUT)

        # @mention suggestions: the agency's people whose name starts with what is typed
        body = page.get_by_test_id("note-body")
        body.click()
        body.press_sequentially("Please call back, @zub", delay=30)
        choice = page.get_by_test_id("mention-choice").filter(has_text=data["colleague"])
        expect(choice).to_be_visible(timeout=TIMEOUT)
        page.wait_for_timeout(300)
        _settle_pointer(page)
        shot(page, "query-loop")
        choice.click()
        expect(body).to_have_value(f"Please call back, @{data['colleague']} ", timeout=TIMEOUT)
        expect(page.get_by_test_id("mention-choice")).to_have_count(0)
        page.get_by_test_id("add-note").click()
        _toast(page, "Note added.")
        expect(page.get_by_test_id("timeline")).to_contain_text(f"@{data['colleague']}")
    finally:
        context.close()

    context, page = _signed_in_tab(browser, harness, (OWNER_EMAIL, DEMO_LOGINS[0][3]), PHONE)
    try:
        page.goto(_url(harness, f"/queries/{data['query']}"))
        expect(page.get_by_test_id("customer-phone")).to_be_visible(timeout=TIMEOUT)
        expect(page.get_by_test_id("sla-due")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide on a 390 px phone"
        _settle(page)
        shot(page, "query-loop-phone")
    finally:
        context.close()


def _settle_pointer(page: Page) -> None:
    """Before a screenshot that shows something open: no toasts over it, the pointer away."""
    page.mouse.move(0, 0)
    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=TIMEOUT)
