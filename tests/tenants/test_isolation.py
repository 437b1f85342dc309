"""Tenant isolation, on SQLite (scoped session) and PostgreSQL (scoped session + RLS as a
non-owner role). Another agency's rows are invisible: "not found", never "forbidden"."""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from travelcrm.audit import services as audit
from travelcrm.audit.models import AuditEvent
from travelcrm.audit.schemas import AuditFilter
from travelcrm.core.errors import PermissionDeniedError
from travelcrm.core.pagination import PageParams
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TENANT_SETTING, USER_SETTING, TenantContext, tenant_fk
from travelcrm.db import (
    UnscopedTenantQueryError,
    get_engine,
    import_models,
    make_engine,
    scoped_connection,
    scoped_rows,
    system_scope,
    tenant_scope,
)
from travelcrm.settings import get_settings
from travelcrm.tenants.schemas import TenantCreate
from travelcrm.tenants.services import create_tenant

POSTGRES = os.environ.get("TEST_BACKEND") == "postgres"


def _agency(name: str) -> uuid.UUID:
    slug = f"{name}-{secrets.token_hex(3)}"
    with system_scope() as session:
        tenant = create_tenant(
            session,
            data=TenantCreate(
                slug=slug,
                name=name.title(),
                country="IN",
                default_currency="INR",
                timezone="Asia/Kolkata",
            ),
        )
        return tenant.id


@pytest.fixture
def agencies(migrated_engine) -> Iterator[tuple[TenantContext, TenantContext]]:
    a = TenantContext(tenant_id=_agency("alpha"), user_id=uuid.uuid4(), role=Role.OWNER)
    b = TenantContext(tenant_id=_agency("bravo"), user_id=uuid.uuid4(), role=Role.OWNER)
    yield a, b


def _record(ctx: TenantContext, action: str, n: int = 1) -> list[uuid.UUID]:
    with tenant_scope(ctx) as session:
        return [audit.record(session, ctx, action=action, target_id=str(i)).id for i in range(n)]


def test_each_agency_sees_only_its_own_rows(agencies) -> None:
    a, b = agencies
    _record(a, "auth.sign_in", 3)
    b_ids = _record(b, "auth.sign_in", 2)
    with tenant_scope(a) as session:
        events, _ = audit.list_events(
            session, a, filters=AuditFilter(), page=PageParams(limit=50, cursor=None)
        )
        assert len(events) == 3
        assert not {e.id for e in events} & set(b_ids)
        # another agency's id is simply not found
        assert session.exec(select(AuditEvent).where(AuditEvent.id == b_ids[0])).first() is None
        assert session.get(AuditEvent, (b.tenant_id, b_ids[0])) is None


def test_new_rows_get_the_scope_tenant_and_foreign_rows_are_refused(agencies) -> None:
    a, b = agencies
    with tenant_scope(a) as session:
        event = AuditEvent(action="x.y")  # no tenant given: the scope stamps it
        session.add(event)
        session.flush()
        assert event.tenant_id == a.tenant_id
    with pytest.raises(UnscopedTenantQueryError), tenant_scope(a) as session:
        session.add(AuditEvent(tenant_id=b.tenant_id, action="x.y"))
        session.flush()


def test_unscoped_queries_on_tenant_rows_are_a_bug(agencies) -> None:
    with pytest.raises(UnscopedTenantQueryError), Session(get_engine()) as session:
        session.exec(select(AuditEvent)).all()
    with pytest.raises(UnscopedTenantQueryError), Session(get_engine()) as session:
        session.exec(sa.select(sa.func.count()).select_from(AuditEvent)).one()


def test_the_scoped_connection_for_hand_built_statements_needs_a_tenant(agencies) -> None:
    a, _b = agencies
    with pytest.raises(UnscopedTenantQueryError), Session(get_engine()) as session:
        scoped_connection(session)
    with pytest.raises(UnscopedTenantQueryError), system_scope() as session:
        scoped_connection(session)
    with tenant_scope(a) as session:
        _connection, tenant_id = scoped_connection(session)
        assert tenant_id == a.tenant_id


def test_tables_named_only_in_from_are_scoped_too(agencies) -> None:
    """`select(count()).select_from(Model)` and joins: the scope filters them like entities
    (found on SQLite, where no row-level security stands behind the scope)."""
    a, b = agencies
    _record(a, "auth.sign_in", 2)
    _record(b, "auth.sign_in", 5)
    with tenant_scope(a) as session:
        counted = session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        assert counted == 2
        ids = session.exec(sa.select(sa.literal(1)).select_from(AuditEvent)).all()
        assert len(ids) == 2


