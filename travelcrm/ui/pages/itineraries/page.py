"""An itinerary's builder: the trip's facts, its days in order (each a card with its date and
services, their price or why they have none), "Add service" per day, the pricing sheet in its
fixed columns (Net → FX → Net in selling currency → Markup → Gross → Agent commission → Agent
net → Margin) with what could not be priced and what does not fit, and freezing a version for a
quote."""

from __future__ import annotations

from functools import partial

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.core.locale import currency_options
from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button, dialog_of, row_button
from travelcrm.ui.components.cards import back_link, muted, section, titled_card
from travelcrm.ui.components.charts import bar_chart
from travelcrm.ui.components.dialogs import confirm_dialog, form_dialog
from travelcrm.ui.components.fields import (
    choice_select,
    field,
    field_row,
    short_select,
    text_field,
)
from travelcrm.ui.components.tables import empty_state, record_page
from travelcrm.ui.pages.itineraries.content import item_content_line
from travelcrm.ui.pages.itineraries.list_page import status_chip
from travelcrm.ui.pages.itineraries.state import (
    DayRow,
    Fact,
    ItemRow,
    ItineraryState,
    Problem,
    ServiceOption,
    SheetRow,
)
from travelcrm.ui.pages.itineraries.text import KIND_CHOICES
from travelcrm.ui.template import staff_page

S = ItineraryState
CURRENCY_CHOICES = currency_options()
SHEET_COLUMNS = [
    ("Service", "left"),
    ("Net", "right"),
    ("FX", "right"),
    ("Net in selling currency", "right"),
    ("Markup", "right"),
    ("Gross", "right"),
    ("Agent commission", "right"),
    ("Agent net", "right"),
    ("Margin", "right"),
]

# ---- header ------------------------------------------------------------------------------------


def _freeze_dialogs() -> rx.Component:
    return rx.fragment(
        confirm_dialog(
            "Freeze for a quote?",
            "The itinerary is priced once more and this version is locked: later rate changes "
            "are shown, never applied. To change it afterwards, unfreeze it as a new version.",
            **dialog_of(S, "freeze"),
            on_confirm=S.freeze,
            action_label="Freeze for quote",
            test_id="freeze",
            danger=False,
        ),
        confirm_dialog(
            "Unfreeze as a new version?",
            "The frozen version stays as it was, for the quote that used it; you go on editing "
            "the next version.",
            **dialog_of(S, "unfreeze"),
            on_confirm=S.unfreeze,
            action_label="Unfreeze",
            test_id="unfreeze",
            danger=False,
        ),
    )


def _actions() -> rx.Component:
    return rx.cond(
        S.can_edit,
        rx.hstack(
            rx.cond(
                S.frozen,
                action_button(
                    "lock-open",
                    rx.text.span("Unfreeze (makes version ", S.version + 1, ")"),
                    on_click=S.set_unfreeze_open(True),  # type: ignore[operator]
                    test_id="unfreeze",
                    color_scheme="gray",
                ),
                rx.hstack(
                    action_button(
                        "calculator",
                        "Price",
                        on_click=S.price,
                        test_id="price",
                        variant="solid",
                    ),
                    action_button(
                        "lock",
                        "Freeze for quote",
                        on_click=S.set_freeze_open(True),  # type: ignore[operator]
                        test_id="freeze",
                    ),
                    spacing="2",
                ),
            ),
            _freeze_dialogs(),
            spacing="2",
            wrap="wrap",
        ),
        rx.cond(
            ~S.frozen,
            action_button("calculator", "Price", on_click=S.price, test_id="price"),
        ),
    )


