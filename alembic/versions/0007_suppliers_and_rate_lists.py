"""suppliers and rate lists: suppliers, contacts, services; rate lists with versions, seasons,
age bands and rate lines; blackouts, stop-sales and allotments

Every table is tenant-owned: composite keys and foreign keys with tenant_id, and row-level
security on PostgreSQL. Amounts are exact (NUMERIC(18,4); scaled integers on SQLite).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 12:30:07.201820
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from travelcrm.core.sqltypes import Amount
from travelcrm.core.tenancy import rls_disable_sql, rls_enable_sql

TABLES = (
    'suppliers',
    'supplier_contacts',
    'supplier_services',
    'rate_lists',
    'rate_list_versions',
    'rate_seasons',
    'rate_age_bands',
    'rate_lines',
    'supplier_restrictions',
    'allotments',
)


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('suppliers',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('legal_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('gstin', sqlmodel.sql.sqltypes.AutoString(length=15), nullable=True),
    sa.Column('pan', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('tax_id', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('website', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('default_currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('payment_terms', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('payment_due_days', sa.Integer(), nullable=True),
    sa.Column('default_commission_pct', Amount(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('bank_details_encrypted', sa.Text(), nullable=True),
    sa.Column('bank_hint', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_suppliers_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_suppliers'))
    )
    with op.batch_alter_table('suppliers', schema=None) as batch_op:
        batch_op.create_index('ix_suppliers_tenant_destination', ['tenant_id', 'country', 'city'], unique=False)
        batch_op.create_index('ix_suppliers_tenant_name', ['tenant_id', 'name'], unique=False)

    op.create_table('rate_lists',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('supplier_id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('market', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('agent_group', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('is_archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'supplier_id'], ['suppliers.tenant_id', 'suppliers.id'], name=op.f('fk_rate_lists_tenant_id_supplier_id_suppliers')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_rate_lists_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rate_lists'))
    )
    with op.batch_alter_table('rate_lists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_lists_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('supplier_contacts',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('supplier_id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'supplier_id'], ['suppliers.tenant_id', 'suppliers.id'], name=op.f('fk_supplier_contacts_tenant_id_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_supplier_contacts_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_supplier_contacts'))
    )
    with op.batch_alter_table('supplier_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_contacts_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('supplier_services',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('supplier_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('meal_plan', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('max_occupancy', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'supplier_id'], ['suppliers.tenant_id', 'suppliers.id'], name=op.f('fk_supplier_services_tenant_id_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_supplier_services_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_supplier_services')),
    sa.UniqueConstraint('tenant_id', 'supplier_id', 'name', 'meal_plan', name=op.f('uq_supplier_services_tenant_id_supplier_id_name_meal_plan'))
    )
    with op.batch_alter_table('supplier_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_services_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('allotments',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('service_id', sa.Uuid(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.Column('release_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'service_id'], ['supplier_services.tenant_id', 'supplier_services.id'], name=op.f('fk_allotments_tenant_id_service_id_supplier_services'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_allotments_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_allotments')),
    sa.UniqueConstraint('tenant_id', 'service_id', 'on_date', name=op.f('uq_allotments_tenant_id_service_id_on_date'))
    )
    op.create_table('rate_list_versions',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('rate_list_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('cancellation_tiers', sa.JSON(), nullable=False),
    sa.Column('no_show_charge_pct', Amount(), nullable=True),
    sa.Column('supplier_id', sa.Uuid(), nullable=False),
    sa.Column('destination_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('destination_city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'rate_list_id'], ['rate_lists.tenant_id', 'rate_lists.id'], name=op.f('fk_rate_list_versions_tenant_id_rate_list_id_rate_lists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_rate_list_versions_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rate_list_versions')),
    sa.UniqueConstraint('tenant_id', 'rate_list_id', 'number', name=op.f('uq_rate_list_versions_tenant_id_rate_list_id_number'))
    )
    with op.batch_alter_table('rate_list_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_list_versions_rate_list_id'), ['rate_list_id'], unique=False)
        batch_op.create_index('ix_rate_versions_lookup', ['tenant_id', 'destination_country', 'destination_city', 'valid_from', 'valid_to'], unique=False)
        batch_op.create_index('ix_rate_versions_supplier', ['tenant_id', 'supplier_id', 'valid_from', 'valid_to'], unique=False)

    op.create_table('supplier_restrictions',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('supplier_id', sa.Uuid(), nullable=False),
    sa.Column('service_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'service_id'], ['supplier_services.tenant_id', 'supplier_services.id'], name=op.f('fk_supplier_restrictions_tenant_id_service_id_supplier_services'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'supplier_id'], ['suppliers.tenant_id', 'suppliers.id'], name=op.f('fk_supplier_restrictions_tenant_id_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_supplier_restrictions_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_supplier_restrictions'))
    )
    with op.batch_alter_table('supplier_restrictions', schema=None) as batch_op:
        batch_op.create_index('ix_restrictions_lookup', ['tenant_id', 'supplier_id', 'starts_on', 'ends_on'], unique=False)

    op.create_table('rate_age_bands',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('age_min', sa.Integer(), nullable=False),
    sa.Column('age_max', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'version_id'], ['rate_list_versions.tenant_id', 'rate_list_versions.id'], name=op.f('fk_rate_age_bands_tenant_id_version_id_rate_list_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_rate_age_bands_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rate_age_bands')),
    sa.UniqueConstraint('tenant_id', 'version_id', 'kind', name=op.f('uq_rate_age_bands_tenant_id_version_id_kind'))
    )
    with op.batch_alter_table('rate_age_bands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_age_bands_version_id'), ['version_id'], unique=False)

    op.create_table('rate_seasons',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version_id', sa.Uuid(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'version_id'], ['rate_list_versions.tenant_id', 'rate_list_versions.id'], name=op.f('fk_rate_seasons_tenant_id_version_id_rate_list_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_rate_seasons_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rate_seasons'))
    )
    with op.batch_alter_table('rate_seasons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_seasons_version_id'), ['version_id'], unique=False)

    op.create_table('rate_lines',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version_id', sa.Uuid(), nullable=False),
    sa.Column('service_id', sa.Uuid(), nullable=False),
    sa.Column('season_id', sa.Uuid(), nullable=False),
    sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('occupancy', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('age_band', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('pax_min', sa.Integer(), nullable=False),
    sa.Column('pax_max', sa.Integer(), nullable=False),
    sa.Column('net', Amount(), nullable=False),
    sa.Column('sell', Amount(), nullable=True),
    sa.Column('markup_pct', Amount(), nullable=True),
    sa.Column('weekdays', sa.Integer(), nullable=False),
    sa.Column('min_nights', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'season_id'], ['rate_seasons.tenant_id', 'rate_seasons.id'], name=op.f('fk_rate_lines_tenant_id_season_id_rate_seasons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'service_id'], ['supplier_services.tenant_id', 'supplier_services.id'], name=op.f('fk_rate_lines_tenant_id_service_id_supplier_services')),
    sa.ForeignKeyConstraint(['tenant_id', 'version_id'], ['rate_list_versions.tenant_id', 'rate_list_versions.id'], name=op.f('fk_rate_lines_tenant_id_version_id_rate_list_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_rate_lines_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rate_lines'))
    )
    with op.batch_alter_table('rate_lines', schema=None) as batch_op:
        batch_op.create_index('ix_rate_lines_lookup', ['tenant_id', 'version_id', 'service_id', 'season_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            for statement in rls_enable_sql(table):
                op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            for statement in rls_disable_sql(table):
                op.execute(statement)
    with op.batch_alter_table('rate_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_rate_lines_lookup')

    op.drop_table('rate_lines')
    with op.batch_alter_table('rate_seasons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_seasons_version_id'))

    op.drop_table('rate_seasons')
    with op.batch_alter_table('rate_age_bands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_age_bands_version_id'))

    op.drop_table('rate_age_bands')
    with op.batch_alter_table('supplier_restrictions', schema=None) as batch_op:
        batch_op.drop_index('ix_restrictions_lookup')

    op.drop_table('supplier_restrictions')
    with op.batch_alter_table('rate_list_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_rate_versions_supplier')
        batch_op.drop_index('ix_rate_versions_lookup')
        batch_op.drop_index(batch_op.f('ix_rate_list_versions_rate_list_id'))

    op.drop_table('rate_list_versions')
    op.drop_table('allotments')
    with op.batch_alter_table('supplier_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_services_supplier_id'))

    op.drop_table('supplier_services')
    with op.batch_alter_table('supplier_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_contacts_supplier_id'))

    op.drop_table('supplier_contacts')
    with op.batch_alter_table('rate_lists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_lists_supplier_id'))

    op.drop_table('rate_lists')
    with op.batch_alter_table('suppliers', schema=None) as batch_op:
        batch_op.drop_index('ix_suppliers_tenant_name')
        batch_op.drop_index('ix_suppliers_tenant_destination')

    op.drop_table('suppliers')