def test_plain_rows_for_lists_are_filtered_to_the_scope(agencies) -> None:
    """`scoped_rows` runs Core statements the ORM filter never sees: it adds the agency
    itself (on SQLite nothing else stands behind it), joins included."""
    a, b = agencies
    _record(a, "auth.sign_in", 2)
    b_ids = _record(b, "auth.sign_in", 3)
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    other = table.alias("other")
    with tenant_scope(a) as session:
        rows = scoped_rows(session, sa.select(table.c.id, table.c.tenant_id))
        assert len(rows) == 2 and {r.tenant_id for r in rows} == {a.tenant_id}
        assert not scoped_rows(session, sa.select(table.c.id).where(table.c.id == b_ids[0]))
        joined = sa.select(table.c.id).join(other, other.c.action == table.c.action)
        assert len(scoped_rows(session, joined)) == 4  # 2 x 2, never B's 3
        nested = sa.select(sa.func.count()).select_from(sa.select(table.c.id).subquery())
        with pytest.raises(UnscopedTenantQueryError, match="subquery"):
            scoped_rows(session, nested)
        counted = sa.select(sa.func.count()).select_from(table).scalar_subquery()
        with pytest.raises(UnscopedTenantQueryError, match="subquery"):
            scoped_rows(session, sa.select(table.c.id, counted))
        inside = sa.select(table.c.id).where(table.c.id.in_(sa.select(other.c.id)))
        with pytest.raises(UnscopedTenantQueryError, match="subquery"):
            scoped_rows(session, inside)
        # a filter written in for this agency is kept as is; one naming another agency is not
        # taken for the scope's: the scope's own is added beside it (so nothing comes back)
        pinned = sa.select(table.c.id).where(table.c.tenant_id == a.tenant_id)
        assert len(scoped_rows(session, pinned)) == 2
        assert not scoped_rows(
            session, sa.select(table.c.id).where(table.c.tenant_id == b.tenant_id)
        )
        either = sa.or_(table.c.tenant_id == a.tenant_id, table.c.tenant_id == b.tenant_id)
        assert len(scoped_rows(session, sa.select(table.c.id).where(either))) == 2
        # an alias alone is filtered as itself: no bare table added to FROM, no cross product
        assert len(scoped_rows(session, sa.select(other.c.id))) == 2
        assert scoped_rows(session, sa.select(sa.func.count()).select_from(other)) == [(2,)]
    with pytest.raises(UnscopedTenantQueryError), system_scope() as session:
        scoped_rows(session, sa.select(table.c.id))


def test_reading_the_audit_log_needs_the_permission(agencies) -> None:
    a, _ = agencies
    agent = TenantContext(tenant_id=a.tenant_id, user_id=uuid.uuid4(), role=Role.AGENT)
    manager = TenantContext(tenant_id=a.tenant_id, user_id=uuid.uuid4(), role=Role.MANAGER)
    _record(a, "user.invited")
    with tenant_scope(agent) as session, pytest.raises(PermissionDeniedError):
        audit.list_events(session, agent, filters=AuditFilter(), page=PageParams(10, None))
    with tenant_scope(manager) as session:
        events, _ = audit.list_events(
            session, manager, filters=AuditFilter(action="user.invited"), page=PageParams(10, None)
        )
        assert len(events) == 1


def test_audit_pages_newest_first_without_gaps(agencies) -> None:
    a, _ = agencies
    ids = _record(a, "tenant.settings_changed", 7)
    seen: list[uuid.UUID] = []
    cursor = None
    with tenant_scope(a) as session:
        while True:
            page, cursor = audit.list_events(
                session, a, filters=AuditFilter(), page=PageParams(limit=3, cursor=cursor)
            )
            seen += [e.id for e in page]
            if cursor is None:
                break
    assert seen == list(reversed(ids))


def test_secrets_never_reach_the_log(agencies) -> None:
    a, _ = agencies
    with tenant_scope(a) as session:
        event = audit.record(
            session,
            a,
            action="user.password_changed",
            before={"password": "old-secret", "name": "Priya"},
            after={"password": "new-secret", "name": "Priya"},
        )
        public = audit.to_public(event)
    assert public.before == {"password": "***", "name": "Priya"}
    assert "secret" not in (event.after_json or "")


