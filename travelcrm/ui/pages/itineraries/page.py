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
from travelcrm.ui.components.dnd import draggable, drop_zone
from travelcrm.ui.components.fields import (
    SELECT_STYLE,
    choice_select,
    field,
    field_row,
    search_box,
    short_select,
    text_field,
)
from travelcrm.ui.components.tables import empty_state, record_page
from travelcrm.ui.pages.itineraries.content import item_content_line
from travelcrm.ui.pages.itineraries.list_page import status_chip
from travelcrm.ui.pages.itineraries.state import (
    Choice,
    ChoiceGroup,
    DayChoice,
    DayRow,
    Fact,
    ItemRow,
    ItineraryState,
    Problem,
    ServiceOption,
    SheetRow,
)
from travelcrm.ui.pages.itineraries.text import KIND_CHOICES, ROOM_FIELDS
from travelcrm.ui.pages.quotes.list_page import create_quote_button
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


def _download_pdf() -> rx.Component:
    """The frozen version's branded PDF (stored once per version: a second click costs no
    rendering)."""
    return rx.cond(
        S.frozen,
        action_button("file-down", "Download PDF", on_click=S.download_pdf, test_id="download-pdf"),
    )


def _actions() -> rx.Component:
    return rx.hstack(_download_pdf(), _edit_actions(), spacing="2", wrap="wrap")


