"""Demo data for `make run`: each seeder runs once per database (see system.apply_demo_seeds)."""

from __future__ import annotations

from sqlmodel import Session

from travelcrm.system.services import Seeder
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


SEEDERS: tuple[tuple[str, Seeder], ...] = (("agencies-v1", seed_agencies),)
