"""The itinerary builder shows, on each service's row, the cover thumbnail and the first line
of the service's description from the supplier's content library (read in one query through
`suppliers.content_for`); services without content show nothing more."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.rates.factories import make_contract
from tests.ui.harness import signed_in_token
from tests.ui.test_itineraries_pages import _builder, _trip
from travelcrm.accounts.models import User
from travelcrm.db import system_scope, tenant_scope
from travelcrm.itineraries import services as itineraries
from travelcrm.itineraries.schemas import ItemIn
from travelcrm.suppliers import content
from travelcrm.suppliers.schemas import ContentIn

pytestmark = pytest.mark.usefixtures("migrated_engine", "frozen_clock")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (20, 120, 180)).save(out, format="PNG")
    return out.getvalue()


def test_item_rows_show_the_cover_thumbnail_and_the_first_line_of_the_description() -> None:
    contract = make_contract()
    ctx = contract.ctx
    with tenant_scope(ctx) as session:
        content.set_content(
            session,
            ctx,
            supplier_id=contract.supplier_id,
            service_id=contract.room_id,
            data=ContentIn(description="## Sea-facing rooms\nWith balconies.", highlights=[]),
        )
        photo = content.add_photo(
            session, ctx, supplier_id=contract.supplier_id, service_id=contract.room_id, data=_png()
        )
    trip_id = _trip(ctx)
    with tenant_scope(ctx) as session:
        shown = itineraries.to_public(
            session, itineraries.get_itinerary(session, ctx, itinerary_id=trip_id)
        )
        day = shown.days[0].id
        stay = itineraries.add_item(
            session,
            ctx,
            itinerary_id=trip_id,
            day_id=day,
            data=ItemIn(kind="stay", service_id=contract.room_id, nights=2),
        )
        tour = itineraries.add_item(
            session,
            ctx,
            itinerary_id=trip_id,
            day_id=day,
            data=ItemIn(kind="activity", service_id=contract.tour_id),
        )
    with system_scope() as session:
        user = session.get(User, ctx.user_id)
        assert user is not None
        email = user.email
    page = _builder(signed_in_token(email), trip_id)
    assert page.found
    assert page.item_thumbs == {str(stay.id): photo.thumb_url}
    assert page.item_lines == {str(stay.id): "Sea-facing rooms"}
    assert str(tour.id) not in page.item_thumbs and str(tour.id) not in page.item_lines
