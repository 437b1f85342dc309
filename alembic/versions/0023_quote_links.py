"""Proposal links: the customer's signed link to a quote version (only its hash kept), the
customer's answer on the proposal page with the document shown, and the reminder sent before
expiry (once per version). Row-level security on PostgreSQL.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 22:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from travelcrm.core.sqltypes import Amount
from travelcrm.core.tenancy import rls_disable_sql, rls_enable_sql

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TABLES = ("quote_links", "quote_acceptances", "quote_reminders")


def _keys(table: str) -> list[sa.Constraint]:
    return [
        sa.ForeignKeyConstraint(
            ["tenant_id", "quote_id"],
            ["quotes.tenant_id", "quotes.id"],
            name=op.f(f"fk_{table}_tenant_id_quote_id_quotes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f(f"fk_{table}_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "quote_links",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("quote_id", sa.Uuid(), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_keys("quote_links"),
    )
    with op.batch_alter_table("quote_links", schema=None) as batch_op:
        batch_op.create_index(
            "ix_quote_links_tenant_quote", ["tenant_id", "quote_id"], unique=False
        )
    op.create_table(
        "quote_acceptances",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("quote_id", sa.Uuid(), nullable=False),
        sa.Column("link_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=500), nullable=True),
        sa.Column("optional_items", sa.JSON(), nullable=False),
        sa.Column("total", Amount(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        *_keys("quote_acceptances"),
        sa.UniqueConstraint(
            "tenant_id", "quote_id", name=op.f("uq_quote_acceptances_tenant_id_quote_id")
        ),
    )
    op.create_table(
        "quote_reminders",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("quote_id", sa.Uuid(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        *_keys("quote_reminders"),
        sa.UniqueConstraint(
            "tenant_id", "quote_id", name=op.f("uq_quote_reminders_tenant_id_quote_id")
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            for statement in rls_enable_sql(table):
                op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            for statement in rls_disable_sql(table):
                op.execute(statement)
    op.drop_table("quote_reminders")
    op.drop_table("quote_acceptances")
    with op.batch_alter_table("quote_links", schema=None) as batch_op:
        batch_op.drop_index("ix_quote_links_tenant_quote")
    op.drop_table("quote_links")
