"""Quote settings state (managers and up): the defaults each new quote copies, in four
sections that each save on their own: the number (reference prefix), validity and how lines
are grouped, the payment schedule, and the words (inclusions, exclusions, terms). Each handler
identifies the viewer again and calls `quotes.services` in their agency."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.quotes import services as quotes
from travelcrm.quotes.models import QuoteSettings
from travelcrm.quotes.schemas import QuoteSettingsIn
from travelcrm.ui.errors import form_errors
from travelcrm.ui.events import event
from travelcrm.ui.pages.quotes.text import DEPOSIT_CHOICES, GROUPING_CHOICES
from travelcrm.ui.record import GatedPage

SECTIONS = ("numbering", "validity", "payment", "words")
SECTION_NAMES = {
    "numbering": "Quote numbers",
    "validity": "Validity and layout",
    "payment": "Payment schedule",
    "words": "Inclusions, exclusions and terms",
}
SECTION_KEYS: dict[str, tuple[str, ...]] = {
    "numbering": ("reference_prefix",),
    "validity": ("validity_days", "grouping"),
    "payment": ("deposit_kind", "deposit_value", "balance_days_before", "instalments"),
    "words": ("inclusions", "exclusions", "terms"),
}
CHOICES: dict[str, set[str]] = {
    "grouping": {code for code, _ in GROUPING_CHOICES},
    "deposit_kind": {code for code, _ in DEPOSIT_CHOICES},
}
NUMBERS = ("validity_days", "deposit_value", "balance_days_before", "instalments")
LONG = ("inclusions", "exclusions", "terms")
NEEDS_ATTENTION = "Some settings need attention."


def _number_text(value: Any) -> str:
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


def shown(row: QuoteSettings) -> dict[str, str]:
    return {
        "reference_prefix": row.reference_prefix or "",
        "validity_days": str(row.validity_days),
        "grouping": row.grouping,
        "deposit_kind": row.deposit_kind,
        "deposit_value": _number_text(row.deposit_value),
        "balance_days_before": str(row.balance_days_before),
        "instalments": str(row.instalments),
        "inclusions": row.inclusions,
        "exclusions": row.exclusions,
        "terms": row.terms,
    }


def settings_input(values: dict[str, str]) -> dict[str, Any]:
    """The form as `QuoteSettingsIn` input (numbers stay text: the schema says what is wrong;
    a decimal comma is read as a point; an empty prefix is derived from the agency's name)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in NUMBERS:
            out[key] = value.strip().replace(",", ".") or "0"
        elif key == "reference_prefix":
            out[key] = value.strip().upper() or None
        else:
            out[key] = value
    return out


class QuoteSettingsState(GatedPage, rx.State):
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    unsaved: list[str] = []
    _saved: dict[str, str] = {}
    _row_version: int = 0

    @rx.var
    def dirty(self) -> bool:
        return bool(self.unsaved)

    @rx.var
    def deposit_is_percent(self) -> bool:
        return self.values.get("deposit_kind", "percent") == "percent"

    def _changed(self) -> None:
        self.unsaved = [
            section
            for section in SECTIONS
            if any(self.values.get(k) != self._saved.get(k) for k in SECTION_KEYS[section])
        ]

    def _show(self, row: QuoteSettings, sections: tuple[str, ...] = SECTIONS) -> None:
        saved = shown(row)
        keys = [k for s in sections for k in SECTION_KEYS[s]]
        self.values = {**self.values, **{k: saved[k] for k in keys}}
        self._saved = saved  # the sections not shown again keep their edits
        self._row_version = row.row_version
        self.errors = {k: v for k, v in self.errors.items() if k not in keys}
        self._changed()

    def _fill(self, session: Session, ctx: TenantContext) -> None:
        self._show(quotes.quote_settings(session, ctx))

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.PRICING_SETTINGS)
        if viewer is None:
            return self._signed_out()
        self.errors, self.values, self._saved = {}, {}, {}
        result = self._run(self._fill)[1] if self.allowed else None
        self.loaded = True
        return result

    @event
    def set_value(self, key: str, value: str) -> None:
        if key in CHOICES and value not in CHOICES[key]:
            return
        if (
            key not in CHOICES
            and key not in NUMBERS
            and key not in LONG
            and key != "reference_prefix"
        ):
            return
        self.values[key] = str(value)[: 20000 if key in LONG else 20]
        self.errors.pop(key, None)
        self._changed()

    @event
    def discard(self, section: str) -> EventSpec | None:
        if section not in SECTIONS:
            return None
        return self._run(
            lambda session, ctx: self._show(quotes.quote_settings(session, ctx), (section,)),
            may=Action.PRICING_SETTINGS,
        )[1]

    @event
    def save(self, section: str) -> EventSpec | None:
        if self._viewer() is None:
            return self._signed_out()
        if section not in SECTIONS:
            return None
        if not self.allowed:
            return self._refused(Action.PRICING_SETTINGS)
        keys = SECTION_KEYS[section]
        # the section as edited, the others as saved
        edited = {**self._saved, **{k: self.values.get(k, "") for k in keys}}
        self.errors = {k: v for k, v in self.errors.items() if k not in keys}
        try:
            data = QuoteSettingsIn.model_validate(settings_input(edited))
        except ValidationError as exc:
            self.errors = {**self.errors, **form_errors(exc)[1]}
            return rx.toast.error(NEEDS_ATTENTION)
        version = self._row_version

        def work(session: Session, ctx: TenantContext) -> bool:
            self._show(
                quotes.update_settings(session, ctx, data=data, row_version=version), (section,)
            )
            return True

        done, failed = self._run(work, may=Action.PRICING_SETTINGS, errors="errors")
        if done is None:  # refused, stale, or the service's problems at their fields
            return failed or rx.toast.error(NEEDS_ATTENTION)
        return rx.toast.success(f"{SECTION_NAMES[section]} saved.")
