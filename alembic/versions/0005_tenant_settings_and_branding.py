"""tenant settings and branding (legal name, address, tax id, invoice prefix, colour)

Existing agencies get the defaults through a temporary server default, dropped afterwards so
the schema matches the models.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 10:56:03.481334
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('tax_id', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('invoice_prefix', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default='INV'))
        batch_op.add_column(sa.Column('primary_color', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False, server_default='#12A594'))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.alter_column('invoice_prefix', server_default=None)
        batch_op.alter_column('primary_color', server_default=None)



def downgrade() -> None:
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('primary_color')
        batch_op.drop_column('invoice_prefix')
        batch_op.drop_column('tax_id')
        batch_op.drop_column('address')
        batch_op.drop_column('legal_name')

