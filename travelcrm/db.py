"""Database access: the engine, sessions, model registry and migrations.

SQLite (the embedded default) runs in WAL mode with foreign keys on and an absolute path;
PostgreSQL uses a connection pool. `DATABASE_URL` picks.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session, SQLModel

from alembic import command
from travelcrm.settings import PROJECT_ROOT, Settings, get_settings

logger = logging.getLogger("travelcrm.db")
ALEMBIC_DIR = PROJECT_ROOT / "alembic"

# Stable constraint names, so autogenerate and SQLite batch migrations agree on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

# Every domain that owns tables is listed here once; Alembic and tests import them all.
MODEL_MODULES = ("travelcrm.tenants.models", "travelcrm.system.models", "travelcrm.api.models")

_engine: Engine | None = None
_engine_lock = threading.Lock()


def import_models() -> MetaData:
    for module in MODEL_MODULES:
        importlib.import_module(module)
    return SQLModel.metadata


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(settings: Settings) -> Engine:
    url = settings.database_url
    if settings.is_sqlite:
        database = url.split(":///", 1)[1] if ":///" in url else ""
        if database and database != ":memory:":
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # reported by /api/ready when the first connection fails
                logger.warning("cannot create the database folder: %s", exc)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 10}, pool_pre_ping=False
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    return create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
    )


def get_engine() -> Engine:
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = make_engine(get_settings())
    return _engine


def reset_engine() -> None:
    """Drop the cached engine (tests, and after settings change)."""
    global _engine
    with _engine_lock:
        if _engine is not None:
            _engine.dispose()
        _engine = None


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A unit of work: commits on success, rolls back on error, always closes."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# ---- migrations -------------------------------------------------------------------------


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    config.set_main_option("path_separator", "os")
    if engine is not None:
        config.attributes["engine"] = engine
    return config


_head_cache: dict[str, str | None] = {}


def head_revision() -> str | None:
    if "head" not in _head_cache:
        _head_cache["head"] = ScriptDirectory.from_config(alembic_config()).get_current_head()
    return _head_cache["head"]


def current_revision(engine: Engine | None = None) -> str | None:
    with (engine or get_engine()).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine | None = None) -> None:
    command.upgrade(alembic_config(engine or get_engine()), "head")


def downgrade_to_base(engine: Engine | None = None) -> None:
    command.downgrade(alembic_config(engine or get_engine()), "base")
