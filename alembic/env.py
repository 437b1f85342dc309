"""Alembic environment: runs against the app's engine (or one passed in by tests).

SQLite uses batch mode (render_as_batch) so ALTERs work; types are compared; on PostgreSQL an
advisory lock keeps two starting processes from migrating at once.

Every run is one transaction on both databases: a migration that fails leaves the database as
it was before the run (PostgreSQL's DDL is transactional; on SQLite the driver would commit
each CREATE/ALTER on its own, so it is told to leave transactions to us and we BEGIN).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from alembic import context
from travelcrm.db import get_engine, import_models

MIGRATION_LOCK_ID = 724_311_905  # arbitrary, constant: pg_advisory_lock key for migrations

target_metadata = import_models()
config = context.config


def _in_transaction(connection: Connection) -> bool:
    return bool(connection.connection.driver_connection.in_transaction)  # type: ignore[union-attr]


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or get_engine()
    with engine.connect() as connection:
        is_pg = connection.dialect.name == "postgresql"
        if is_pg:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_ID})
            connection.commit()
        else:
            # SQLite batch migrations rebuild tables (copy, drop, rename): with foreign keys on,
            # dropping a referenced table fails. Off for the migration (outside a transaction,
            # where the pragma works), checked afterwards.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
            # the sqlite3 driver commits before DDL unless it leaves transactions to us
            connection.connection.driver_connection.isolation_level = None  # type: ignore[union-attr]
            connection.exec_driver_sql("BEGIN")
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=not is_pg,
                compare_type=True,
                compare_server_default=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                if not is_pg:  # before the commit: broken keys roll the whole run back
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
            connection.commit()
        except BaseException:
            connection.rollback()
            if not is_pg and _in_transaction(connection):
                connection.exec_driver_sql("ROLLBACK")
            raise
        finally:
            if not is_pg:
                connection.connection.driver_connection.isolation_level = ""  # type: ignore[union-attr]
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            if is_pg:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_ID})
                connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run them online.")
run_migrations_online()
