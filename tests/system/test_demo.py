"""Demo data: each seeder runs once; the printed demo sign-ins work."""

from __future__ import annotations

import io

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
    assert first == [
        "agencies-v1",
        "owners-v1",
        "staff-v1",
        "suppliers-v1",
        "rates-v1",
        "transport-rates-v1",
        "agents-v1",
        "queries-v1",
        "itineraries-v1",
        "service-content-v1",
        "quotes-v1",
        "emails-v1",
    ]
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


def test_demo_suppliers_belong_to_their_agencies(migrated_engine) -> None:
    from travelcrm.accounts.models import User
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import tenant_scope
    from travelcrm.demo import DEMO_SUPPLIERS
    from travelcrm.suppliers import services as suppliers
    from travelcrm.suppliers.schemas import SupplierFilter

    with system_scope() as session:
        apply_demo_seeds(session, SEEDERS)
    for slug, email, _name, _password in DEMO_LOGINS:
        with system_scope() as session:
            tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
            owner = session.exec(select(User).where(User.email == email)).one()
        ctx = TenantContext(tenant.id, owner.id, Role.OWNER)
        with tenant_scope(ctx) as session:
            page = suppliers.list_suppliers(
                session, ctx, filters=SupplierFilter(status="all"), limit=100
            )
            cabs = ["Rajasthan Cabs"] if slug == DEMO_LOGINS[0][0] else []  # transport-rates-v1
            assert sorted(s.name for s in page.items) == sorted(
                [*(e["data"]["name"] for e in DEMO_SUPPLIERS[slug]), *cabs]
            )
            banked = [s for s in page.items if s.bank_details_encrypted]
            assert banked and all(s.bank_hint and "••••" in s.bank_hint for s in banked)
            details = suppliers.reveal_bank_details(session, ctx, supplier_id=banked[0].id)
            assert details.account_number.endswith(banked[0].bank_hint[-4:])
            rooms = [
                service
                for s in page.items
                for service in suppliers.list_services(session, ctx, supplier_id=s.id)
                if service.kind == "room"
            ]
            assert rooms and all(room.meal_plan for room in rooms)


def test_demo_rates_are_published_and_priced(migrated_engine) -> None:
    from datetime import date

    from travelcrm.accounts.models import User
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import tenant_scope
    from travelcrm.rates import pricing
    from travelcrm.rates import services as rates
    from travelcrm.rates.schemas import PriceQuery
    from travelcrm.suppliers.models import Supplier, SupplierService

    with system_scope() as session:
        apply_demo_seeds(session, SEEDERS)
    slug, email, _name, _password = DEMO_LOGINS[0]
    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
        owner = session.exec(select(User).where(User.email == email)).one()
    ctx = TenantContext(tenant.id, owner.id, Role.OWNER)
    with tenant_scope(ctx) as session:
        lists = rates.list_rate_lists(session, ctx)
        assert len(lists) >= 10
        assert all(any(v.status == "published" for v in versions) for _r, versions in lists)
        assert any(any(v.status == "draft" for v in versions) for _r, versions in lists)
        room = session.exec(
            select(SupplierService)
            .join(Supplier, Supplier.id == SupplierService.supplier_id)
            .where(SupplierService.kind == "room", Supplier.country == "IN")
        ).first()
        assert room is not None
        monsoon = pricing.quote_price(
            session, ctx, PriceQuery(service_id=room.id, check_in=date(2026, 7, 10), nights=2)
        )
        peak = pricing.quote_price(
            session, ctx, PriceQuery(service_id=room.id, check_in=date(2026, 12, 30), nights=2)
        )
        assert monsoon.currency == "INR" and peak.total_net > monsoon.total_net
        assert monsoon.total_sell > monsoon.total_net
        # the cab contract: by the km (7 people fill two 6-seat SUVs) or by the day, with the
        # driver's allowance per car-day, night driving when asked
        suv = session.exec(
            select(SupplierService).where(SupplierService.name == "SUV (Innova Crysta)")
        ).one()
        day = {"service_id": suv.id, "check_in": date(2026, 11, 2), "adults": 7}
        by_km = pricing.quote_price(session, ctx, PriceQuery(**day, km=300))
        assert by_km.rate_list_name == "Rajasthan Cabs 2026-27"
        assert by_km.total_net == 2 * 300 * 18 + 2 * 400
        by_day = pricing.quote_price(session, ctx, PriceQuery(**day, supplements=["Night driving"]))
        assert by_day.total_net == 2 * 3600 + 2 * 400 + 2 * 300