def _edit_actions() -> rx.Component:
    return rx.cond(
        S.can_edit,
        rx.hstack(
            rx.cond(
                S.frozen,
                rx.hstack(
                    create_quote_button(S.itinerary_id),
                    action_button(
                        "lock-open",
                        rx.text.span("Unfreeze (makes version ", S.version + 1, ")"),
                        on_click=S.set_unfreeze_open(True),  # type: ignore[operator]
                        test_id="unfreeze",
                        color_scheme="gray",
                    ),
                    spacing="2",
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


_OVER = {
    "transition": "background 120ms, outline-color 120ms",
    "outline": "2px dashed transparent",
    "outline_offset": "-2px",
    "&[data-over='true']": {
        "background": rx.color("accent", 3),
        "outline_color": rx.color("accent", 8),
    },
}


def _item_badges(row: ObjectVar[ItemRow]) -> rx.Component:
    return rx.hstack(
        rx.badge(row.kind, variant="soft", color_scheme="gray", size="1"),
        rx.cond(row.nights != "", muted(row.nights, size="1")),
        rx.cond(row.detail != "", muted(row.detail, size="1")),
        rx.cond(
            row.option != "",
            rx.badge(row.option, variant="outline", color_scheme="violet", size="1"),
        ),
        rx.cond(
            row.optional & (row.option == ""),
            rx.badge("Optional", variant="outline", color_scheme="gray", size="1"),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _item_price(row: ObjectVar[ItemRow]) -> rx.Component:
    return rx.cond(
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
    )


def _item_buttons(row: ObjectVar[ItemRow]) -> rx.Component:
    """Moving, editing and removing a service: the keyboard's and the phone's way (dragging
    is the mouse's)."""
    return rx.hstack(
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
            "pencil",
            "Edit this service",
            S.open_edit(row.item_id),  # type: ignore[operator]
            "edit-item",
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
    )


def _item(row: ObjectVar[ItemRow]) -> rx.Component:
    """A service on its day: dragged by mouse onto another service (it takes that place) or
    onto a day's drop strip (the end of that day)."""
    editable = S.can_edit & ~S.frozen
    return drop_zone(
        draggable(
            rx.flex(
                rx.cond(
                    editable,
                    rx.icon("grip-vertical", size=14, color=rx.color("gray", 8), cursor="grab"),
                ),
                rx.vstack(
                    rx.text(row.title, size="2", weight="medium"),
                    _item_badges(row),
                    item_content_line(S.item_thumbs, S.item_lines, row.item_id),
                    spacing="1",
                    align="start",
                    min_width="160px",
                    flex="1",
                ),
                _item_price(row),
                rx.cond(editable, _item_buttons(row)),
                gap="8px 12px",
                wrap="wrap",
                justify="end",
                align="center",
                width="100%",
            ),
            item_id=row.item_id,
            enabled=editable,
        ),
        on_drop=S.drop_on_item(row.item_id),  # type: ignore[operator]
        width="100%",
        padding="8px 0",
        border_top=f"1px solid {rx.color('gray', 4)}",
        style=_OVER,
        data_testid="item",
    )


def _staying(text: rx.Var[str]) -> rx.Component:
    return rx.hstack(
        rx.icon("bed-double", size=14, color=rx.color("gray", 10)),
        muted(text, size="1"),
        spacing="2",
        align="center",
        padding="6px 0",
        border_top=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        data_testid="staying",
    )


def _choice(option: ObjectVar[Choice]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.badge(
                option.label,
                color_scheme=rx.cond(option.chosen, "grass", "gray"),
                variant=rx.cond(option.chosen, "solid", "soft"),
                size="1",
            ),
            rx.spacer(),
            rx.text(option.price, size="2", weight="bold", white_space="nowrap"),
            width="100%",
            align="center",
        ),
        rx.text(option.title, size="1", margin_top="4px"),
        rx.cond(
            option.chosen,
            muted("In the total", size="1"),
            rx.cond(
                S.can_edit & ~S.frozen,
                rx.button(
                    "Choose this one",
                    on_click=S.choose_option(option.item_id),  # type: ignore[operator]
                    size="1",
                    variant="soft",
                    margin_top="6px",
                    data_testid="choose-option",
                ),
                muted("Not in the total", size="1"),
            ),
        ),
        padding="8px 10px",
        border_radius="8px",
        border=rx.cond(
            option.chosen,
            f"2px solid {rx.color('grass', 8)}",
            f"1px solid {rx.color('gray', 5)}",
        ),
        data_testid="choice",
    )


def _choices(group: ObjectVar[ChoiceGroup]) -> rx.Component:
    """A day's alternatives ("hotel A or B") side by side, each with its price."""
    return rx.box(
        rx.hstack(
            rx.text(group.name, ": one of these", size="1", weight="bold"),
            rx.spacer(),
            muted(group.chosen, size="1"),
            width="100%",
            wrap="wrap",
        ),
        rx.grid(
            rx.foreach(group.options, _choice),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="2",
            width="100%",
            margin_top="6px",
        ),
        padding="8px",
        border_radius="10px",
        background=rx.color("violet", 2),
        width="100%",
        data_testid="alternatives",
    )


def _day_buttons(row: ObjectVar[DayRow]) -> rx.Component:
    return rx.hstack(
        row_button(
            "chevron-up",
            "Move this day earlier (the dates follow)",
            S.move_day_up(row.day_id),  # type: ignore[operator]
            "day-earlier",
            disabled=row.first,
        ),
        row_button(
            "chevron-down",
            "Move this day later (the dates follow)",
            S.move_day_down(row.day_id),  # type: ignore[operator]
            "day-later",
            disabled=row.last,
        ),
        row_button(
            "pencil",
            "Edit the day's title, overnight and notes",
            S.open_day(row.day_id),  # type: ignore[operator]
            "edit-day",
        ),
        row_button(
            "between-horizontal-start",
            "Insert a day after this one (later days move a day on)",
            S.insert_day(row.day_id),  # type: ignore[operator]
            "insert-day",
        ),
        row_button(
            "trash-2",
            "Remove this day (later days move a day earlier)",
            S.remove_day(row.day_id),  # type: ignore[operator]
            "remove-day",
            color_scheme="red",
        ),
        spacing="3",
    )


def _day_head(row: ObjectVar[DayRow]) -> rx.Component:
    """The day's badge, date and words; dragged by mouse onto another day to take its place."""
    editable = S.can_edit & ~S.frozen
    return drop_zone(
        draggable(
            rx.hstack(
                rx.badge(
                    row.label,
                    size="2",
                    variant="solid",
                    cursor=rx.cond(editable, "grab", "default"),
                ),
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
                rx.cond(editable, _day_buttons(row)),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            item_id=row.drag_id,
            enabled=editable,
            width="100%",
        ),
        on_drop=S.drop_on_day(row.day_id),  # type: ignore[operator]
        width="100%",
        border_radius="6px",
        style=_OVER,
        data_testid="day-head",
    )


def _day(row: ObjectVar[DayRow]) -> rx.Component:
    editable = S.can_edit & ~S.frozen
    return rx.card(
        rx.vstack(
            _day_head(row),
            rx.cond(row.notes != "", muted(row.notes, size="1", white_space="pre-wrap")),
            rx.foreach(row.choices, _choices),
            rx.cond(
                (row.services.length() > 0) | (row.staying.length() > 0),
                rx.vstack(
                    rx.foreach(row.staying, _staying),
                    rx.foreach(row.services, _item),
                    spacing="0",
                    width="100%",
                ),
                muted("Nothing planned yet.", size="1", shade=10),
            ),
            rx.cond(
                editable,
                drop_zone(
                    rx.hstack(
                        action_button(
                            "plus",
                            "Add service",
                            on_click=S.open_item(row.day_id),  # type: ignore[operator]
                            test_id="add-service",
                            size="1",
                        ),
                        muted("or drag a service here", size="1", display=["none", "block"]),
                        align="center",
                        spacing="3",
                    ),
                    on_drop=S.drop_on_day(row.day_id),  # type: ignore[operator]
                    width="100%",
                    padding="6px",
                    border_radius="6px",
                    border=f"1px dashed {rx.color('gray', 5)}",
                    style=_OVER,
                    data_testid="day-drop",
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
    """A service found: a button (picked by click, Enter or Space) with its supplier, place,
    type and "from" price."""
    picked = S.item_service == row.label
    return rx.el.button(
        rx.hstack(
            rx.text(row.name, size="2", weight="medium"),
            rx.spacer(),
            rx.cond(
                row.from_price != "",
                rx.text(row.from_price, size="1", weight="medium", white_space="nowrap"),
            ),
            width="100%",
            align="center",
        ),
        muted(
            row.supplier,
            rx.cond(row.place != "", rx.text.span(" · ", row.place)),
            rx.cond(row.kind != "", rx.text.span(" · ", row.kind)),
            size="1",
        ),
        type="button",
        on_click=S.pick_service(row.label),  # type: ignore[operator]
        aria_pressed=rx.cond(picked, "true", "false"),
        style={
            "display": "block",
            "width": "100%",
            "text_align": "left",
            "border": "none",
            "font": "inherit",
            "color": "inherit",
            "cursor": "pointer",
            "padding": "6px 8px",
            "border_radius": "6px",
            "background": rx.cond(picked, rx.color("accent", 4), "transparent"),
            "&:hover": {"background": rx.color("accent", 3)},
        },
        data_testid="service-option",
    )


def _service_search() -> rx.Component:
    """Services found on the server as the agent types (a page of them, never the whole
    catalogue): by name or supplier, by place, of the kind chosen above, on sale in a
    published rate list."""
    return rx.vstack(
        field_row(
            field(
                "Find a service",
                search_box(
                    "Name or supplier",
                    S.service_query,
                    S.search_services,
                    "service-search",
                ),
                error="",
            ),
            field(
                "Where",
                search_box(
                    "Town, region or country code", S.service_place, S.search_place, "service-place"
                ),
                error="",
            ),
        ),
        rx.box(
            rx.cond(
                S.service_options.length() > 0,  # type: ignore[attr-defined]
                rx.vstack(
                    rx.foreach(S.service_options, _service_option), spacing="0", width="100%"
                ),
                muted("Nothing on sale matches; try fewer letters.", size="1", padding="6px"),
            ),
            max_height="220px",
            overflow_y="auto",
            width="100%",
            border=f"1px solid {rx.color('gray', 5)}",
            border_radius="8px",
            padding="4px",
            data_testid="service-results",
        ),
        rx.el.input(type="hidden", name="service", value=S.item_service),
        rx.cond(
            S.item_errors.contains("service"),  # type: ignore[attr-defined]
            rx.text(
                S.item_errors["service"],
                size="1",
                color=rx.color("red", 11),
                data_testid="item-service-error",
            ),
            rx.cond(
                S.item_service != "",
                rx.text("Picked: ", rx.text.span(S.item_service, weight="bold"), size="1"),
                muted("Pick one of the services found.", size="1"),
            ),
        ),
        spacing="2",
        width="100%",
    )


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
            rx.cond(S.item_kind != "note", _service_search()),
        ),
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
        max_width="560px",
    )


# ---- "Edit service" ----------------------------------------------------------------------------


_edit_field = partial(text_field, prefix="edit", errors=S.edit_errors, values=S.edit_form, size="2")


def _day_option(row: ObjectVar[DayChoice]) -> rx.Component:
    return rx.el.option(row.label, value=row.day_id)


def _edit_day() -> rx.Component:
    return field(
        rx.cond(S.edit_kind == "stay", "Check-in day", "Day"),
        rx.el.select(
            rx.foreach(S.edit_days, _day_option),
            id="edit-day_id",
            name="day_id",
            default_value=S.edit_form["day_id"],
            style=SELECT_STYLE,
            data_testid="edit-day_id",
        ),
        error=S.edit_errors.get("day_id", ""),
        html_for="edit-day_id",
    )


def _edit_stay() -> rx.Component:
    return rx.vstack(
        _edit_field("Nights", "nights", type="number", min=1, max=60),
        rx.text("Rooms", size="2", weight="bold"),
        muted(
            "Suggested from the party (",
            S.edit_form["party"],
            "); change them to how they sleep.",
            size="1",
        ),
        rx.grid(
            *[
                _edit_field(label, name, type="number", min=0, max=100, inputmode="numeric")
                for name, label in ROOM_FIELDS
            ],
            columns=rx.breakpoints(initial="2", sm="4"),
            spacing="3",
            width="100%",
            align="end",
        ),
        _edit_field(
            "Children with a bed of their own",
            "children_with_bed",
            "The others share their parents' beds",
            type="number",
            min=0,
            max=50,
        ),
        spacing="3",
        width="100%",
    )


def _edit_vehicle() -> rx.Component:
    return rx.vstack(
        field_row(
            _edit_field("From", "from", "e.g. Kochi airport"),
            _edit_field("To", "to", "e.g. Munnar"),
        ),
        field_row(
            _edit_field("Kilometres", "km", "For vehicles priced by the km", type="number", min=1),
            rx.cond(
                S.edit_kind == "transport",
                _edit_field(
                    "Hours", "hours", "For vehicles priced by the hour", inputmode="decimal"
                ),
            ),
        ),
        spacing="3",
        width="100%",
    )


def _edit_dialog() -> rx.Component:
    manual = (S.edit_kind == "flight") | (S.edit_kind == "other")
    people = (
        (S.edit_kind == "transfer")
        | (S.edit_kind == "transport")
        | (S.edit_kind == "activity")
        | (S.edit_kind == "guide")
        | (S.edit_kind == "meal")
    )
    return form_dialog(
        rx.text.span("Edit ", S.edit_title),
        _edit_day(),
        _edit_field(
            rx.cond(S.edit_kind == "note", "Note", "Title"),
            "title",
            rx.cond(S.edit_kind == "note", "", "Blank: the service's name"),
        ),
        rx.cond(S.edit_kind == "stay", _edit_stay()),
        rx.cond((S.edit_kind == "transfer") | (S.edit_kind == "transport"), _edit_vehicle()),
        rx.cond(
            people,
            _edit_field(
                "People",
                "pax",
                rx.cond(
                    S.edit_vehicles != "",
                    S.edit_vehicles,
                    "Blank: the whole party",
                ),
                type="number",
                min=1,
                max=500,
            ),
        ),
        rx.cond(
            manual,
            field_row(
                _edit_field("Net", "manual_net", "What the supplier charges", inputmode="decimal"),
                field(
                    "Currency of the net",
                    choice_select(
                        "edit-currency",
                        CURRENCY_CHOICES,
                        value=S.edit_currency,
                        on_change=S.set_edit_currency,
                    ),
                    error="",
                    html_for="edit-currency",
                ),
            ),
        ),
        field(
            rx.cond(S.edit_kind == "note", "More of the note", "Free text"),
            rx.text_area(
                id="edit-description",
                name="description",
                default_value=S.edit_form["description"],
                rows="2",
                width="100%",
            ),
            error=S.edit_errors.get("description", ""),
            html_for="edit-description",
        ),
        rx.cond(
            S.edit_kind != "note",
            rx.vstack(
                _edit_field(
                    "Alternative of",
                    "alternative_group",
                    "Same name on two services of a day (e.g. Hotel): priced side by side, "
                    "the first in the total",
                ),
                rx.el.label(
                    rx.el.input(
                        type="checkbox",
                        name="optional",
                        id="edit-optional",
                        default_checked=S.edit_form["optional"] == "on",
                        data_testid="edit-optional",
                    ),
                    rx.text("Optional: shown to the customer, not in the total", size="2"),
                    display="flex",
                    gap="8px",
                    align_items="center",
                ),
                spacing="3",
                width="100%",
            ),
        ),
        **dialog_of(S, "edit", S.save_edit),
        test_id="edit",
        key=S.edit_key,  # type: ignore[arg-type]
        max_width="600px",
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
        _edit_dialog(),
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