def _header() -> rx.Component:
    return rx.vstack(
        back_link("Itineraries", routes.ITINERARIES, "back-to-itineraries"),
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.heading(S.reference, size="7", weight="bold", data_testid="page-title"),
                    status_chip(
                        rx.cond(S.frozen, "Frozen for quote", "Draft"),
                        S.frozen,
                    ),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(S.title, size="3", color=rx.color("gray", 11), data_testid="trip-title"),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            _actions(),
            align="center",
            width="100%",
            wrap="wrap",
            spacing="3",
        ),
        rx.cond(
            S.frozen,
            rx.callout(
                rx.text(
                    S.frozen_text,
                    ". Edits are off; the prices below are the ones quoted.",
                ),
                icon="lock",
                color_scheme="blue",
                width="100%",
                data_testid="frozen",
            ),
        ),
        rx.cond(
            S.changes.length() > 0,  # type: ignore[attr-defined]
            rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text("Rates changed since this version was frozen", weight="bold"),
                rx.vstack(rx.foreach(S.changes, _problem), spacing="1", width="100%"),
                color_scheme="amber",
                width="100%",
                data_testid="rates-changed",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _facts() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.foreach(S.facts, _fact_tile),
            gap="16px 32px",
            wrap="wrap",
            width="100%",
        ),
        rx.cond(
            S.query_href != "",
            rx.link(
                "Open the query this trip was built from",
                href=S.query_href,
                size="2",
                margin_top="10px",
                display="inline-block",
                data_testid="itinerary-query",
            ),
        ),
        size="2",
        width="100%",
        data_testid="itinerary-facts",
    )


def _fact_tile(row: ObjectVar[Fact]) -> rx.Component:
    return rx.vstack(
        muted(row.label, size="1"),
        rx.text(row.value, size="2", weight="medium"),
        spacing="0",
        align="start",
        min_width="0",
    )


# ---- days --------------------------------------------------------------------------------------


def _item(row: ObjectVar[ItemRow]) -> rx.Component:
    editable = S.can_edit & ~S.frozen
    return rx.flex(
        rx.vstack(
            rx.text(row.title, size="2", weight="medium"),
            rx.hstack(
                rx.badge(row.kind, variant="soft", color_scheme="gray", size="1"),
                rx.cond(row.nights != "", muted(row.nights, size="1")),
                spacing="2",
                align="center",
            ),
            item_content_line(S.item_thumbs, S.item_lines, row.item_id),
            spacing="1",
            align="start",
            min_width="160px",
            flex="1",
        ),
        rx.cond(
            row.price != "",
            rx.text(row.price, size="2", weight="bold", white_space="nowrap"),
            rx.cond(
                row.problem != "",
                rx.text(
                    rx.icon("circle-alert", size=12, display="inline", margin_right="4px"),
                    row.problem,
                    size="1",
                    color=rx.color("red", 11),
                    text_align="right",
                    max_width="180px",
                    data_testid="item-problem",
                ),
            ),
        ),
        rx.cond(
            editable,
            rx.hstack(
                row_button(
                    "arrow-up",
                    "Move up",
                    S.move_up(row.item_id),  # type: ignore[operator]
                    "move-up",
                    disabled=row.first,
                ),
                row_button(
                    "arrow-down",
                    "Move down",
                    S.move_down(row.item_id),  # type: ignore[operator]
                    "move-down",
                    disabled=row.last,
                ),
                row_button(
                    "sliders-horizontal",
                    "Price options",
                    S.open_options(row.item_id),  # type: ignore[operator]
                    "item-options",
                ),
                row_button(
                    "trash-2",
                    "Remove",
                    S.remove_item(row.item_id),  # type: ignore[operator]
                    "remove-item",
                    color_scheme="red",
                ),
                spacing="3",
            ),
        ),
        gap="8px 12px",
        wrap="wrap",
        justify="end",
        align="center",
        width="100%",
        padding="8px 0",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="item",
    )


