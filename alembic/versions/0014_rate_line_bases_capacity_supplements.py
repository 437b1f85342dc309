"""Rate lines price by more bases (per km, per hour, per transfer one way or return): `basis`
is widened to 20 characters; a line gets the seats of its vehicle (`capacity`, NULL: the
service's) and may be a supplement on top of the base price (`supplement` names it, `optional`
ones only when asked). Existing lines keep their meaning: base prices, no capacity of their own.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rate_lines") as batch:
        batch.alter_column(
            "basis",
            existing_type=sa.String(length=12),
            type_=sa.String(length=20),
            existing_nullable=False,
        )
        batch.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("supplement", sa.String(length=60), nullable=True))
        batch.add_column(
            sa.Column("optional", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    # the new bases and supplements have no meaning before this revision: their lines go
    op.execute(
        "DELETE FROM rate_lines WHERE supplement IS NOT NULL OR basis NOT IN "
        "('per_person', 'per_room', 'per_vehicle', 'per_group')"
    )
    with op.batch_alter_table("rate_lines") as batch:
        batch.drop_column("optional")
        batch.drop_column("supplement")
        batch.drop_column("capacity")
        batch.alter_column(
            "basis",
            existing_type=sa.String(length=20),
            type_=sa.String(length=12),
            existing_nullable=False,
        )
