"""A Python client generated from the served document (openapi-python-client, pinned in the dev
extras) runs an integrator's first session against the app: sign in, create a customer and a
query, move the query, page a list, replay a write by its Idempotency-Key, and read a resource
again with its ETag (304)."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.accounts.test_accounts import PASSWORD, _verified
from travelcrm.api.app import create_api

PACKAGE = "travelcrm_client"
NEXT_YEAR = date.today().year + 1
CONFIG = {
    "project_name_override": "travelcrm-client",
    "package_name_override": PACKAGE,
    "post_hooks": [],  # no formatting of the generated code: it is imported, not read
}


def _generator() -> str:
    found = Path(sys.executable).parent / "openapi-python-client"
    if found.exists():
        return str(found)
    on_path = shutil.which("openapi-python-client")
    if on_path is None:
        pytest.skip("openapi-python-client is not installed: `pip install -e '.[dev]'`")
    return on_path


@pytest.fixture(scope="module")
def client_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client generated from /api/openapi.json into a temporary directory."""
    where = tmp_path_factory.mktemp("generated-client")
    spec = where / "openapi.json"
    spec.write_text(json.dumps(create_api().openapi()))
    config = where / "config.json"
    config.write_text(json.dumps(CONFIG))
    out = where / "out"
    command = [_generator(), "generate", "--path", str(spec), "--config", str(config)]
    result = subprocess.run(
        [*command, "--output-path", str(out / PACKAGE), "--meta", "none"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # every JSON operation is generated (binary uploads and pictures are the known omissions)
    skipped = [
        line
        for line in result.stdout.splitlines()
        if "Endpoint will not be generated" in line or "Unable to parse" in line
    ]
    assert skipped == [], result.stdout[-3000:]
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _op(package: ModuleType, group: str, operation: str) -> Any:
    return importlib.import_module(f"{package.__name__}.api.{group}.{operation}")


def _model(package: ModuleType, name: str) -> Any:
    return getattr(importlib.import_module(f"{package.__name__}.models"), name)


def test_a_generated_client_signs_in_creates_moves_pages_replays_and_revalidates(
    migrated_engine, client_package: ModuleType
) -> None:
    api = create_api()
    signup = _verified()

    # sign in: an API token for the owner
    anonymous = client_package.Client(base_url="http://testserver")
    anonymous.set_httpx_client(TestClient(api, base_url="http://testserver"))
    login = _model(client_package, "LoginIn").from_dict(
        {"email": signup.user.email, "password": PASSWORD}
    )
    signed_in = _op(client_package, "auth", "auth_token").sync_detailed(
        client=anonymous, body=login
    )
    assert signed_in.status_code == 200, signed_in.content
    token = signed_in.parsed.data.access_token
    client = client_package.AuthenticatedClient(base_url="http://testserver", token=token)
    client.set_httpx_client(
        TestClient(api, base_url="http://testserver", headers={"Authorization": f"Bearer {token}"})
    )

    # create a customer, then send the same request again with its Idempotency-Key
    create_customer = _op(client_package, "customers", "customers_create")
    customer_in = _model(client_package, "CustomerCreate")
    key = f"create-{uuid.uuid4().hex}"
    body = customer_in.from_dict(
        {"name": "Meera Nair", "email": f"meera.{uuid.uuid4().hex[:8]}@example.com"}
    )
    first = create_customer.sync_detailed(client=client, body=body, idempotency_key=key)
    assert first.status_code == 201, first.content
    customer = first.parsed.data
    assert first.headers["location"] == f"/api/customers/{customer.id}"
    again = create_customer.sync_detailed(client=client, body=body, idempotency_key=key)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.parsed.data.id == customer.id

    # read it with its ETag; the same ETag as If-None-Match answers 304 without a body
    read_customer = _op(client_package, "customers", "customers_read")
    read = read_customer.sync_detailed(client=client, customer_id=customer.id)
    assert read.status_code == 200 and read.parsed.data.name == "Meera Nair"
    etag = read.headers["etag"]
    unchanged = read_customer.sync_detailed(
        client=client, customer_id=customer.id, if_none_match=etag
    )
    assert unchanged.status_code == 304 and unchanged.parsed is None
    assert unchanged.headers["etag"] == etag

    # a query for the customer (API queries arrive pending), moved on hold
    query_in = _model(client_package, "QueryCreate").from_dict(
        {
            "customer_id": str(customer.id),
            "destinations": ["Goa"],
            "start_date": f"{NEXT_YEAR}-02-10",
            "end_date": f"{NEXT_YEAR}-02-15",
            "adults": 2,
        }
    )
    created = _op(client_package, "queries", "queries_create").sync_detailed(
        client=client, body=query_in
    )
    assert created.status_code == 201, created.content
    query = created.parsed.data
    assert str(query.status) == "pending"
    move = _model(client_package, "TransitionIn").from_dict(
        {"to": "on_hold", "row_version": query.row_version, "reason": "Waiting for dates"}
    )
    moved = _op(client_package, "queries", "queries_transition").sync_detailed(
        client=client, query_id=query.id, body=move
    )
    assert moved.status_code == 200, moved.content
    assert str(moved.parsed.data.status) == "on_hold"

    # page the customers two at a time by the cursor in meta
    for n in range(2):
        more = customer_in.from_dict({"name": f"Ravi Kumar {n}"})
        assert create_customer.sync_detailed(client=client, body=more).status_code == 201
    list_customers = _op(client_package, "customers", "customers_list")
    page = list_customers.sync_detailed(client=client, limit=2)
    assert page.status_code == 200, page.content
    assert len(page.parsed.data) == 2 and page.parsed.meta.limit == 2
    cursor = page.parsed.meta.next_cursor
    assert isinstance(cursor, str)
    rest = list_customers.sync_detailed(client=client, limit=2, cursor=cursor)
    assert rest.status_code == 200
    seen = [c.id for c in page.parsed.data] + [c.id for c in rest.parsed.data]
    assert len(seen) == len(set(seen)) == 3
    assert not isinstance(rest.parsed.meta.next_cursor, str)
