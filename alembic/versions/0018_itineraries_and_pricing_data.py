"""Itineraries: trips day by day (days, items) priced from published rates, the snapshots
frozen for quotes, and the agency's pricing data (markup rules, the dated tax table, dated
exchange rates, pricing settings). Row-level security on PostgreSQL.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 18:48:23.825640
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from travelcrm.core.sqltypes import Amount, ExactRate
from travelcrm.core.tenancy import rls_disable_sql, rls_enable_sql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TABLES = (
    "fx_rates",
    "markup_rules",
    "pricing_settings",
    "tax_rules",
    "itineraries",
    "itinerary_days",
    "itinerary_snapshots",
    "itinerary_items",
)


def upgrade() -> None:
    op.create_table(
        "fx_rates",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("base", sa.String(length=3), nullable=False),
        sa.Column("quote", sa.String(length=3), nullable=False),
        sa.Column("valid_on", sa.Date(), nullable=False),
        sa.Column("rate", ExactRate(), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_fx_rates_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_fx_rates")),
        sa.UniqueConstraint(
            "tenant_id",
            "base",
            "quote",
            "valid_on",
            name=op.f("uq_fx_rates_tenant_id_base_quote_valid_on"),
        ),
    )
    op.create_table(
        "markup_rules",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", Amount(), nullable=False),
        sa.Column("market", sa.String(length=20), nullable=True),
        sa.Column("destination", sa.String(length=120), nullable=True),
        sa.Column("supplier_type", sa.String(length=20), nullable=True),
        sa.Column("service_type", sa.String(length=20), nullable=True),
        sa.Column("travel_from", sa.Date(), nullable=True),
        sa.Column("travel_to", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_markup_rules_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_markup_rules")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_markup_rules_tenant_id_name")),
    )
    op.create_table(
        "pricing_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("markup_policy", sa.String(length=15), nullable=False),
        sa.Column("rounding_step", Amount(), nullable=False),
        sa.Column("rounding_level", sa.String(length=10), nullable=False),
        sa.Column("rounding_direction", sa.String(length=10), nullable=False),
        sa.Column("fx_buffer_pct", Amount(), nullable=False),
        sa.Column("commission_pct", Amount(), nullable=False),
        sa.Column("commission_mode", sa.String(length=10), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_pricing_settings_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_pricing_settings")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_pricing_settings_tenant_id")),
    )
    op.create_table(
        "tax_rules",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("rate_pct", Amount(), nullable=False),
        sa.Column("base", sa.String(length=10), nullable=False),
        sa.Column("slabs", sa.JSON(), nullable=False),
        sa.Column("split_in_state", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_tax_rules_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_tax_rules")),
        sa.UniqueConstraint(
            "tenant_id",
            "kind",
            "name",
            "valid_from",
            name=op.f("uq_tax_rules_tenant_id_kind_name_valid_from"),
        ),
    )
    op.create_table(
        "itineraries",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("query_id", sa.Uuid(), nullable=True),
        sa.Column("customer_id", sa.Uuid(), nullable=True),
        sa.Column("copied_from_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("child_ages", sa.JSON(), nullable=False),
        sa.Column("children_with_bed", sa.Integer(), nullable=False),
        sa.Column("free_place_every", sa.Integer(), nullable=True),
        sa.Column("market", sa.String(length=20), nullable=False),
        sa.Column("destination", sa.String(length=120), nullable=True),
        sa.Column("sell_currency", sa.String(length=3), nullable=False),
        sa.Column("fx_buffer_pct", Amount(), nullable=False),
        sa.Column("commission_pct", Amount(), nullable=False),
        sa.Column("commission_mode", sa.String(length=10), nullable=False),
        sa.Column("gst_scheme", sa.String(length=12), nullable=False),
        sa.Column("customer_in_state", sa.Boolean(), nullable=False),
        sa.Column("overseas", sa.Boolean(), nullable=False),
        sa.Column("budget", Amount(), nullable=True),
        sa.Column("budget_currency", sa.String(length=3), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("frozen_by", sa.Uuid(), nullable=True),
        sa.Column("checksum", sa.String(length=64), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            name=op.f("fk_itineraries_tenant_id_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "query_id"],
            ["queries.tenant_id", "queries.id"],
            name=op.f("fk_itineraries_tenant_id_query_id_queries"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_itineraries_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_itineraries")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_itineraries_tenant_id_number")),
    )
    with op.batch_alter_table("itineraries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_itineraries_tenant_created", ["tenant_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_itineraries_tenant_query", ["tenant_id", "query_id"], unique=False
        )
        batch_op.create_index(
            "uq_itineraries_tenant_query_primary",
            ["tenant_id", "query_id"],
            unique=True,
            postgresql_where=sa.text("is_primary"),
            sqlite_where=sa.text("is_primary"),
        )

    op.create_table(
        "itinerary_days",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("itinerary_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("overnight", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "itinerary_id"],
            ["itineraries.tenant_id", "itineraries.id"],
            name=op.f("fk_itinerary_days_tenant_id_itinerary_id_itineraries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_itinerary_days_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_itinerary_days")),
    )
    with op.batch_alter_table("itinerary_days", schema=None) as batch_op:
        batch_op.create_index(
            "ix_itinerary_days_tenant_itinerary",
            ["tenant_id", "itinerary_id", "position"],
            unique=False,
        )

    op.create_table(
        "itinerary_snapshots",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("itinerary_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("frozen_by", sa.Uuid(), nullable=True),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "itinerary_id"],
            ["itineraries.tenant_id", "itineraries.id"],
            name=op.f("fk_itinerary_snapshots_tenant_id_itinerary_id_itineraries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_itinerary_snapshots_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_itinerary_snapshots")),
        sa.UniqueConstraint(
            "tenant_id",
            "itinerary_id",
            "version",
            name=op.f("uq_itinerary_snapshots_tenant_id_itinerary_id_version"),
        ),
    )
    op.create_table(
        "itinerary_items",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("itinerary_id", sa.Uuid(), nullable=False),
        sa.Column("day_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("nights", sa.Integer(), nullable=False),
        sa.Column("rooms", sa.JSON(), nullable=False),
        sa.Column("children_with_bed", sa.Integer(), nullable=False),
        sa.Column("pax", sa.Integer(), nullable=True),
        sa.Column("basis", sa.String(length=20), nullable=True),
        sa.Column("km", sa.Integer(), nullable=True),
        sa.Column("hours", Amount(), nullable=True),
        sa.Column("transfers", sa.Integer(), nullable=False),
        sa.Column("supplements", sa.JSON(), nullable=False),
        sa.Column("manual_net", Amount(), nullable=True),
        sa.Column("manual_currency", sa.String(length=3), nullable=True),
        sa.Column("estimate", sa.Boolean(), nullable=False),
        sa.Column("sell_override", Amount(), nullable=True),
        sa.Column("margin_override_pct", Amount(), nullable=True),
        sa.Column("optional", sa.Boolean(), nullable=False),
        sa.Column("alternative_group", sa.String(length=40), nullable=True),
        sa.Column("price", sa.JSON(), nullable=True),
        sa.Column("problem", sa.JSON(), nullable=True),
        sa.Column("priced_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "day_id"],
            ["itinerary_days.tenant_id", "itinerary_days.id"],
            name=op.f("fk_itinerary_items_tenant_id_day_id_itinerary_days"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "itinerary_id"],
            ["itineraries.tenant_id", "itineraries.id"],
            name=op.f("fk_itinerary_items_tenant_id_itinerary_id_itineraries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "service_id"],
            ["supplier_services.tenant_id", "supplier_services.id"],
            name=op.f("fk_itinerary_items_tenant_id_service_id_supplier_services"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_itinerary_items_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_itinerary_items")),
    )
    with op.batch_alter_table("itinerary_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_itinerary_items_tenant_itinerary", ["tenant_id", "itinerary_id"], unique=False
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
    with op.batch_alter_table("itinerary_items", schema=None) as batch_op:
        batch_op.drop_index("ix_itinerary_items_tenant_itinerary")

    op.drop_table("itinerary_items")
    op.drop_table("itinerary_snapshots")
    with op.batch_alter_table("itinerary_days", schema=None) as batch_op:
        batch_op.drop_index("ix_itinerary_days_tenant_itinerary")

    op.drop_table("itinerary_days")
    with op.batch_alter_table("itineraries", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_itineraries_tenant_query_primary",
            postgresql_where=sa.text("is_primary"),
            sqlite_where=sa.text("is_primary"),
        )
        batch_op.drop_index("ix_itineraries_tenant_query")
        batch_op.drop_index("ix_itineraries_tenant_created")

    op.drop_table("itineraries")
    op.drop_table("tax_rules")
    op.drop_table("pricing_settings")
    op.drop_table("markup_rules")
    op.drop_table("fx_rates")