def _day(row: ObjectVar[DayRow]) -> rx.Component:
    editable = S.can_edit & ~S.frozen
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(row.label, size="2", variant="solid"),
                rx.vstack(
                    rx.text(row.date, size="2", weight="bold", data_testid="day-date"),
                    rx.cond(
                        (row.title != "") | (row.overnight != ""),
                        muted(
                            row.title,
                            rx.cond(
                                row.overnight != "",
                                rx.text.span(
                                    rx.cond(row.title != "", " · ", ""),
                                    "Overnight in ",
                                    row.overnight,
                                ),
                            ),
                            size="1",
                        ),
                    ),
                    spacing="0",
                    align="start",
                ),
                rx.spacer(),
                rx.cond(
                    editable,
                    row_button(
                        "pencil",
                        "Edit the day's title, overnight and notes",
                        S.open_day(row.day_id),  # type: ignore[operator]
                        "edit-day",
                    ),
                ),
                rx.cond(
                    editable,
                    row_button(
                        "between-horizontal-start",
                        "Insert a day after this one (later days move a day on)",
                        S.insert_day(row.day_id),  # type: ignore[operator]
                        "insert-day",
                    ),
                ),
                rx.cond(
                    editable,
                    row_button(
                        "trash-2",
                        "Remove this day (later days move a day earlier)",
                        S.remove_day(row.day_id),  # type: ignore[operator]
                        "remove-day",
                        color_scheme="red",
                    ),
                ),
                align="center",
                width="100%",
            ),
            rx.cond(row.notes != "", muted(row.notes, size="1", white_space="pre-wrap")),
            rx.cond(
                row.services.length() > 0,
                rx.vstack(rx.foreach(row.services, _item), spacing="0", width="100%"),
                muted("Nothing planned yet.", size="1", shade=10),
            ),
            rx.cond(
                editable,
                action_button(
                    "plus",
                    "Add service",
                    on_click=S.open_item(row.day_id),  # type: ignore[operator]
                    test_id="add-service",
                    size="1",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
        data_testid="day",
    )


def _days() -> rx.Component:
    return section(
        "Days",
        rx.grid(
            rx.foreach(S.days, _day),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        action=rx.cond(
            S.can_edit & ~S.frozen,
            action_button(
                "calendar-plus", "Add day", on_click=S.add_day, test_id="add-day", size="1"
            ),
        ),
    )


_day_field = partial(text_field, prefix="day", errors=S.day_errors, values=S.day_form, size="2")


def _day_dialog() -> rx.Component:
    return form_dialog(
        rx.text.span("Edit ", S.day_label),
        _day_field("Title", "title", "e.g. Arrive in Kochi, Backwaters"),
        _day_field("Overnight in", "overnight", "The town or hotel the night is spent in"),
        field(
            "Notes",
            rx.text_area(
                id="day-notes",
                name="notes",
                default_value=S.day_form["notes"],
                rows="3",
                width="100%",
            ),
            error=S.day_errors.get("notes", ""),
            html_for="day-notes",
        ),
        **dialog_of(S, "day", S.save_day),
        test_id="day",
        key=S.day_key,  # type: ignore[arg-type]
        max_width="520px",
    )


# ---- a service's price options ------------------------------------------------------------------


_options_field = partial(
    text_field, prefix="options", errors=S.options_errors, values=S.options_form, size="2"
)


def _check(label: str, name: str) -> rx.Component:
    return rx.el.label(
        rx.el.input(
            type="checkbox",
            name=name,
            id=f"options-{name}",
            default_checked=S.options_form[name] == "on",
            data_testid=f"options-{name}",
        ),
        rx.text(label, size="2"),
        display="flex",
        gap="8px",
        align_items="center",
    )


def _options_dialog() -> rx.Component:
    return form_dialog(
        rx.text.span("Price options: ", S.options_title),
        _options_field(
            "Lock the sell price at",
            "sell_override",
            "The gross the customer pays for this service; empty: priced from the rates",
            inputmode="decimal",
        ),
        _options_field(
            "Or lock the margin at (%)",
            "margin_override_pct",
            "Of the agency's price; kept whatever the nights or rates become",
            inputmode="decimal",
        ),
        _check("Price from last season's rate when this season has none (an estimate)", "estimate"),
        _check("Optional: shown to the customer, not in the total", "optional"),
        **dialog_of(S, "options", S.save_options),
        test_id="options",
        key=S.options_key,  # type: ignore[arg-type]
        max_width="520px",
    )


# ---- "Add service" -----------------------------------------------------------------------------


_item_field = partial(text_field, prefix="item", errors=S.item_errors, size="2")


def _service_option(row: ObjectVar[ServiceOption]) -> rx.Component:
    return rx.el.option(value=row.label)


def _item_dialog() -> rx.Component:
    manual = (S.item_kind == "flight") | (S.item_kind == "other")
    return form_dialog(
        rx.text.span("Add a service to ", S.item_day_label),
        field(
            "Kind of service",
            short_select(
                "item-kind",
                KIND_CHOICES,
                value=S.item_kind,
                on_change=S.set_item_kind,
                data_testid="item-kind",
            ),
            error="",
            html_for="item-kind",
        ),
        rx.cond(
            manual,
            field_row(
                _item_field("Net", "manual_net", "What the supplier charges", inputmode="decimal"),
                field(
                    "Currency of the net",
                    choice_select(
                        "item-currency",
                        CURRENCY_CHOICES,
                        value=S.item_currency,
                        on_change=S.set_item_currency,
                    ),
                    error="",
                    html_for="item-currency",
                ),
            ),
            rx.cond(
                S.item_kind != "note",
                _item_field(
                    "Service",
                    "service",
                    "Type part of its name or its supplier's, then pick it",
                    custom_attrs={"list": "service-options"},
                    autocomplete="off",
                ),
            ),
        ),
        rx.el.datalist(rx.foreach(S.service_options, _service_option), id="service-options"),
        _item_field(
            rx.cond(S.item_kind == "note", "Note", "Title"),
            "title",
            rx.cond(S.item_kind == "note", "", "Blank: the service's name"),
        ),
        rx.cond(
            S.item_kind == "stay",
            _item_field("Nights", "nights", type="number", default_value="1", min=1, max=60),
        ),
        rx.cond(
            S.item_kind == "transport",
            _item_field("Kilometres", "km", "For vehicles priced by the km", type="number", min=1),
        ),
        **dialog_of(S, "item", S.add_item),
        submit_label="Add service",
        test_id="item",
        key=S.item_key,  # type: ignore[arg-type]
        max_width="520px",
    )


# ---- the pricing sheet -------------------------------------------------------------------------


def _cell(value: rx.Var[str], tone: rx.Var[str]) -> rx.Component:
    return rx.table.cell(
        rx.text(value, size="1", weight=rx.cond(tone == "line", "regular", "bold")),
        text_align="right",
        white_space="nowrap",
        padding_x="8px",
    )


def _sheet_table() -> rx.Component:
    """The sheet's columns, compact (amounts never wrap; long headers do) so all nine fit
    beside the sidebar on a laptop; narrower screens scroll it sideways inside its card."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(
                            rx.text(label, size="1", weight="bold"),
                            text_align=align,
                            padding_x="8px",
                            vertical_align="bottom",
                        )
                        for label, align in SHEET_COLUMNS
                    ]
                )
            ),
            rx.table.body(rx.foreach(S.sheet, _sheet_row)),
            variant="surface",
            size="1",
            width="100%",
            data_testid="pricing-sheet",
        ),
        width="100%",
        overflow_x="auto",
    )


def _sheet_row(row: ObjectVar[SheetRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row.label, size="2", weight=rx.cond(row.tone == "line", "medium", "bold")),
                muted(row.detail, size="1"),
                spacing="0",
                align="start",
                min_width="180px",
            )
        ),
        *[
            _cell(getattr(row, name), row.tone)
            for name in (
                "net",
                "fx",
                "net_sell",
                "markup",
                "gross",
                "commission",
                "agent_net",
                "margin",
            )
        ],
        background=rx.cond(
            row.tone == "total",
            rx.color("accent", 3),
            rx.cond(row.tone == "day", rx.color("gray", 2), "transparent"),
        ),
        data_testid=rx.cond(
            row.tone == "total",
            "sheet-total",
            rx.cond(row.tone == "day", "sheet-day", "sheet-line"),
        ),
    )


def _figure(label: str, value: rx.Var[str]) -> rx.Component:
    return rx.cond(
        value != "",
        rx.hstack(
            muted(label, size="1"),
            rx.spacer(),
            rx.text(value, size="1", weight="medium", white_space="nowrap"),
            width="100%",
        ),
    )


def _sheet_card(row: ObjectVar[SheetRow]) -> rx.Component:
    """A line of the sheet on a phone: its name, then each column's figure under its name."""
    return rx.box(
        rx.text(row.label, size="2", weight="bold"),
        muted(row.detail, size="1"),
        rx.vstack(
            *[
                _figure(label, getattr(row, name))
                for (label, _align), name in zip(
                    SHEET_COLUMNS[1:],
                    (
                        "net",
                        "fx",
                        "net_sell",
                        "markup",
                        "gross",
                        "commission",
                        "agent_net",
                        "margin",
                    ),
                    strict=True,
                )
            ],
            spacing="1",
            width="100%",
            margin_top="6px",
        ),
        padding="10px 12px",
        border_radius="8px",
        border=f"1px solid {rx.color('gray', 5)}",
        background=rx.cond(
            row.tone == "total",
            rx.color("accent", 3),
            rx.cond(row.tone == "day", rx.color("gray", 2), "transparent"),
        ),
        width="100%",
        data_testid="sheet-card",
    )


def _problem(row: ObjectVar[Problem]) -> rx.Component:
    return rx.text(
        rx.cond(row.title != "", rx.text.span(row.title, ": ", weight="bold")),
        rx.text.span(row.words, weight="medium"),
        rx.cond(row.detail != "", rx.text.span(" — ", row.detail)),
        size="2",
        data_testid="problem",
    )


def _fact_line(row: ObjectVar[Fact]) -> rx.Component:
    return rx.hstack(
        muted(row.label), rx.spacer(), rx.text(row.value, size="2", weight="medium"), width="100%"
    )


def _summary() -> rx.Component:
    return titled_card(
        "Per person and taxes",
        "What the traveller pays",
        _fact_line(Fact(label="Per person", value=S.per_person)),  # type: ignore[arg-type]
        _fact_line(
            Fact(label="Per person, sharing a twin room", value=S.twin_share)  # type: ignore[arg-type]
        ),
        rx.foreach(S.taxes, _fact_line),
        rx.divider(),
        rx.hstack(
            rx.text("Total with taxes", size="3", weight="bold"),
            rx.spacer(),
            rx.text(S.total_with_taxes, size="3", weight="bold", data_testid="total-with-taxes"),
            width="100%",
        ),
        test_id="per-person",
    )


def _sheet() -> rx.Component:
    return section(
        "Pricing sheet",
        rx.cond(
            S.unpriced.length() > 0,  # type: ignore[attr-defined]
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-alert")),
                rx.callout.text("These could not be priced", weight="bold"),
                rx.vstack(rx.foreach(S.unpriced, _problem), spacing="1", width="100%"),
                color_scheme="red",
                width="100%",
                data_testid="unpriced",
            ),
        ),
        rx.cond(
            S.conflicts.length() > 0,  # type: ignore[attr-defined]
            rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text("Does not fit", weight="bold"),
                rx.vstack(rx.foreach(S.conflicts, _problem), spacing="1", width="100%"),
                color_scheme="amber",
                width="100%",
                data_testid="conflicts",
            ),
        ),
        rx.box(_sheet_table(), width="100%", display=["none", "block"]),
        rx.vstack(
            rx.foreach(S.sheet, _sheet_card),
            spacing="2",
            width="100%",
            display=["flex", "none"],
        ),
        rx.grid(
            _summary(),
            titled_card(
                "By type of service",
                "Gross, split into what it costs and the margin",
                bar_chart(
                    S.chart,
                    "type",
                    [("Cost", "gray"), ("Margin", "grass")],
                    height=200,
                    sideways=True,
                    category_width=90,
                    test_id="sheet-chart",
                ),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
    )


def _no_sheet() -> rx.Component:
    return empty_state(
        "calculator",
        "Not priced yet",
        "Press Price to see what the trip costs, sells for and earns, line by line.",
        test_id="no-sheet",
    )


# ---- the page ----------------------------------------------------------------------------------


def _itinerary() -> rx.Component:
    return rx.vstack(
        _header(),
        _facts(),
        _days(),
        rx.cond(S.sheet_shown, _sheet(), _no_sheet()),
        _item_dialog(),
        _day_dialog(),
        _options_dialog(),
        spacing="4",
        width="100%",
    )


@staff_page(
    route=routes.ITINERARY,
    title="Itinerary",
    on_load=ItineraryState.load,
    nav_route=routes.ITINERARIES,
)
def itinerary_page() -> rx.Component:
    return record_page(
        S,
        _itinerary(),
        what="itinerary",
        text="The link may be for another agency.",
        back=routes.ITINERARIES,
        plural="itineraries",
    )
