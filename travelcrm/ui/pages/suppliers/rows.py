"""What the supplier page shows, as plain rows: the overview form's values, contacts, services,
rate lists and the revealed bank details. Built from the services' models; no Reflex state."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from travelcrm.core.locale import country_name, currency_label
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.models import Supplier, SupplierContact
from travelcrm.suppliers.schemas import BankDetailsPublic, ServiceBlurb, ServicePublic
from travelcrm.ui import routes
from travelcrm.ui.pages.suppliers.text import MEAL_PLAN_LABELS, SERVICE_LABELS, as_text

OVERVIEW_FIELDS = (
    "name",
    "kind",
    "city",
    "region",
    "country",
    "address",
    "legal_name",
    "gstin",
    "pan",
    "tax_id",
    "email",
    "phone",
    "website",
    "tags",
    "default_currency",
    "payment_terms",
    "payment_due_days",
    "default_commission_pct",
    "notes",
)


@dataclass
class ContactRow:
    contact_id: str
    name: str
    role: str
    email: str
    phone: str
    is_primary: bool


@dataclass
class ServiceRow:
    service_id: str
    kind: str
    kind_label: str
    name: str
    code: str
    meal_plan: str
    meal_label: str
    max_occupancy: str
    is_active: bool
    rate_lines: int
    cover_thumb: str = ""  # the cover photo's thumbnail path on the API, or ""
    content_note: str = ""  # "3 photos", "Description only", "" when there is none


@dataclass
class RateListRow:
    rate_list_id: str
    name: str
    market: str
    agent_group: str
    href: str
    archived: bool


@dataclass
class BankLine:
    label: str
    value: str


def overview_values(supplier: Supplier) -> dict[str, str]:
    values = {name: as_text(getattr(supplier, name)) for name in OVERVIEW_FIELDS}
    pct = supplier.default_commission_pct
    values["default_commission_pct"] = "" if pct is None else format(Decimal(pct).normalize(), "f")
    # the country and the currency by name, as the form shows and sends them
    values["country"] = country_name(supplier.country)
    values["default_currency"] = (
        currency_label(supplier.default_currency) if supplier.default_currency else ""
    )
    return values


def contact_row(contact: SupplierContact) -> ContactRow:
    return ContactRow(
        contact_id=str(contact.id),
        name=contact.name,
        role=contact.role or "",
        email=contact.email or "",
        phone=contact.phone or "",
        is_primary=contact.is_primary,
    )


def content_note(blurb: ServiceBlurb | None) -> str:
    """What the services list says of a service's content."""
    if blurb is None or (not blurb.photos and not blurb.description):
        return ""
    if not blurb.photos:
        return "Description only"
    count = len(blurb.photos)
    return f"{count} photo{'s' if count != 1 else ''}"


def service_row(service: ServicePublic, blurb: ServiceBlurb | None = None) -> ServiceRow:
    return ServiceRow(
        service_id=str(service.id),
        kind=service.kind,
        kind_label=SERVICE_LABELS.get(service.kind, service.kind),
        name=service.name,
        code=service.code or "",
        meal_plan=service.meal_plan or "",
        meal_label=MEAL_PLAN_LABELS.get(service.meal_plan or "", ""),
        max_occupancy=str(service.max_occupancy or ""),
        is_active=service.is_active,
        rate_lines=service.rate_line_count,
        cover_thumb=(blurb.cover_thumb_url or "") if blurb else "",
        content_note=content_note(blurb),
    )


def rate_list_rows(
    session: Session, ctx: TenantContext, supplier_id: uuid.UUID
) -> list[RateListRow]:
    return [
        RateListRow(
            rate_list_id=str(r.id),
            name=r.name,
            market=r.market.replace("_", " "),
            agent_group=r.agent_group or "",
            href=routes.rate_list(r.id),
            archived=r.is_archived,
        )
        for r in suppliers.rate_lists_of(session, ctx, supplier_id=supplier_id)
    ]


def bank_lines(details: BankDetailsPublic) -> list[BankLine]:
    return [
        BankLine(label, value)
        for label, value in (
            ("Account holder", details.account_holder),
            ("Bank", details.bank_name),
            ("Account number", details.account_number),
            ("IFSC", details.ifsc or ""),
            ("SWIFT / BIC", details.swift or ""),
            ("IBAN", details.iban or ""),
            ("Branch", details.branch or ""),
        )
        if value
    ]
