"""One conflict convention: a rate list version's edit counter is `row_version`, like every
other versioned row's (it was `lock_version`).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 13:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rate_list_versions") as batch:
        batch.alter_column("lock_version", new_column_name="row_version")


def downgrade() -> None:
    with op.batch_alter_table("rate_list_versions") as batch:
        batch.alter_column("row_version", new_column_name="lock_version")
