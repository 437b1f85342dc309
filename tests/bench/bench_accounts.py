"""Accounts and tenancy benchmark (issue 4 figures), on PostgreSQL with row-level security.

Prints: the Argon2id parameters and their hash time on this machine (target 50-250 ms), sign-in
p95 (hash verify included), and the cost of the tenant scope: the audit log's list query (first
page of 50 rows) run the way list services run it (`tenant_scope` + `scoped_rows`: the explicit
tenant filter on plain rows, and RLS as the app role) against the same raw SQL as the owner
without RLS, p95 of each and the ratio (target <= 1.3x). Beside it, what the rest costs: the
same Core statement as the owner, ORM objects with and without the scope, and the whole list
service (schemas and cursor included).

Run: `make bench-accounts` (needs the local PostgreSQL; uses a fresh database, dropped after).
"""

from __future__ import annotations

import secrets
import statistics
import time

import sqlalchemy as sa

from tests.bench.common import agency_with_owner, percentile, scratch_database

ROWS_PER_TENANT = 5_000
TENANTS = 4
RUNS = 300


def main() -> None:
    with scratch_database():
        run()


def run() -> None:
    from sqlmodel import select

    from travelcrm.accounts import services as accounts
    from travelcrm.accounts.passwords import hash_password, hasher
    from travelcrm.audit.models import AuditEvent
    from travelcrm.db import make_engine, system_scope, tenant_scope, upgrade_to_head
    from travelcrm.settings import get_settings

    upgrade_to_head()
    settings = get_settings()
    ph = hasher()

    # 1. Argon2id cost on this machine.
    hash_times = []
    for _ in range(10):
        start = time.perf_counter()
        hash_password("Sunrise-Demo-2026")
        hash_times.append((time.perf_counter() - start) * 1000)

    # 2. Agencies with audit rows, and a verified owner to sign in as.
    contexts = []
    owner = make_engine(settings, app_role=False)
    for i in range(TENANTS):
        with system_scope() as session:
            ctx = agency_with_owner(
                session,
                slug=f"bench-{i}-{secrets.token_hex(2)}",
                name=f"Bench {i}",
                email=f"owner{i}@bench.example",
            )
            contexts.append(ctx)
        with owner.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO audit_events (tenant_id, id, occurred_at, action) "
                    "SELECT :t, gen_random_uuid(), now() - (g * interval '1 minute'), 'bench' "
                    "FROM generate_series(1, :n) g"
                ),
                {"t": ctx.tenant_id, "n": ROWS_PER_TENANT},
            )
    with owner.begin() as connection:
        connection.execute(sa.text("ANALYZE audit_events"))

    # 3. Sign-in p95 (password verify included).
    login_times = []
    for _ in range(30):
        start = time.perf_counter()
        with system_scope() as session:
            accounts.sign_in(
                session,
                email="owner0@bench.example",
                password="Sunrise-Demo-2026",
                ip=f"10.0.{secrets.randbelow(250)}.1",
            )
        login_times.append((time.perf_counter() - start) * 1000)

    # 4. The audit log's list service (tenant_scope + RLS as the app role, plain rows made into
    # schemas) vs the same raw SQL as the owner without RLS.
    from sqlmodel import Session

    from travelcrm.audit.schemas import AuditFilter
    from travelcrm.audit.services import list_events
    from travelcrm.core.pagination import PageParams
    from travelcrm.db import SYSTEM_INFO, get_engine, scoped_rows

    ctx = contexts[1]
    page, no_filters = PageParams(limit=50, cursor=None), AuditFilter()
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    core_statement = (
        sa.select(*table.c).order_by(table.c.occurred_at.desc(), table.c.id.desc()).limit(51)
    )
    orm_statement = (
        select(AuditEvent)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())  # type: ignore[attr-defined]
        .limit(51)
    )
    raw_sql = sa.text(
        "SELECT * FROM audit_events WHERE tenant_id = :t "
        "ORDER BY occurred_at DESC, id DESC LIMIT 51"
    )
    for _ in range(30):  # warm-up
        with tenant_scope(ctx) as session:
            list_events(session, ctx, filters=no_filters, page=page)
        with owner.connect() as connection:
            connection.execute(raw_sql, {"t": ctx.tenant_id}).all()
    owner_core_statement = core_statement.where(table.c.tenant_id == ctx.tenant_id)
    scoped, raw, rows_only, orm_scoped, orm_owner, raw_rls, core_owner = [], [], [], [], [], [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        with tenant_scope(ctx) as session:
            events, _cursor = list_events(session, ctx, filters=no_filters, page=page)
        scoped.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        with owner.connect() as connection:
            raw_rows = connection.execute(raw_sql, {"t": ctx.tenant_id}).all()
        raw.append((time.perf_counter() - start) * 1000)
        # the service's statement alone: scope + RLS + plain rows, no schemas
        start = time.perf_counter()
        with tenant_scope(ctx) as session:
            scoped_rows(session, core_statement)
        rows_only.append((time.perf_counter() - start) * 1000)
        # the same Core statement as the owner with its tenant WHERE written in, no scope, no RLS
        start = time.perf_counter()
        with owner.connect() as connection:
            connection.execute(owner_core_statement).all()
        core_owner.append((time.perf_counter() - start) * 1000)
        # ORM objects in the scope (how list services read before scoped_rows)
        start = time.perf_counter()
        with tenant_scope(ctx) as session:
            session.exec(orm_statement).all()
        orm_scoped.append((time.perf_counter() - start) * 1000)
        # the same ORM query without scope or RLS (owner, explicit WHERE): ORM cost alone
        start = time.perf_counter()
        with Session(owner, info={SYSTEM_INFO: True}) as session:
            session.exec(orm_statement.where(AuditEvent.tenant_id == ctx.tenant_id)).all()
        orm_owner.append((time.perf_counter() - start) * 1000)
        # the same raw SQL under RLS as the app role: RLS + set_config cost alone
        start = time.perf_counter()
        with get_engine().begin() as connection:
            connection.exec_driver_sql(
                "SELECT set_config('app.tenant_id', %(t)s, true)", {"t": str(ctx.tenant_id)}
            )
            connection.execute(raw_sql, {"t": ctx.tenant_id}).all()
        raw_rls.append((time.perf_counter() - start) * 1000)
    assert len(events) == 50 and len(raw_rows) == 51
    assert [e.id for e in events] == [r.id for r in raw_rows[:50]]
    with owner.connect() as connection:
        plan = "\n    ".join(
            row[0]
            for row in connection.execute(
                sa.text("EXPLAIN " + str(raw_sql.compile(compile_kwargs={"literal_binds": False}))),
                {"t": ctx.tenant_id},
            )
        )
    owner.dispose()

    rule = "-" * 78
    print(rule)
    print(f"Accounts & tenancy benchmark (PostgreSQL, {TENANTS} agencies x {ROWS_PER_TENANT} rows)")
    print(rule)
    print(
        f"Argon2id: time_cost={ph.time_cost}, memory={ph.memory_cost} KiB, "
        f"parallelism={ph.parallelism}"
    )
    print(
        f"{'hash time p50 / max (ms)':<46}{statistics.median(hash_times):>10.1f}"
        f"{max(hash_times):>10.1f}   target 50-250"
    )
    print(
        f"{'sign-in p50 / p95 (ms, verify included)':<46}{statistics.median(login_times):>10.1f}"
        f"{percentile(login_times, 95):>10.1f}"
    )
    print("audit log list query, first page of 50 rows:")
    print("  in tenant scope (tenant_scope + scoped_rows + RLS as the app role):")
    print(
        f"{'    p50 / p95 (ms)':<46}{statistics.median(rows_only):>10.2f}"
        f"{percentile(rows_only, 95):>10.2f}"
    )
    print(
        f"{'  same raw SQL as owner, no RLS p50 / p95 (ms)':<46}{statistics.median(raw):>10.2f}"
        f"{percentile(raw, 95):>10.2f}   (baseline)"
    )
    print(
        f"{'  ratio p95 scoped / raw':<46}{percentile(rows_only, 95) / percentile(raw, 95):>10.2f}"
        f"{'':>10}   target <= 1.3"
    )
    print("where the difference goes (p50 / p95 ms, ratio of p95 to the raw SQL):")
    for label, values in (
        ("  raw SQL + RLS as app role", raw_rls),
        ("  same Core statement as owner, no scope/RLS", core_owner),
        ("  ORM objects in tenant scope + RLS", orm_scoped),
        ("  ORM objects as owner, no scope, no RLS", orm_owner),
        ("  the list service (+ 50 schemas, cursor)", scoped),
    ):
        print(
            f"{label:<46}{statistics.median(values):>10.2f}"
            f"{percentile(values, 95):>10.2f}   {percentile(values, 95) / percentile(raw, 95):.2f}"
        )
    print(
        f"{'scope + RLS alone: scoped / same Core statement':<46}"
        f"{percentile(rows_only, 95) / percentile(core_owner, 95):>10.2f}   (p95 ratio)"
    )
    print(f"plan of the raw query:\n    {plan}")
    print(rule)


if __name__ == "__main__":
    main()
