"""Two people changing one customer at the same moment: the version they read is checked by
the statement that writes, so exactly one change lands and the other gets 409
`version_conflict` naming the current version (on SQLite too: a conflict, never "database is
locked")."""

from __future__ import annotations

import uuid

from tests.race import race
from tests.rates.factories import agency_context
from travelcrm.core.tenancy import TenantContext
from travelcrm.customers import services as customers
from travelcrm.customers.models import Customer
from travelcrm.customers.schemas import CustomerCreate, CustomerUpdate
from travelcrm.db import tenant_scope


def _customer(ctx: TenantContext, name: str) -> Customer:
    with tenant_scope(ctx) as session:
        data = CustomerCreate(name=name, email=f"{uuid.uuid4().hex[:8]}@example.com")
        customer = customers.create_customer(session, ctx, data=data)
        session.expunge(customer)
        return customer


def _stored(ctx: TenantContext, customer_id: uuid.UUID) -> Customer:
    with tenant_scope(ctx) as session:
        customer = customers.get_customer(session, ctx, customer_id=customer_id)
        session.expunge(customer)
        return customer


def _update(ctx: TenantContext, customer_id: uuid.UUID, version: int, city: str):
    def call() -> Customer:
        with tenant_scope(ctx) as session:
            data = CustomerUpdate(row_version=version, city=city)
            return customers.update_customer(session, ctx, customer_id=customer_id, data=data)

    return call


def _one_won(results: list) -> tuple[Customer, customers.VersionConflictError]:
    won = [r for r in results if isinstance(r, Customer)]
    lost = [r for r in results if isinstance(r, customers.VersionConflictError)]
    assert len(won) == 1 and len(lost) == 1, results
    return won[0], lost[0]


def test_two_simultaneous_patches_of_one_customer_one_lands(migrated_engine) -> None:
    owner = agency_context()
    customer = _customer(owner, "Anita Rao")
    results = race(
        migrated_engine,
        "customers",
        _update(owner, customer.id, 1, "Pune"),
        _update(owner, customer.id, 1, "Goa"),
    )
    won, lost = _one_won(results)
    assert won.row_version == 2
    assert lost.status == 409 and lost.code == "version_conflict"
    assert lost.extra["current_row_version"] == 2
    stored = _stored(owner, customer.id)
    assert (stored.row_version, stored.city) == (2, won.city)  # the loser wrote nothing


def test_a_merge_and_a_patch_at_once_one_lands(migrated_engine) -> None:
    owner = agency_context()
    keep, duplicate = _customer(owner, "Meera Iyer"), _customer(owner, "Meera I")

    def merge() -> Customer:
        with tenant_scope(owner) as session:
            return customers.merge_customers(
                session, owner, keep_id=keep.id, duplicate_id=duplicate.id, row_version=1
            )

    _, lost = _one_won(
        race(migrated_engine, "customers", merge, _update(owner, keep.id, 1, "Kochi"))
    )
    assert lost.extra["current_row_version"] == 2
    stored = _stored(owner, keep.id)
    assert stored.row_version == 2
    merged = _stored(owner, duplicate.id).merged_into_id == keep.id
    assert merged == (stored.city is None)  # either the merge or the patch, never both
