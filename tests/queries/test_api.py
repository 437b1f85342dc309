"""The queries API, inbound email and the public enquiry form, and attacks on them: another
agency's query, customer and user ids are 404 on every route and never listed; an agent cannot
assign or change the rules, nor see a colleague's query unless the agency allows it; mass
assignment is refused; a move made at an old version is refused; the same external ref or
Message-ID twice makes one query; the public form has a honeypot and a rate limit."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.agency import ApiAgency, bearer_for
from tests.api.test_envelope_and_problems import assert_fields_refused, assert_problem
from travelcrm.api.app import create_api
from travelcrm.core.permissions import Role
from travelcrm.db import system_scope
from travelcrm.queries.inbound import MAX_EMAIL_BYTES
from travelcrm.tenants.models import Tenant, TenantStatus

NEXT_YEAR = date.today().year + 1
EML = "message/rfc822"


def _trip(**changes: Any) -> dict[str, Any]:
    """Goa for two adults and a child of 7, next February, with a budget in rupees."""
    body: dict[str, Any] = {
        "contact": {"name": "Rahul Mehta", "email": f"rahul.{uuid.uuid4().hex[:6]}@example.com"},
        "destinations": ["Goa"],
        "start_date": f"{NEXT_YEAR}-02-10",
        "end_date": f"{NEXT_YEAR}-02-15",
        "adults": 2,
        "children": 1,
        "child_ages": [7],
        "budget": "150000",
        "budget_currency": "INR",
    }
    body.update(changes)
    return body


def _stable(query: dict[str, Any]) -> dict[str, Any]:
    """A query without its SLA clock, which ticks by the minute in business hours."""
    return {k: v for k, v in query.items() if k != "sla_label"}


class Agency(ApiAgency):
    def __init__(self) -> None:
        super().__init__()
        self.owner_id = str(self.owner_id)  # as the API's bodies carry it

    def member(self, role: Role) -> tuple[TestClient, str]:
        """A colleague signed in (so online, for automatic assignment) and their user id."""
        client = self.client_for(role)
        return client, client.get("/api/auth/me").json()["data"]["user_id"]

    def query(self, client: TestClient | None = None, **changes: Any) -> dict[str, Any]:
        response = (client or self.owner).post("/api/queries", json=_trip(**changes))
        assert response.status_code == 201, response.text
        return response.json()["data"]

    def bearer(self) -> dict[str, str]:
        """An integration's access token (API tokens never open a browser session)."""
        return bearer_for(self.owner_email)


def _anonymous() -> TestClient:
    return TestClient(create_api(), raise_server_exceptions=False)


@pytest.fixture
def alpha(migrated_engine) -> Agency:
    return Agency()


@pytest.fixture
def bravo(migrated_engine) -> Agency:
    return Agency()


# ---- capture ----------------------------------------------------------------------------------


def test_capture_is_idempotent_on_the_external_ref(alpha: Agency, bravo: Agency) -> None:
    body = _trip(external_ref="crm-1042", priority="high", interests=["beaches"])
    first = alpha.owner.post("/api/queries", json=body)
    assert first.status_code == 201, first.text
    query = first.json()["data"]
    assert first.headers["location"] == f"/api/queries/{query['id']}"
    assert query["source"] == "api" and query["status"] == "pending"  # API queries arrive
    assert query["reference"] == f"Q-{query['number']}"
    assert query["title"] == "Goa, 5 nights, 2 adults + 1 child"
    assert query["budget"] == "150000.00" and query["response_due_at"].endswith("Z")
    again = alpha.owner.post("/api/queries", json=body)
    assert again.status_code == 200
    assert _stable(again.json()["data"]) == _stable(query)
    assert again.headers["location"] == first.headers["location"]
    listed = alpha.owner.get("/api/queries").json()["data"]
    assert [q["id"] for q in listed] == [query["id"]]
    # another agency's ref space is its own
    theirs = bravo.owner.post("/api/queries", json=body)
    assert theirs.status_code == 201 and theirs.json()["data"]["id"] != query["id"]
    # a known email finds its customer
    same_person = alpha.query(contact=body["contact"])
    assert same_person["customer_id"] == query["customer_id"]


