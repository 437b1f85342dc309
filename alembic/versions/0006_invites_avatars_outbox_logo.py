"""accounts: invitations, avatars, the mail outbox, agency status and logo

Existing memberships count as accepted (accepted_at = created_at); existing agencies are active
(a temporary server default, dropped afterwards so the schema matches the models). The agency
logo table is tenant-owned, so it gets row-level security on PostgreSQL.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 11:55:57.953574
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from travelcrm.core.tenancy import rls_disable_sql, rls_enable_sql


revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "brand_assets",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_brand_assets_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_brand_assets")),
        sa.UniqueConstraint("tenant_id", "kind", name=op.f("uq_brand_assets_tenant_id_kind")),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=True),
        sa.Column("to_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("to_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["tenants.id"], name=op.f("fk_mail_outbox_agency_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_outbox_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_outbox_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_mail_outbox_to_email"), ["to_email"], unique=False)

    op.create_table(
        "user_avatars",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_avatars_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_avatars")),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("invited_by", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_memberships_invited_by_users"),
            "users",
            ["invited_by"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                sqlmodel.sql.sqltypes.AutoString(length=10),
                nullable=False,
                server_default="active",
            )
        )
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.alter_column("status", server_default=None)
    op.execute("UPDATE memberships SET accepted_at = created_at WHERE accepted_at IS NULL")
    if op.get_bind().dialect.name == "postgresql":
        for statement in rls_enable_sql("brand_assets"):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in rls_disable_sql("brand_assets"):
            op.execute(statement)
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("status")

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_memberships_invited_by_users"), type_="foreignkey")
        batch_op.drop_column("invited_by")
        batch_op.drop_column("accepted_at")

    op.drop_table("user_avatars")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_outbox_to_email"))
        batch_op.drop_index(batch_op.f("ix_mail_outbox_status"))
        batch_op.drop_index(batch_op.f("ix_mail_outbox_agency_id"))

    op.drop_table("mail_outbox")
    op.drop_table("brand_assets")
