"""Per-agency numbering (`core.sequences`): `sequence_counters` holds the last number of each
of an agency's series, taken by one atomic upsert. Numbers continue where they were: an
agency's query series starts at its old counter (`query_settings.counter`, dropped here) or its
highest query number, whichever is higher; each rate list's version series at its highest
version number. Row-level security on PostgreSQL.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from travelcrm.core.clock import utcnow
from travelcrm.core.ids import new_id
from travelcrm.core.tenancy import rls_disable_sql, rls_enable_sql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "sequence_counters"
QUERY_SERIES = "query"
VERSION_SERIES = "rate_list_version:"  # + the list's id

counters = sa.table(
    TABLE,
    sa.column("tenant_id", sa.Uuid()),
    sa.column("id", sa.Uuid()),
    sa.column("series", sa.String()),
    sa.column("value", sa.BigInteger()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
query_settings = sa.table(
    "query_settings", sa.column("tenant_id", sa.Uuid()), sa.column("counter", sa.Integer())
)
queries = sa.table("queries", sa.column("tenant_id", sa.Uuid()), sa.column("number", sa.Integer()))
versions = sa.table(
    "rate_list_versions",
    sa.column("tenant_id", sa.Uuid()),
    sa.column("rate_list_id", sa.Uuid()),
    sa.column("number", sa.Integer()),
)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("series", sa.String(length=80), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_sequence_counters_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_sequence_counters")),
        sa.UniqueConstraint(
            "tenant_id", "series", name=op.f("uq_sequence_counters_tenant_id_series")
        ),
    )
    bind = op.get_bind()
    last: dict[tuple[object, str], int] = {}
    for tenant_id, counter in bind.execute(
        sa.select(query_settings.c.tenant_id, query_settings.c.counter)
    ):
        last[(tenant_id, QUERY_SERIES)] = int(counter or 0)
    for tenant_id, top in bind.execute(
        sa.select(queries.c.tenant_id, sa.func.max(queries.c.number)).group_by(
            queries.c.tenant_id
        )
    ):
        key = (tenant_id, QUERY_SERIES)
        last[key] = max(last.get(key, 0), int(top or 0))
    for tenant_id, list_id, top in bind.execute(
        sa.select(
            versions.c.tenant_id, versions.c.rate_list_id, sa.func.max(versions.c.number)
        ).group_by(versions.c.tenant_id, versions.c.rate_list_id)
    ):
        last[(tenant_id, f"{VERSION_SERIES}{list_id}")] = int(top or 0)
    now = utcnow()
    rows = [
        {"tenant_id": tenant_id, "id": new_id(), "series": series, "value": value, "updated_at": now}
        for (tenant_id, series), value in last.items()
        if value > 0
    ]
    if rows:
        bind.execute(counters.insert(), rows)
    with op.batch_alter_table("query_settings") as batch:
        batch.drop_column("counter")
    if bind.dialect.name == "postgresql":
        for statement in rls_enable_sql(TABLE):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for statement in rls_disable_sql(TABLE):
            op.execute(statement)
    with op.batch_alter_table("query_settings") as batch:
        batch.add_column(
            sa.Column("counter", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
    with op.batch_alter_table("query_settings") as batch:
        batch.alter_column("counter", server_default=None, existing_type=sa.Integer())
    last = (
        sa.select(counters.c.value)
        .where(
            counters.c.tenant_id == query_settings.c.tenant_id,
            counters.c.series == QUERY_SERIES,
        )
        .scalar_subquery()
    )
    bind.execute(query_settings.update().values(counter=sa.func.coalesce(last, 0)))
    op.drop_table(TABLE)