def test_demo_itineraries_are_priced_in_full_with_their_taxes(migrated_engine) -> None:
    from datetime import date
    from decimal import Decimal

    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import tenant_scope
    from travelcrm.itineraries import services as itineraries

    with system_scope() as session:
        apply_demo_seeds(session, SEEDERS)
        agencies = {t.slug: t.id for t in session.exec(select(Tenant)).all()}
    sheets = {}
    for slug in ("sunrise-holidays", "blue-horizon-tours"):
        ctx = TenantContext(agencies[slug], None, Role.OWNER)
        with tenant_scope(ctx) as session:
            for found in itineraries.list_itineraries(session, ctx):
                sheets[found.title] = itineraries.calculate_price(
                    session, ctx, itinerary_id=found.id, dry_run=True, on=date(2027, 1, 10)
                )
    assert len(sheets) == 4
    assert all(not s.unpriced and not s.conflicts for s in sheets.values())
    goa, dubai = sheets["Goa beach break, 4 nights"], sheets["Dubai city and desert, 4 nights"]
    assert [t.name for t in goa.taxes] == [
        "GST on tour package (CGST)",
        "GST on tour package (SGST)",
    ]
    assert dubai.lines[0].buy_currency == "AED" and dubai.currency == "INR"
    # bought in dirhams at 22.85 plus the 2 % buffer; TCS of FY 2026-27 (the flat 2 % row)
    assert dubai.lines[0].fx_rate == Decimal("22.85") and dubai.lines[0].fx_buffer_pct == 2
    tcs = dubai.taxes[-1]
    assert tcs.name == "TCS on overseas package" and tcs.rate_pct == 2
    paris = sheets["Miami and a Paris add-on"]
    assert {line.buy_currency for line in paris.lines} == {"USD", "EUR"} and not paris.taxes


def test_demo_queries_cover_every_status_source_and_agent(migrated_engine) -> None:
    from collections import Counter

    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.customers.models import Customer
    from travelcrm.db import tenant_scope
    from travelcrm.queries.models import Query

    with system_scope() as session:
        apply_demo_seeds(session, SEEDERS)
        tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
    ctx = TenantContext(tenant.id, None, Role.OWNER)
    with tenant_scope(ctx) as session:
        found = session.exec(select(Query)).all()
        customers = session.exec(select(Customer)).all()
    assert len(found) == 300 and len(customers) == 200
    statuses = Counter(q.status for q in found)
    assert {"pending", "assigned", "quoted", "won", "lost", "on_hold", "cancelled"} <= set(statuses)
    assert {q.source for q in found} == {"staff", "portal", "email"}
    assert len({q.assigned_to for q in found if q.assigned_to}) == 5  # the five agents


def test_statistics_are_refreshed_for_the_planner(migrated_engine) -> None:
    """After a bulk load (the demo data) the planner knows the tables' sizes: PostgreSQL's
    autovacuum may be off, and until it runs a join of 300 rows is planned as one of 1."""
    from sqlalchemy import text

    from travelcrm.db import get_engine, refresh_statistics

    refresh_statistics()
    with get_engine().connect() as connection:
        if connection.dialect.name == "postgresql":
            analyzed = connection.execute(
                text("SELECT reltuples >= 0 FROM pg_class WHERE relname = 'tenants'")
            ).scalar_one()
        else:
            analyzed = connection.execute(
                text("SELECT count(*) > 0 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            ).scalar_one()
    assert analyzed


def test_demo_quotes_cover_every_state(migrated_engine) -> None:
    from decimal import Decimal

    from travelcrm.core.pagination import PageParams
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import tenant_scope
    from travelcrm.quotes import services as quotes
    from travelcrm.quotes.machine import QuoteState

    with system_scope() as session:
        apply_demo_seeds(session, SEEDERS)
        agencies = {t.slug: t.id for t in session.exec(select(Tenant)).all()}
    for slug in ("sunrise-holidays", "blue-horizon-tours"):
        ctx = TenantContext(agencies[slug], None, Role.OWNER)
        with tenant_scope(ctx) as session:
            found = quotes.list_quotes(session, ctx, page=PageParams(100, None)).items
            assert {q.state for q in found} == set(QuoteState), slug
            for item in found:
                shown = quotes.to_public(quotes.get_quote(session, ctx, quote_id=item.id))
                assert sum((p.amount for p in shown.schedule), Decimal(0)) == shown.total
                assert shown.terms.startswith("Cancellation") and shown.total > 0
            accepted = next(q for q in found if q.state is QuoteState.ACCEPTED)
            assert accepted.version == 2


def test_demo_hotels_and_activities_have_descriptions_and_drawn_photos(migrated_engine) -> None:
    from PIL import Image

    from travelcrm.accounts.models import User
    from travelcrm.core.permissions import Role
    from travelcrm.core.tenancy import TenantContext
    from travelcrm.db import tenant_scope
    from travelcrm.suppliers import content
    from travelcrm.suppliers import services as suppliers
    from travelcrm.suppliers.schemas import SupplierFilter

    with system_scope() as session:
        apply_demo_seeds(session, SEEDERS)
    slug, email, _name, _password = DEMO_LOGINS[0]
    with system_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == slug)).one()
        owner = session.exec(select(User).where(User.email == email)).one()
    ctx = TenantContext(tenant.id, owner.id, Role.OWNER)
    with tenant_scope(ctx) as session:
        hotels = suppliers.list_suppliers(
            session, ctx, filters=SupplierFilter(kind="hotel"), limit=50
        ).items
        assert hotels
        services = suppliers.list_services(session, ctx, supplier_id=hotels[0].id)
        blurbs = suppliers.content_for(session, ctx, service_ids=[s.id for s in services])
        assert set(blurbs) == {s.id for s in services}
        for blurb in blurbs.values():
            assert blurb.first_line and blurb.highlights
            assert len(blurb.photos) == 2 and blurb.photos[0].is_cover
        photo = blurbs[services[0].id].photos[0]
        data, media, _ = content.photo_bytes(
            session,
            ctx,
            supplier_id=hotels[0].id,
            service_id=services[0].id,
            photo_id=photo.id,
            size="large",
        )
    assert media == "image/jpeg" and Image.open(io.BytesIO(data)).size == (1200, 800)
