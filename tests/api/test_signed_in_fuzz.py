"""Contract fuzzing signed in: every operation in /api/openapi.json, as an agency's owner and as
one of its agents (API bearer tokens), with generated queries, bodies and ids. No response may be
a 5xx or break the API's own schema, and a request the schema allows must not be refused as
malformed (`positive_data_acceptance`), except where the refusal is by design (listed below, each
with why). The signed-out run (test_contract_fuzz.py) only reaches the 401s of these routes.

Ids in paths, queries and bodies are swapped for ids of real rows of the agency (a published
rate contract and a draft of it, a restriction, a supplier contact, a staged rate sheet import,
a customer with a traveller and a query, a spare colleague), with the row's current version
where a write needs one, so the generated requests get past "not found" and "changed
meanwhile" into the services; the other examples keep generated ids.

Bounded and reproducible: few examples per operation, no coverage phase (the signed-out run has
it), hypothesis derandomised; each person signs in once for the whole file."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from PIL import Image
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.transport.serialization import serialize_binary
from sqlmodel import select

from tests.accounts.test_accounts import PASSWORD
from tests.api.conftest import fresh_idempotency_key, fuzzed
from tests.fixtures.rate_sheets.manifest import MANIFEST
from tests.queries.factories import trip
from tests.rates.factories import make_contract
from travelcrm.accounts import services as accounts
from travelcrm.accounts.models import Membership, User
from travelcrm.api.app import create_api
from travelcrm.core.permissions import Role
from travelcrm.customers import services as customers
from travelcrm.customers.schemas import CustomerCreate, TravellerIn
from travelcrm.db import system_scope, tenant_scope
from travelcrm.queries import services as queries
from travelcrm.rates import availability
from travelcrm.rates import services as rates
from travelcrm.rates.models import RateLine, Season
from travelcrm.rates.schemas import RestrictionIn
from travelcrm.ratesheets import services as sheets
from travelcrm.suppliers import content as service_content
from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.schemas import ContactIn
from travelcrm.tenants.models import Tenant

app = create_api()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
schema.config.phases.coverage.enabled = False

SETTINGS = fuzzed(4, derandomize=True, database=None)


@schemathesis.serializer("message/rfc822")
def _raw_email(ctx, value) -> bytes:
    """Inbound email takes the raw .eml as the request body."""
    return serialize_binary(value)


# Operations whose schema-valid input can still be refused by design, so "valid data should have
# been accepted" is not a finding there. Each says why.
BY_DESIGN: dict[str, str] = {
    # one-time link tokens, a refresh token and a password are secrets the schema cannot know
    "/api/auth/verify": "a link token that was never issued (400 invalid_token)",
    "/api/auth/password-reset/confirm": "a link token that was never issued",
    "/api/auth/invites/lookup": "an invitation token that was never issued",
    "/api/auth/invites/accept": "an invitation token that was never issued",
    # sign-up and invitations: the timezone must be a real IANA zone, names need letters
    "/api/auth/register": "timezone must be a real IANA zone; names need letters once trimmed",
    "/api/invitations": "names need letters once trimmed",
    # file uploads: the schema says "binary"; the bytes must be a real image / rate sheet
    "/api/auth/me/avatar": "the upload must be a readable image",
    "/api/tenant/logo": "the upload must be a readable image",
    "/api/suppliers/{supplier_id}/services/{service_id}/photos": "the upload must be a readable "
    "image",
    "/api/rate-lists/{rate_list_id}/imports": "the upload must be a readable rate sheet",
    "/api/queries/inbound-email": "the body must be a parseable email with a sender",
}

# Dates that pydantic also reads from a number (seconds since 1970): a number where the schema
# says "date" is accepted there (harmless: the day is stored as a date).
LAX_DATES = {"/api/queries/settings", "/api/agents/{user_id}/profile"}

# A 401 to a signed-in caller means the token was lost, except where the credential checked is
# one the request carries (a password, a refresh token) or the route is for browser sessions.
CREDENTIAL_IN_REQUEST = {
    "/api/auth/login",
    "/api/auth/token",
    "/api/auth/refresh",
    "/api/auth/password",
    "/api/auth/switch",  # browser sessions switch agency; a token is issued for one agency
}


# Refusals a positive request may get (positive_data_acceptance's own list, less 401/403/404/
# 409/429 which mean "not you", "not found", "not now").
REFUSALS = {400, 412, 413, 415, 422, 428}

# Named rules a request can break while matching the schema (the schema states types and
# bounds, not rules across fields or against the agency's data). Any other refusal of a
# schema-valid request is a finding: the schema promises more than the route accepts.
RULES: dict[str, str] = {
    "value_error": "a rule across fields, checked by the model (either X or Y, not both)",
    "required": "one of a pair is needed (the dates, or a month and nights)",
    "end_before_start": "a range whose end is before its start",
    "invalid_phone": "a phone number must be a real one (libphonenumber)",
    "invalid_tax_id": "a tax id must pass its country's checksum (GSTIN)",
    "wrong_password": "the current password must be the person's",
    "stale_etag": "If-Match must be the row's current ETag (412)",
    # KNOWN GAP, reported for the OpenAPI work (issue 20, item 12): PATCH /api/suppliers/{id}
    # declares If-Match optional (so a missing header gets 428 precondition_required, not 422)
    "If-Match:missing": "changing a supplier needs If-Match (428 precondition_required)",
    "contact:invalid": "a query needs a customer, or a contact's name and email or phone",
    "no_travellers": "a query needs at least one traveller (adults plus children)",
    "child_age_missing": "a query gives an age for each child",
    "past": "a trip cannot start in the past (the schema cannot know today)",
    "range": "a trip's end date is not before its start date",
    # the query service reports every problem of a trip at once, each on its field (an emailed
    # enquiry's parsed ages go through the same check), so ages are checked there, not by type
    "age": "a child's age is 0-17",
    "too_long": "allotments are set for at most two years at a time (a bound between fields)",
    "settings:invalid": "SLA targets keep the priorities' order (a rule across the fields)",
    "label:invalid": "a lost reason is printable text (Unicode's test; no portable pattern)",
    "both": "a price word is in one list only, zero or no price (a rule across the lists)",
    "meal_plan:invalid_meal_plan": "a room needs a meal plan (the rule depends on its kind)",
    "season_outside_validity": "a season lies within its rate list's validity (stored dates)",
    "empty_selection": "a bulk change names lines, a service or a season (one at least)",
    "not_acknowledged": "publishing asks to acknowledge the version's warnings first",
    "unmapped": "an import runs once its sheet's columns cover the required fields",
    "unknown_sheet": "an import's sheet is one the uploaded workbook has",
    "season_overlap": "a version's seasons do not overlap (against its stored seasons)",
    "ages_reversed": "an age band's maximum is not below its minimum (a rule across fields)",
    "band": "a line's guest type needs the version's age limits for it (stored bands)",
    "unknown": "a line's service and season belong to the version's supplier and seasons",
    "duplicate_band": "a version has each age band once (a rule across the list)",
    "ages_overlap": "a version's age bands do not overlap (a rule across the list)",
    "same_currency": "an exchange rate is between two different currencies (across fields)",
    "not_a_price": "a price is an amount or one of the agency's price words (stored words)",
    "age_band": "age bands are for prices per person or an extra bed (depends on the basis)",
    # KNOWN GAP, reported for the OpenAPI work (issue 20, item 12): a Decimal's string form is
    # `{"type": "string"}` with no pattern (pydantic's default), so "DELETE" or "" match the
    # schema and are refused (a union with a price word fails on both branches the same way);
    # and its number form has no `multipleOf` nor a bound for `max_digits`, so 1.875 matches
    # where 2 places are allowed and 1e12 where 12 digits are.
    "decimal_parsing": "a Decimal written as a string must be a number",
    "decimal_max_places": "a Decimal has at most its field's decimal places",
    "decimal_whole_digits": "a Decimal has at most its field's digits before the point",
    "decimal_max_digits": "a Decimal has at most its field's digits",
    # (an amount or a price word: pydantic names the union's branches `.decimal` and
    # `.constrained-str`, and both fail for such a value)
    ".constrained-str": "the price-word branch of the same union as above",
    ".decimal": "the amount branch of the same union as above",
}


@dataclass
class Caller:
    headers: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)


_callers: dict[Role, Caller] = {}


def _photo_bytes() -> bytes:
    """A photo of the fuzzed service (its routes then aim at a real one)."""
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _token(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}


def _world() -> None:
    """One agency with a rate contract, a customer (with a traveller) and a query, an owner
    and an agent who sign in once, and a spare colleague whose id the fuzzer may aim at."""
    contract = make_contract()
    ctx = contract.ctx
    with tenant_scope(ctx) as session:
        customer = customers.create_customer(
            session, ctx, data=CustomerCreate(name="Fuzz Traveller", allow_duplicate=True)
        )
        traveller = customers.add_traveller(
            session, ctx, customer_id=customer.id, data=TravellerIn(name="Fuzz Child")
        )
        query, _ = queries.create_query(session, ctx, data=trip())
        customer_id, traveller_id, query_id = customer.id, traveller.id, query.id
    emails: dict[Role, str] = {}
    with system_scope() as session:
        owner = session.get(User, ctx.user_id)
        tenant = session.get(Tenant, ctx.tenant_id)
        assert owner is not None and tenant is not None
        emails[Role.OWNER], slug = owner.email, tenant.slug
        for role in (Role.AGENT, Role.MANAGER):
            emails[role] = f"fuzz.{role.value}.{uuid.uuid4().hex[:6]}@example.com"
            accounts.add_member(
                session,
                tenant_id=ctx.tenant_id,
                email=emails[role],
                name=f"Fuzz {role.value.title()}",
                password=PASSWORD,
                role=role,
                verified=True,
            )
    with system_scope() as session:
        spare_user = session.exec(select(User).where(User.email == emails[Role.MANAGER])).one()
    with tenant_scope(ctx) as session:
        spare = session.exec(select(Membership).where(Membership.user_id == spare_user.id)).one()
    with tenant_scope(ctx) as session:  # a draft to edit beside the published version
        draft = rates.new_draft(session, ctx, version_id=contract.version_id)
        season = session.exec(select(Season).where(Season.version_id == draft.id)).first()
        line = session.exec(select(RateLine).where(RateLine.version_id == draft.id)).first()
        assert season is not None and line is not None
        restriction = availability.add_restriction(
            session,
            ctx,
            data=RestrictionIn(
                supplier_id=contract.supplier_id,
                kind="stop_sale",
                starts_on=date(2027, 12, 24),
                ends_on=date(2027, 12, 25),
            ),
        )
        contact = suppliers.add_contact(
            session, ctx, supplier_id=contract.supplier_id, data=ContactIn(name="Fuzz Desk")
        )
        photo = service_content.add_photo(
            session,
            ctx,
            supplier_id=contract.supplier_id,
            service_id=contract.room_id,
            data=_photo_bytes(),
        )
        sheet = MANIFEST["hotel_cover_sheet.xlsx"]
        staged = sheets.stage_file(
            session,
            ctx,
            rate_list_id=contract.rate_list_id,
            source=sheet.path,
            file_name=sheet.file,
        )
        aimed = {
            "version_id": draft.id,
            "season_id": season.id,
            "line_id": line.id,
            "restriction_id": restriction.id,
            "contact_id": contact.id,
            "import_id": staged.id,
            "photo_id": photo.id,
        }
    ids = {
        **aimed,
        "supplier_id": contract.supplier_id,
        "service_id": contract.room_id,
        "rate_list_id": contract.rate_list_id,
        "customer_id": customer_id,
        "traveller_id": traveller_id,
        "query_id": query_id,
        "member_id": spare.id,
        "user_id": spare.user_id,
        "slug": slug,
        "agency_slug": slug,
    }
    client = TestClient(app)
    for role in (Role.OWNER, Role.AGENT):
        _callers[role] = Caller(
            headers=_token(client, emails[role]), ids={k: str(v) for k, v in ids.items()}
        )


@pytest.fixture
def callers(migrated_engine) -> Iterator[dict[Role, Caller]]:
    if not _callers:
        _world()
    yield _callers


# Where the current version of an aimed-at row is read, by the id the request names (season and
# line edits carry their rate version's row_version).
READS = {
    "query_id": "/api/queries/{}",
    "customer_id": "/api/customers/{}",
    "supplier_id": "/api/suppliers/{}",
    "version_id": "/api/rate-versions/{}",
    "season_id": "/api/rate-versions/{version_id}",
    "line_id": "/api/rate-versions/{version_id}",
}


def _aim(case: Any, caller: Caller) -> None:
    """Every other valid example (by a hash of the request, so reruns pick the same) gets the
    world's real ids in place of generated ones (path parameters, query parameters, body
    fields) and, for a versioned row, its current `row_version` or ETag: the write gets past
    "not found" and "changed meanwhile" into the service."""
    ids = caller.ids
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return  # a request made invalid on purpose stays so (a real id could undo the change)
    digest = hashlib.sha256(repr((case.path, case.path_parameters, case.query)).encode())
    if digest.digest()[0] % 2:
        return
    for params in (case.path_parameters, case.query):
        for name in list(params or {}):
            if name in ids:
                params[name] = ids[name]
    if isinstance(case.body, dict):
        for name in list(case.body):
            if name in ids and isinstance(case.body[name], str):
                case.body[name] = ids[name]
    wants_version = isinstance(case.body, dict) and "row_version" in case.body
    wants_etag = any(h.lower() == "if-match" for h in case.headers or {})
    if not (wants_version or wants_etag):
        return
    named = [n for n in READS if n in (case.path_parameters or {})]
    if not named:
        return
    url = READS[named[0]].format(case.path_parameters[named[0]], version_id=ids["version_id"])
    current = TestClient(app).get(url, headers=caller.headers)
    if current.status_code != 200:
        return  # a generated id: nothing to read
    if wants_version and "row_version" in current.json()["data"]:
        case.body["row_version"] = current.json()["data"]["row_version"]
    if wants_etag and "etag" in current.headers:
        case.headers = {k: v for k, v in case.headers.items() if k.lower() != "if-match"}
        case.headers["If-Match"] = current.headers["etag"]


def _check(case: Any, caller: Caller) -> None:
    _aim(case, caller)
    fresh_idempotency_key(case)
    excluded = [positive_data_acceptance]  # checked below, refusal by refusal
    declared = {p.name for p in case.operation.query}
    if set(case.query or {}) - declared or case.path in LAX_DATES:
        # a query parameter the operation does not declare is ignored, not refused (FastAPI;
        # clients may add their own, like cache busters)
        excluded.append(negative_data_rejection)
    response = case.call_and_validate(headers=caller.headers, excluded_checks=excluded)
    if response.status_code == 401 and case.path not in CREDENTIAL_IN_REQUEST:
        pytest.fail(f"{case.method} {case.path}: the signed-in caller got 401: {response.text}")
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if not positive or response.status_code not in REFUSALS or case.path in BY_DESIGN:
        return
    if case.query and "cursor" in case.query:
        return  # a cursor is opaque and signed: a generated one was never issued
    problem = response.json()
    errors = problem.get("errors") or [{"code": problem.get("code")}]
    unexplained = {
        f"{error.get('field')}:{error.get('code')}"
        for error in errors
        if not _explained(case.path, str(error.get("field")), str(error.get("code")))
    }
    if unexplained:
        pytest.fail(
            f"{case.method} {case.path}: a request the schema allows was refused "
            f"({response.status_code}, {sorted(unexplained)}): {response.text}\n"
            f"body: {case.body!r}, query: {case.query!r}"
        )


# Refusals that depend on what the agency has, named per operation (no field to name them by).
STATE_RULES: dict[str, dict[str, str]] = {
    "/api/rate-lists/{rate_list_id}/export": {
        "None:validation_failed": "layout=supplier needs the supplier's layout, saved by an import",
    },
}


def _explained(path: str, field_name: str, code: str) -> bool:
    branch = "." + field_name.rsplit(".", 1)[-1] if "." in field_name else ""
    key = f"{field_name}:{code}"
    return code in RULES or key in RULES or branch in RULES or key in STATE_RULES.get(path, {})


@schema.parametrize()
@SETTINGS
def test_every_operation_signed_in_as_the_owner(case, callers) -> None:
    _check(case, callers[Role.OWNER])


@schema.parametrize()
@SETTINGS
def test_every_operation_signed_in_as_an_agent(case, callers) -> None:
    _check(case, callers[Role.AGENT])