def test_bad_trips_are_refused_naming_the_field(alpha: Agency) -> None:
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"start_date": yesterday, "end_date": None}, "start_date"),
        ({"end_date": f"{NEXT_YEAR}-02-01"}, "end_date"),
        ({"adults": 0, "children": 0, "child_ages": []}, "adults"),
        ({"children": 1, "child_ages": []}, "child_ages"),
        ({"budget_currency": None}, "budget_currency"),
        ({"travel_month": "2001-01", "start_date": None, "end_date": None}, "travel_month"),
        ({"start_date": None, "end_date": None}, "start_date"),
        ({"contact": {"name": "Asha", "email": "asha-at-example"}}, "contact.email"),
        ({"contact": {"name": "Asha", "phone": "call me"}}, "contact.phone"),
        ({"contact": {"name": "Asha", "phone": "12345"}}, "contact.phone"),  # no such number
        ({"contact": {"name": "Asha"}}, "contact.email"),
        ({"contact": None}, "contact"),
        ({"destinations": []}, "destinations"),
        ({"budget_currency": "RUPEES"}, "budget_currency"),
    ]
    for changes, field in cases:
        body = assert_problem(
            alpha.owner.post("/api/queries", json=_trip(**changes)), 422, "validation_failed"
        )
        assert field in [e["field"] for e in body["errors"]], (changes, body)
    assert alpha.owner.get("/api/queries").json()["data"] == []


def test_mass_assignment_is_refused(alpha: Agency, bravo: Agency) -> None:
    assert_fields_refused(
        alpha.owner,
        "/api/queries",
        lambda extra: _trip(**extra),
        [
            ("tenant_id", str(bravo.tenant_id)),
            ("id", str(uuid.uuid4())),
            ("number", 1),
            ("reference", "Q-1"),
            ("status", "won"),
            ("source", "portal"),
            ("assigned_to", alpha.owner_id),
            ("row_version", 5),
            ("breached_at", "2020-01-01T00:00:00Z"),
            ("created_at", "2020-01-01T00:00:00Z"),
        ],
    )
    query = alpha.query()
    qid = query["id"]
    for path, body in (
        ("transition", {"to": "assigned", "row_version": 1, "assigned_to": alpha.owner_id}),
        ("assign", {"user_id": alpha.owner_id, "row_version": 1, "status": "won"}),
        ("notes", {"body": "hi", "actor_user_id": str(uuid.uuid4())}),
    ):
        assert_problem(
            alpha.owner.post(f"/api/queries/{qid}/{path}", json=body), 422, "validation_failed"
        )
    assert _stable(alpha.owner.get(f"/api/queries/{qid}").json()["data"]) == _stable(query)


# ---- the pipeline -----------------------------------------------------------------------------


def test_moves_refused_moves_and_a_stale_version(alpha: Agency) -> None:
    query = alpha.query()
    qid = query["id"]
    assert query["allowed_next"] == ["assigned", "cancelled", "lost", "on_hold"]
    refused = assert_problem(
        alpha.owner.post(f"/api/queries/{qid}/transition", json={"to": "won", "row_version": 1}),
        409,
        "transition_not_allowed",
    )
    assert refused["allowed"] == ["assigned", "cancelled", "lost", "on_hold"]
    assert refused["errors"][0]["field"] == "to"
    taken = alpha.owner.post(
        f"/api/queries/{qid}/transition", json={"to": "assigned", "row_version": 1}
    )
    assert taken.status_code == 200, taken.text
    assert taken.json()["data"]["assigned_to"] == alpha.owner_id
    assert taken.json()["data"]["row_version"] == 2
    # a second person moving it from the same version they read is told, not obeyed
    stale = assert_problem(
        alpha.owner.post(
            f"/api/queries/{qid}/transition", json={"to": "cancelled", "row_version": 1}
        ),
        409,
        "version_conflict",
    )
    assert stale["current_row_version"] == 2 and stale["current_status"] == "assigned"
    no_reason = assert_problem(
        alpha.owner.post(f"/api/queries/{qid}/transition", json={"to": "lost", "row_version": 2}),
        409,
        "transition_not_allowed",
    )
    assert no_reason["errors"][0]["field"] == "reason"
    assert "Price too high" in no_reason["reasons"]
    added = alpha.owner.post("/api/queries/lost-reasons", json={"label": " Chose   a cruise "})
    assert added.status_code == 200 and "Chose a cruise" in added.json()["data"]
    assert "Chose a cruise" in alpha.owner.get("/api/queries/lost-reasons").json()["data"]
    lost = alpha.owner.post(
        f"/api/queries/{qid}/transition",
        json={"to": "lost", "row_version": 2, "reason": "Chose a cruise"},
    )
    assert lost.status_code == 200, lost.text
    assert lost.json()["data"]["status"] == "lost"
    assert lost.json()["data"]["lost_reason"] == "Chose a cruise"
    assert lost.json()["data"]["allowed_next"] == ["pending"]
    assert_problem(alpha.owner.get(f"/api/queries/{uuid.uuid4()}"), 404, "not_found")
    assert_problem(alpha.owner.get("/api/queries/not-an-id"), 404, "not_found")


