"""Customers and their travellers; queries (leads) with their timeline, the agency's lost
reasons, agents' assignment profiles and the query settings (assignment rule, business hours,
SLA targets). Row-level security on each on PostgreSQL.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 17:22:04.448964
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from travelcrm.core.sqltypes import Amount
from travelcrm.core.tenancy import rls_disable_sql, rls_enable_sql


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "customers",
    "travellers",
    "queries",
    "timeline_events",
    "lost_reasons",
    "agent_profiles",
    "query_settings",
)


def upgrade() -> None:
    op.create_table('agent_profiles',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('workload_cap', sa.Integer(), nullable=False),
    sa.Column('on_leave_until', sa.Date(), nullable=True),
    sa.Column('last_assigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_agent_profiles_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_agent_profiles')),
    sa.UniqueConstraint('tenant_id', 'user_id', name=op.f('uq_agent_profiles_tenant_id_user_id'))
    )
    op.create_table('customers',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('company', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('alt_phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('nationality', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('preferences', sa.JSON(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('merged_into_id', sa.Uuid(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'merged_into_id'], ['customers.tenant_id', 'customers.id'], name=op.f('fk_customers_tenant_id_merged_into_id_customers')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_customers_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_customers'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index('ix_customers_tenant_email', ['tenant_id', 'email'], unique=False)
        batch_op.create_index('ix_customers_tenant_name', ['tenant_id', 'name_key'], unique=False)
        batch_op.create_index('ix_customers_tenant_phone', ['tenant_id', 'phone'], unique=False)

    op.create_table('lost_reasons',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_lost_reasons_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_lost_reasons')),
    sa.UniqueConstraint('tenant_id', 'label', name=op.f('uq_lost_reasons_tenant_id_label'))
    )
    op.create_table('query_settings',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('assignment_rule', sqlmodel.sql.sqltypes.AutoString(length=15), nullable=False),
    sa.Column('agents_see_all', sa.Boolean(), nullable=False),
    sa.Column('working_days', sa.JSON(), nullable=False),
    sa.Column('opens', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('closes', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('holidays', sa.JSON(), nullable=False),
    sa.Column('first_response_hours', sa.JSON(), nullable=False),
    sa.Column('follow_up_hours', sa.JSON(), nullable=False),
    sa.Column('counter', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_query_settings_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_query_settings')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_query_settings_tenant_id'))
    )
    op.create_table('timeline_events',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('subject_type', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('subject_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('actor_user_id', sa.Uuid(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_timeline_events_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_timeline_events'))
    )
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.create_index('ix_timeline_subject', ['tenant_id', 'subject_type', 'subject_id', 'occurred_at'], unique=False)

    op.create_table('queries',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('external_ref', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('destinations', sa.JSON(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('travel_month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True),
    sa.Column('nights', sa.Integer(), nullable=True),
    sa.Column('adults', sa.Integer(), nullable=False),
    sa.Column('children', sa.Integer(), nullable=False),
    sa.Column('child_ages', sa.JSON(), nullable=False),
    sa.Column('budget', Amount(), nullable=True),
    sa.Column('budget_currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('hotel_category', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('interests', sa.JSON(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=35), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('assigned_to', sa.Uuid(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lost_reason', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('on_hold_from', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
    sa.Column('response_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_response_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('breached_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'customer_id'], ['customers.tenant_id', 'customers.id'], name=op.f('fk_queries_tenant_id_customer_id_customers')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_queries_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_queries')),
    sa.UniqueConstraint('tenant_id', 'number', name=op.f('uq_queries_tenant_id_number')),
    sa.UniqueConstraint('tenant_id', 'source', 'external_ref', name=op.f('uq_queries_tenant_id_source_external_ref'))
    )
    with op.batch_alter_table('queries', schema=None) as batch_op:
        batch_op.create_index('ix_queries_tenant_assignee_status', ['tenant_id', 'assigned_to', 'status'], unique=False)
        batch_op.create_index('ix_queries_tenant_created', ['tenant_id', 'created_at'], unique=False)
        batch_op.create_index('ix_queries_tenant_escalation', ['tenant_id', 'breached_at'], unique=False, postgresql_where=sa.text('escalation_level = 1'), sqlite_where=sa.text('escalation_level = 1'))
        batch_op.create_index('ix_queries_tenant_due', ['tenant_id', 'response_due_at'], unique=False, postgresql_where=sa.text('breached_at IS NULL'), sqlite_where=sa.text('breached_at IS NULL'))
        batch_op.create_index('ix_queries_tenant_status_created', ['tenant_id', 'status', 'created_at'], unique=False)

    op.create_table('travellers',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('relation', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('nationality', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'customer_id'], ['customers.tenant_id', 'customers.id'], name=op.f('fk_travellers_tenant_id_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_travellers_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_travellers'))
    )
    with op.batch_alter_table('travellers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_travellers_customer_id'), ['customer_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            for statement in rls_enable_sql(table):
                op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            for statement in rls_disable_sql(table):
                op.execute(statement)
    with op.batch_alter_table('travellers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_travellers_customer_id'))

    op.drop_table('travellers')
    with op.batch_alter_table('queries', schema=None) as batch_op:
        batch_op.drop_index('ix_queries_tenant_status_created')
        batch_op.drop_index('ix_queries_tenant_due')
        batch_op.drop_index('ix_queries_tenant_escalation')
        batch_op.drop_index('ix_queries_tenant_created')
        batch_op.drop_index('ix_queries_tenant_assignee_status')

    op.drop_table('queries')
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.drop_index('ix_timeline_subject')

    op.drop_table('timeline_events')
    op.drop_table('query_settings')
    op.drop_table('lost_reasons')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index('ix_customers_tenant_phone')
        batch_op.drop_index('ix_customers_tenant_name')
        batch_op.drop_index('ix_customers_tenant_email')

    op.drop_table('customers')
    op.drop_table('agent_profiles')
