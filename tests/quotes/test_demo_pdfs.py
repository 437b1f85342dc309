"""The demo agencies' quotes render: one PDF per quote state, each with its number, version and
total read back from the PDF's text."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlmodel import select

from travelcrm.core.locale import money_text
from travelcrm.core.pagination import PageParams
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import system_scope, tenant_scope
from travelcrm.demo import SEEDERS
from travelcrm.quotes import documents
from travelcrm.quotes import services as quotes
from travelcrm.quotes.machine import QuoteState
from travelcrm.system.services import apply_demo_seeds
from travelcrm.tenants.models import Tenant


def _text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(p.extract_text().replace("\u00a0", " ").split()) for p in pages)


def test_each_demo_quote_state_renders_its_pdf(migrated_engine) -> None:
    with system_scope() as session:
        apply_demo_seeds(session, SEEDERS)
        tenant = session.exec(select(Tenant).where(Tenant.slug == "sunrise-holidays")).one()
        tenant_id, locale = tenant.id, tenant.locale
    ctx = TenantContext(tenant_id, None, Role.OWNER)
    with tenant_scope(ctx) as session:
        found = quotes.list_quotes(session, ctx, page=PageParams(100, None)).items
    one_per_state = {q.state: q for q in found}
    assert set(one_per_state) == set(QuoteState)
    for state, item in one_per_state.items():
        with tenant_scope(ctx) as session:
            data, filename = documents.quote_pdf(session, ctx, quote_id=item.id)
        text = _text(data)
        amount = " ".join(money_text(item.total, item.currency, locale=locale).split())
        assert filename.startswith(f"{item.reference} v{item.version}"), (state, filename)
        assert f"{item.reference} · Version {item.version}" in text, state
        assert f"Total {amount}" in text, (state, amount)
