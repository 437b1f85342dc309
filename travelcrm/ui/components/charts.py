"""Bar charts (Reflex's recharts) the way pages show them: whole numbers, no animation (a
chart that grows on every load reads as changing numbers), the theme's colours, a legend only
when there is more than one series."""

from __future__ import annotations

from typing import Any

import reflex as rx


def bar_chart(
    data: Any,  # a state's list[dict[str, Any]] var
    category: str,
    series: list[tuple[str, str]],
    *,
    height: int = 240,
    sideways: bool = False,
    category_width: int = 110,
    test_id: str | None = None,
) -> rx.Component:
    """Bars of `data` per `category` (a key of each row); `series` are (key, colour) pairs,
    stacked when there are several. `sideways`: categories down the left (long names)."""
    if sideways:
        axes = [
            rx.recharts.x_axis(type_="number", allow_decimals=False, font_size=12),
            rx.recharts.y_axis(
                data_key=category, type_="category", width=category_width, font_size=12
            ),
        ]
    else:
        axes = [
            rx.recharts.x_axis(
                data_key=category, font_size=12, interval="preserveStartEnd", min_tick_gap=8
            ),
            rx.recharts.y_axis(allow_decimals=False, width=32, font_size=12),
        ]
    return rx.box(
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(
                stroke_dasharray="3 3", vertical=sideways, horizontal=not sideways
            ),
            *axes,
            rx.recharts.graphing_tooltip(),
            *([rx.recharts.legend()] if len(series) > 1 else []),
            *[
                rx.recharts.bar(
                    data_key=key,
                    name=key,
                    fill=rx.color(color, 9),
                    stack_id="all" if len(series) > 1 else None,
                    radius=0 if len(series) > 1 else 4,
                    is_animation_active=False,
                )
                for key, color in series
            ],
            layout="vertical" if sideways else "horizontal",
            data=data,
            height=height,
            width="100%",
        ),
        width="100%",
        data_testid=test_id,
    )


def line_chart(
    data: Any,  # a state's list[dict[str, Any]] var
    category: str,
    key: str,
    *,
    name: str,
    color: str = "accent",
    height: int = 220,
    test_id: str | None = None,
) -> rx.Component:
    """One series of `data` over `category` (a date as the page writes it) as a line: rates
    and other values that are not whole numbers, the axis fitted to the values (not from 0)."""
    return rx.box(
        rx.recharts.line_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
            rx.recharts.x_axis(
                data_key=category, font_size=12, interval="preserveStartEnd", min_tick_gap=16
            ),
            rx.recharts.y_axis(domain=["auto", "auto"], width=56, font_size=12),
            rx.recharts.graphing_tooltip(),
            rx.recharts.line(
                data_key=key,
                name=name,
                stroke=rx.color(color, 9),
                stroke_width=2,
                dot=False,
                type_="monotone",
                is_animation_active=False,
            ),
            data=data,
            height=height,
            width="100%",
        ),
        width="100%",
        data_testid=test_id,
    )