def test_composite_foreign_key_refuses_cross_agency_links(agencies) -> None:
    """Beneath the service checks, the database refuses a row pointing at another agency."""
    a, b = agencies
    (a_event,) = _record(a, "a.one")
    (b_event,) = _record(b, "b.one")
    owner = make_engine(get_settings(), app_role=False)
    metadata = sa.MetaData()
    sa.Table("tenants", metadata, autoload_with=owner)
    sa.Table("audit_events", metadata, autoload_with=owner)
    name = f"fk_probe_{secrets.token_hex(3)}"
    probe = sa.Table(
        name,
        metadata,
        sa.Column("tenant_id", sa.Uuid, primary_key=True),
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("event_id", sa.Uuid, nullable=False),
        tenant_fk("event_id", "audit_events"),
    )
    probe.create(owner)
    try:
        with owner.begin() as connection:
            connection.execute(
                probe.insert().values(tenant_id=a.tenant_id, id=uuid.uuid4(), event_id=a_event)
            )
        with pytest.raises(IntegrityError), owner.begin() as connection:
            connection.execute(
                probe.insert().values(tenant_id=a.tenant_id, id=uuid.uuid4(), event_id=b_event)
            )
    finally:
        probe.drop(owner)
        owner.dispose()


# ---- PostgreSQL: row-level security as a non-owner role ------------------------------------

pg_only = pytest.mark.skipif(
    not POSTGRES, reason="SQLite has no row-level security (PostgreSQL only)"
)


# Policies on a tenant table other than the tenant policy, each with why it is safe. A permissive
# policy widens what a role may see or write (PostgreSQL ORs them), so a new one must be named here.
EXTRA_POLICIES = {
    # a signed-in person reads their own memberships across agencies (the agency switch); read
    # only, and only with `app.user_id` set to that person
    ("memberships", "member_self"): ("SELECT", USER_SETTING),
}


def _tenant_tables() -> set[str]:
    return {t.name for t in import_models().sorted_tables if "tenant_id" in t.c}


@pg_only
def test_every_tenant_table_has_rls_enabled_and_forced(migrated_engine) -> None:
    """Found from the catalog (every table with a `tenant_id`), not from a list: RLS enabled
    and FORCEd (the owner too), and a policy on `app.tenant_id` for every command that both
    filters rows (USING) and checks written rows (WITH CHECK)."""
    tenant_tables = _tenant_tables()
    assert "audit_events" in tenant_tables
    owner = make_engine(get_settings(), app_role=False)
    try:
        with owner.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' "
                    "AND NOT a.attisdropped "
                    "WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'"
                )
            ).all()
            policies = connection.execute(
                sa.text(
                    "SELECT tablename, policyname, permissive, roles, cmd, qual, with_check "
                    "FROM pg_policies WHERE schemaname = 'public'"
                )
            ).all()
    finally:
        owner.dispose()
    catalog = {name: (enabled, forced) for name, enabled, forced in rows}
    assert set(catalog) == tenant_tables, "tables with tenant_id: catalog vs models"
    on: dict[str, list[Any]] = {}
    for policy in policies:
        on.setdefault(policy.tablename, []).append(policy)
    tenant_check = f"current_setting('{TENANT_SETTING}'"
    for table, (enabled, forced) in sorted(catalog.items()):
        assert enabled, f"{table}: row-level security is not enabled"
        assert forced, f"{table}: row-level security is not FORCEd (the owner would bypass it)"
        covered: set[str] = set()
        for policy in on.get(table, []):
            extra = EXTRA_POLICIES.get((table, policy.policyname))
            if extra is not None:
                command, setting = extra
                assert policy.cmd == command, f"{table}.{policy.policyname}: {policy.cmd}"
                assert f"current_setting('{setting}'" in (policy.qual or ""), policy
                continue
            assert policy.permissive == "PERMISSIVE", f"{table}.{policy.policyname}"
            assert policy.roles == ["public"], f"{table}.{policy.policyname}: {policy.roles}"
            assert "tenant_id" in (policy.qual or "") and tenant_check in (policy.qual or ""), (
                f"{table}.{policy.policyname}: USING does not compare tenant_id to "
                f"{TENANT_SETTING}: {policy.qual}"
            )
            if policy.cmd in ("ALL", "INSERT", "UPDATE"):
                check = policy.with_check or ""
                assert "tenant_id" in check and tenant_check in check, (
                    f"{table}.{policy.policyname}: no WITH CHECK on tenant_id = "
                    f"{TENANT_SETTING} (written rows unchecked): {policy.with_check}"
                )
            covered |= (
                {"SELECT", "INSERT", "UPDATE", "DELETE"} if policy.cmd == "ALL" else {policy.cmd}
            )
        assert covered == {"SELECT", "INSERT", "UPDATE", "DELETE"}, (
            f"{table}: the tenant policies cover only {sorted(covered)}"
        )


