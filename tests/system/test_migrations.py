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