def test_notes_calls_and_the_timeline(alpha: Agency) -> None:
    qid = alpha.query()["id"]
    note = alpha.owner.post(f"/api/queries/{qid}/notes", json={"body": "Prefers a sea view."})
    assert note.status_code == 201, note.text
    assert note.json()["data"]["kind"] == "note"
    assert note.json()["data"]["actor_user_id"] == alpha.owner_id
    call = alpha.owner.post(
        f"/api/queries/{qid}/notes",
        json={"kind": "call", "body": "Called, sending options.", "counts_as_reply": True},
    )
    assert call.status_code == 201
    read = alpha.owner.get(f"/api/queries/{qid}").json()["data"]
    assert read["first_response_at"] is not None
    timeline = alpha.owner.get(f"/api/queries/{qid}/timeline").json()["data"]
    assert [e["kind"] for e in timeline][:2] == ["call", "note"]
    assert timeline[-1]["kind"] == "created"
    assert_problem(
        alpha.owner.post(f"/api/queries/{qid}/notes", json={"body": ""}),
        422,
        "validation_failed",
    )


def test_a_note_follows_the_text_rules_of_every_other_field(alpha: Agency) -> None:
    """Control characters are refused with a field error, as in every other text field;
    line breaks and tabs are text."""
    qid = alpha.query()["id"]
    for body in ("Sea view\x00please", "Bell\x07", "Escape \x1b[31m", "\x7f", "   \n "):
        problem = assert_problem(
            alpha.owner.post(f"/api/queries/{qid}/notes", json={"body": body}),
            422,
            "validation_failed",
        )
        assert [e["field"] for e in problem["errors"]] == ["body"], (body, problem)
    kept = alpha.owner.post(
        f"/api/queries/{qid}/notes", json={"body": "Two rooms:\n\t- sea view\r\n\t- garden"}
    )
    assert kept.status_code == 201, kept.text
    assert kept.json()["data"]["body"] == "Two rooms:\n\t- sea view\r\n\t- garden"


def test_the_list_filters_views_and_pages(alpha: Agency) -> None:
    first = alpha.query(destinations=["Kerala"])
    second = alpha.query(destinations=["Goa"], priority="urgent")
    third = alpha.query(destinations=["Manali"])
    alpha.owner.post(
        f"/api/queries/{third['id']}/transition", json={"to": "cancelled", "row_version": 1}
    )
    mine = alpha.owner.post(
        f"/api/queries/{second['id']}/transition", json={"to": "assigned", "row_version": 1}
    )
    assert mine.status_code == 200

    def ids(**params: Any) -> list[str]:
        response = alpha.owner.get("/api/queries", params=params)
        assert response.status_code == 200, response.text
        return [q["id"] for q in response.json()["data"]]

    assert ids() == [third["id"], second["id"], first["id"]]
    assert ids(status=["pending", "cancelled"]) == [third["id"], first["id"]]
    assert ids(view="unassigned") == [first["id"]]
    assert ids(view="my_open") == [second["id"]]
    assert ids(assigned="me") == [second["id"]]
    assert ids(open_only=True) == [second["id"], first["id"]]
    assert ids(priority="urgent") == [second["id"]]
    assert ids(q=f"Q-{first['number']}") == [first["id"]]
    assert ids(q="kerala") == [first["id"]]
    assert ids(customer_id=first["customer_id"]) == [first["id"]]
    page = alpha.owner.get("/api/queries", params={"limit": 2}).json()
    assert len(page["data"]) == 2 and page["meta"]["limit"] == 2
    rest = alpha.owner.get("/api/queries", params={"cursor": page["meta"]["next_cursor"]}).json()
    assert [q["id"] for q in rest["data"]] == [first["id"]]
    assert rest["meta"]["next_cursor"] is None
    for bad in ({"status": "nope"}, {"view": "all"}, {"assigned": "them"}, {"cursor": "e30.ð"}):
        assert_problem(alpha.owner.get("/api/queries", params=bad), 422, "validation_failed")


