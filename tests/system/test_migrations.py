"""Migrations on the run's database kind: upgrade to head, nothing left to autogenerate,
and back down to base."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from travelcrm.db import (
    NAMING_CONVENTION,
    current_revision,
    downgrade_to_base,
    head_revision,
    import_models,
    upgrade_to_head,
)
from travelcrm.settings import load_settings


def _engine(url: str):
    from travelcrm.db import make_engine

    return make_engine(load_settings(database_url=url), app_role=False)


def test_upgrade_head_leaves_nothing_to_autogenerate_and_downgrade_base_works(
    fresh_database: str,
) -> None:
    engine = _engine(fresh_database)
    try:
        assert current_revision(engine) is None
        upgrade_to_head(engine)
        assert current_revision(engine) == head_revision()
        metadata = import_models()
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            diff = compare_metadata(context, metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        tables = set(inspect(engine).get_table_names())
        assert {"tenants", "worker_heartbeats", "dead_letters", "idempotency_records"} <= tables

        downgrade_to_base(engine)
        assert current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

        upgrade_to_head(engine)  # and up again from base
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_sqlite_pragmas_are_set(fresh_database: str) -> None:
    engine = _engine(fresh_database)
    try:
        if engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_naming_convention_is_applied() -> None:
    metadata = import_models()
    assert metadata.naming_convention == NAMING_CONVENTION


def test_upgrade_keeps_existing_agencies_and_their_rows(fresh_database: str) -> None:
    """`make run` after `git pull`: migrations apply to a database that already has data."""
    import uuid

    from sqlalchemy import Uuid, bindparam, text

    from alembic import command
    from travelcrm.db import alembic_config

    engine = _engine(fresh_database)
    try:
        command.upgrade(alembic_config(engine), "0004")
        tenant, user = uuid.uuid4(), uuid.uuid4()
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO tenants (id, slug, name, country, default_currency, timezone, "
                    "locale, created_at) VALUES (:id, 'old-agency', 'Old Agency', 'IN', 'INR', "
                    "'Asia/Kolkata', 'en-IN', CURRENT_TIMESTAMP)"
                ).bindparams(bindparam("id", type_=Uuid())),
                {"id": tenant},
            )
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, is_active, created_at) "
                    "VALUES (:id, 'old@example.com', 'Old', true, CURRENT_TIMESTAMP)"
                ).bindparams(bindparam("id", type_=Uuid())),
                {"id": user},
            )
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant)}
                )
            connection.execute(
                text(
                    "INSERT INTO memberships (tenant_id, id, user_id, role, is_active, created_at) "
                    "VALUES (:t, :id, :u, 'owner', true, CURRENT_TIMESTAMP)"
                ).bindparams(*(bindparam(name, type_=Uuid()) for name in ("t", "id", "u"))),
                {"t": tenant, "id": uuid.uuid4(), "u": user},
            )
        upgrade_to_head(engine)
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT invoice_prefix, primary_color FROM tenants WHERE slug = 'old-agency'")
            ).one()
            assert tuple(row) == ("INV", "#12A594")
            if connection.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_numbers_continue_after_the_move_to_sequence_counters(fresh_database: str) -> None:
    """0015 moves each agency's query counter into `sequence_counters` (and back on the way
    down): the next query number follows the last one given before the upgrade."""
    import uuid

    from sqlalchemy import Uuid, bindparam, text

    from alembic import command
    from travelcrm.db import alembic_config

    engine = _engine(fresh_database)
    uuids = (bindparam("t", type_=Uuid()), bindparam("id", type_=Uuid()))
    try:
        command.upgrade(alembic_config(engine), "0004")  # an agency made long ago
        tenant = uuid.uuid4()
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO tenants (id, slug, name, country, default_currency, timezone, "
                    "locale, created_at) VALUES (:t, 'counted', 'Counted', 'IN', 'INR', "
                    "'Asia/Kolkata', 'en-IN', CURRENT_TIMESTAMP)"
                ).bindparams(uuids[0]),
                {"t": tenant},
            )
        command.upgrade(alembic_config(engine), "0014")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO query_settings (tenant_id, id, assignment_rule, agents_see_all, "
                    "working_days, opens, closes, holidays, first_response_hours, "
                    "follow_up_hours, counter) VALUES (:t, :id, 'round_robin', false, '[0]', "
                    "'09:00', '18:00', '[]', '{}', '{}', 41)"
                ).bindparams(*uuids),
                {"t": tenant, "id": uuid.uuid4()},
            )
        upgrade_to_head(engine)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT series, value FROM sequence_counters WHERE tenant_id = :t").bindparams(
                    uuids[0]
                ),
                {"t": tenant},
            ).all()
            assert [tuple(r) for r in rows] == [("query", 41)]
            columns = {c["name"] for c in inspect(connection).get_columns("query_settings")}
            assert "counter" not in columns
        with engine.begin() as connection:  # a number taken since: 42
            connection.execute(text("UPDATE sequence_counters SET value = value + 1"))
        command.downgrade(alembic_config(engine), "0014")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT counter FROM query_settings")).scalar() == 42
    finally:
        engine.dispose()


def test_a_failing_migration_leaves_the_database_as_it_was(fresh_database: str, tmp_path) -> None:
    """One run, one transaction: a run from 0015 whose last step fails keeps nothing of the
    steps before it (0016's column, 0017's rename) nor of the failing one (its table)."""
    import shutil

    from alembic import command
    from travelcrm.db import ALEMBIC_DIR, alembic_config

    scripts = tmp_path / "alembic"
    shutil.copytree(ALEMBIC_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = head_revision()
    (scripts / "versions" / "9999_fails.py").write_text(
        f'''"""A step that fails half-way."""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("probe", sa.Column("id", sa.Integer(), primary_key=True))
    raise RuntimeError("this step fails")


def downgrade() -> None:
    pass
'''
    )
    engine = _engine(fresh_database)
    try:
        config = alembic_config(engine)
        config.set_main_option("script_location", str(scripts))
        command.upgrade(config, "0015")
        with pytest.raises(RuntimeError, match="this step fails"):
            command.upgrade(config, "heads")
        assert current_revision(engine) == "0015"
        tables = set(inspect(engine).get_table_names())
        assert "probe" not in tables and "rate_list_versions" in tables
        users = {c["name"] for c in inspect(engine).get_columns("users")}
        assert "credentials_version" not in users  # 0016 rolled back with the rest
        versions = {c["name"] for c in inspect(engine).get_columns("rate_list_versions")}
        assert "lock_version" in versions and "row_version" not in versions  # 0017 too
        command.upgrade(config, head or "head")  # and the real migrations still apply
        assert current_revision(engine) == head
    finally:
        engine.dispose()
