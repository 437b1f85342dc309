"""The tax table (managers and up): per tax, its dated rows newest first as a timeline (from
when, until when, the rule in words, where it comes from), the row that applies on a chosen day
marked; the country's starting rows loaded on request; a dated row added or a row corrected.
Nothing is removed: a later row takes over from its date."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui import routes
from travelcrm.ui.components.actions import action_button, row_button
from travelcrm.ui.components.cards import muted, page_body
from travelcrm.ui.components.dialogs import form_dialog
from travelcrm.ui.components.fields import SELECT_STYLE, field, field_row
from travelcrm.ui.components.tables import empty_state, gated_by
from travelcrm.ui.pages.pricing.parts import header
from travelcrm.ui.pages.pricing.taxes_state import PeriodRow, TaxGroup, TaxTableState
from travelcrm.ui.pages.pricing.text import BASE_CHOICES, TAX_KIND_CHOICES
from travelcrm.ui.template import staff_page

S = TaxTableState


def _period(row: ObjectVar[PeriodRow]) -> rx.Component:
    return rx.hstack(
        rx.box(
            width="10px",
            height="10px",
            border_radius="50%",
            margin_top="6px",
            flex_shrink="0",
            background=rx.cond(row.applies, rx.color("grass", 9), rx.color("gray", 7)),
        ),
        rx.vstack(
            rx.hstack(
                rx.text(
                    "From ",
                    row.starts,
                    rx.cond(row.ends != "", rx.text.span(" to ", row.ends), " on"),
                    size="2",
                    weight="bold",
                ),
                rx.cond(
                    row.applies,
                    rx.badge("Applies", color_scheme="grass", variant="soft", size="1"),
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(row.rule, size="2"),
            rx.cond(row.note != "", muted(row.note, size="1", shade=10)),
            spacing="1",
            align="start",
            flex="1",
            min_width="0",
        ),
        row_button("pencil", "Correct this row", S.start_correct(row.id), "correct-tax"),  # type: ignore[operator]
        spacing="3",
        align="start",
        width="100%",
        padding_y="6px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="tax-period",
    )


def _group(group: ObjectVar[TaxGroup]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading(group.name, size="3"),
                    muted(group.title, size="1", shade=10),
                    spacing="0",
                    align="start",
                ),
                rx.spacer(),
                action_button(
                    "calendar-plus",
                    "Add a dated row",
                    on_click=S.start_new(group.kind, group.name),  # type: ignore[operator]
                    size="1",
                    test_id="add-dated-row",
                ),
                width="100%",
                align="start",
                wrap="wrap",
            ),
            rx.foreach(group.periods, _period),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="tax-group",
    )


def _text(label: str, name: str, hint: str = "", **props: object) -> rx.Component:
    return field(
        label,
        rx.input(
            id=f"tax-{name}",
            name=name,
            default_value=S.form.get(name, ""),
            width="100%",
            **props,
        ),
        error=S.errors.get(name, ""),
        hint=hint,
        html_for=f"tax-{name}",
        test_id=f"tax-{name}",
    )


def _select(label: str, name: str, choices: list[tuple[str, str]]) -> rx.Component:
    return field(
        label,
        rx.el.select(
            *[rx.el.option(text, value=code) for code, text in choices],
            id=f"tax-{name}",
            name=name,
            default_value=S.form.get(name, ""),
            style=SELECT_STYLE,
        ),
        error=S.errors.get(name, ""),
        html_for=f"tax-{name}",
        test_id=f"tax-{name}",
    )


def _dialog() -> rx.Component:
    return form_dialog(
        rx.cond(S.editing == "", "Add a dated tax row", "Correct the tax row"),
        rx.cond(
            S.editing == "",
            muted(
                "From its date the new row takes over from the one before; earlier dates keep "
                "the earlier row.",
                size="2",
            ),
            muted(
                "A correction changes what this row says for every date it covers. If the law "
                "changed from a date, add a dated row instead.",
                size="2",
            ),
        ),
        _text("Name", "name", "e.g. TCS on overseas package", required=True),
        field_row(
            _select("Kind", "kind", TAX_KIND_CHOICES),
            _text("Applies from", "valid_from", type="date", required=True),
        ),
        field_row(
            _text("Rate (%)", "rate_pct", "Leave empty when slabs apply", input_mode="decimal"),
            _select("Charged on", "base", BASE_CHOICES),
        ),
        field(
            "Slabs",
            rx.text_area(
                id="tax-slabs",
                name="slabs",
                default_value=S.form.get("slabs", ""),
                placeholder="up to 1000000: 5\nabove: 20",
                rows="3",
                width="100%",
            ),
            error=S.errors.get("slabs", ""),
            hint="One a line: “up to 7500: 12”, then “above: 18” (amounts in the agency's "
            "currency).",
            html_for="tax-slabs",
            test_id="tax-slabs",
        ),
        rx.el.label(
            rx.hstack(
                rx.checkbox(
                    name="split_in_state",
                    default_checked=S.form.get("split_in_state", "") != "",
                ),
                rx.text("Split into CGST + SGST within the agency's state", size="2"),
                spacing="2",
                align="center",
            )
        ),
        _text("Where it comes from", "note", "e.g. Finance Act 2026, section 206C"),
        open=S.edit_open,
        on_open_change=S.set_edit_open,
        on_submit=S.submit,
        submit_label=rx.cond(S.editing == "", "Add row", "Save correction"),
        test_id="tax",
        key=S.form_key,  # type: ignore[arg-type]
        max_width="600px",
    )


def _content() -> rx.Component:
    return page_body(
        header(
            "Tax table",
            "The taxes itineraries charge, each row from its date: a later row takes over, "
            "earlier dates keep theirs.",
            routes.PRICING_TAXES,
            action_button(
                "plus",
                "Add a tax",
                on_click=S.start_new("", ""),  # type: ignore[operator]
                test_id="add-tax",
                variant="solid",
            ),
        ),
        rx.hstack(
            rx.text("Show what applies on", as_="label", html_for="tax-on", size="2"),
            rx.input(
                id="tax-on",
                type="date",
                value=S.on_day,
                on_change=S.set_on,
                width="170px",
                data_testid="tax-on",
            ),
            rx.spacer(),
            rx.cond(
                S.can_seed,
                action_button(
                    "download",
                    "Load " + S.country_name + "'s starting rows",
                    on_click=S.seed,
                    test_id="seed-taxes",
                ),
            ),
            align="center",
            wrap="wrap",
            spacing="3",
            width="100%",
        ),
        rx.cond(
            S.groups.length() > 0,  # type: ignore[attr-defined]
            rx.grid(
                rx.foreach(S.groups, _group),
                columns=rx.breakpoints(initial="1", lg="2"),
                spacing="4",
                width="100%",
            ),
            empty_state(
                "landmark",
                "No taxes yet",
                "Itineraries charge no tax until the table has rows. Load your country's "
                "starting rows, or add a tax.",
                test_id="taxes-empty",
            ),
        ),
        _dialog(),
    )


@staff_page(
    route=routes.PRICING_TAXES,
    title="Tax table",
    on_load=TaxTableState.load,
    nav_route=routes.SETTINGS,
)
def tax_table_page() -> rx.Component:
    return gated_by(S, _content())
