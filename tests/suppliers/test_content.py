"""The content library on the run's database (SQLite, or PostgreSQL with RLS): a description
and highlights per service, photos re-encoded on upload, in order with one cover; reading many
services' content at once for itineraries; the REST routes (upload, change, delete, the bytes
with long cache headers); and another agency's ids answering "not found" everywhere."""

from __future__ import annotations

import io
import threading
import uuid
from typing import Any

import pytest
from PIL import ExifTags, Image
from pydantic import ValidationError
from sqlmodel import col, select

from tests.suppliers.test_api import Agency
from tests.suppliers.test_services import _agency, _create, _events
from travelcrm.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
    VersionConflictError,
)
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.suppliers import content, services
from travelcrm.suppliers.models import ServicePhoto
from travelcrm.suppliers.schemas import (
    PHOTOS_LIMIT,
    ContentIn,
    PhotoUpdate,
    ServiceIn,
)

Pair = tuple[TenantContext, TenantContext]


@pytest.fixture
def agencies(migrated_engine) -> Pair:
    return (
        TenantContext(_agency("alpha"), uuid.uuid4(), Role.OWNER),
        TenantContext(_agency("bravo"), uuid.uuid4(), Role.OWNER),
    )


COLOURS = [(200, 40, 40), (40, 160, 60), (40, 60, 200), (220, 180, 30), (120, 40, 160)]


def _jpeg(colour: tuple[int, int, int] = COLOURS[0], size: tuple[int, int] = (2400, 1600)) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def _service(ctx: TenantContext, name: str = "Sea Breeze Resort") -> tuple[uuid.UUID, uuid.UUID]:
    supplier = _create(ctx, name=name)
    with tenant_scope(ctx) as session:
        service = services.add_service(
            session,
            ctx,
            supplier_id=supplier.id,
            data=ServiceIn.model_validate(
                {"kind": "room", "name": "Deluxe Sea View", "meal_plan": "CP"}
            ),
        )
        return supplier.id, service.id


def _add(ctx: TenantContext, ids: tuple[uuid.UUID, uuid.UUID], data: bytes, **kw: Any) -> Any:
    with tenant_scope(ctx) as session:
        return content.add_photo(
            session, ctx, supplier_id=ids[0], service_id=ids[1], data=data, **kw
        )


def _read(ctx: TenantContext, ids: tuple[uuid.UUID, uuid.UUID]) -> Any:
    with tenant_scope(ctx) as session:
        return content.get_content(session, ctx, supplier_id=ids[0], service_id=ids[1])


def _do(ctx: TenantContext, fn: Any, ids: tuple[uuid.UUID, uuid.UUID], **kw: Any) -> Any:
    with tenant_scope(ctx) as session:
        return fn(session, ctx, supplier_id=ids[0], service_id=ids[1], **kw)


# ---- the description --------------------------------------------------------------------------


def test_description_and_highlights_are_written_whole_with_a_version(agencies: Pair) -> None:
    alpha, _ = agencies
    ids = _service(alpha)
    empty = _read(alpha, ids)
    assert (empty.description, empty.highlights, empty.row_version, empty.photos) == (
        "",
        [],
        0,
        [],
    )
    text = "## Sea-facing rooms\n\nLarge rooms with a **balcony** over the beach."
    saved = _do(
        alpha,
        content.set_content,
        ids,
        data=ContentIn(description=f"  {text}  ", highlights=["Sea view", " Balcony "]),
        expected_version=0,
    )
    assert saved.description == text and saved.highlights == ["Sea view", "Balcony"]
    assert saved.row_version == 1 and saved.service_name == "Deluxe Sea View"
    again = _do(alpha, content.set_content, ids, data=ContentIn(description=text, highlights=[]))
    assert again.row_version == 2 and again.highlights == []
    # the same words again change nothing
    same = _do(alpha, content.set_content, ids, data=ContentIn(description=text, highlights=[]))
    assert same.row_version == 2
    # a stale version is a conflict, never an overwrite
    with pytest.raises(VersionConflictError):
        _do(
            alpha,
            content.set_content,
            ids,
            data=ContentIn(description="Mine"),
            expected_version=1,
        )
    assert _read(alpha, ids).description == text
    actions = [e.action for e in _events(alpha, ids[0])]
    assert actions.count("supplier.service_content_updated") == 2


