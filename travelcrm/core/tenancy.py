"""Tenancy building blocks every domain uses: who is asking (`TenantContext`), the mixin that
makes a table tenant-owned, the composite foreign-key helper, and the PostgreSQL RLS DDL.

A tenant table's primary key is `(tenant_id, id)` with a time-ordered UUIDv7 `id`; unique keys
start with `tenant_id`; foreign keys between tenant tables include `tenant_id`, so the database
itself refuses a row of one agency pointing at another agency's record (and the schema shards by
`tenant_id` on Citus).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ForeignKeyConstraint
from sqlmodel import Field, SQLModel

from travelcrm.core.ids import new_id
from travelcrm.core.permissions import Role

TENANT_SETTING = "app.tenant_id"
USER_SETTING = "app.user_id"
RLS_POLICY = "tenant_isolation"


@dataclass(frozen=True, slots=True)
class TenantContext:
    """The agency and person a unit of work is for. Services take it with every call."""

    tenant_id: uuid.UUID
    user_id: uuid.UUID | None
    role: Role


class TenantMixin(SQLModel):
    """Makes a table tenant-owned: `tenant_id` + `id` form the primary key."""

    tenant_id: uuid.UUID = Field(foreign_key="tenants.id", primary_key=True, ondelete="RESTRICT")
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)


class TenantChildMixin(TenantMixin):
    """Tenant-owned like `TenantMixin`, for bulk child rows (rate lines): `tenant_id` has no
    key of its own to `tenants`, because the row's `tenant_fk(...)` to its tenant-owned
    parent already proves the agency (the parent's `tenant_id` references `tenants`). That
    saves PostgreSQL one foreign-key check per row on inserts of tens of thousands of rows.
    A table using it must have at least one `tenant_fk` (a catalog test checks)."""

    tenant_id: uuid.UUID = Field(primary_key=True)


def tenant_fk(column: str, table: str, *, ondelete: str | None = None) -> ForeignKeyConstraint:
    """A foreign key from `column` to `table.id` that also matches `tenant_id`.

    Use in `__table_args__`: `(tenant_fk("supplier_id", "suppliers"),)`.
    """
    return ForeignKeyConstraint(
        ["tenant_id", column], [f"{table}.tenant_id", f"{table}.id"], ondelete=ondelete
    )


def rls_enable_sql(table: str) -> list[str]:
    """DDL that makes PostgreSQL enforce the tenant on `table` (used by migrations).

    With no tenant set for the transaction, the policy matches no row.
    """
    current = f"NULLIF(current_setting('{TENANT_SETTING}', true), '')::uuid"
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'CREATE POLICY {RLS_POLICY} ON "{table}" '
        f"USING (tenant_id = {current}) WITH CHECK (tenant_id = {current})",
    ]


def rls_disable_sql(table: str) -> list[str]:
    return [
        f'DROP POLICY IF EXISTS {RLS_POLICY} ON "{table}"',
        f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
    ]
