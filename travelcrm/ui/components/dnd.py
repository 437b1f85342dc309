"""HTML5 drag and drop for boards. Reflex has no drag events, so: a dragged item puts its id in
the drag data itself (in the browser, no round trip), a drop zone lights up while something is
over it and sends one event on drop with that id (`on_drop=State.move(column)` receives
`(column, item_id)`)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.components.el.elements.typography import Div
from reflex_base.components.component import field
from reflex_base.event import EventHandler
from reflex_base.vars.base import Var

MIME = "text/plain"

# The browser side: starting a drag puts the item's `data-drag-id` in the drag data; a zone
# accepts drops (preventDefault on dragover) and marks itself while an item is over it.
_DRAG_START: Var[Any] = Var(
    _js_expr=(
        "(e) => { e.dataTransfer.setData('" + MIME + "', e.currentTarget.dataset.dragId);"
        " e.dataTransfer.effectAllowed = 'move'; }"
    )
)
_DRAG_OVER: Var[Any] = Var(
    _js_expr=(
        "(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move';"
        " e.currentTarget.setAttribute('data-over', 'true'); }"
    )
)
_DRAG_LEAVE: Var[Any] = Var(
    _js_expr=(
        "(e) => { if (!e.currentTarget.contains(e.relatedTarget))"
        " e.currentTarget.removeAttribute('data-over'); }"
    )
)


def _dropped_id(e: Var[Any]) -> tuple[Var[str]]:
    """The drop event's argument: the dragged item's id (the zone's mark is cleared first)."""
    return (
        Var(
            _js_expr=(
                "((ev) => { ev.currentTarget.removeAttribute('data-over');"
                f" return ev.dataTransfer.getData('{MIME}'); }})({e})"
            ),
            _var_type=str,
        ),
    )


class DropZone(Div):
    """A div that takes drops."""

    on_drop: EventHandler[_dropped_id] = field(  # type: ignore[type-arg, valid-type]
        doc="An item was dropped here: its id."
    )


def drop_zone(*children: rx.Component, on_drop: Any, **props: Any) -> rx.Component:
    """A drop target; while an item is dragged over it, it carries `data-over="true"` (style it
    with `_over_style`)."""
    attrs = {"onDragOver": _DRAG_OVER, "onDragLeave": _DRAG_LEAVE}
    return DropZone.create(
        *children,
        on_drop=on_drop.prevent_default,
        custom_attrs=attrs,
        **props,
    )


def draggable(
    *children: rx.Component,
    item_id: rx.Var[str] | str,
    enabled: Any = True,
    **props: Any,
) -> rx.Component:
    """Something that can be dragged onto a `drop_zone`, carrying `item_id` (only while
    `enabled`, e.g. while the viewer may change the order)."""
    drag: Any = rx.cond(enabled, "true", "false") if isinstance(enabled, rx.Var) else "true"
    if enabled is False:
        drag = "false"
    return rx.box(
        *children,
        custom_attrs={"draggable": drag, "data-drag-id": item_id, "onDragStart": _DRAG_START},
        **props,
    )
