"""The supplier page's Bank details tab: the bank dialog (stored encrypted), revealing the
details (audited) and hiding them again, removing them. A substate of `SupplierState`, which
keeps the masked hint and what is revealed (so opening another supplier hides it)."""

from __future__ import annotations

from typing import Any

from reflex.event import EventSpec

from travelcrm.suppliers import services as suppliers
from travelcrm.suppliers.schemas import BankDetailsIn
from travelcrm.ui.events import event
from travelcrm.ui.pages.suppliers.rows import bank_lines
from travelcrm.ui.pages.suppliers.state import SupplierState
from travelcrm.ui.pages.suppliers.text import clean_form
from travelcrm.ui.session import client_of

BANK_FIELDS = ("account_holder", "bank_name", "account_number", "ifsc", "swift", "iban", "branch")


class BankState(SupplierState):
    bank_open: bool = False
    bank_errors: dict[str, str] = {}

    @event
    def set_bank_open(self, value: bool) -> None:
        self.bank_open, self.bank_errors = value, {}

    @event
    def save_bank(self, form_data: dict[str, Any]) -> EventSpec | None:
        values = clean_form(form_data, BANK_FIELDS)
        return self._submit(
            BankDetailsIn,
            {k: v for k, v in values.items() if v is not None},
            lambda session, ctx, supplier_id, data: self._stored(
                suppliers.set_bank_details(session, ctx, supplier_id=supplier_id, data=data)
            ),
            done="Bank details saved (stored encrypted).",
            errors="bank_errors",
            dialog="bank_open",
            whole="ifsc",
        )

    def _stored(self, result: Any) -> Any:
        self.revealed = []  # the new details are shown masked
        return result

    @event
    def reveal(self) -> EventSpec | None:
        ip, agent = client_of(self.router)
        details, failed = self._on_record(
            lambda session, ctx, supplier_id: suppliers.reveal_bank_details(
                session, ctx, supplier_id=supplier_id, ip=ip, user_agent=agent
            )
        )
        if details is None:
            return failed
        self.revealed = bank_lines(details)
        return None

    @event
    def hide(self) -> None:
        self.revealed = []
