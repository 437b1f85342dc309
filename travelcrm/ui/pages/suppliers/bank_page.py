"""The supplier page's Bank details tab: shown masked (the bank and the last four digits);
revealed on demand to the roles that may, and every reveal and change is audited."""

from __future__ import annotations

from functools import partial

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui.components.actions import action_button, dialog_of, opens
from travelcrm.ui.components.cards import icon_tile, muted, section
from travelcrm.ui.components.dialogs import form_dialog
from travelcrm.ui.components.fields import field_row, text_field
from travelcrm.ui.components.tables import empty_state
from travelcrm.ui.pages.suppliers.bank_state import BankState
from travelcrm.ui.pages.suppliers.rows import BankLine

S = BankState


def _bank_line(line: ObjectVar[BankLine]) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(line.label),
        rx.data_list.value(rx.code(line.value, variant="ghost", size="2")),
    )


_text = partial(text_field, prefix="bank", errors=S.bank_errors, autocomplete="off")


def _bank_dialog() -> rx.Component:
    return form_dialog(
        "Bank details",
        _text("Account holder", "account_holder", required=True),
        field_row(_text("Bank", "bank_name", required=True), _text("Branch", "branch")),
        _text("Account number", "account_number", required=True),
        field_row(
            _text("IFSC", "ifsc", "India, e.g. HDFC0001234", max_length=11),
            _text("SWIFT / BIC", "swift", "e.g. EBILAEAD", max_length=11),
        ),
        _text("IBAN", "iban", "Where banks use one (UAE, Europe...)"),
        **dialog_of(S, "bank", S.save_bank),
        submit_label="Save bank details",
        test_id="bank",
        description="Stored encrypted. Pages show only the bank and the last four digits; "
        "every change and every reveal goes to the audit log.",
        max_width="540px",
    )


def _bank_actions() -> rx.Component:
    return rx.hstack(
        rx.cond(
            S.revealed.length() > 0,  # type: ignore[attr-defined]
            action_button("eye-off", "Hide", on_click=S.hide, test_id="hide-bank"),
            action_button("eye", "Reveal", on_click=S.reveal, test_id="reveal-bank"),
        ),
        rx.cond(
            ~S.archived,
            rx.hstack(
                opens(
                    "pencil",
                    "Replace",
                    S,
                    "bank",
                    test_id="change-bank",
                    color_scheme="gray",
                    variant="soft",
                ),
                action_button(
                    "trash-2",
                    "Remove",
                    on_click=S.ask("bank", "", ""),  # type: ignore[operator]
                    test_id="remove-bank",
                    color_scheme="red",
                ),
                spacing="2",
            ),
        ),
        spacing="2",
    )


def _bank_on_file() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            icon_tile("landmark"),
            rx.vstack(
                rx.text(
                    rx.cond(S.bank_hint != "", S.bank_hint, "On file"),
                    size="4",
                    weight="bold",
                    font_family="monospace",
                    data_testid="bank-hint",
                ),
                muted(
                    rx.cond(
                        S.can_bank,
                        "Masked. Revealing the full details is recorded in the audit log.",
                        "Bank details are on file. Owners, admins, managers and finance can see "
                        "and change them.",
                    ),
                ),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            rx.cond(S.can_bank, _bank_actions()),
            spacing="3",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            S.revealed.length() > 0,  # type: ignore[attr-defined]
            rx.box(
                rx.data_list.root(rx.foreach(S.revealed, _bank_line), size="2"),
                padding="14px",
                border_radius="8px",
                border=f"1px dashed {rx.color('amber', 7)}",
                background=rx.color("amber", 2),
                width="100%",
                data_testid="bank-revealed",
            ),
        ),
        spacing="4",
        width="100%",
    )


def bank() -> rx.Component:
    return section(
        "Bank details",
        rx.cond(
            S.has_bank,
            _bank_on_file(),
            empty_state(
                "landmark",
                "No bank details",
                rx.cond(
                    S.can_bank,
                    "Add the account payments go to; it is stored encrypted and shown masked.",
                    "Owners, admins, managers and finance add bank details.",
                ),
                rx.cond(
                    S.can_bank & ~S.archived,
                    opens("plus", "Add bank details", S, "bank", test_id="add-bank"),
                ),
                test_id="bank-empty",
            ),
        ),
        _bank_dialog(),
    )
