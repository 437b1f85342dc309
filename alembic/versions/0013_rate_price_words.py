"""The words an agency's suppliers write in price cells (0, or no price), one row per agency.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 07:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from travelcrm.core.tenancy import rls_disable_sql, rls_enable_sql


revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "rate_price_words"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("zero_words", sa.JSON(), nullable=False),
        sa.Column("no_price_words", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_rate_price_words_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_rate_price_words")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_rate_price_words_tenant_id")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in rls_enable_sql(TABLE):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in rls_disable_sql(TABLE):
            op.execute(statement)
    op.drop_table(TABLE)