def test_the_description_has_limits_in_words(agencies: Pair) -> None:
    with pytest.raises(ValidationError) as too_long:
        ContentIn(description="x" * 4001)
    assert too_long.value.errors()[0]["loc"] == ("description",)
    with pytest.raises(ValidationError) as too_many:
        ContentIn(highlights=[f"Point {n}" for n in range(7)])
    assert too_many.value.errors()[0]["loc"] == ("highlights",)
    with pytest.raises(ValidationError):
        ContentIn(highlights=["   "])
    with pytest.raises(ValidationError):
        ContentIn(description="Nul\x00")
    with pytest.raises(ValidationError):
        ContentIn.model_validate({"description": "x", "row_version": 9})


# ---- photos -----------------------------------------------------------------------------------


def test_photos_are_processed_ordered_and_the_first_is_the_cover(agencies: Pair) -> None:
    alpha, _ = agencies
    ids = _service(alpha)
    first = _add(alpha, ids, _jpeg(COLOURS[0]), caption="Pool at dusk", alt_text="A blue pool")
    second = _add(alpha, ids, _jpeg(COLOURS[1], (800, 1200)))
    assert (first.position, first.is_cover, first.width, first.height) == (1, True, 1600, 1067)
    assert (second.position, second.is_cover, second.width, second.height) == (2, False, 800, 1200)
    assert first.url.startswith(f"/api/suppliers/{ids[0]}/services/{ids[1]}/photos/{first.id}/")
    with tenant_scope(alpha) as session:
        large, media, digest = content.photo_bytes(
            session, alpha, supplier_id=ids[0], service_id=ids[1], photo_id=first.id, size="large"
        )
        thumb, _, thumb_digest = content.photo_bytes(
            session, alpha, supplier_id=ids[0], service_id=ids[1], photo_id=first.id, size="thumb"
        )
    assert media == "image/jpeg" and b"PhoneMaker" not in large
    assert Image.open(io.BytesIO(large)).size == (1600, 1067)
    assert Image.open(io.BytesIO(thumb)).size == (400, 267)
    assert first.url.endswith(f"?v={digest[:16]}") and first.thumb_url.endswith(thumb_digest[:16])
    actions = [e.action for e in _events(alpha, ids[0])]
    assert actions.count("supplier.service_photo_added") == 2


def test_reorder_cover_captions_and_delete_keep_one_cover_and_positions_1_to_n(
    agencies: Pair,
) -> None:
    alpha, _ = agencies
    ids = _service(alpha)
    a, b, c = (_add(alpha, ids, _jpeg(colour, (300, 200))) for colour in COLOURS[:3])

    shown = _do(alpha, content.reorder_photos, ids, photo_ids=[c.id, a.id, b.id])
    assert [p.id for p in shown.photos] == [c.id, a.id, b.id]
    assert [p.position for p in shown.photos] == [1, 2, 3]
    with pytest.raises(ValidationFailedError):
        _do(alpha, content.reorder_photos, ids, photo_ids=[c.id, a.id])

    shown = _do(alpha, content.set_cover, ids, photo_id=b.id)
    assert [p.is_cover for p in shown.photos] == [False, False, True]
    shown = _do(
        alpha,
        content.update_photo,
        ids,
        photo_id=b.id,
        data=PhotoUpdate(position=1, caption=" Lobby ", alt_text="Marble lobby"),
    )
    assert [p.id for p in shown.photos] == [b.id, c.id, a.id]
    assert (shown.photos[0].caption, shown.photos[0].alt_text) == ("Lobby", "Marble lobby")
    # a position past the end moves it last
    shown = _do(alpha, content.update_photo, ids, photo_id=b.id, data=PhotoUpdate(position=12))
    assert [p.id for p in shown.photos] == [c.id, a.id, b.id]

    shown = _do(alpha, content.delete_photo, ids, photo_id=b.id)  # the cover goes
    assert [p.id for p in shown.photos] == [c.id, a.id]
    assert [(p.position, p.is_cover) for p in shown.photos] == [(1, True), (2, False)]
    with tenant_scope(alpha) as session:
        left = session.exec(
            select(ServicePhoto).where(col(ServicePhoto.service_id) == ids[1])
        ).all()
    assert len(left) == 2
    with pytest.raises(NotFoundError):
        _do(alpha, content.delete_photo, ids, photo_id=b.id)


def test_a_service_holds_at_most_twelve_photos(agencies: Pair) -> None:
    alpha, _ = agencies
    ids = _service(alpha)
    small = _jpeg(COLOURS[2], (64, 64))
    for _ in range(PHOTOS_LIMIT):
        _add(alpha, ids, small)
    with pytest.raises(ConflictError) as refused:
        _add(alpha, ids, small)
    assert refused.value.code == "too_many_photos"
    assert refused.value.errors[0].field == "photo"


