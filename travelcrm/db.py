"""Database access: the engine, sessions, model registry and migrations.

SQLite (the embedded default) runs in WAL mode with foreign keys on and an absolute path;
PostgreSQL uses a connection pool. `DATABASE_URL` picks.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, MetaData, Row, Select, Table, create_engine, event, update
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, ClauseElement, TextClause
from sqlalchemy.sql.selectable import Alias, SelectBase
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session, SQLModel, col

from alembic import command
from travelcrm.core.ids import id_run, run_ids
from travelcrm.core.tenancy import TENANT_SETTING, USER_SETTING, TenantContext, TenantMixin
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

# Every domain that owns tables is listed here once (and core's numbering); Alembic and tests
# import them all.
MODEL_MODULES = (
    "travelcrm.tenants.models",
    "travelcrm.core.sequences",
    "travelcrm.core.throttle",
    "travelcrm.system.models",
    "travelcrm.core.idempotency",
    "travelcrm.audit.models",
    "travelcrm.accounts.models",
    "travelcrm.mail.models",
    "travelcrm.suppliers.models",
    "travelcrm.rates.models",
    "travelcrm.ratesheets.models",
    "travelcrm.customers.models",
    "travelcrm.queries.models",
    "travelcrm.timeline.models",
    "travelcrm.itineraries.models",
    "travelcrm.quotes.models",
    "travelcrm.documents.models",
)

# On PostgreSQL the app works as this role: not the tables' owner, no BYPASSRLS, so row-level
# security holds even if a query forgets its tenant. Migrations run as the connecting user.
APP_DB_ROLE = "travelcrm_app"

TENANT_INFO = "travelcrm_tenant_id"
SYSTEM_INFO = "travelcrm_system_scope"

_engine: Engine | None = None
_engine_lock = threading.Lock()


def import_models() -> MetaData:
    for module in MODEL_MODULES:
        importlib.import_module(module)
    return SQLModel.metadata


def _sqlite_on_connect(lock_timeout_ms: int) -> Callable[[Any, ConnectionPoolEntry], None]:
    """The pragmas of every SQLite connection; a write waits `lock_timeout_ms` for another
    writer's lock (busy_timeout) before "database is locked" (answered as busy, 503)."""

    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


def _pg_set_app_role(lock_timeout_ms: int) -> Callable[[Any, ConnectionPoolEntry], None]:
    """Every app connection works as the RLS-bound role, and a statement waits at most
    `lock_timeout_ms` for another transaction's lock (then: busy, 503) instead of hanging."""

    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET ROLE {APP_DB_ROLE}")
        cursor.execute(f"SET lock_timeout = {int(lock_timeout_ms)}")
        cursor.close()
        dbapi_connection.commit()

    return on_connect


# The agency of the unit of work being opened in this context (None: system or no scope). A
# connection checked out of the pool while it is set starts its first transaction already
# scoped to that agency; see `_pg_checkout`.
_checkout_tenant: ContextVar[uuid.UUID | None] = ContextVar(
    "travelcrm_checkout_tenant", default=None
)
_CHECKOUT_INFO = "travelcrm_checkout_tenant"


def _pg_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
    """Every checkout of an app-role connection runs `set_config('app.tenant_id', ..., true)`
    for the unit of work being opened, or '' (sees nothing) outside a tenant scope. That one
    round trip is also the liveness check (it replaces `pool_pre_ping`: a dead connection raises
    DisconnectionError and the pool reconnects), and it opens the unit of work's first
    transaction, so the setting is transaction-local as before: it ends with that transaction
    and never travels with a pooled connection (nor through a transaction-mode pooler).
    `_set_tenant_for_transaction` then skips its own set_config when the transaction is still
    this one and the agency is the same."""
    tenant_id = _checkout_tenant.get()
    # a UUID re-parsed, so only hex digits and dashes reach the query text
    value = str(uuid.UUID(str(tenant_id))) if tenant_id is not None else ""
    try:
        _begin_scoped(dbapi_connection, value)
    except Exception as exc:  # a dropped or broken connection: let the pool replace it
        raise DisconnectionError(str(exc)) from exc
    record.info[_CHECKOUT_INFO] = tenant_id