# ---- assignment, visibility, the rules --------------------------------------------------------


def test_managers_assign_and_agents_see_their_own_unless_the_agency_allows_all(
    alpha: Agency,
) -> None:
    manager, _manager_id = alpha.member(Role.MANAGER)
    asha, asha_id = alpha.member(Role.AGENT)
    ravi, ravi_id = alpha.member(Role.AGENT)
    query = alpha.query(manager, external_ref="web-7")  # picked up by an online agent
    assert query["assigned_to"] in (asha_id, ravi_id)
    given = manager.post(
        f"/api/queries/{query['id']}/assign",
        json={"user_id": ravi_id, "row_version": query["row_version"]},
    )
    assert given.status_code == 200, given.text
    query = given.json()["data"]
    assert query["assigned_to"] == ravi_id and query["status"] == "assigned"
    qid = query["id"]
    assert ravi.get(f"/api/queries/{qid}").status_code == 200
    assert qid in [q["id"] for q in ravi.get("/api/queries").json()["data"]]
    # Asha: a colleague's query does not exist for her
    for response in (
        asha.get(f"/api/queries/{qid}"),
        asha.get(f"/api/queries/{qid}/timeline"),
        asha.post(f"/api/queries/{qid}/notes", json={"body": "Let me take it"}),
        asha.post(
            f"/api/queries/{qid}/transition",
            json={"to": "pending", "row_version": query["row_version"]},
        ),
    ):
        assert_problem(response, 404, "not_found")
    assert qid not in [q["id"] for q in asha.get("/api/queries").json()["data"]]
    # nor can she learn of it by reusing its external ref
    taken = asha.post("/api/queries", json=_trip(external_ref="web-7"))
    assert_problem(taken, 409, "external_ref_taken")
    assert ravi.post("/api/queries", json=_trip(external_ref="web-7")).json()["data"]["id"] == qid
    # agents do not assign
    assert_problem(
        ravi.post(
            f"/api/queries/{qid}/assign",
            json={"user_id": asha_id, "row_version": query["row_version"]},
        ),
        403,
        "permission_denied",
    )
    # the agency lets agents see every query
    settings = manager.get("/api/queries/settings").json()["data"]
    settings["agents_see_all"] = True
    assert manager.put("/api/queries/settings", json=settings).status_code == 200
    assert asha.get(f"/api/queries/{qid}").status_code == 200
    assert qid in [q["id"] for q in asha.get("/api/queries").json()["data"]]


def test_assigning_to_someone_who_cannot_take_queries_is_not_found(
    alpha: Agency, bravo: Agency
) -> None:
    _finance, finance_id = alpha.member(Role.FINANCE)
    _outsider, outsider_id = bravo.member(Role.AGENT)
    query = alpha.query()
    for user_id in (finance_id, outsider_id, str(uuid.uuid4())):
        assert_problem(
            alpha.owner.post(
                f"/api/queries/{query['id']}/assign", json={"user_id": user_id, "row_version": 1}
            ),
            404,
            "not_found",
        )