def test_a_bad_file_is_refused_at_the_photo_field_and_nothing_is_stored(agencies: Pair) -> None:
    alpha, _ = agencies
    ids = _service(alpha)
    with pytest.raises(ValidationFailedError) as refused:
        _add(alpha, ids, b"GIF89a" + b"\x00" * 200, filename="cat.jpg")
    assert refused.value.errors[0].field == "photo"
    assert refused.value.errors[0].code == "unsupported_type"
    assert _read(alpha, ids).photos == []


def test_two_uploads_at_once_get_distinct_positions_and_one_cover(agencies: Pair) -> None:
    alpha, _ = agencies
    ids = _service(alpha)
    data = [_jpeg(COLOURS[n], (500, 400)) for n in range(4)]
    errors: list[BaseException] = []

    def upload(blob: bytes) -> None:
        try:
            _add(alpha, ids, blob)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(blob,)) for blob in data]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    photos = _read(alpha, ids).photos
    assert sorted(p.position for p in photos) == [1, 2, 3, 4]
    assert sum(p.is_cover for p in photos) == 1


def test_an_agent_reads_but_cannot_change_content(agencies: Pair) -> None:
    alpha, _ = agencies
    ids = _service(alpha)
    _add(alpha, ids, _jpeg())
    agent = TenantContext(alpha.tenant_id, uuid.uuid4(), Role.AGENT)
    assert len(_read(agent, ids).photos) == 1
    with pytest.raises(PermissionDeniedError):
        _do(agent, content.set_content, ids, data=ContentIn(description="x"))
    with pytest.raises(PermissionDeniedError):
        _add(agent, ids, _jpeg())


def test_another_agencys_ids_are_not_found_everywhere(agencies: Pair) -> None:
    alpha, bravo = agencies
    ids = _service(alpha)
    photo = _add(alpha, ids, _jpeg())
    mine = _service(bravo, name="Bravo Hotel")
    calls: list[tuple[Any, dict[str, Any]]] = [
        (content.get_content, {}),
        (content.set_content, {"data": ContentIn(description="x")}),
        (content.add_photo, {"data": _jpeg()}),
        (content.update_photo, {"photo_id": photo.id, "data": PhotoUpdate(caption="x")}),
        (content.set_cover, {"photo_id": photo.id}),
        (content.reorder_photos, {"photo_ids": [photo.id]}),
        (content.delete_photo, {"photo_id": photo.id}),
        (content.photo_bytes, {"photo_id": photo.id, "size": "large"}),
    ]
    for fn, kw in calls:
        with pytest.raises(NotFoundError):
            _do(bravo, fn, ids, **kw)
    # bravo's own service with alpha's photo id: still not found
    with pytest.raises(NotFoundError):
        _do(bravo, content.photo_bytes, mine, photo_id=photo.id, size="large")
    with tenant_scope(bravo) as session:
        assert services.content_for(session, bravo, service_ids=[ids[1]]) == {}
    assert len(_read(alpha, ids).photos) == 1


# ---- reading for itineraries and proposals ----------------------------------------------------


def test_content_for_many_services_in_one_go_cover_first_line_and_photos(agencies: Pair) -> None:
    alpha, _ = agencies
    ids = _service(alpha)
    bare = _service(alpha, name="Hill Lodge")
    _do(
        alpha,
        content.set_content,
        ids,
        data=ContentIn(
            description="\n**Sea-facing** rooms with balconies.\nSecond line.",
            highlights=["Sea view"],
        ),
    )
    a = _add(alpha, ids, _jpeg(COLOURS[0], (300, 200)), alt_text="Pool")
    b = _add(alpha, ids, _jpeg(COLOURS[1], (300, 200)))
    _do(alpha, content.set_cover, ids, photo_id=b.id)
    with tenant_scope(alpha) as session:
        found = services.content_for(session, alpha, service_ids=[ids[1], bare[1], uuid.uuid4()])
    assert set(found) == {ids[1], bare[1]}
    blurb = found[ids[1]]
    assert blurb.first_line == "Sea-facing rooms with balconies."
    assert blurb.highlights == ["Sea view"]
    assert [p.id for p in blurb.photos] == [a.id, b.id]
    assert blurb.cover_url and f"/photos/{b.id}/large?v=" in blurb.cover_url
    assert blurb.cover_thumb_url and f"/photos/{b.id}/thumb?v=" in blurb.cover_thumb_url
    empty = found[bare[1]]
    assert (empty.description, empty.cover_url, empty.photos) == ("", None, [])


# ---- REST -------------------------------------------------------------------------------------