def test_every_tenant_row_is_tied_to_its_agency_by_a_foreign_key(migrated_engine) -> None:
    """A key to `tenants`, or (bulk child rows) a composite key on `tenant_id` to a
    tenant-owned parent that has one: in the migrated database, on both backends."""
    inspector = sa.inspect(get_engine())
    metadata = import_models()
    tenant_tables = {t.name for t in metadata.sorted_tables if "tenant_id" in t.c}

    def keys(table: str) -> list[dict[str, Any]]:
        return [
            k for k in inspector.get_foreign_keys(table) if "tenant_id" in k["constrained_columns"]
        ]

    direct = {t for t in tenant_tables if any(k["referred_table"] == "tenants" for k in keys(t))}
    for table in sorted(tenant_tables - direct):
        parents = {k["referred_table"] for k in keys(table)} & direct
        assert parents, f"{table}: tenant_id is tied to no agency"
    assert "rate_lines" not in direct  # its agency is proven through its version


def _value_for(column: sa.Column[Any]) -> Any:
    """A plain value of the column's type (no table has CHECK constraints on these)."""
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):  # AutoString, Amount: by what they store
        kind = kind.impl_instance
    if isinstance(kind, sa.Uuid):
        return uuid.uuid4()
    if isinstance(kind, sa.Date):
        return date(2027, 1, 1)
    if isinstance(kind, sa.DateTime):
        return datetime(2027, 1, 1, tzinfo=UTC)
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.LargeBinary):
        return b"x"
    if isinstance(kind, sa.Numeric):
        return Decimal("1")
    if isinstance(kind, sa.String | sa.Text):
        return "x"
    if isinstance(kind, sa.JSON):
        return {}
    raise AssertionError(f"{column}: no probe value for {kind!r}; add one to _value_for")


