"""Rate lines: the agency is proven by their composite keys to the version, season and
service (each tenant-owned); the direct key to `tenants` is dropped (one check less per line
on bulk imports).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 17:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rate_lines") as batch:
        batch.drop_constraint("fk_rate_lines_tenant_id_tenants", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("rate_lines") as batch:
        batch.create_foreign_key(
            "fk_rate_lines_tenant_id_tenants",
            "tenants",
            ["tenant_id"],
            ["id"],
            ondelete="RESTRICT",
        )