def _begin_scoped(dbapi_connection: Any, value: str) -> None:
    """BEGIN and the transaction-local set_config in one round trip: one simple-protocol query
    sent through psycopg's libpq connection. psycopg reads the server's transaction status,
    so it sends no BEGIN of its own before the next query, and commits or rolls back this
    transaction as its own."""
    from psycopg import pq

    pgconn = dbapi_connection.pgconn
    if pgconn.transaction_status != pq.TransactionStatus.IDLE:
        raise DisconnectionError("connection checked out inside a transaction")
    result = pgconn.exec_(f"BEGIN; SELECT set_config('{TENANT_SETTING}', '{value}', true)".encode())
    if result.status != pq.ExecStatus.TUPLES_OK:
        raise DisconnectionError(
            (result.error_message or pgconn.error_message).decode(errors="replace")
        )


def _scoped_at_checkout(connection: Any, tenant_id: uuid.UUID) -> bool:
    """Whether the connection's open transaction is the one `_pg_checkout` scoped to this
    agency (psycopg: still in that transaction, nothing committed or rolled back since)."""
    if connection.info.get(_CHECKOUT_INFO) != tenant_id:
        return False
    dbapi = connection.connection.dbapi_connection
    pgconn = getattr(dbapi, "pgconn", None)
    if pgconn is None:
        return False
    from psycopg import pq

    return bool(pgconn.transaction_status == pq.TransactionStatus.INTRANS)


def make_engine(settings: Settings, *, app_role: bool = True) -> Engine:
    """The app's engine; `app_role=False` gives the owner's engine that migrations use."""
    url = settings.database_url
    lock_timeout_ms = round(settings.db_lock_timeout * 1000)
    # a unit of work waits at most DB_POOL_TIMEOUT for a connection, then the caller is told
    # the server is busy (`is_busy_error`); the default 30 s wait let requests pile up
    pool = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
    }
    if settings.is_sqlite:
        database = url.split(":///", 1)[1] if ":///" in url else ""
        if database and database != ":memory:":
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # reported by /api/ready when the first connection fails
                logger.warning("cannot create the database folder: %s", exc)
        else:
            pool = {}  # an in-memory database lives in one connection per thread
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": settings.db_lock_timeout},
            pool_pre_ping=False,
            **pool,
        )
        event.listen(engine, "connect", _sqlite_on_connect(lock_timeout_ms))
        return engine
    engine = create_engine(
        url,
        pool_pre_ping=not app_role,  # the app role's checkout hook pings as it scopes
        pool_recycle=1800,
        **pool,
    )
    if app_role:
        event.listen(engine, "connect", _pg_set_app_role(lock_timeout_ms))
        event.listen(engine, "checkout", _pg_checkout)
    return engine


# SQLSTATEs that mean "not now" rather than "wrong": too many connections, a lock or statement
# timeout, and the two a concurrent transaction causes (serialization failure, deadlock)
_PG_BUSY_STATES = frozenset({"53300", "55P03", "57014", "40001", "40P01"})
# (and the words of those that carry no SQLSTATE: SQLite's lock, a refused PostgreSQL connect)
_BUSY_WORDS = (
    "database is locked",
    "database table is locked",
    "too many clients already",
    "remaining connection slots are reserved",
)