@pytest.fixture
def alpha(migrated_engine) -> Agency:
    return Agency()


@pytest.fixture
def bravo(migrated_engine) -> Agency:
    return Agency()


def _rest_service(agency: Agency) -> str:
    supplier = agency.supplier()
    response = agency.owner.post(
        f"/api/suppliers/{supplier['id']}/services",
        json={"kind": "room", "name": "Deluxe Sea View", "meal_plan": "CP"},
    )
    assert response.status_code == 201, response.text
    return f"/api/suppliers/{supplier['id']}/services/{response.json()['data']['id']}"


def test_rest_content_photos_and_their_bytes(alpha: Agency) -> None:
    client = alpha.owner
    base = _rest_service(alpha)
    read = client.get(f"{base}/content")
    assert read.status_code == 200 and read.json()["data"]["row_version"] == 0
    etag = read.headers["etag"]
    put = client.put(
        f"{base}/content",
        json={"description": "Rooms over the beach.", "highlights": ["Sea view"]},
        headers={"If-Match": etag},
    )
    assert put.status_code == 200, put.text
    assert put.json()["data"]["row_version"] == 1
    stale = client.put(f"{base}/content", json={"description": "x"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    refused = client.put(f"{base}/content", json={"description": "x", "tenant_id": "x"})
    assert refused.status_code == 422

    posted = client.post(
        f"{base}/photos",
        files={"file": ("pool.jpg", _jpeg(), "image/jpeg")},
        data={"caption": "Pool", "alt_text": "A blue pool"},
    )
    assert posted.status_code == 201, posted.text
    photo = posted.json()["data"]
    assert photo["is_cover"] and photo["caption"] == "Pool" and photo["width"] == 1600
    second = client.post(
        f"{base}/photos", files={"file": ("b.png", _jpeg(COLOURS[1], (300, 300)), "image/png")}
    ).json()["data"]

    got = client.get(photo["url"])
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    assert "immutable" in got.headers["cache-control"]
    assert "max-age=31536000" in got.headers["cache-control"]
    assert Image.open(io.BytesIO(got.content)).size == (1600, 1067)
    again = client.get(photo["url"], headers={"If-None-Match": got.headers["etag"]})
    assert again.status_code == 304
    thumb = client.get(photo["thumb_url"])
    assert Image.open(io.BytesIO(thumb.content)).size == (400, 267)
    assert client.get(photo["url"].replace("/large?", "/huge?")).status_code == 422

    patched = client.patch(
        f"{base}/photos/{second['id']}", json={"is_cover": True, "position": 1, "caption": "Room"}
    )
    assert patched.status_code == 200, patched.text
    photos = patched.json()["data"]["photos"]
    assert [(p["id"], p["is_cover"]) for p in photos] == [
        (second["id"], True),
        (photo["id"], False),
    ]
    assert client.patch(f"{base}/photos/{photo['id']}", json={"is_cover": False}).status_code == 422

    bad = client.post(f"{base}/photos", files={"file": ("x.jpg", b"%PDF-1.4 no", "image/jpeg")})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "photo"

    deleted = client.delete(f"{base}/photos/{second['id']}")
    assert deleted.status_code == 204
    left = client.get(f"{base}/content").json()["data"]["photos"]
    assert [(p["id"], p["is_cover"], p["position"]) for p in left] == [(photo["id"], True, 1)]
    assert client.get(second["url"]).status_code == 404


def test_rest_another_agency_gets_404_and_an_agent_403(alpha: Agency, bravo: Agency) -> None:
    base = _rest_service(alpha)
    photo = alpha.owner.post(
        f"{base}/photos", files={"file": ("pool.jpg", _jpeg(), "image/jpeg")}
    ).json()["data"]
    other = bravo.owner
    assert other.get(f"{base}/content").status_code == 404
    assert other.put(f"{base}/content", json={"description": "x"}).status_code == 404
    assert (
        other.post(
            f"{base}/photos", files={"file": ("pool.jpg", _jpeg(), "image/jpeg")}
        ).status_code
        == 404
    )
    assert other.patch(f"{base}/photos/{photo['id']}", json={"caption": "x"}).status_code == 404
    assert other.delete(f"{base}/photos/{photo['id']}").status_code == 404
    assert other.get(photo["url"]).status_code == 404
    assert other.get(photo["thumb_url"]).status_code == 404
    agent = alpha.client_for(Role.AGENT)
    assert agent.get(photo["url"]).status_code == 200
    assert agent.put(f"{base}/content", json={"description": "x"}).status_code == 403
    assert alpha.owner.get(photo["url"]).status_code == 200
