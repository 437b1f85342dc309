"""audit log; tenant isolation on PostgreSQL (non-owner app role, row-level security)

The app connects as its login user and switches to the `travelcrm_app` role (no BYPASSRLS,
not the tables' owner), so every tenant table's FORCEd policy applies to it. The role is
cluster-wide and is left in place on downgrade (other databases of the cluster may use it).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 10:10:13.686014
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from travelcrm.core.tenancy import rls_disable_sql, rls_enable_sql
from travelcrm.db import APP_DB_ROLE

TENANT_TABLES = ("audit_events",)


def _is_pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('actor_user_id', sa.Uuid(), nullable=True),
    sa.Column('target_type', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('target_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=True),
    sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('before_json', sa.Text(), nullable=True),
    sa.Column('after_json', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_audit_events_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_tenant_id_action', ['tenant_id', 'action'], unique=False)
        batch_op.create_index('ix_audit_events_tenant_id_occurred_at', ['tenant_id', 'occurred_at'], unique=False)

    if not _is_pg():
        return
    # Roles are cluster-wide: databases migrated at the same moment (parallel test workers, a
    # fresh cluster) race to create it, and the loser of that race must not fail.
    op.execute(
        f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_DB_ROLE}') THEN
                CREATE ROLE {APP_DB_ROLE} NOLOGIN NOBYPASSRLS;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created by a concurrent migration of another database
        END $$
        """
    )
    op.execute(
        f"""
        DO $$ BEGIN
            GRANT {APP_DB_ROLE} TO CURRENT_USER;
        EXCEPTION WHEN unique_violation THEN
            NULL;  -- granted by a concurrent migration of another database
        END $$
        """
    )
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_DB_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_DB_ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_DB_ROLE}")
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_DB_ROLE}"
    )
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {APP_DB_ROLE}"
    )
    for table in TENANT_TABLES:
        for statement in rls_enable_sql(table):
            op.execute(statement)



def downgrade() -> None:
    if _is_pg():
        for table in TENANT_TABLES:
            for statement in rls_disable_sql(table):
                op.execute(statement)
        op.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            f"REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {APP_DB_ROLE}"
        )
        op.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM {APP_DB_ROLE}"
        )
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_DB_ROLE}")
        op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {APP_DB_ROLE}")
        op.execute(f"REVOKE USAGE ON SCHEMA public FROM {APP_DB_ROLE}")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_tenant_id_occurred_at')
        batch_op.drop_index('ix_audit_events_tenant_id_action')

    op.drop_table('audit_events')