def is_busy_error(exc: BaseException) -> bool:
    """Whether an error means the database could not take this unit of work now, so the same
    request is worth sending again in a moment: no pooled connection came free within
    DB_POOL_TIMEOUT, SQLite stayed locked for DB_LOCK_TIMEOUT, PostgreSQL had no connection
    slot, a lock wait timed out, or a concurrent transaction forced a rollback. The API
    answers these 503 with Retry-After, pages say the server is busy; never a 500."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, PoolTimeoutError):
            return True
        if isinstance(current, DBAPIError):
            orig = current.orig
            if getattr(orig, "sqlstate", None) in _PG_BUSY_STATES:
                return True
            if isinstance(current, OperationalError) and any(
                word in str(orig).lower() for word in _BUSY_WORDS
            ):
                return True
        current = current.__cause__ or current.__context__
    return False


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


# called after every unit of work, committed or not (e.g. to forget what was read before it)
_after_work: list[Callable[[], None]] = []


def after_each_unit_of_work(listener: Callable[[], None]) -> None:
    """Call `listener()` whenever a unit of work ends (committed, rolled back or failed)."""
    _after_work.append(listener)


@contextmanager
def _unit_of_work(engine: Engine | None, info: dict[str, Any]) -> Iterator[Session]:
    """Commits on success, rolls back on error, always closes."""
    # not a Token reset: a FastAPI dependency may leave this block in another context copy;
    # where the value is not seen, `_set_tenant_for_transaction` sets the agency itself
    previous = _checkout_tenant.get()
    _checkout_tenant.set(info.get(TENANT_INFO))
    try:
        with Session(engine or get_engine(), expire_on_commit=False, info=info) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        _checkout_tenant.set(previous)
        for listener in _after_work:
            listener()


def session_scope(engine: Engine | None = None) -> AbstractContextManager[Session]:
    """A unit of work on non-tenant tables (system records, agencies themselves)."""
    return _unit_of_work(engine, {})


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


def _owner_engine() -> Engine:
    return make_engine(get_settings(), app_role=False)


def upgrade_to_head(engine: Engine | None = None) -> None:
    """Migrate as the connecting (owning) user, never as the RLS-bound app role."""
    own = engine or _owner_engine()
    try:
        command.upgrade(alembic_config(own), "head")
    finally:
        if engine is None:
            own.dispose()


def downgrade_to_base(engine: Engine | None = None) -> None:
    own = engine or _owner_engine()
    try:
        command.downgrade(alembic_config(own), "base")
    finally:
        if engine is None:
            own.dispose()


def refresh_statistics(engine: Engine | None = None) -> None:
    """ANALYZE, as the owner, after a bulk load (demo data): the planner then knows the tables'
    sizes. Without it PostgreSQL plans the first requests on an empty table's guesses (a join
    of 300 rows took 40 ms, not 1) until autovacuum analyzes them, and never where autovacuum
    is off. SQLite keeps its figures in sqlite_stat1."""
    own = engine or _owner_engine()
    try:
        with own.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    finally:
        if engine is None:
            own.dispose()


# ---- tenant scope -----------------------------------------------------------------------


class UnscopedTenantQueryError(RuntimeError):
    """A query on tenant-owned rows ran outside a tenant scope (a bug, never user input)."""


def tenant_scope(
    ctx: TenantContext, engine: Engine | None = None
) -> AbstractContextManager[Session]:
    """A unit of work for one agency: every ORM query on tenant tables is filtered by its
    tenant, new rows get its tenant, and on PostgreSQL `app.tenant_id` is set per transaction
    so row-level security backs the filter up."""
    return _unit_of_work(engine, {TENANT_INFO: ctx.tenant_id})


def system_scope(engine: Engine | None = None) -> AbstractContextManager[Session]:
    """A unit of work across agencies (jobs, demo data, admin tooling): explicitly unscoped."""
    return _unit_of_work(engine, {SYSTEM_INFO: True})


def _set_for_transaction(connection: Any, name: str, value: str) -> None:
    """PostgreSQL: a transaction-local setting that the RLS policies read (no-op elsewhere)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "SELECT set_config(%(name)s, %(value)s, true)", {"name": name, "value": value}
        )


def _tenant_of(session: OrmSession) -> uuid.UUID | None:
    value = session.info.get(TENANT_INFO)
    return value if isinstance(value, uuid.UUID) else None


@event.listens_for(Session, "after_begin")
def _set_tenant_for_transaction(session: OrmSession, _transaction: Any, connection: Any) -> None:
    tenant_id = _tenant_of(session)
    if tenant_id is not None and not _scoped_at_checkout(connection, tenant_id):
        _set_for_transaction(connection, TENANT_SETTING, str(tenant_id))


# (tables known to the metadata, tenant classes by table name, their table names)
_tenant_tables_cache: tuple[int, dict[str, type], frozenset[str]] = (-1, {}, frozenset())