def test_the_rules_workload_and_profiles_are_for_managers(alpha: Agency, bravo: Agency) -> None:
    manager, _ = alpha.member(Role.MANAGER)
    agent, agent_id = alpha.member(Role.AGENT)
    alpha.query()  # goes to the online agent
    settings = manager.get("/api/queries/settings")
    assert settings.status_code == 200
    rules = settings.json()["data"]
    assert rules["assignment_rule"] == "round_robin" and rules["working_days"] == [0, 1, 2, 3, 4]
    changed = manager.put(
        "/api/queries/settings",
        json={
            **rules,
            "assignment_rule": "skill",
            "opens": "10:00",
            "closes": "19:00",
            "holidays": [f"{NEXT_YEAR}-01-26"],
            "first_response_hours": {"urgent": 1, "normal": 8},
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data"]["first_response_hours"] == {"urgent": 1.0, "normal": 8.0}
    assert manager.get("/api/queries/settings").json()["data"] == changed.json()["data"]
    bad = manager.put("/api/queries/settings", json={**rules, "opens": "25:00"})
    assert assert_problem(bad, 422, "validation_failed")["errors"][0]["field"] == "opens"
    workload = manager.get("/api/queries/workload").json()["data"]
    assert [(w["user_id"], w["open_queries"]) for w in workload] == [(agent_id, 1)]
    profile = manager.put(
        f"/api/agents/{agent_id}/profile",
        json={"skills": ["Kerala", " Hindi "], "workload_cap": 10},
    )
    assert profile.status_code == 200, profile.text
    assert profile.json()["data"]["skills"] == ["kerala", "hindi"]
    _, outsider_id = bravo.member(Role.AGENT)
    assert_problem(
        manager.put(f"/api/agents/{outsider_id}/profile", json={"skills": []}), 404, "not_found"
    )
    for response in (
        agent.get("/api/queries/settings"),
        agent.put("/api/queries/settings", json=rules),
        agent.get("/api/queries/workload"),
        agent.post("/api/queries/lost-reasons", json={"label": "Went quiet"}),
        agent.put(f"/api/agents/{agent_id}/profile", json={"workload_cap": 500}),
    ):
        assert_problem(response, 403, "permission_denied")
    assert "Price too high" in agent.get("/api/queries/lost-reasons").json()["data"]


def test_another_agencys_ids_are_not_found_everywhere(alpha: Agency, bravo: Agency) -> None:
    theirs = bravo.query(destinations=["Bravo Island"])
    tid = theirs["id"]
    mine = alpha.query()
    client = alpha.owner
    for response in (
        client.get(f"/api/queries/{tid}"),
        client.get(f"/api/queries/{tid}/timeline"),
        client.post(f"/api/queries/{tid}/transition", json={"to": "assigned", "row_version": 1}),
        client.post(
            f"/api/queries/{tid}/assign", json={"user_id": alpha.owner_id, "row_version": 1}
        ),
        client.post(f"/api/queries/{tid}/notes", json={"body": "Sneaky"}),
        client.post("/api/queries", json=_trip(customer_id=theirs["customer_id"], contact=None)),
        client.get(f"/api/customers/{theirs['customer_id']}"),
        client.put(f"/api/agents/{bravo.owner_id}/profile", json={"skills": []}),
    ):
        assert_problem(response, 404, "not_found")
    for params in (
        {},
        {"q": "bravo"},
        {"customer_id": theirs["customer_id"]},
        {"view": "unassigned"},
    ):
        listed = [q["id"] for q in client.get("/api/queries", params=params).json()["data"]]
        assert tid not in listed
    assert [q["id"] for q in client.get("/api/queries").json()["data"]] == [mine["id"]]
    # nothing of theirs changed
    assert _stable(bravo.owner.get(f"/api/queries/{tid}").json()["data"]) == _stable(theirs)
    kinds = {e["kind"] for e in bravo.owner.get(f"/api/queries/{tid}/timeline").json()["data"]}
    assert kinds == {"created", "assignment"}  # and no note or move of alpha's


# ---- inbound email ----------------------------------------------------------------------------


def _email(
    *,
    message_id: str | None = "<enq-1@mail.example.com>",
    sender: str | None = "Meera Nair <meera.nair@example.com>",
    body: str = "Hello,\r\nWe are 2 adults and 2 kids (ages 5, 9) looking at Kerala in June.\r\n",
) -> bytes:
    headers = ["To: sales@agency.example", "Subject: Kerala holiday", "MIME-Version: 1.0"]
    if sender:
        headers.insert(0, f"From: {sender}")
    if message_id:
        headers.append(f"Message-ID: {message_id}")
    headers.append("Content-Type: text/plain; charset=utf-8")
    return ("\r\n".join(headers) + "\r\n\r\n" + body).encode()


def test_an_enquiry_email_becomes_one_query(alpha: Agency, bravo: Agency) -> None:
    token = alpha.bearer()
    client = _anonymous()
    first = client.post(
        "/api/queries/inbound-email",
        content=_email(),
        headers={**token, "Content-Type": EML},
    )
    assert first.status_code == 201, first.text
    query = first.json()["data"]
    assert query["source"] == "email" and query["status"] == "pending"
    assert query["external_ref"] == "enq-1@mail.example.com"
    assert query["customer_name"] == "Meera Nair"
    assert query["destinations"] == ["To be confirmed"]
    assert (query["adults"], query["children"], query["child_ages"]) == (2, 2, [5, 9])
    assert query["notes"].startswith("Subject: Kerala holiday\n\n")
    assert "Kerala in June" in query["notes"]
    customer = alpha.owner.get(f"/api/customers/{query['customer_id']}").json()["data"]
    assert customer["email"] == "meera.nair@example.com"
    # the mail server delivers it again: the same query
    again = client.post(
        "/api/queries/inbound-email", content=_email(), headers={**token, "Content-Type": EML}
    )
    assert again.status_code == 200 and again.json()["data"]["id"] == query["id"]
    emailed = alpha.owner.get("/api/queries", params={"source": "email"}).json()["data"]
    assert [q["id"] for q in emailed] == [query["id"]]
    # an awkward Message-ID, or none at all, is still received once
    for raw in (_email(message_id="<odd id+x=y@mail>"), _email(message_id=None)):
        one = client.post(
            "/api/queries/inbound-email", content=raw, headers={**token, "Content-Type": EML}
        )
        two = client.post(
            "/api/queries/inbound-email", content=raw, headers={**token, "Content-Type": EML}
        )
        assert (one.status_code, two.status_code) == (201, 200), one.text
        assert one.json()["data"]["id"] == two.json()["data"]["id"]
    # the same email sent to another agency is that agency's query
    theirs = client.post(
        "/api/queries/inbound-email",
        content=_email(),
        headers={**bravo.bearer(), "Content-Type": EML},
    )
    assert theirs.status_code == 201 and theirs.json()["data"]["id"] != query["id"]


def test_unreadable_oversized_and_senderless_emails_are_refused(alpha: Agency) -> None:
    token = alpha.bearer()
    client = _anonymous()

    def send(raw: bytes, media_type: str = EML) -> Any:
        return client.post(
            "/api/queries/inbound-email",
            content=raw,
            headers={**token, "Content-Type": media_type},
        )

    assert_problem(send(b"just some words, no headers at all\n"), 422, "malformed")
    assert_problem(send(b""), 422, "malformed")
    assert_problem(send(_email(sender=None)), 422, "no_sender")
    assert_problem(send(_email(sender="Someone <not an address>")), 422, "no_sender")
    too_big = assert_problem(send(b"x" * (MAX_EMAIL_BYTES + 1)), 413, "too_large")
    assert "10 MB" in too_big["detail"]
    assert_problem(send(_email(), "application/json"), 415, "unsupported_media_type")
    assert alpha.owner.get("/api/queries").json()["data"] == []
    # reading queries is not enough to feed them in
    finance, _ = alpha.member(Role.FINANCE)
    assert_problem(
        finance.post("/api/queries/inbound-email", content=_email(), headers={"Content-Type": EML}),
        403,
        "permission_denied",
    )
    assert_problem(
        _anonymous().post(
            "/api/queries/inbound-email", content=_email(), headers={"Content-Type": EML}
        ),
        401,
        "unauthenticated",
    )


# ---- the public enquiry form ------------------------------------------------------------------


def _form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "name": "Zara Khan",
        "email": "zara.khan@example.com",
        "phone": "+91 98765 43210",
        "destination": "Ladakh",
        "travel_month": f"{NEXT_YEAR}-07",
        "nights": "6",
        "travellers": "3",
        "message": "A bike trip, if possible.",
        "website": "",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def _portal_queries(agency: Agency) -> list[dict[str, Any]]:
    return agency.owner.get("/api/queries", params={"source": "portal"}).json()["data"]


def test_a_portal_enquiry_becomes_a_query_and_the_honeypot_stores_nothing(
    alpha: Agency,
) -> None:
    public = _anonymous()
    sent = public.post(f"/api/public/{alpha.slug}/enquiries", data=_form())
    assert sent.status_code == 202, sent.text
    assert sent.json()["data"]["received"] is True
    (listed,) = _portal_queries(alpha)
    query = alpha.owner.get(f"/api/queries/{listed['id']}").json()["data"]
    assert query["status"] == "pending" and query["customer_name"] == "Zara Khan"
    assert query["destinations"] == ["Ladakh"] and query["adults"] == 3
    assert query["travel_month"] == f"{NEXT_YEAR}-07" and query["nights"] == 6
    assert query["notes"] == "A bike trip, if possible."
    customer = alpha.owner.get(f"/api/customers/{query['customer_id']}").json()["data"]
    assert customer["phone"] == "+919876543210"
    # a bot fills the hidden field: it is answered the same, and nothing is kept
    bot = public.post(
        f"/api/public/{alpha.slug}/enquiries",
        data=_form(name="Cheap Pills", email="bot@spam.example", website="http://spam.example"),
    )
    assert bot.status_code == 202
    assert bot.json()["data"] == sent.json()["data"]
    assert len(_portal_queries(alpha)) == 1
    assert alpha.owner.get("/api/customers", params={"q": "bot@spam"}).json()["data"] == []


def test_portal_enquiries_are_checked_and_unknown_agencies_are_not_found(
    alpha: Agency, bravo: Agency
) -> None:
    public = _anonymous()
    url = f"/api/public/{alpha.slug}/enquiries"
    past = (date.today() - timedelta(days=3)).isoformat()
    cases: list[tuple[dict[str, Any], str]] = [
        (_form(travel_month=None, start_date=past), "start_date"),
        (_form(email=None, phone=None), "email"),
        (_form(travellers="0"), "travellers"),
        (_form(email="zara-at-example"), "email"),
        (_form(destination=" "), "destination"),
        (_form(status="won"), "status"),  # no field beyond the form's
    ]
    for form, field in cases:
        body = assert_problem(public.post(url, data=form), 422, "validation_failed")
        assert field in [e["field"] for e in body["errors"]], (form, body)
    assert _portal_queries(alpha) == []
    assert_problem(
        public.post("/api/public/no-such-agency-here/enquiries", data=_form()), 404, "not_found"
    )
    with system_scope() as session:
        tenant = session.get(Tenant, bravo.tenant_id)
        assert tenant is not None
        tenant.status = TenantStatus.SUSPENDED.value
        session.add(tenant)
    suspended = public.post(f"/api/public/{bravo.slug}/enquiries", data=_form())
    assert_problem(suspended, 404, "not_found")


def test_portal_enquiries_are_rate_limited_per_address(alpha: Agency, bravo: Agency) -> None:
    public = _anonymous()
    url = f"/api/public/{alpha.slug}/enquiries"
    # the first as a browser sends a form with blank optional fields
    blank = _form(email="", nights="", start_date="", end_date="", message="", website="")
    assert public.post(url, data=blank).status_code == 202
    for i in range(4):
        sent = public.post(url, data=_form(email=f"guest{i}@example.com"))
        assert sent.status_code == 202, sent.text
    limited = assert_problem(public.post(url, data=_form()), 429, "rate_limited")
    assert int(limited["retry_after_seconds"]) > 0
    retry_after = public.post(url, data=_form(website="x")).headers["retry-after"]
    assert retry_after.isdigit() and int(retry_after) > 0
    assert len(_portal_queries(alpha)) == 5
    # another agency's page is counted on its own
    assert public.post(f"/api/public/{bravo.slug}/enquiries", data=_form()).status_code == 202
