"""The "Description and photos" dialog of a supplier's service: what itineraries and proposals
show of it. The description and highlights, then the photos: dropped or chosen (several at
once, with progress), in order, one of them the cover, each with its caption."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.core.images import PHOTO_LARGE_SIDE, PHOTO_MAX_UPLOAD_BYTES
from travelcrm.suppliers.schemas import (
    CAPTION_LIMIT,
    DESCRIPTION_LIMIT,
    HIGHLIGHTS_LIMIT,
    PHOTOS_LIMIT,
)
from travelcrm.ui.components.actions import row_button
from travelcrm.ui.components.backend import IMAGE_TYPES, backend_url
from travelcrm.ui.components.cards import error_callout, muted
from travelcrm.ui.components.fields import field
from travelcrm.ui.components.forms import form
from travelcrm.ui.pages.suppliers.content_state import (
    ACCEPTED_TYPES_TEXT,
    PHOTO_UPLOAD_ID,
    ContentState,
    PhotoCard,
)
from travelcrm.ui.pages.suppliers.rows import ServiceRow

C = ContentState
MAX_MB = PHOTO_MAX_UPLOAD_BYTES // (1024 * 1024)


def _words() -> rx.Component:
    editable = C.editable
    return form(
        rx.vstack(
            field(
                "Description",
                rx.text_area(
                    name="description",
                    id="content-description",
                    value=C.content_description,
                    on_change=C.set_content_description,
                    rows="6",
                    read_only=~editable,
                    placeholder="Sea-facing rooms with a private balcony, a short walk from "
                    "Candolim beach...",
                    width="100%",
                    data_testid="content-description",
                ),
                error=C.content_errors.get("description", ""),
                hint=f"Plain text; **bold**, *italic* and lists (- item) show as such in "
                f"proposals. Up to {DESCRIPTION_LIMIT:,} characters.",
                html_for="content-description",
                test_id="content-description",
            ),
            field(
                "Highlights",
                rx.text_area(
                    name="highlights",
                    id="content-highlights",
                    value=C.content_highlights,
                    on_change=C.set_content_highlights,
                    rows="3",
                    read_only=~editable,
                    placeholder="Sea view\nPrivate balcony",
                    width="100%",
                    data_testid="content-highlights",
                ),
                error=C.content_errors.get("highlights", ""),
                hint=f"One per line, up to {HIGHLIGHTS_LIMIT} short ones.",
                html_for="content-highlights",
                test_id="content-highlights",
            ),
            rx.cond(
                editable,
                rx.hstack(
                    rx.button("Save description", type="submit", data_testid="save-content"),
                    justify="end",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=C.save_content,
        reset_on_submit=False,
        width="100%",
    )


def _dropzone() -> rx.Component:
    return rx.upload.root(
        rx.vstack(
            rx.cond(
                C.uploading,
                rx.spinner(size="3"),
                rx.icon("image-up", size=26, color=rx.color("accent", 11)),
            ),
            rx.text(
                rx.cond(C.uploading, "Uploading…", "Drop photos here"),
                size="2",
                weight="medium",
            ),
            muted("or click to choose files", size="1", shade=10),
            spacing="1",
            align="center",
        ),
        id=PHOTO_UPLOAD_ID,
        accept=IMAGE_TYPES,
        max_size=PHOTO_MAX_UPLOAD_BYTES,
        max_files=PHOTOS_LIMIT,
        multiple=True,
        disabled=C.uploading,
        on_drop=C.upload_photos(  # type: ignore[operator]
            rx.upload_files(
                upload_id=PHOTO_UPLOAD_ID,
                on_upload_progress=C.upload_progressed,  # type: ignore[arg-type]
            )
        ),
        on_drop_rejected=C.photos_rejected,
        width="100%",
        padding="18px 16px",
        border=f"1px dashed {rx.color('gray', 7)}",
        border_radius="10px",
        background=rx.color("gray", 2),
        cursor="pointer",
        _hover={"background": rx.color("accent", 2), "border_color": rx.color("accent", 8)},
        data_testid="photo-upload",
    )


def _photo_card(photo: ObjectVar[PhotoCard]) -> rx.Component:
    editable = C.editable
    return rx.card(
        rx.vstack(
            rx.box(
                rx.image(
                    src=backend_url(photo.thumb_url),
                    alt=photo.alt_text,
                    width="100%",
                    height="150px",
                    object_fit="cover",
                    border_radius="6px",
                    loading="lazy",
                    data_testid="photo-thumb",
                ),
                rx.cond(
                    photo.is_cover,
                    rx.badge(
                        rx.icon("star", size=12),
                        "Cover",
                        color_scheme="amber",
                        variant="solid",
                        position="absolute",
                        top="8px",
                        left="8px",
                        data_testid="photo-cover",
                    ),
                ),
                position="relative",
                width="100%",
            ),
            rx.input(
                default_value=photo.caption,
                key=photo.photo_id.to(str) + photo.caption.to(str),
                placeholder="Caption (also read aloud by screen readers)",
                max_length=CAPTION_LIMIT,
                read_only=~editable,
                on_blur=lambda value: C.save_caption(photo.photo_id, value),  # type: ignore[operator]
                size="1",
                width="100%",
                aria_label="Caption",
                data_testid="photo-caption",
            ),
            rx.hstack(
                muted(photo.size, size="1", shade=10),
                rx.spacer(),
                rx.cond(
                    editable,
                    rx.hstack(
                        row_button(
                            "arrow-left",
                            "Move earlier",
                            C.move_photo(photo.photo_id, -1),  # type: ignore[operator]
                            "photo-earlier",
                            disabled=photo.first,
                        ),
                        row_button(
                            "arrow-right",
                            "Move later",
                            C.move_photo(photo.photo_id, 1),  # type: ignore[operator]
                            "photo-later",
                            disabled=photo.last,
                        ),
                        rx.cond(
                            ~photo.is_cover,
                            row_button(
                                "star",
                                "Make it the cover",
                                C.make_cover(photo.photo_id),  # type: ignore[operator]
                                "photo-make-cover",
                            ),
                        ),
                        row_button(
                            "trash-2",
                            "Delete photo",
                            C.remove_photo(photo.photo_id),  # type: ignore[operator]
                            "photo-delete",
                            color_scheme="red",
                        ),
                        spacing="3",
                    ),
                ),
                align="center",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        size="1",
        data_testid="photo-card",
    )


def _photos() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Photos", size="3"),
            rx.spacer(),
            muted(C.photos.length().to_string() + f" of {PHOTOS_LIMIT}", size="1"),  # type: ignore[attr-defined]
            align="center",
            width="100%",
        ),
        rx.cond(
            C.editable,
            rx.vstack(
                _dropzone(),
                muted(
                    f"{ACCEPTED_TYPES_TEXT}, up to {MAX_MB} MB each. Stored at most "
                    f"{PHOTO_LARGE_SIDE} pixels wide, without their metadata (location, camera). "
                    "The first one is the cover until you choose another.",
                    size="1",
                    shade=10,
                ),
                width="100%",
                spacing="1",
            ),
        ),
        rx.cond(
            C.uploading,
            rx.progress(
                value=C.upload_progress, max=100, width="100%", data_testid="upload-progress"
            ),
        ),
        rx.foreach(
            C.upload_errors,
            lambda message: error_callout(message, "upload-error", size="1", width="100%"),
        ),
        rx.cond(
            C.photos.length() > 0,  # type: ignore[attr-defined]
            rx.grid(
                rx.foreach(C.photos, _photo_card),
                columns=rx.breakpoints(initial="1", xs="2", md="3"),
                spacing="3",
                width="100%",
            ),
            muted("No photos yet.", size="2", data_testid="no-photos"),
        ),
        spacing="3",
        width="100%",
    )


def service_content_cell(row: ObjectVar[ServiceRow]) -> rx.Component:
    """The services list's "Content" cell: the cover's thumbnail and what there is, and the
    button that opens the dialog (to read it, or to edit it when the viewer may)."""
    return rx.hstack(
        rx.cond(
            row.cover_thumb != "",
            rx.image(
                src=backend_url(row.cover_thumb),
                alt="",
                width="44px",
                height="32px",
                object_fit="cover",
                border_radius="4px",
                data_testid="service-cover",
            ),
        ),
        rx.button(
            rx.icon("images", size=14),
            rx.cond(row.content_note != "", row.content_note, "Description and photos"),
            on_click=C.open_content(row.service_id),  # type: ignore[operator]
            variant="soft",
            color_scheme=rx.cond(row.content_note != "", "gray", "accent"),
            size="1",
            aria_label="Description and photos",
            data_testid="open-content",
        ),
        spacing="2",
        align="center",
        wrap="nowrap",
    )


def content_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.hstack(
                rx.vstack(
                    rx.dialog.title("Description and photos", margin_bottom="0"),
                    muted(C.content_service_name, size="2"),
                    spacing="1",
                ),
                rx.spacer(),
                rx.dialog.close(
                    rx.icon_button(
                        rx.icon("x", size=16),
                        variant="ghost",
                        color_scheme="gray",
                        aria_label="Close",
                        data_testid="close-content",
                    )
                ),
                align="start",
                width="100%",
            ),
            muted(
                "What itineraries and proposals show of this service.",
                size="2",
                margin_bottom="12px",
            ),
            rx.vstack(_words(), rx.separator(size="4"), _photos(), spacing="4", width="100%"),
            max_width="760px",
            data_testid="dialog-content",
        ),
        open=C.content_open,
        on_open_change=C.set_content_open,
    )
