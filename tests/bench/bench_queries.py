"""Queries benchmark (issue acceptance figures), on PostgreSQL with row-level security.

1,000,000 queries over 100 agencies (10,000 each, 1,000 customers each, 10 agents each), made
with generate_series as the owner. Prints, each beside a baseline measured in the same run:

- the query list's first page with 3 filters (open statuses, high priority, text search) as an
  agent through `list_queries` (tenant scope + RLS), p50/p95 over 300 loads; target p95
  <= 20 ms; baseline: the same page's SQL as the owner without RLS;
- SQL statements per page load at 10, 25 and 50 rows a page; target: the same count (no N+1);
- automatic assignment: 2,000 waiting queries of one agency assigned by `assign_waiting` in
  batches of 500, queries/s; target >= 500; baseline: one raw UPDATE giving the same rows an
  assignee;
- the SLA breach scan `sweep()` over the 1,000,000 open queries of the 100 agencies, 1% newly
  overdue; target <= 2 s; baseline: one raw UPDATE of the same rows as the owner.

Run: `make bench` or `.venv/bin/python -m tests.bench.bench_queries` (needs the local
PostgreSQL; a fresh database, dropped after; about 3 minutes).
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any

import sqlalchemy as sa

from tests.bench.common import log, percentile, scratch_database

AGENCIES = int(os.environ.get("BENCH_AGENCIES", "100"))
PER_AGENCY = int(os.environ.get("BENCH_QUERIES_PER_AGENCY", "10000"))
CUSTOMERS_PER_AGENCY = 1000
AGENTS_PER_AGENCY = 10
RUNS = 300


def main() -> None:
    with scratch_database(redis=False):
        run()


def run() -> None:
    from travelcrm.core.clock import utcnow
    from travelcrm.core.pagination import PageParams
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import get_engine, make_engine, tenant_scope, upgrade_to_head
    from travelcrm.queries import services as queries
    from travelcrm.queries.machine import QueryStatus
    from travelcrm.queries.schemas import QueryFilter
    from travelcrm.settings import get_settings

    upgrade_to_head()
    owner = make_engine(get_settings(), app_role=False)
    now = utcnow()
    started = time.perf_counter()
    log(f"making {AGENCIES} agencies x {PER_AGENCY:,} queries")
    with owner.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO tenants (id, slug, name, country, default_currency, timezone, "
                "locale, status, created_at, legal_name, address, tax_id, invoice_prefix, "
                "primary_color) SELECT gen_random_uuid(), 'bench-' || g, 'Bench ' || g, 'IN', "
                "'INR', 'Asia/Kolkata', 'en-IN', 'active', now(), NULL, NULL, NULL, 'INV', "
                "'#2563eb' FROM generate_series(1, :n) g"
            ),
            {"n": AGENCIES},
        )
        tenants = [r[0] for r in c.execute(sa.text("SELECT id FROM tenants ORDER BY slug"))]
        c.execute(
            sa.text(
                "INSERT INTO users (id, email, name, password_hash, created_at, "
                "email_verified_at, is_active) SELECT gen_random_uuid(), "
                "'agent' || g || '@bench.example', 'Agent ' || g, '!', now(), now(), true "
                "FROM generate_series(1, :n) g"
            ),
            {"n": AGENCIES * AGENTS_PER_AGENCY},
        )
        c.execute(
            sa.text(
                "INSERT INTO memberships (tenant_id, id, user_id, role, is_active, created_at, "
                "accepted_at) SELECT t.id, gen_random_uuid(), u.id, 'agent', true, now(), now() "
                "FROM (SELECT id, row_number() OVER (ORDER BY slug) - 1 AS k FROM tenants) t "
                "JOIN (SELECT id, row_number() OVER (ORDER BY email) - 1 AS k FROM users) u "
                "ON u.k / :per = t.k"
            ),
            {"per": AGENTS_PER_AGENCY},
        )
        # every agent online (a browser session seen just now)
        c.execute(
            sa.text(
                "INSERT INTO auth_sessions (id, token_hash, user_id, active_tenant_id, "
                "created_at, last_seen_at, expires_at) SELECT gen_random_uuid(), "
                "md5(random()::text) || md5(random()::text), m.user_id, m.tenant_id, now(), "
                "now(), now() + interval '1 day' FROM memberships m"
            )
        )
        c.execute(
            sa.text(
                "INSERT INTO customers (tenant_id, id, kind, name, name_key, email, phone, "
                "preferences, tags, row_version, created_at) SELECT t.id, gen_random_uuid(), "
                "'person', 'Customer ' || g, 'customer ' || g, 'c' || g || '@example.com', "
                "'+9198' || lpad(g::text, 8, '0'), '{}', '[]', 1, now() "
                "FROM tenants t, generate_series(1, :n) g"
            ),
            {"n": CUSTOMERS_PER_AGENCY},
        )
        # queries: open ones spread over statuses and priorities; a reply due over the next
        # days, except 1% due a minute ago (newly overdue for the scan)
        c.execute(
            sa.text(
                """
                INSERT INTO queries (tenant_id, id, number, customer_id, status, source,
                    priority, title, destinations, adults, children, child_ages, interests,
                    assigned_to, response_due_at, escalation_level, row_version, created_at)
                SELECT t.id, gen_random_uuid(), g, cu.id,
                    (ARRAY['assigned','quoted','on_hold','assigned'])[1 + g % 4],
                    (ARRAY['staff','portal','email','api'])[1 + g % 4],
                    (ARRAY['normal','normal','high','urgent'])[1 + (g / 4) % 4],
                    'Trip ' || g || ', Goa, 5 nights', '["Goa"]', 2, 0, '[]', '[]',
                    NULL,
                    CASE WHEN g % 100 = 0 THEN now() - interval '1 minute'
                         ELSE now() + (1 + g % 72) * interval '1 hour' END,
                    0, 1, now() - (g * interval '1 minute')
                FROM tenants t CROSS JOIN generate_series(1, :n) g
                JOIN (SELECT tenant_id, id,
                        row_number() OVER (PARTITION BY tenant_id ORDER BY id) - 1 AS k
                      FROM customers) cu ON cu.tenant_id = t.id AND cu.k = g % :customers
                """
            ),
            {"n": PER_AGENCY, "customers": CUSTOMERS_PER_AGENCY},
        )
        # assignees for the non-pending ones: the agency's agents in turn
        c.execute(
            sa.text(
                """
                UPDATE queries q SET assigned_to = a.user_id
                FROM (SELECT tenant_id, user_id,
                        row_number() OVER (PARTITION BY tenant_id ORDER BY user_id) - 1 AS k
                      FROM memberships) a
                WHERE a.tenant_id = q.tenant_id AND q.status <> 'pending'
                  AND a.k = q.number % :agents
                """
            ),
            {"agents": AGENTS_PER_AGENCY},
        )
        # each agency's query settings (made on first use; made here, as a live system has them)
        c.execute(
            sa.text(
                "INSERT INTO query_settings (tenant_id, id, assignment_rule, agents_see_all, "
                "working_days, opens, closes, holidays, first_response_hours, "
                "follow_up_hours) SELECT id, gen_random_uuid(), 'round_robin', false, "
                "'[0, 1, 2, 3, 4]', '09:00', '18:00', '[]', '{}', '{}' FROM tenants"
            )
        )
        # each agency's query numbers continue after the ones made here (core.sequences)
        c.execute(
            sa.text(
                "INSERT INTO sequence_counters (tenant_id, id, series, value, updated_at) "
                "SELECT id, gen_random_uuid(), 'query', :n, now() FROM tenants"
            ),
            {"n": PER_AGENCY},
        )
        c.execute(sa.text("ANALYZE"))
    log(f"data made in {time.perf_counter() - started:.0f} s")

    tenant_id = tenants[len(tenants) // 2]
    with owner.connect() as c:
        agent_id = c.execute(
            sa.text("SELECT user_id FROM memberships WHERE tenant_id = :t ORDER BY user_id"),
            {"t": tenant_id},
        ).first()[0]  # type: ignore[index]
    agent = TenantContext(tenant_id, agent_id, Role.AGENT)
    manager = TenantContext(tenant_id, None, Role.MANAGER)
    with tenant_scope(manager) as session:  # the agency's settings row (defaults)
        queries.query_settings(session, manager)

    # 1. the list's first page with 3 filters, as an agent (their own and unassigned)
    filters = QueryFilter(
        status=[QueryStatus.ASSIGNED, QueryStatus.QUOTED, QueryStatus.PENDING],
        priority="high",  # type: ignore[arg-type]
        q="Goa",
    )

    def load(ctx: TenantContext, size: int = 25) -> int:
        with tenant_scope(ctx) as session:
            return len(
                queries.list_queries(
                    session, ctx, filters=filters, page=PageParams(limit=size, cursor=None), now=now
                ).items
            )

    raw_sql = sa.text(
        """
        SELECT q.id, q.number, q.title, q.customer_id, c.name AS customer_name, q.status,
               q.source, q.priority, q.assigned_to, q.response_due_at, q.breached_at,
               q.created_at, q.row_version
        FROM queries q JOIN customers c ON c.tenant_id = q.tenant_id AND c.id = q.customer_id
        WHERE q.tenant_id = :t AND q.status IN ('assigned', 'quoted', 'pending')
          AND q.priority = 'high' AND (q.assigned_to IS NULL OR q.assigned_to = :u)
          AND (q.title LIKE '%Goa%' OR c.name_key LIKE '%goa%')
        ORDER BY q.created_at DESC, q.id DESC LIMIT 26
        """
    )
    for _ in range(30):
        load(agent)
        with owner.connect() as c:
            c.execute(raw_sql, {"t": tenant_id, "u": agent_id}).all()
    ours, base = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        shown = load(agent)
        ours.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        with owner.connect() as c:
            rows = c.execute(raw_sql, {"t": tenant_id, "u": agent_id}).all()
        base.append((time.perf_counter() - start) * 1000)
    assert shown == min(25, len(rows)) and shown > 0, (shown, len(rows))

    # 2. statements per page load
    counted: list[int] = []

    def count(*_args: Any) -> None:
        counted[-1] += 1

    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute", count)
    statements = {}
    for size in (10, 25, 50):
        counted.append(0)
        load(agent, size)
        statements[size] = counted[-1]
    sa.event.remove(engine, "before_cursor_execute", count)

    # 3. automatic assignment: 2,000 new waiting queries of one agency
    busy = tenants[0]
    waiting = 2000
    with owner.begin() as c:
        c.execute(
            sa.text(
                """
                INSERT INTO queries (tenant_id, id, number, customer_id, status, source,
                    priority, title, destinations, adults, children, child_ages, interests,
                    response_due_at, escalation_level, row_version, created_at)
                SELECT :t, gen_random_uuid(), 1000000 + g,
                    (SELECT id FROM customers WHERE tenant_id = :t LIMIT 1),
                    'pending', 'portal', 'normal', 'Waiting ' || g, '["Goa"]', 2, 0, '[]',
                    '[]', now() + interval '1 day', 0, 1, now() + g * interval '1 millisecond'
                FROM generate_series(1, :n) g
                """
            ),
            {"t": busy, "n": waiting},
        )
        # room under every agent's cap for the new work
        c.execute(
            sa.text(
                "INSERT INTO agent_profiles (tenant_id, id, user_id, skills, workload_cap) "
                "SELECT tenant_id, gen_random_uuid(), user_id, '[]', 10000 FROM memberships "
                "WHERE tenant_id = :t"
            ),
            {"t": busy},
        )
    busy_ctx = TenantContext(busy, None, Role.OWNER)
    assigned = 0
    start = time.perf_counter()
    while assigned < waiting:
        with tenant_scope(busy_ctx) as session:
            done = queries.assign_waiting(session, busy_ctx, now=now)
        if not done:
            break
        assigned += done
    assign_s = time.perf_counter() - start
    with owner.begin() as c:  # baseline: the same rows given an assignee in one UPDATE
        start = time.perf_counter()
        c.execute(
            sa.text(
                "UPDATE queries SET assigned_to = NULL, status = 'pending' "
                "WHERE tenant_id = :t AND number > 1000000"
            ),
            {"t": busy},
        )
        raw_start = time.perf_counter()
        c.execute(
            sa.text(
                "UPDATE queries q SET assigned_to = m.user_id, status = 'assigned', "
                "assigned_at = now(), row_version = row_version + 1 FROM memberships m "
                "WHERE q.tenant_id = :t AND q.number > 1000000 AND m.tenant_id = q.tenant_id "
                "AND m.user_id = (SELECT user_id FROM memberships WHERE tenant_id = :t "
                "ORDER BY user_id LIMIT 1)"
            ),
            {"t": busy},
        )
        raw_assign_s = time.perf_counter() - raw_start

    # 4. the breach scan over every agency's open queries (1% newly overdue)
    with owner.connect() as c:
        open_count = c.execute(
            sa.text(
                "SELECT count(*) FROM queries WHERE status IN "
                "('pending', 'assigned', 'quoted', 'on_hold')"
            )
        ).scalar()
        due = c.execute(
            sa.text(
                "SELECT count(*) FROM queries WHERE response_due_at < now() "
                "AND breached_at IS NULL AND status IN ('pending', 'assigned', 'quoted')"
            )
        ).scalar()
    import tasks.registry  # noqa: F401  (loaded in the job worker that runs the sweep)

    start = time.perf_counter()
    swept = queries.sweep(now=utcnow())
    sweep_s = time.perf_counter() - start
    with owner.begin() as c:  # baseline: the same rows flagged by one raw UPDATE
        c.execute(sa.text("UPDATE queries SET breached_at = NULL, escalation_level = 0"))
        c.execute(sa.text("ANALYZE queries"))
    with owner.begin() as c:
        start = time.perf_counter()
        raw_flagged = c.execute(
            sa.text(
                "UPDATE queries SET breached_at = now(), escalation_level = 1 "
                "WHERE response_due_at < now() AND breached_at IS NULL "
                "AND status IN ('pending', 'assigned', 'quoted')"
            )
        ).rowcount
        raw_sweep_s = time.perf_counter() - start
    owner.dispose()

    rule = "-" * 100
    print(rule)
    print(
        f"Queries benchmark (PostgreSQL + RLS, {AGENCIES} agencies x {PER_AGENCY:,} queries = "
        f"{AGENCIES * PER_AGENCY:,}; {os.cpu_count()} cores)"
    )
    print(rule)
    print(f"{'figure':<62}{'p50':>9}{'p95':>9}   target")
    print(
        f"{'list, first page of 25, 3 filters, as an agent (ms)':<62}"
        f"{statistics.median(ours):>9.2f}{percentile(ours, 95):>9.2f}   <= 20 ms: "
        f"{'met' if percentile(ours, 95) <= 20 else 'MISSED'}"
    )
    print(
        f"{'  baseline: the same SQL as the owner, no RLS (ms)':<62}"
        f"{statistics.median(base):>9.2f}{percentile(base, 95):>9.2f}"
    )
    same = len(set(statements.values())) == 1
    print(
        f"{'SQL statements per page load at 10 / 25 / 50 rows':<62}"
        f"{' / '.join(str(statements[s]) for s in (10, 25, 50)):>18}   constant: "
        f"{'met' if same else 'MISSED'}"
    )
    rate = assigned / assign_s if assign_s else 0.0
    print(
        f"{f'automatic assignment, {assigned:,} waiting queries (queries/s)':<62}"
        f"{rate:>18,.0f}   >= 500: {'met' if rate >= 500 else 'MISSED'}"
    )
    print(
        f"{'  baseline: one raw UPDATE of the same rows (queries/s)':<62}"
        f"{assigned / raw_assign_s if raw_assign_s else 0:>18,.0f}"
    )
    print(
        f"{f'SLA sweep of {open_count:,} open queries, {due:,} newly overdue (s)':<62}"
        f"{sweep_s:>18.2f}   <= 2 s: {'met' if sweep_s <= 2 else 'MISSED'}"
        f"  ({swept['breached']:,} flagged, {swept['agencies']} agencies)"
    )
    print(
        f"{'  baseline: one raw UPDATE of the same rows as the owner (s)':<62}"
        f"{raw_sweep_s:>18.2f}  ({raw_flagged:,} rows)"
    )
    print(rule)


if __name__ == "__main__":
    main()
