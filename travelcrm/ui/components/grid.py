"""A spreadsheet-like grid (Glide data grid through `rx.data_editor`), its pager, and selects
over (value, label) options."""

from __future__ import annotations

from typing import Any

import reflex as rx

# Glide draws on a canvas, so its theme takes plain colours (not CSS variables): these match the
# app's teal accent and slate greys, light and dark (keys as Glide names them).
_FONTS = {
    "headerFontStyle": "600 12px",
    "baseFontStyle": "13px",
    "fontFamily": "Inter, -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, sans-serif",
    "cellHorizontalPadding": 8,
}
GRID_THEME_LIGHT = _FONTS | {
    "accentColor": "#0D9488",
    "accentLight": "rgba(13, 148, 136, 0.12)",
    "accentFg": "#FFFFFF",
    "textDark": "#1C2024",
    "textMedium": "#60646C",
    "textLight": "#8B8D98",
    "textHeader": "#60646C",
    "bgHeader": "#F9F9FB",
    "bgHeaderHovered": "#F0F0F3",
    "bgHeaderHasFocus": "#E8E8EC",
    "bgCell": "#FFFFFF",
    "bgCellMedium": "#F9F9FB",
    "borderColor": "rgba(0, 0, 40, 0.09)",
    "horizontalBorderColor": "rgba(0, 0, 40, 0.06)",
}
GRID_THEME_DARK = _FONTS | {
    "accentColor": "#12A594",
    "accentLight": "rgba(18, 165, 148, 0.22)",
    "accentFg": "#FFFFFF",
    "textDark": "#EDEEF0",
    "textMedium": "#B0B4BA",
    "textLight": "#777B84",
    "textHeader": "#B0B4BA",
    "bgHeader": "#18191B",
    "bgHeaderHovered": "#212225",
    "bgHeaderHasFocus": "#272A2D",
    "bgCell": "#111113",
    "bgCellMedium": "#18191B",
    "bgBubble": "#212225",
    "bgSearchResult": "#3A3000",
    "borderColor": "rgba(255, 255, 255, 0.09)",
    "horizontalBorderColor": "rgba(255, 255, 255, 0.06)",
}
HEADER_HEIGHT = 36
ROW_HEIGHT = 34


def sheet(
    *,
    columns: Any,
    data: Any,
    on_cell_edited: Any = None,
    height: Any = "560px",
    test_id: str | None = None,
    **props: Any,
) -> rx.Component:
    """The grid: `data` rows of cell values, `columns` as Glide columns
    ({"title", "id", "type": "str" | "bool", "width", "editable"}). Edits arrive at
    `on_cell_edited` as ([column, row], cell); Glide keeps its own cell selection (a controlled
    one would make every click a round trip to the server)."""
    extra: dict[str, Any] = {}
    if on_cell_edited is not None:
        extra["on_cell_edited"] = on_cell_edited
    return rx.box(
        rx.data_editor(
            columns=columns,
            data=data,
            header_height=HEADER_HEIGHT,
            row_height=ROW_HEIGHT,
            row_markers="none",
            smooth_scroll_x=True,
            smooth_scroll_y=True,
            column_select="none",
            range_select="cell",
            theme=rx.color_mode_cond(light=GRID_THEME_LIGHT, dark=GRID_THEME_DARK),
            height=height,
            width="100%",
            **extra,
            **props,
        ),
        width="100%",
        border=f"1px solid {rx.color('gray', 5)}",
        border_radius="8px",
        overflow="hidden",
        data_testid=test_id,
    )


def pager(
    *,
    label: Any,
    page: Any,
    pages: Any,
    on_prev: Any,
    on_next: Any,
    test_id: str = "pager",
) -> rx.Component:
    """ "1-100 of 20,000" with previous / next page buttons."""
    return rx.hstack(
        rx.text(label, size="2", color=rx.color("gray", 11), data_testid=f"{test_id}-label"),
        rx.icon_button(
            rx.icon("chevron-left", size=16),
            on_click=on_prev,
            disabled=page <= 1,
            variant="soft",
            size="1",
            aria_label="Previous page",
            data_testid=f"{test_id}-prev",
        ),
        rx.text(page.to_string() + " / " + pages.to_string(), size="2"),
        rx.icon_button(
            rx.icon("chevron-right", size=16),
            on_click=on_next,
            disabled=page >= pages,
            variant="soft",
            size="1",
            aria_label="Next page",
            data_testid=f"{test_id}-next",
        ),
        align="center",
        spacing="2",
    )


def option_select(
    options: Any,
    *,
    name: str | None = None,
    value: Any = None,
    default_value: str | None = None,
    on_change: Any = None,
    placeholder: str = "Choose…",
    test_id: str | None = None,
    disabled: Any = False,
    width: str = "100%",
    size: str = "2",
    first: tuple[str, str] | None = None,
) -> rx.Component:
    """A select over a state list of `Option(value, label)`, or fixed (value, label) pairs
    (values must not be empty strings: Radix reserves "" for "nothing chosen")."""
    props: dict[str, Any] = {}
    if name is not None:
        props["name"] = name
    if value is not None:
        props["value"] = value
    if default_value is not None:
        props["default_value"] = default_value
    if on_change is not None:
        props["on_change"] = on_change
    items: list[rx.Component] = []
    if first is not None:  # a fixed first choice, e.g. ("all", "All services")
        items.append(rx.select.item(first[1], value=first[0]))
    if isinstance(options, list | tuple):
        items += [rx.select.item(label, value=value) for value, label in options]
    else:
        items.append(rx.foreach(options, lambda o: rx.select.item(o.label, value=o.value)))
    return rx.select.root(
        rx.select.trigger(placeholder=placeholder, width=width, data_testid=test_id),
        rx.select.content(*items),
        size=size,
        disabled=disabled,
        **props,
    )


def sheet_height(rows: int, *, most: int = 560, least_rows: int = 3) -> str:
    """A grid just tall enough for its rows (scrolling inside beyond `most` pixels)."""
    return f"{min(HEADER_HEIGHT + max(rows, least_rows) * ROW_HEIGHT + 2, most)}px"
