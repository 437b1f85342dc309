"""Demo data for `make run`: each seeder runs once per database (see system.apply_demo_seeds)."""

from __future__ import annotations

from sqlmodel import Session, select

from travelcrm.accounts.services import add_member
from travelcrm.core.permissions import Role
from travelcrm.system.services import Seeder
from travelcrm.tenants.models import Tenant
from travelcrm.tenants.schemas import TenantCreate
from travelcrm.tenants.services import create_tenant

DEMO_AGENCIES = (
    TenantCreate(
        slug="sunrise-holidays",
        name="Sunrise Holidays",
        country="IN",
        default_currency="INR",
        timezone="Asia/Kolkata",
        locale="en-IN",
    ),
    TenantCreate(
        slug="blue-horizon-tours",
        name="Blue Horizon Tours",
        country="US",
        default_currency="USD",
        timezone="America/New_York",
        locale="en-US",
    ),
)


def seed_agencies(session: Session) -> None:
    for agency in DEMO_AGENCIES:
        create_tenant(session, data=agency)


# Demo sign-ins, printed by `make run` (development only: never seeded when APP_ENV=prod).
DEMO_LOGINS = (
    ("sunrise-holidays", "owner@sunrise-holidays.example", "Priya Sharma", "Sunrise-Demo-2026"),
    ("blue-horizon-tours", "owner@blue-horizon.example", "Jordan Miller", "Horizon-Demo-2026"),
)


def seed_owners(session: Session) -> None:
    for slug, email, name, password in DEMO_LOGINS:
        tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
        add_member(
            session,
            tenant_id=tenant.id,
            email=email,
            name=name,
            password=password,
            role=Role.OWNER,
            verified=True,
        )


# More demo sign-ins for the first agency, one per everyday role (development only, like above).
DEMO_STAFF = (
    (
        "sunrise-holidays",
        "manager@sunrise-holidays.example",
        "Arjun Mehta",
        "Sunrise-Manager-2026",
        Role.MANAGER,
    ),
    (
        "sunrise-holidays",
        "agent@sunrise-holidays.example",
        "Kavya Nair",
        "Sunrise-Agent-2026",
        Role.AGENT,
    ),
)


def seed_staff(session: Session) -> None:
    for slug, email, name, password, role in DEMO_STAFF:
        tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
        add_member(
            session,
            tenant_id=tenant.id,
            email=email,
            name=name,
            password=password,
            role=role,
            verified=True,
        )


SEEDERS: tuple[tuple[str, Seeder], ...] = (
    ("agencies-v1", seed_agencies),
    ("owners-v1", seed_owners),
    ("staff-v1", seed_staff),
)
