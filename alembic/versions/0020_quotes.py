"""Quotes: the versions of a quote made from a frozen itinerary (lines, taxes, totals and
schedule copied in), their events, and the agency's quote settings. Row-level security on
PostgreSQL.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 21:35:20.880683
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from travelcrm.core.sqltypes import Amount
from travelcrm.core.tenancy import rls_disable_sql, rls_enable_sql

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("quote_settings", "quotes", "quote_events")


def upgrade() -> None:
    op.create_table(
        "quote_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reference_prefix", sa.String(length=10), nullable=True),
        sa.Column("validity_days", sa.Integer(), nullable=False),
        sa.Column("grouping", sa.String(length=10), nullable=False),
        sa.Column("deposit_kind", sa.String(length=10), nullable=False),
        sa.Column("deposit_value", Amount(), nullable=False),
        sa.Column("balance_days_before", sa.Integer(), nullable=False),
        sa.Column("instalments", sa.Integer(), nullable=False),
        sa.Column("inclusions", sa.Text(), nullable=False),
        sa.Column("exclusions", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_quote_settings_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_quote_settings")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_quote_settings_tenant_id")),
    )
    op.create_table(
        "quotes",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("revised_from_id", sa.Uuid(), nullable=True),
        sa.Column("itinerary_id", sa.Uuid(), nullable=False),
        sa.Column("itinerary_version", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("query_id", sa.Uuid(), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("customer_name", sa.String(length=200), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("grouping", sa.String(length=10), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("paying_pax", sa.Integer(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("taxes", sa.JSON(), nullable=False),
        sa.Column("subtotal", Amount(), nullable=False),
        sa.Column("rounding", Amount(), nullable=False),
        sa.Column("tax_total", Amount(), nullable=False),
        sa.Column("total", Amount(), nullable=False),
        sa.Column("per_person", Amount(), nullable=False),
        sa.Column("deposit_kind", sa.String(length=10), nullable=False),
        sa.Column("deposit_value", Amount(), nullable=False),
        sa.Column("balance_days_before", sa.Integer(), nullable=False),
        sa.Column("instalments", sa.Integer(), nullable=False),
        sa.Column("schedule", sa.JSON(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("inclusions", sa.Text(), nullable=False),
        sa.Column("exclusions", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decline_reason", sa.String(length=500), nullable=True),
        sa.Column("expired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            name=op.f("fk_quotes_tenant_id_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "itinerary_id"],
            ["itineraries.tenant_id", "itineraries.id"],
            name=op.f("fk_quotes_tenant_id_itinerary_id_itineraries"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "query_id"],
            ["queries.tenant_id", "queries.id"],
            name=op.f("fk_quotes_tenant_id_query_id_queries"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_quotes_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_quotes")),
        sa.UniqueConstraint(
            "tenant_id", "reference", "version", name=op.f("uq_quotes_tenant_id_reference_version")
        ),
    )
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.create_index("ix_quotes_tenant_created", ["tenant_id", "created_at"], unique=False)
        batch_op.create_index("ix_quotes_tenant_query", ["tenant_id", "query_id"], unique=False)
        batch_op.create_index(
            "ix_quotes_tenant_state_valid", ["tenant_id", "state", "valid_until"], unique=False
        )

    op.create_table(
        "quote_events",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("quote_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("actor_user_id", sa.Uuid(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "quote_id"],
            ["quotes.tenant_id", "quotes.id"],
            name=op.f("fk_quote_events_tenant_id_quote_id_quotes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_quote_events_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_quote_events")),
    )
    with op.batch_alter_table("quote_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_quote_events_tenant_quote", ["tenant_id", "quote_id", "occurred_at"], unique=False
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
    with op.batch_alter_table("quote_events", schema=None) as batch_op:
        batch_op.drop_index("ix_quote_events_tenant_quote")

    op.drop_table("quote_events")
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.drop_index("ix_quotes_tenant_state_valid")
        batch_op.drop_index("ix_quotes_tenant_query")
        batch_op.drop_index("ix_quotes_tenant_created")

    op.drop_table("quotes")
    op.drop_table("quote_settings")
