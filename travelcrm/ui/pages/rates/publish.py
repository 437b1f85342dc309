"""What the header does to versions, on screen: the terms dialog, the coverage check before
publishing, "compare with…" and the diff it opens."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui.components.dialogs import form_dialog
from travelcrm.ui.components.fields import field
from travelcrm.ui.components.tables import data_table
from travelcrm.ui.pages.rates.publish_state import RatePublishState
from travelcrm.ui.pages.rates.rows import DiffLine, IssueRow
from travelcrm.ui.pages.rates.widgets import (
    CURRENCY_OPTIONS,
    MUTED,
    fields_row,
    input_field,
    select_field,
    spinning,
)

S = RatePublishState


def compare_menu() -> rx.Component:
    return rx.cond(
        S.other_versions.length() > 0,
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.icon("git-compare", size=16),
                    "Compare with…",
                    variant="soft",
                    color_scheme="gray",
                    data_testid="compare-open",
                )
            ),
            rx.menu.content(
                rx.foreach(
                    S.other_versions,
                    lambda o: rx.menu.item(
                        o.label,
                        on_click=S.compare_with(o.value),  # type: ignore[operator]
                        data_testid="compare-item",
                    ),
                )
            ),
        ),
    )


def terms_dialog() -> rx.Component:
    errors, form = S.terms_errors, S.terms_form
    return form_dialog(
        "Terms of v" + S.version_number.to_string(),  # type: ignore[attr-defined]
        fields_row(
            input_field(
                "Valid from", "valid_from", errors, default=form["valid_from"], type="date"
            ),
            input_field("Valid to", "valid_to", errors, default=form["valid_to"], type="date"),
            columns="2",
        ),
        fields_row(
            select_field(
                "Currency",
                CURRENCY_OPTIONS,
                "currency",
                errors,
                default_value=form["currency"],
                test_id="terms-currency",
            ),
            columns="1",
        ),
        field(
            "Cancellation terms",
            rx.text_area(
                name="terms",
                rows="4",
                default_value=form["terms"],
                placeholder="30: free\n7: 1 night\n0: 100%",
                width="100%",
            ),
            error=errors.get("terms", ""),
            hint="One tier a line — days before arrival: charge (free, 50%, 1 night)",
        ),
        input_field(
            "No-show charge %",
            "no_show",
            errors,
            default=form["no_show"],
            error_key="no_show_charge_pct",
        ),
        open=S.terms_open,
        on_open_change=S.set_terms_open,
        on_submit=S.save_terms,
        submit_label="Save terms",
        test_id="terms",
        max_width="560px",
    )


def _issue(issue: ObjectVar[IssueRow], index: rx.Var[int]) -> rx.Component:
    return rx.hstack(
        rx.match(
            issue.severity,
            ("error", rx.badge(rx.icon("circle-x", size=12), "Error", color_scheme="red")),
            (
                "confirm",
                rx.badge(rx.icon("circle-help", size=12), "Confirm", color_scheme="orange"),
            ),
            rx.badge(rx.icon("triangle-alert", size=12), "Warning", color_scheme="amber"),
        ),
        rx.vstack(
            rx.text(issue.message, size="2"),
            rx.cond(
                issue.severity == "confirm",
                rx.checkbox(
                    "Publish with this gap",
                    checked=issue.confirmed,
                    on_change=lambda value: S.confirm_issue(index, value),  # type: ignore[operator]
                    size="1",
                    data_testid="issue-confirm",
                ),
            ),
            spacing="1",
            flex="1",
        ),
        rx.cond(
            issue.can_show,
            rx.button(
                "Show these lines",
                on_click=S.show_issue(index),  # type: ignore[operator]
                size="1",
                variant="soft",
                data_testid="issue-show",
            ),
        ),
        width="100%",
        align="start",
        spacing="3",
        padding="8px 0",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_testid="coverage-issue",
    )


def publish_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Publish v", S.version_number, "?"),
            rx.dialog.description(
                "The coverage check first. Errors block publishing; each gap marked Confirm "
                "is published only once you tick it (your confirmation is kept in the audit "
                "log); warnings do not block. Publishing replaces the current published "
                "version for every new quote.",
                size="2",
            ),
            rx.box(
                rx.cond(
                    S.issues.length() > 0,  # type: ignore[attr-defined]
                    rx.foreach(S.issues, _issue),
                    rx.callout(
                        "Every active service is priced for the whole validity.",
                        icon="circle-check",
                        color_scheme="green",
                        width="100%",
                    ),
                ),
                max_height="50vh",
                overflow_y="auto",
                margin_y="12px",
                data_testid="coverage",
            ),
            rx.hstack(
                rx.cond(
                    S.publish_blocked,
                    rx.text(
                        "Fix the errors first.",
                        color=rx.color("red", 11),
                        size="2",
                        data_testid="publish-blocked",
                    ),
                    rx.cond(
                        S.to_confirm > 0,
                        rx.text(
                            rx.cond(
                                S.to_confirm == 1,
                                "Tick the gap above to publish with it.",
                                f"Tick each gap above to publish with them ({S.to_confirm} left).",
                            ),
                            color=rx.color("orange", 11),
                            size="2",
                            data_testid="publish-to-confirm",
                        ),
                    ),
                ),
                rx.spacer(),
                rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.button(
                    spinning(S.publish_running, "rocket"),
                    "Publish",
                    on_click=S.publish,
                    disabled=S.publish_blocked | (S.to_confirm > 0) | S.publish_running,
                    color_scheme="green",
                    data_testid="publish-confirm",
                ),
                width="100%",
                align="center",
                spacing="2",
            ),
            max_width="680px",
        ),
        open=S.publish_open,
        on_open_change=S.set_publish_open,
    )


DIFF_TONES = {"added": "green", "removed": "red", "changed": "amber"}


def _change(old: rx.Var[str], new: rx.Var[str]) -> rx.Component:
    return rx.hstack(
        rx.text(rx.cond(old != "", old, "—"), color=MUTED, size="2"),
        rx.icon("arrow-right", size=12, color=rx.color("gray", 9)),
        rx.text(rx.cond(new != "", new, "—"), weight="medium", size="2"),
        spacing="2",
        align="center",
        justify="end",
        white_space="nowrap",
    )


def _diff_row(row: ObjectVar[DiffLine]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.match(
                row.change,
                *[
                    (kind, rx.badge(kind, color_scheme=tone, variant="soft"))
                    for kind, tone in DIFF_TONES.items()
                ],
                rx.badge(row.change),
            )
        ),
        rx.table.cell(rx.text(row.key, size="2")),
        rx.cond(
            (row.old_dates != "") | (row.new_dates != ""),
            rx.table.cell(
                _change(row.old_dates, row.new_dates),
                col_span=2,
                text_align="right",
                data_testid="diff-dates",
            ),
            rx.fragment(
                rx.table.cell(_change(row.old_net, row.new_net), text_align="right"),
                rx.table.cell(_change(row.old_sell, row.new_sell), text_align="right"),
            ),
        ),
        background=rx.match(
            row.change,
            *[(kind, rx.color(tone, 2)) for kind, tone in DIFF_TONES.items()],
            "transparent",
        ),
        align="center",
        data_testid="diff-row",
        data_change=row.change,
    )


def diff_panel() -> rx.Component:
    return rx.cond(
        S.diff_open,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("git-compare", size=18),
                    rx.heading(S.diff_title, size="4", data_testid="diff-title"),
                    rx.text(S.diff_summary, size="2", color=MUTED, data_testid="diff-summary"),
                    rx.spacer(),
                    rx.icon_button(
                        rx.icon("x", size=16),
                        on_click=S.close_diff,
                        variant="ghost",
                        aria_label="Close the comparison",
                    ),
                    width="100%",
                    align="center",
                    spacing="3",
                ),
                rx.cond(
                    S.diff_rows.length() > 0,  # type: ignore[attr-defined]
                    data_table(
                        [
                            ("Change", "left"),
                            ("Line", "left"),
                            ("Net (" + S.currency + ")", "right"),
                            ("Sell (" + S.currency + ")", "right"),
                        ],
                        rx.table.body(rx.foreach(S.diff_rows, _diff_row)),
                        test_id="diff",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            size="3",
            width="100%",
            data_testid="diff-panel",
        ),
    )
