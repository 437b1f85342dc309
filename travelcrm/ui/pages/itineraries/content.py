"""What the content library says of each service on an itinerary's rows: its cover photo's
thumbnail and the first line of its description (read through `suppliers.content_for`, one
query for the whole itinerary). A person whose role may not see suppliers sees neither."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import reflex as rx

from travelcrm.core.permissions import Action, can
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.itineraries.schemas import ItemPublic
from travelcrm.suppliers import services as suppliers
from travelcrm.ui.components.backend import backend_url


def item_content(
    session: Session, ctx: TenantContext, items: Iterable[ItemPublic]
) -> tuple[dict[str, str], dict[str, str]]:
    """Per item id: its service's cover thumbnail (a path on the API) and the first line of
    its description; items without either are left out."""
    if not can(ctx.role, Action.SUPPLIERS_VIEW):
        return {}, {}
    items = list(items)
    blurbs = suppliers.content_for(
        session, ctx, service_ids=[i.service_id for i in items if i.service_id is not None]
    )
    thumbs: dict[str, str] = {}
    lines: dict[str, str] = {}
    for item in items:
        blurb = blurbs.get(item.service_id) if item.service_id is not None else None
        if blurb is None:
            continue
        if blurb.cover_thumb_url:
            thumbs[str(item.id)] = blurb.cover_thumb_url
        if blurb.first_line:
            lines[str(item.id)] = blurb.first_line
    return thumbs, lines


def item_content_line(thumbs: Any, lines: Any, item_id: rx.Var[str]) -> rx.Component:
    """Under an item's title: the cover's thumbnail and the description's first line
    (`thumbs` and `lines`: the page state's dict vars by item id)."""
    thumb = rx.Var.create(thumbs).to(dict).get(item_id, "").to(str)
    line = rx.Var.create(lines).to(dict).get(item_id, "").to(str)
    return rx.cond(
        (thumb != "") | (line != ""),
        rx.hstack(
            rx.cond(
                thumb != "",
                rx.image(
                    src=backend_url(thumb),
                    alt="",
                    width="56px",
                    height="40px",
                    min_width="56px",
                    object_fit="cover",
                    border_radius="4px",
                    loading="lazy",
                    data_testid="item-cover",
                ),
            ),
            rx.text(
                line,
                size="1",
                color=rx.color("gray", 11),
                line_clamp=2,
                data_testid="item-blurb",
            ),
            spacing="2",
            align="center",
            width="100%",
        ),
    )
