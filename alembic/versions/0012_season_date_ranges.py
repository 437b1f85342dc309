"""A season is a name with one or more date ranges: `rate_season_ranges` holds them (each
existing season gets its one range), with a composite key to its season of its version and
row-level security on PostgreSQL.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 07:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from travelcrm.core.tenancy import rls_disable_sql, rls_enable_sql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_season_ranges",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("season_id", sa.Uuid(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "version_id", "season_id"],
            ["rate_seasons.tenant_id", "rate_seasons.version_id", "rate_seasons.id"],
            name=op.f("fk_rate_season_ranges_tenant_id_version_id_season_id_rate_seasons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_rate_season_ranges")),
    )
    with op.batch_alter_table("rate_season_ranges") as batch:
        batch.create_index(
            "ix_rate_season_ranges_lookup", ["tenant_id", "version_id", "starts_on"], unique=False
        )
        batch.create_index(
            "ix_rate_season_ranges_season", ["tenant_id", "season_id"], unique=False
        )
    # every season so far has one range: its own dates (a range's id: the season's, which is
    # unique and time-ordered already)
    op.execute(
        "INSERT INTO rate_season_ranges (tenant_id, id, version_id, season_id, starts_on, ends_on)"
        " SELECT tenant_id, id, version_id, id, starts_on, ends_on FROM rate_seasons"
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in rls_enable_sql("rate_season_ranges"):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in rls_disable_sql("rate_season_ranges"):
            op.execute(statement)
    with op.batch_alter_table("rate_season_ranges") as batch:
        batch.drop_index("ix_rate_season_ranges_season")
        batch.drop_index("ix_rate_season_ranges_lookup")
    op.drop_table("rate_season_ranges")
