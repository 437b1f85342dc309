"""Service content: a description and highlights per supplier service, and its photos (the
large JPEG and the thumbnail, in order, one cover). Row-level security on PostgreSQL.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 21:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from travelcrm.core.tenancy import rls_disable_sql, rls_enable_sql

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TABLES = ("service_contents", "service_photos")


def upgrade() -> None:
    op.create_table(
        "service_contents",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("highlights", sa.JSON(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "service_id"],
            ["supplier_services.tenant_id", "supplier_services.id"],
            name=op.f("fk_service_contents_tenant_id_service_id_supplier_services"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_service_contents_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_service_contents")),
        sa.UniqueConstraint(
            "tenant_id", "service_id", name=op.f("uq_service_contents_tenant_id_service_id")
        ),
    )
    op.create_table(
        "service_photos",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_cover", sa.Boolean(), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=False),
        sa.Column("alt_text", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=30), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("thumb_width", sa.Integer(), nullable=False),
        sa.Column("thumb_height", sa.Integer(), nullable=False),
        sa.Column("thumb_sha256", sa.String(length=64), nullable=False),
        sa.Column("thumb", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "service_id"],
            ["supplier_services.tenant_id", "supplier_services.id"],
            name=op.f("fk_service_photos_tenant_id_service_id_supplier_services"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_service_photos_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_service_photos")),
    )
    with op.batch_alter_table("service_photos", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_photos_tenant_service",
            ["tenant_id", "service_id", "position"],
            unique=False,
        )
        batch_op.create_index(
            "uq_service_photos_one_cover",
            ["tenant_id", "service_id"],
            unique=True,
            postgresql_where=sa.text("is_cover"),
            sqlite_where=sa.text("is_cover"),
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
    with op.batch_alter_table("service_photos", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_service_photos_one_cover",
            postgresql_where=sa.text("is_cover"),
            sqlite_where=sa.text("is_cover"),
        )
        batch_op.drop_index("ix_service_photos_tenant_service")

    op.drop_table("service_photos")
    op.drop_table("service_contents")
