"""The supplier page's "Description and photos" dialog of one service: the description and
highlights (saved against the version read, so someone else's change is never overwritten),
photo uploads (dropped or chosen, several at once, with progress), their order, the cover, and
captions. A substate of `SupplierState`; every handler calls `suppliers.content` in the
viewer's agency, so another agency's ids are "not found" whatever the browser sends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.errors import DomainError
from travelcrm.core.images import PHOTO_MAX_UPLOAD_BYTES
from travelcrm.db import tenant_scope
from travelcrm.suppliers import content
from travelcrm.suppliers.schemas import (
    CAPTION_LIMIT,
    DESCRIPTION_LIMIT,
    HIGHLIGHT_LIMIT,
    HIGHLIGHTS_LIMIT,
    PHOTOS_LIMIT,
    ContentIn,
    PhotoUpdate,
    ServiceContentPublic,
)
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.suppliers.state import SupplierState

PHOTO_UPLOAD_ID = "service-photos"
ACCEPTED_TYPES_TEXT = "PNG, JPEG or WebP"
NOT_LISTED = "That photo is no longer there; the dialog shows the photos as they are now."
# What the browser's file picker refuses before anything is sent (react-dropzone codes).
_REJECTIONS = {
    "file-invalid-type": f"is not a {ACCEPTED_TYPES_TEXT} image",
    "file-too-large": f"is larger than {PHOTO_MAX_UPLOAD_BYTES // (1024 * 1024)} MB",
    "too-many-files": f"is one too many (at most {PHOTOS_LIMIT} photos)",
}


@dataclass
class PhotoCard:
    photo_id: str
    thumb_url: str  # path on the API (the page puts the backend's origin in front)
    url: str
    caption: str
    alt_text: str
    is_cover: bool
    first: bool
    last: bool
    size: str  # "1600 x 1067"


def photo_cards(shown: ServiceContentPublic) -> list[PhotoCard]:
    count = len(shown.photos)
    return [
        PhotoCard(
            photo_id=str(p.id),
            thumb_url=p.thumb_url,
            url=p.url,
            caption=p.caption,
            alt_text=p.alt_text or p.caption or f"Photo {p.position} of {shown.service_name}",
            is_cover=p.is_cover,
            first=n == 0,
            last=n == count - 1,
            size=f"{p.width} x {p.height}",
        )
        for n, p in enumerate(shown.photos)
    ]


def highlight_lines(text: str) -> list[str]:
    """The highlights box: one per line, blank lines and bullets dropped."""
    lines = (line.strip().lstrip("-•*").strip() for line in text.splitlines())
    return [line for line in lines if line]


def content_problems(description: str, highlights: list[str]) -> dict[str, str]:
    """What the dialog says before asking the server (the schema checks the same limits)."""
    problems: dict[str, str] = {}
    size = len(description.strip())
    if size > DESCRIPTION_LIMIT:
        problems["description"] = (
            f"The description can be at most {DESCRIPTION_LIMIT:,} characters; this one has "
            f"{size:,}."
        )
    if len(highlights) > HIGHLIGHTS_LIMIT:
        problems["highlights"] = (
            f"Up to {HIGHLIGHTS_LIMIT} highlights, one per line; there are {len(highlights)}."
        )
    else:
        long = [n for n, line in enumerate(highlights, start=1) if len(line) > HIGHLIGHT_LIMIT]
        if long:
            problems["highlights"] = (
                f"Each highlight can be at most {HIGHLIGHT_LIMIT} characters; line {long[0]} is "
                "longer."
            )
    return problems


def content_messages(exc: ValidationError) -> dict[str, str]:
    """The schema's refusals in words (what `content_problems` does not foresee: control
    characters pasted from elsewhere)."""
    messages: dict[str, str] = {}
    for error in exc.errors():
        loc = error.get("loc", ())
        name = str(loc[0]) if loc else "description"
        messages.setdefault(name, "This text holds characters that cannot be saved; retype it.")
    return messages


def rejected_files(rejected: list[dict[str, Any]]) -> str:
    """Why the file picker refused files, in words, naming each file."""
    said = []
    for item in rejected:
        if not isinstance(item, dict):
            continue
        # the browser may send the file itself (its bytes) rather than its description
        file = item.get("file")
        path = file.get("path") or file.get("name") if isinstance(file, dict) else None
        name = str(path or "A file").lstrip("./") or "A file"
        codes = [e.get("code") for e in item.get("errors") or [] if isinstance(e, dict)]
        reason = next((_REJECTIONS[c] for c in codes if c in _REJECTIONS), "cannot be used")
        said.append(f"{name} {reason}.")
    return " ".join(said) or "That file cannot be used."


class ContentState(SupplierState):
    content_open: bool = False
    content_service_id: str = ""
    content_service_name: str = ""
    content_description: str = ""
    content_highlights: str = ""  # one per line
    content_version: int = 0
    content_errors: dict[str, str] = {}
    photos: list[PhotoCard] = []
    uploading: bool = False
    upload_progress: int = 0  # percent of the bytes sent
    upload_errors: list[str] = []
    # what the file picker refused of the files dropped last: the picker says it before or
    # after the upload of the files it took, and both belong under the dropzone together
    _rejections: list[str] = []

    def _show_content(self, shown: ServiceContentPublic) -> None:
        self.content_service_name = shown.service_name
        self.content_description = shown.description
        self.content_highlights = "\n".join(shown.highlights)
        self.content_version = shown.row_version
        self.photos = photo_cards(shown)

    def _ids(self) -> tuple[Any, Any] | None:
        supplier, service = parse_id(self.supplier_id), parse_id(self.content_service_id)
        return None if supplier is None or service is None else (supplier, service)

    def _content_work(self, call: Any, **kw: Any) -> EventSpec | None:
        """`call(session, ctx, supplier_id=..., service_id=..., **kw)`; the dialog then shows
        what it returns (the content as it is now), or the refusal as a toast."""
        ids = self._ids()
        if ids is None:
            return rx.toast.error("Service not found.")
        shown, failed = self._run(
            lambda session, ctx: call(session, ctx, supplier_id=ids[0], service_id=ids[1], **kw)
        )
        if isinstance(shown, ServiceContentPublic):
            self.photos = photo_cards(shown)
        return failed

    @event
    def open_content(self, service_id: str) -> EventSpec | None:
        self.content_service_id = service_id[:64]
        self.content_errors, self.upload_errors, self._rejections = {}, [], []
        self.uploading, self.upload_progress = False, 0
        ids = self._ids()
        if ids is None:
            return rx.toast.error("Service not found.")
        shown, failed = self._run(
            lambda session, ctx: content.get_content(
                session, ctx, supplier_id=ids[0], service_id=ids[1]
            )
        )
        if shown is None:
            return failed
        self._show_content(shown)
        self.content_open = True
        return None

    @event
    def set_content_open(self, value: bool) -> EventSpec | None:
        self.content_open = value
        if not value:  # the services list shows the new covers
            self._refresh()
        return None

    @event
    def set_content_description(self, value: str) -> None:
        if isinstance(value, str):
            self.content_description = value[: DESCRIPTION_LIMIT * 2]
            self.content_errors.pop("description", None)

    @event
    def set_content_highlights(self, value: str) -> None:
        if isinstance(value, str):
            self.content_highlights = value[:2000]
            self.content_errors.pop("highlights", None)

    @event
    def save_content(self, form_data: dict[str, Any]) -> EventSpec | None:
        description = str(form_data.get("description", self.content_description))
        highlights = highlight_lines(str(form_data.get("highlights", self.content_highlights)))
        self.content_description, self.content_highlights = description, "\n".join(highlights)
        self.content_errors = content_problems(description, highlights)
        if self.content_errors:
            return rx.toast.error("Some fields need attention.")
        try:
            data = ContentIn(description=description, highlights=highlights)
        except ValidationError as exc:
            self.content_errors = content_messages(exc)
            return rx.toast.error("Some fields need attention.")
        ids = self._ids()
        if ids is None:
            return rx.toast.error("Service not found.")
        shown, failed = self._run(
            lambda session, ctx: content.set_content(
                session,
                ctx,
                supplier_id=ids[0],
                service_id=ids[1],
                data=data,
                expected_version=self.content_version,
            ),
            errors="content_errors",
        )
        if shown is None:
            return failed
        self._show_content(shown)
        return rx.toast.success("Description saved.")

    # ---- photos ---------------------------------------------------------------------------

    @event
    def upload_progressed(self, progress: dict[str, Any]) -> None:
        value = progress.get("progress") if isinstance(progress, dict) else None
        if isinstance(value, int | float):
            self.upload_progress = max(0, min(100, round(value * 100)))

    @event
    async def upload_photos(
        self, files: list[rx.UploadFile]
    ) -> AsyncIterator[EventSpec | list[EventSpec] | None]:
        ids, viewer = self._ids(), self._viewer()
        if viewer is None:
            yield self._signed_out()
            return
        if ids is None or not files:
            return
        self.uploading, self.upload_errors = True, list(self._rejections)
        self._rejections = []
        yield None
        ctx = viewer.context
        errors: list[str] = []
        added = 0
        for upload in files:
            # One byte more than the limit tells "too large" without reading a huge file.
            data = await upload.read(PHOTO_MAX_UPLOAD_BYTES + 1)
            name = (upload.name or "The file").lstrip("./")

            def store(data: bytes = data, name: str = name) -> None:
                with tenant_scope(ctx) as session:
                    content.add_photo(
                        session,
                        ctx,
                        supplier_id=ids[0],
                        service_id=ids[1],
                        data=data,
                        filename=name,
                    )

            try:  # the picture is re-encoded off the event loop
                await asyncio.to_thread(store)
                added += 1
            except DomainError as exc:
                errors.append(f"{name}: {exc.detail}")
        self.uploading, self.upload_progress = False, 0
        self.upload_errors = [*self.upload_errors, *errors]
        self._content_work(content.get_content)
        if added:
            yield rx.toast.success("Photo added." if added == 1 else f"{added} photos added.")

    @event
    def photos_rejected(self, rejected: list[dict[str, Any]]) -> None:
        message = rejected_files(rejected)
        self._rejections = [message]
        self.upload_errors = [*self.upload_errors, message]

    def _photo(self, photo_id: str) -> tuple[Any, PhotoCard] | None:
        card = next((p for p in self.photos if p.photo_id == photo_id), None)
        target = parse_id(photo_id)
        return None if card is None or target is None else (target, card)

    @event
    def make_cover(self, photo_id: str) -> EventSpec | None:
        found = self._photo(photo_id)
        if found is None:
            return rx.toast.error(NOT_LISTED)
        failed = self._content_work(content.set_cover, photo_id=found[0])
        return failed or rx.toast.success("Cover chosen.")

    @event
    def move_photo(self, photo_id: str, step: int) -> EventSpec | None:
        found = self._photo(photo_id)
        if found is None:
            return rx.toast.error(NOT_LISTED)
        position = self.photos.index(found[1]) + 1 + (1 if step > 0 else -1)
        if not 1 <= position <= len(self.photos):
            return None
        return self._content_work(
            content.update_photo, photo_id=found[0], data=PhotoUpdate(position=position)
        )

    @event
    def save_caption(self, photo_id: str, value: str) -> EventSpec | None:
        found = self._photo(photo_id)
        if found is None:
            return rx.toast.error(NOT_LISTED)
        caption = value.strip()[:CAPTION_LIMIT]
        if caption == found[1].caption:
            return None
        try:
            data = PhotoUpdate(caption=caption, alt_text=caption)
        except ValidationError:
            return rx.toast.error("The caption holds characters that cannot be saved.")
        failed = self._content_work(content.update_photo, photo_id=found[0], data=data)
        return failed or rx.toast.success("Caption saved.")

    @event
    def remove_photo(self, photo_id: str) -> EventSpec | None:
        found = self._photo(photo_id)
        if found is None:
            return rx.toast.error(NOT_LISTED)
        failed = self._content_work(content.delete_photo, photo_id=found[0])
        return failed or rx.toast.success("Photo deleted.")