def _tenant_tables() -> dict[str, type]:
    """Tenant-owned ORM classes by table name (recomputed only when a model is added)."""
    global _tenant_tables_cache
    known = len(SQLModel.metadata.tables)
    if _tenant_tables_cache[0] == known:
        return _tenant_tables_cache[1]
    found: dict[str, type] = {}
    pending: list[type] = list(TenantMixin.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        table = getattr(cls, "__table__", None)
        if table is not None:
            found[table.name] = cls
    _tenant_tables_cache = (known, found, frozenset(found))
    return found


def _tenant_table_names() -> frozenset[str]:
    _tenant_tables()  # brings the cache up to date
    return _tenant_tables_cache[2]


@event.listens_for(Session, "do_orm_execute")
def _filter_by_tenant(state: ORMExecuteState) -> None:
    statement = cast(ClauseElement, state.statement)
    if isinstance(statement, TextClause):
        # raw SQL names no tables the scope can see: refused where a scope matters
        if _tenant_of(state.session) is not None:
            raise UnscopedTenantQueryError(
                "raw SQL text in tenant_scope(): build the statement (select, update, delete) "
                "so the agency's filter applies, or use scoped_connection() and bind tenant_id"
            )
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    tenant_classes = {m.class_ for m in state.all_mappers if issubclass(m.class_, TenantMixin)}
    # tables named only in FROM (`select(func.count()).select_from(Model)`, joins) count too
    by_name = _tenant_tables()
    for table in find_tables(statement, include_joins=True, include_crud=True):
        cls = by_name.get(getattr(table, "name", ""))
        if cls is not None:
            tenant_classes.add(cls)
    if not tenant_classes:
        return
    tenant_id = _tenant_of(state.session)
    if tenant_id is None:
        if state.session.info.get(SYSTEM_INFO):
            return
        raise UnscopedTenantQueryError(
            "query on tenant-owned rows outside tenant_scope(); use tenant_scope(ctx) "
            "or, for cross-agency jobs, system_scope()"
        )
    # ORM entities (the model, `aliased(Model)`, in subqueries too) get the loader criteria;
    # Core tables and their aliases (`Model.__table__`, `table.alias()`) are filtered here
    filtered = _filter_core_tables(statement, tenant_id, _tenant_table_names())
    state.statement = filtered.options(
        *(
            with_loader_criteria(cls, col(cls.tenant_id) == tenant_id, include_aliases=True)
            for cls in tenant_classes
        )
    )


def _is_orm(element: Any) -> bool:
    return bool(getattr(element, "_annotations", {}).get("parentmapper"))


def _filter_core_tables(statement: Any, tenant_id: uuid.UUID, tenant_names: frozenset[str]) -> Any:
    """`statement` with `tenant_id = <agency>` on each Core tenant table or alias it reads or
    changes at its top level. A nested select (subquery, CTE) that reads a tenant table through
    Core is refused: a filter on the outer statement cannot reach inside it (ORM entities in
    it are filtered by the loader criteria)."""
    targets: dict[int, Any] = {}
    crud_table = getattr(statement, "table", None)  # UPDATE/DELETE
    if crud_table is not None and not _is_orm(crud_table):
        base = getattr(crud_table, "element", crud_table)
        if isinstance(base, Table) and base.name in tenant_names:
            targets[id(crud_table)] = crud_table
    stack = list(statement.get_children())
    while stack:
        element = stack.pop()
        if isinstance(element, Table):
            if element.name in tenant_names and not _is_orm(element):
                targets[id(element)] = element
            continue
        if isinstance(element, Alias) and isinstance(element.element, Table):
            if element.element.name in tenant_names and not _is_orm(element):
                targets[id(element)] = element
            continue
        if isinstance(element, SelectBase):
            for table in find_tables(element, include_aliases=True):
                base = getattr(table, "element", table)
                if (
                    isinstance(base, Table)
                    and base.name in tenant_names
                    and not _is_orm(table)
                    and not _is_orm(base)
                ):
                    raise UnscopedTenantQueryError(
                        "a subquery or CTE reads a tenant table through Core in tenant_scope(); "
                        "select the model (filtered in subqueries too) or filter it by tenant_id"
                    )
            continue
        stack.extend(element.get_children())
    if not targets:
        return statement
    present = (
        _filtered_already(statement, tenant_id) if hasattr(statement, "_where_criteria") else set()
    )
    for table in targets.values():
        if id(table) not in present:
            statement = statement.where(table.c.tenant_id == tenant_id)
    return statement


def scoped_connection(session: Session) -> tuple[Any, uuid.UUID]:
    """The unit of work's connection and its agency, for the few hand-built Core statements
    on hot paths (the price lookup). `Connection.execute` bypasses the ORM filter above, so
    those statements bind `tenant_id` themselves; on PostgreSQL RLS still backs them up.
    Refused outside `tenant_scope()` like any other tenant query."""
    tenant_id = _tenant_of(session)
    if tenant_id is None:
        raise UnscopedTenantQueryError("scoped_connection() needs tenant_scope(ctx)")
    return session.connection(), tenant_id


def _scope_targets(statement: Select[Any], tenant_names: frozenset[str]) -> list[Any]:
    """The tenant tables and aliases of tenant tables that a statement reads at its top level,
    in one walk of the statement (list pages run this on every request). An alias is filtered
    as itself, never through its table (that would add the bare table to FROM); a nested
    select (subquery, CTE, scalar or `IN (SELECT ...)`) that reads a tenant table is refused,
    since a filter added to the outer WHERE cannot reach inside it."""
    found: dict[int, Any] = {}
    stack = list(statement.get_children())
    while stack:
        element = stack.pop()
        if isinstance(element, Table):
            if element.name in tenant_names:
                found[id(element)] = element
            continue
        if isinstance(element, Alias) and isinstance(element.element, Table):
            if element.element.name in tenant_names:
                found[id(element)] = element
            continue
        if isinstance(element, SelectBase):
            read = {t.name for t in find_tables(element) if isinstance(t, Table)}
            if read & tenant_names:
                raise UnscopedTenantQueryError(
                    "scoped_rows() filters the tables in FROM; a subquery reads a tenant table"
                )
            continue
        stack.extend(element.get_children())
    return list(found.values())


def scoped_rows(session: Session, statement: Select[Any]) -> list[Row[Any]]:
    """Plain rows of a Core select for list pages, without ORM objects: each tenant table the
    statement reads gets `tenant_id = <the scope's agency>` added here (the ORM filter does
    not see Core statements), and on PostgreSQL RLS backs it up. Refused outside
    `tenant_scope()`. Skipping hydration is what keeps a scoped list close to raw SQL."""
    connection, tenant_id = scoped_connection(session)
    targets = _scope_targets(statement, _tenant_table_names())
    present = _filtered_already(statement, tenant_id)
    for table in targets:
        if id(table) not in present:
            statement = statement.where(table.c.tenant_id == tenant_id)
    return list(connection.execute(statement).all())


def _filtered_already(statement: Select[Any], tenant_id: uuid.UUID) -> set[int]:
    """The FROM objects (by id) that the statement's own top-level WHERE already pins to this
    agency with `<from>.tenant_id == <bound value>`: a list service that writes the filter
    itself (it also steers the planner to the `(tenant_id, ...)` indexes) is checked here, not
    filtered twice, which spares re-keying the statement on every request."""
    pinned: set[int] = set()
    for criterion in statement._where_criteria:
        if (
            isinstance(criterion, BinaryExpression)
            and criterion.operator is operators.eq
            and isinstance(criterion.left, Column)
            and criterion.left.name == "tenant_id"
            and isinstance(criterion.right, BindParameter)
            and criterion.right.callable is None
            and criterion.right.value == tenant_id
        ):
            pinned.add(id(criterion.left.table))
    return pinned


@event.listens_for(Session, "before_flush")
def _stamp_tenant(session: OrmSession, _context: Any, _instances: Any) -> None:
    tenant_id = _tenant_of(session)
    for obj in session.new:
        if not isinstance(obj, TenantMixin):
            continue
        if tenant_id is None:
            if session.info.get(SYSTEM_INFO):
                continue
            raise UnscopedTenantQueryError("tenant-owned row added outside tenant_scope()")
        if obj.tenant_id is None:
            obj.tenant_id = tenant_id
        elif obj.tenant_id != tenant_id:
            raise UnscopedTenantQueryError("row of another agency added in this tenant scope")


def enter_tenant(session: Session, tenant_id: uuid.UUID) -> None:
    """Switch a system-scope unit of work to one agency (e.g. right after creating it), in the
    same transaction: later queries are filtered by it and PostgreSQL's RLS accepts its rows."""
    session.info[TENANT_INFO] = tenant_id
    _set_for_transaction(session.connection(), TENANT_SETTING, str(tenant_id))


def enter_user(session: Session, user_id: uuid.UUID) -> None:
    """Let this transaction read the user's own memberships across agencies (PostgreSQL policy
    `member_self` on memberships); nothing else of another agency becomes visible."""
    _set_for_transaction(session.connection(), USER_SETTING, str(user_id))


def hold_row(session: Session, model: Any, row_id: uuid.UUID) -> None:
    """Take one row's write lock for the rest of this unit of work, before reading what a
    change depends on ("the first contact is the primary one"): of two such changes at once
    the second waits for the first and then sees it. One UPDATE that changes nothing:
    PostgreSQL locks the row; SQLite takes the database's write lock (its transaction starts
    with this write, so the reads after it see every earlier commit)."""
    session.execute(update(model).where(model.id == row_id).values(id=model.id))


# ---- bulk inserts -------------------------------------------------------------------------------

BULK_CHUNK = 20_000  # rows per INSERT on PostgreSQL (per executemany elsewhere)


def bulk_insert(
    connection: Any,
    table: Any,
    constants: dict[str, Any],
    arrays: dict[str, list[Any]],
    *,
    ordinal: str,
    new_ids: str,
) -> None:
    """Tens of thousands of rows of `table` at once, the fastest way the database allows:
    `constants` are the same on every row, `arrays` hold a value per row, `ordinal` gets each
    row's 1-based number and `new_ids` a run of new time-ordered ids (`core.ids.id_run`). The
    caller's domain owns the table: nothing is checked here, no column default is applied."""
    if connection.dialect.name == "postgresql":
        insert_unnested(connection, table, constants, arrays, ordinal=ordinal, new_ids=new_ids)
    else:
        insert_bound(connection, table, constants, arrays, ordinal=ordinal, new_ids=new_ids)


def insert_unnested(
    connection: Any,
    table: Any,
    constants: dict[str, Any],
    arrays: dict[str, list[Any]],
    *,
    ordinal: str,
    new_ids: str | None = None,
) -> None:
    """PostgreSQL: rows as one `INSERT ... SELECT FROM unnest(arrays) WITH ORDINALITY` per
    chunk rather than one INSERT per row. `constants` are the same on every row, `arrays` hold
    a value per row, `ordinal` gets the row's 1-based number and `new_ids` (a column) a run of
    new ids made by the server (`core.ids.id_run`). What is sent is kept small, because
    building it in Python is most of the cost:

    - an array whose values are all the same is sent once, as a constant;
    - ids that repeat (a service's, a season's) are sent once each, in a dictionary, and each
      row gets its id's number in it;
    - a column of dates, numbers or codes travels as one comma-separated text value that the
      server splits and casts (`string_to_array(...)::numeric[]`), which spares building an
      array element by element; other ids and text that could hold the separator go as
      binary arrays.

    Row-level security and the foreign keys check every row as they would for single
    INSERTs."""
    count = len(next(iter(arrays.values()), []))
    if not count:
        return
    dialect = connection.dialect

    def sql_type(name: str) -> str:
        return str(table.c[name].type.compile(dialect=dialect))

    fixed = {f"c_{name}": value for name, value in constants.items()}
    selected = {name: f"%(c_{name})s::{sql_type(name)}" for name in constants}
    per_row: dict[str, str] = {}  # unnested column -> the array it comes from
    plain: dict[str, tuple[list[Any], bool]] = {}  # -> (values, sent as joined text)
    coded: dict[str, list[int]] = {}
    for name, values in arrays.items():
        first = values[0]
        codes = _dictionary(values) if isinstance(first, uuid.UUID) else None
        if codes is not None and len(codes[0]) > 1:
            # (each distinct object once: a check's repeated ids are the same object)
            fixed[f"d_{name}"], coded[name] = codes
            selected[name] = f"(%(d_{name})b::{sql_type(name)}[])[{name}]"
            per_row[name] = f"string_to_array(%(a_{name})s, ',')::int[]"
        elif codes is not None or values.count(first) == count:
            fixed[f"c_{name}"] = first
            selected[name] = f"%(c_{name})s::{sql_type(name)}"
        else:
            joined = _joinable(values)
            plain[name] = (values, joined)
            selected[name] = name
            per_row[name] = (
                f"string_to_array(%(a_{name})s, ',', '')::{sql_type(name)}[]"
                if joined
                else f"%(a_{name})b::{sql_type(name)}[]"
            )
    if new_ids is not None:
        first_id = id_run(count)
        low = first_id.int & ((1 << 64) - 1)
        fixed |= {"id_head": first_id.hex[:16], "id_low": low - (1 << 64)}  # as a bigint
        selected[new_ids] = "(%(id_head)s || to_hex(%(id_low)s::bigint + n - 1 + %(offset)s))::uuid"
    selected[ordinal] = "n + %(offset)s"
    if per_row:
        source = (
            f"unnest({', '.join(per_row.values())}) WITH ORDINALITY "
            f"AS new_rows({', '.join(per_row)}, n)"
        )
    else:
        source = "generate_series(1, %(rows)s::int) AS n"
    statement = (
        f"INSERT INTO {table.name} ({', '.join(selected)}) "
        f"SELECT {', '.join(selected.values())} FROM {source}"
    )
    for start in range(0, count, BULK_CHUNK):
        stop = min(start + BULK_CHUNK, count)
        chunk: dict[str, Any] = {"offset": start}
        if not per_row:
            chunk["rows"] = stop - start
        for name, (values, joined) in plain.items():
            part = values[start:stop]
            # (str is C-fast; None is the only value it would spell wrong)
            chunk[f"a_{name}"] = (
                ",".join(map(_as_text if None in part else str, part)) if joined else part
            )
        for name, numbers in coded.items():
            chunk[f"a_{name}"] = ",".join(map(str, numbers[start:stop]))
        connection.exec_driver_sql(statement, fixed | chunk)


def insert_bound(
    connection: Any,
    table: Any,
    constants: dict[str, Any],
    arrays: dict[str, list[Any]],
    *,
    ordinal: str,
    new_ids: str,
) -> None:
    """Other databases (SQLite): the rows through the driver's executemany, each value bound
    as SQLAlchemy would bind it (its column type's bind processor) but each distinct object
    only once, where SQLAlchemy's insert works each row out on its own (most of a commit's
    time). On SQLite a value that is the same on every row (the constants, and an array of
    one value) is written once into the statement as a literal rather than bound on each
    row: binding is most of the driver's work per row. `constants`, `arrays`, `ordinal` and
    `new_ids` as for `insert_unnested`; no column default is applied, so every column must
    be given."""
    count = len(next(iter(arrays.values()), []))
    if not count:
        return
    dialect = connection.dialect
    literals: dict[str, str] = {}  # column -> its value on every row, as an SQL literal

    def processor(name: str) -> Callable[[Any], Any] | None:
        bind: Callable[[Any], Any] | None = (
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        )
        return bind

    def bound(name: str, value: Any) -> Any:
        process = processor(name)
        return value if process is None else process(value)

    columns: dict[str, Iterable[Any]] = {}
    for name, value in constants.items():
        literal = _sqlite_literal(dialect, bound(name, value))
        if literal is None:
            columns[name] = itertools.repeat(bound(name, value), count)
        else:
            literals[name] = literal
    first = id_run(count)
    process_id = processor(new_ids)
    hexed = process_id is not None and process_id(first) == f"{first.int:032x}"
    low = first.int & ((1 << 64) - 1)  # (the run counts up in these bits, never past them)
    spelled: dict[str, str] = {}  # column -> an SQL expression of the row's ordinal
    if hexed and dialect.name == "sqlite" and dialect.paramstyle == "qmark" and low > 1 << 63:
        # SQLite spells each id from its row's ordinal, where Python would format and the
        # driver bind 32 hex digits a row: the run's first 16 hex digits, then its low 64 bits
        # counted up (a negative 64-bit integer, which printf writes as those same bits)
        spelled[new_ids] = (
            f"'{first.int:032x}'"[:17] + f"' || printf('%016x', {low - (1 << 64)} + ({{n}} - 1))"
        )
    elif hexed:
        # (the usual form on SQLite, 32 hex digits: spelled without making each UUID)
        columns[new_ids] = map("{:032x}".format, range(first.int, first.int + count))
    else:
        ids = run_ids(first, count)
        columns[new_ids] = ids if process_id is None else map(process_id, ids)
    for name, values in arrays.items():
        process = processor(name)
        # (each distinct object once, told apart by identity: a check shares its objects)
        distinct = dict(zip(map(id, values), values, strict=True))
        done = (
            distinct
            if process is None
            else {key: process(value) for key, value in distinct.items()}
        )
        literal = (
            _sqlite_literal(dialect, _only_value(list(done.values())))
            if dialect.name == "sqlite"
            else None
        )
        if literal is not None:
            literals[name] = literal
        else:
            columns[name] = values if process is None else map(done.__getitem__, map(id, values))
    columns[ordinal] = range(1, count + 1)
    # (written out: a compiled insert would order its columns, and add those with defaults)
    if dialect.paramstyle == "qmark":  # numbered: an expression may name the ordinal's
        marks = [f"?{k}" for k in range(1, len(columns) + 1)]
    else:
        marks = ["%s"] * len(columns)
    ordinal_mark = marks[list(columns).index(ordinal)]
    values_sql = [
        *marks,
        *literals.values(),
        *(expression.format(n=ordinal_mark) for expression in spelled.values()),
    ]
    quote = dialect.identifier_preparer.quote
    statement = (
        f"INSERT INTO {quote(table.name)} "
        f"({', '.join(map(quote, [*columns, *literals, *spelled]))}) "
        f"VALUES ({', '.join(values_sql)})"
    )
    rows = zip(*columns.values(), strict=True)
    while chunk := list(itertools.islice(rows, BULK_CHUNK)):
        connection.exec_driver_sql(statement, chunk)


_NOT_ONE: Any = object()


def _only_value(values: list[Any]) -> Any:
    """The one value all of `values` are (the same type and equal), else `_NOT_ONE`."""
    first = values[0]
    if len(values) > 1:
        if values[-1] != first or len(set(map(type, values))) > 1:
            return _NOT_ONE
        try:
            if len(set(values)) > 1:
                return _NOT_ONE
        except TypeError:  # (unhashable values are bound)
            return _NOT_ONE
    return first


def _sqlite_literal(dialect: Any, value: Any) -> str | None:
    """A bound value (as the driver would get it) written as an SQLite literal, or None to
    bind it: NULL, integers (a bool as 0 or 1, as sqlite3 binds it), and text quoted the SQL
    way (a quote doubled; SQLite knows no backslash escapes). Other databases bind."""
    if dialect.name != "sqlite" or value is _NOT_ONE:
        return None
    if value is None:
        return "NULL"
    if isinstance(value, int):
        # (one SQLite integer; a larger one is bound, and refused as binding refuses it)
        return str(int(value)) if -(2**63) < value < 2**63 else None
    if type(value) is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _dictionary(values: list[Any]) -> tuple[list[Any], list[int]] | None:
    """(each distinct object, each value's 1-based number in that list), or None when few
    values repeat. Objects are told apart by identity (C-fast where UUID's hash is Python): an
    equal value held in two objects is simply listed twice."""
    objects = dict(zip(map(id, values), values, strict=True))
    if len(objects) * 4 > len(values):
        return None
    number = {key: k for k, key in enumerate(objects, start=1)}
    return list(objects.values()), list(map(number.__getitem__, map(id, values)))


# the types whose text form never holds a comma nor is empty (None is sent as '', SQL NULL);
# not UUIDs: str() of 400,000 ids costs more than their binary form
_PLAIN_TEXT_TYPES = frozenset({type(None), date, Decimal, int})


def _joinable(values: list[Any]) -> bool:
    """Whether a column can travel as comma-separated text: dates, numbers, and codes (a
    text value that is not empty and holds no comma, quote or backslash)."""
    types = set(map(type, values))
    if not types <= _PLAIN_TEXT_TYPES | {str}:
        return False  # bool, datetime, bytes...: their text is not the column's input form
    if str in types:
        codes = {v for v in values if type(v) is str}
        return all(code and not any(c in code for c in ',"\\') for code in codes)
    return True


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)
