"""Demo data: each seeder runs once; the printed demo sign-ins work."""

from __future__ import annotations

from sqlmodel import select

from travelcrm.accounts import services as accounts
from travelcrm.db import system_scope
from travelcrm.demo import DEMO_LOGINS, DEMO_STAFF, SEEDERS
from travelcrm.system.services import apply_demo_seeds
from travelcrm.tenants.models import Tenant


def test_demo_seeds_apply_once_and_logins_work(migrated_engine) -> None:
    with system_scope() as session:
        first = apply_demo_seeds(session, SEEDERS)
    with system_scope() as session:
        second = apply_demo_seeds(session, SEEDERS)
        slugs = set(session.exec(select(Tenant.slug)).all())
    assert first == ["agencies-v1", "owners-v1", "staff-v1"]
    assert second == []
    assert {"sunrise-holidays", "blue-horizon-tours"} <= slugs
    staff = [(slug, email, name, password) for slug, email, name, password, _role in DEMO_STAFF]
    for slug, email, _name, password in [*DEMO_LOGINS, *staff]:
        with system_scope() as session:
            result = accounts.sign_in(session, email=email, password=password, ip="127.0.0.1")
        assert result.context is not None
        with system_scope() as session:
            tenant = session.get(Tenant, result.context.tenant_id)
            assert tenant is not None and tenant.slug == slug
