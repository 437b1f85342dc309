"""What the database benchmarks share: the scratch PostgreSQL database they run in, the agency
and owner they run as, percentiles and progress lines (the app is imported lazily: a
benchmark's process names its database first)."""

from __future__ import annotations

import os
import secrets
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def percentile(values: list[float], q: int, *, inclusive: bool = False) -> float:
    """The q-th percentile (`statistics.quantiles`, exclusive method unless `inclusive`)."""
    method = "inclusive" if inclusive else "exclusive"
    return statistics.quantiles(values, n=100, method=method)[q - 1]


def log(message: str) -> None:
    """A progress line with the time of day."""
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", flush=True)


@contextmanager
def scratch_database(prefix: str = "travelcrm_bench", *, redis: bool = True) -> Iterator[str]:
    """A fresh PostgreSQL database `<prefix>_<random>` for this process: DATABASE_URL names it
    (and DATA_DIR a folder of its name, unless set); without `redis` REDIS_URL is unset. The
    database is dropped after, even when the benchmark fails. Yields its name."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    os.environ["DATABASE_URL"] = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    os.environ.setdefault("DATA_DIR", f"/tmp/{name}")
    if not redis:
        os.environ.pop("REDIS_URL", None)
    try:
        yield name
    finally:
        from travelcrm.db import reset_engine

        reset_engine()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def agency_with_owner(session: Any, *, slug: str, name: str, email: str) -> Any:
    """An Indian agency and its verified owner `email`: the owner's TenantContext."""
    from travelcrm.accounts import services as accounts
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.tenants.schemas import TenantCreate
    from travelcrm.tenants.services import create_tenant

    tenant = create_tenant(
        session,
        data=TenantCreate(
            slug=slug,
            name=name,
            country="IN",
            default_currency="INR",
            timezone="Asia/Kolkata",
        ),
    )
    user = accounts.add_member(
        session,
        tenant_id=tenant.id,
        email=email,
        name="Operator",
        password="Sunrise-Demo-2026",
        role=Role.OWNER,
        verified=True,
    )
    return TenantContext(tenant.id, user.id, Role.OWNER)


def owner_agency(key: str, name: str) -> tuple[Any, uuid.UUID]:
    """Migrations, then an Indian agency (`bench-<key>-…`, called `name`) and its verified owner
    `ops@bench-<key>.example`: (the owner's TenantContext, their user id)."""
    from travelcrm.db import system_scope, upgrade_to_head

    upgrade_to_head()
    with system_scope() as session:
        ctx = agency_with_owner(
            session,
            slug=f"bench-{key}-{secrets.token_hex(2)}",
            name=name,
            email=f"ops@bench-{key}.example",
        )
        return ctx, ctx.user_id
