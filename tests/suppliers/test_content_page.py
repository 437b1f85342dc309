"""The supplier page's "Description and photos" dialog, its handlers called straight as the
websocket calls them: limits said at their field before anything is sent, photos uploaded (a
bad file named with its reason, the good ones kept), cover, order, captions and deletion, the
services list showing the cover; and another agency's service is "not found" to every handler."""

from __future__ import annotations

import asyncio
import io
import uuid
from pathlib import Path
from typing import Any

import reflex as rx
from PIL import Image

from tests.accounts.test_accounts import _verified
from tests.ui.harness import said
from tests.ui.harness import signed_in as _signed_in
from tests.ui.harness import tree_state as _state
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.suppliers import content
from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.schemas import ServiceContentPublic, ServiceIn, SupplierCreate
from travelcrm.ui.events import plain
from travelcrm.ui.pages.suppliers.content_state import (
    ContentState,
    content_problems,
    highlight_lines,
    rejected_files,
)
from travelcrm.ui.pages.suppliers.state import SupplierState

S = ContentState


def _png(colour: tuple[int, int, int], size: tuple[int, int] = (900, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def _file(name: str, data: bytes) -> rx.UploadFile:
    return rx.UploadFile(file=io.BytesIO(data), path=Path(name), size=len(data))


def _hotel(ctx: TenantContext, name: str) -> tuple[str, str]:
    with tenant_scope(ctx) as session:
        supplier = suppliers.create_supplier(
            session,
            ctx,
            data=SupplierCreate(name=name, kind="hotel", country="IN", default_currency="INR"),
        )
        service = suppliers.add_service(
            session,
            ctx,
            supplier_id=supplier.id,
            data=ServiceIn(kind="room", name="Deluxe Sea View", meal_plan="CP"),
        )
        return str(supplier.id), str(service.id)


def _page(email: str, supplier_id: str) -> tuple[SupplierState, ContentState]:
    token, _ = _signed_in(email)
    state = _state(SupplierState, token, f"/suppliers/{supplier_id}", {"id": supplier_id})
    plain(SupplierState.load)(state)
    sub = state.substates[ContentState.get_name()]
    assert isinstance(sub, ContentState)
    return state, sub


def _drain(agen: Any) -> list[Any]:
    async def run() -> list[Any]:
        return [item async for item in agen]

    return asyncio.run(run())


def _stored(ctx: TenantContext, supplier_id: str, service_id: str) -> ServiceContentPublic:
    with tenant_scope(ctx) as session:
        return content.get_content(
            session, ctx, supplier_id=uuid.UUID(supplier_id), service_id=uuid.UUID(service_id)
        )


def test_the_dialogs_words() -> None:
    assert highlight_lines("- Sea view\n\n • Balcony \n*Pool") == ["Sea view", "Balcony", "Pool"]
    assert content_problems("x" * 4001, []) == {
        "description": "The description can be at most 4,000 characters; this one has 4,001."
    }
    assert content_problems("", [f"h{n}" for n in range(7)]) == {
        "highlights": "Up to 6 highlights, one per line; there are 7."
    }
    assert content_problems("", ["ok", "y" * 81])["highlights"].endswith("line 2 is longer.")
    assert content_problems("Fine.", ["Sea view"]) == {}
    said_ = rejected_files(
        [
            {"file": {"path": "./cat.gif"}, "errors": [{"code": "file-invalid-type"}]},
            {"file": {"path": "huge.jpg"}, "errors": [{"code": "file-too-large"}]},
        ]
    )
    assert said_ == "cat.gif is not a PNG, JPEG or WebP image. huge.jpg is larger than 10 MB."
    # the file itself instead of its description (a browser sending the bytes): still said
    assert rejected_files([{"file": b"GIF89a", "errors": [{"code": "file-invalid-type"}]}]) == (
        "A file is not a PNG, JPEG or WebP image."
    )


def test_describe_upload_order_cover_caption_and_delete(migrated_engine) -> None:
    signup = _verified()
    ctx = TenantContext(signup.tenant.id, signup.user.id, Role.OWNER)
    supplier_id, service_id = _hotel(ctx, "Sea Breeze Resort")
    state, sub = _page(signup.user.email, supplier_id)
    assert state.found and sub.editable

    plain(S.open_content)(sub, service_id)
    assert sub.content_open and sub.content_service_name == "Deluxe Sea View"
    assert sub.photos == [] and sub.content_version == 0

    # every problem at its field in one pass; nothing is sent
    result = plain(S.save_content)(
        sub, {"description": "x" * 4001, "highlights": "\n".join(f"h{n}" for n in range(7))}
    )
    assert set(sub.content_errors) == {"description", "highlights"}
    assert "need attention" in said(result)
    assert _stored(ctx, supplier_id, service_id).row_version == 0

    # typing clears the field's message; the text areas follow the state
    plain(S.set_content_description)(sub, "Rooms over **the beach**.")
    plain(S.set_content_highlights)(sub, "- Sea view\nBalcony")
    assert sub.content_errors == {}
    result = plain(S.save_content)(sub, {})
    assert "Description saved" in said(result) and sub.content_errors == {}
    assert sub.content_version == 1 and sub.content_highlights == "Sea view\nBalcony"

    # three files dropped: a GIF is refused by name, the two pictures are kept
    gif = io.BytesIO()
    Image.new("RGB", (40, 40)).save(gif, format="GIF")
    outcome = _drain(
        plain(S.upload_photos)(
            sub,
            [
                _file("pool.png", _png((30, 90, 200))),
                _file("cat.gif", gif.getvalue()),
                _file("lobby.png", _png((200, 150, 40), (600, 900))),
            ],
        )
    )
    assert "2 photos added" in said(outcome[-1])
    assert not sub.uploading and len(sub.upload_errors) == 1
    assert sub.upload_errors[0].startswith("cat.gif: Only PNG, JPEG or WebP images")
    assert [p.is_cover for p in sub.photos] == [True, False]
    assert sub.photos[0].thumb_url.startswith(f"/api/suppliers/{supplier_id}/services/")
    pool, lobby = sub.photos[0].photo_id, sub.photos[1].photo_id

    plain(S.make_cover)(sub, lobby)
    plain(S.move_photo)(sub, lobby, -1)
    assert [(p.photo_id, p.is_cover, p.first) for p in sub.photos] == [
        (lobby, True, True),
        (pool, False, False),
    ]
    plain(S.save_caption)(sub, pool, "  Pool at dusk ")
    stored = _stored(ctx, supplier_id, service_id)
    assert [(str(p.id), p.caption) for p in stored.photos] == [(lobby, ""), (pool, "Pool at dusk")]

    # closing the dialog refreshes the services list with the cover
    plain(S.set_content_open)(sub, False)
    (row,) = state.services
    assert row.cover_thumb == stored.photos[0].thumb_url and row.content_note == "2 photos"

    plain(S.open_content)(sub, service_id)
    plain(S.remove_photo)(sub, lobby)
    assert [(p.photo_id, p.is_cover) for p in sub.photos] == [(pool, True)]
    assert "no longer there" in said(plain(S.remove_photo)(sub, lobby))


def test_another_agencys_service_is_not_found_to_every_handler(migrated_engine) -> None:
    mine, theirs = _verified(), _verified()
    their_ctx = TenantContext(theirs.tenant.id, theirs.user.id, Role.OWNER)
    their_supplier, their_service = _hotel(their_ctx, "Bravo Lodge")
    with tenant_scope(their_ctx) as session:
        photo = content.add_photo(
            session,
            their_ctx,
            supplier_id=uuid.UUID(their_supplier),
            service_id=uuid.UUID(their_service),
            data=_png((10, 10, 10)),
        )
    my_supplier, _ = _hotel(TenantContext(mine.tenant.id, mine.user.id, Role.OWNER), "Mine")
    sub = _page(mine.user.email, my_supplier)[1]
    assert "not found" in said(plain(S.open_content)(sub, their_service)).lower()
    assert not sub.content_open and sub.photos == []
    # as if the browser insisted: their supplier and service, their photo
    sub.supplier_id, sub.content_service_id = their_supplier, their_service
    sub.photos = []
    plain(S.save_content)(sub, {"description": "Hijacked", "highlights": ""})
    outcome = _drain(plain(S.upload_photos)(sub, [_file("x.png", _png((1, 2, 3)))]))
    assert outcome and sub.upload_errors and "not found" in sub.upload_errors[0].lower()
    for handler in (S.make_cover, S.remove_photo):
        assert "no longer there" in said(plain(handler)(sub, str(photo.id)))
    stored = _stored(their_ctx, their_supplier, their_service)
    assert stored.description == "" and [p.id for p in stored.photos] == [photo.id]