def _seed_every_table(owner: sa.Engine, tenant_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    """One row in every table with a `tenant_id`, for one agency, written as the owner
    (a superuser: no policy applies): required columns get plain values, foreign keys point at
    the rows seeded before (parents first), other tables (users) get a row of their own."""
    metadata = import_models()
    rows: dict[str, dict[str, Any]] = {"tenants": {"id": tenant_id}}

    def seed(connection: sa.Connection, table: sa.Table) -> dict[str, Any]:
        if table.name in rows:
            return rows[table.name]
        row: dict[str, Any] = {"tenant_id": tenant_id} if "tenant_id" in table.c else {}
        for key in table.foreign_key_constraints:
            own = [e.parent for e in key.elements if e.parent.name != "tenant_id"]
            if all(column.nullable for column in own):
                continue  # an optional link (a merged customer's survivor): left empty
            parent = seed(connection, key.referred_table)
            for element in key.elements:
                row.setdefault(element.parent.name, parent[element.column.name])
        for column in table.c:
            if column.name in row or column.nullable:
                continue
            if column.default is not None or column.server_default is not None:
                continue
            row[column.name] = _value_for(column)
        if "email" in table.c:
            row["email"] = f"rls-{secrets.token_hex(4)}@example.com"
        inserted = connection.execute(table.insert().values(**row).returning(*table.c)).one()
        rows[table.name] = dict(inserted._mapping)
        return rows[table.name]

    with owner.begin() as connection:
        for table in metadata.sorted_tables:
            if "tenant_id" in table.c:
                seed(connection, table)
    return {name: row for name, row in rows.items() if name in _tenant_tables()}


@pg_only
def test_raw_sql_as_the_app_role_is_bound_to_the_agency_on_every_tenant_table(agencies) -> None:
    """Every tenant table, by hand-written SQL as the app's role (no ORM filter to help):
    without an agency set nothing is visible; another agency sees none of the rows; a row
    cannot be written for, or moved to, another agency (the policy's WITH CHECK)."""
    a, b = agencies
    owner = make_engine(get_settings(), app_role=False)
    try:
        seeded = _seed_every_table(owner, a.tenant_id)
    finally:
        owner.dispose()
    assert set(seeded) == _tenant_tables()
    tables = {t.name: t for t in import_models().sorted_tables}
    set_tenant = "SELECT set_config('app.tenant_id', %(t)s, true)"
    with get_engine().connect() as connection:
        with connection.begin():
            role = connection.exec_driver_sql("SELECT current_user").scalar()
            assert role == "travelcrm_app"
        for name in sorted(seeded):
            count = f'SELECT count(*) FROM "{name}"'
            with connection.begin():
                assert connection.exec_driver_sql(count).scalar() == 0, f"{name}: no tenant"
            with connection.begin():
                connection.exec_driver_sql(set_tenant, {"t": str(a.tenant_id)})
                assert connection.exec_driver_sql(count).scalar() >= 1, f"{name}: own rows"
            with connection.begin():
                connection.exec_driver_sql(set_tenant, {"t": str(b.tenant_id)})
                seen = connection.exec_driver_sql(
                    f'SELECT count(*) FROM "{name}" WHERE tenant_id = %(t)s',
                    {"t": str(a.tenant_id)},
                ).scalar()
                assert seen == 0, f"{name}: another agency's rows are visible"
                forged = {**seeded[name], "id": uuid.uuid4()}
                with pytest.raises(sa.exc.DBAPIError, match="row-level security"):
                    with connection.begin_nested():
                        connection.execute(tables[name].insert().values(**forged))
                    pytest.fail(f"{name}: a row for another agency was written")
            with connection.begin():
                connection.exec_driver_sql(set_tenant, {"t": str(a.tenant_id)})
                moved = (
                    sa.update(tables[name])
                    .where(tables[name].c.id == seeded[name]["id"])
                    .values(tenant_id=b.tenant_id)
                )
                with pytest.raises(sa.exc.DBAPIError, match="row-level security"):
                    with connection.begin_nested():
                        connection.execute(moved)
                    pytest.fail(f"{name}: a row was moved to another agency")


@pg_only
def test_a_checkout_scopes_each_unit_of_work_and_nothing_outlives_it(agencies) -> None:
    """The pool's checkout opens the first transaction already set to the unit of work's
    agency; a later transaction of the same session is set again; after the unit of work, and
    outside any scope, the setting is empty (a query sees nothing)."""
    a, b = agencies
    _record(a, "checkout.a", 2)
    _record(b, "checkout.b", 1)
    setting = "SELECT current_setting('app.tenant_id', true)"
    for ctx, expected in ((a, 2), (b, 1), (a, 2)):
        with tenant_scope(ctx) as session:
            assert session.connection().exec_driver_sql(setting).scalar() == str(ctx.tenant_id)
            assert session.exec(select(AuditEvent)).all().__len__() == expected
            session.commit()  # the next statement runs in a new transaction, set again
            assert session.connection().exec_driver_sql(setting).scalar() == str(ctx.tenant_id)
            count = "SELECT count(*) FROM audit_events"
            assert session.connection().exec_driver_sql(count).scalar() == expected
        with get_engine().connect() as connection:  # the same pooled connections, no scope
            assert connection.exec_driver_sql(setting).scalar() in ("", None)
            assert connection.exec_driver_sql("SELECT count(*) FROM audit_events").scalar() == 0
    with system_scope() as session:
        assert session.connection().exec_driver_sql(setting).scalar() in ("", None)


@pg_only
def test_a_connection_killed_in_the_pool_is_replaced_at_checkout(agencies) -> None:
    """The checkout's scoping query is the pool's liveness check: a connection whose server
    process died while it sat in the pool is thrown away and a new one serves the request."""
    a, _ = agencies
    _record(a, "checkout.alive", 1)
    engine = get_engine()
    with engine.connect() as connection:
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    owner = make_engine(get_settings(), app_role=False)
    try:
        with owner.connect() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    finally:
        owner.dispose()
    for _ in range(engine.pool.size() + 1):  # whichever pooled connection comes out
        with tenant_scope(a) as session:
            assert len(session.exec(select(AuditEvent)).all()) == 1
            assert session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
