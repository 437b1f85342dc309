"""Pricing settings state (managers and up), in four sections that each save on their own:
what happens when several markup rules match a line, rounding, the FX buffer, and the agent
commission new itineraries start with. Each handler identifies the viewer again and calls
`itineraries.pricing_data` in their agency; a role without `pricing.settings` is refused."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.locale import currency_label
from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.itineraries import pricing_data
from travelcrm.itineraries.models import PricingSettings
from travelcrm.itineraries.schemas import PricingSettingsIn
from travelcrm.tenants.services import own_tenant
from travelcrm.ui.errors import form_errors
from travelcrm.ui.events import event
from travelcrm.ui.pages.pricing.text import (
    COMMISSION_CHOICES,
    DIRECTION_CHOICES,
    LEVEL_CHOICES,
    POLICY_WORDS,
)
from travelcrm.ui.record import GatedPage

SECTIONS = ("markups", "rounding", "fx", "commission")
SECTION_NAMES = {
    "markups": "Markup policy",
    "rounding": "Rounding",
    "fx": "Exchange rates",
    "commission": "Agent commission",
}
SECTION_KEYS: dict[str, tuple[str, ...]] = {
    "markups": ("markup_policy",),
    "rounding": ("rounding_step", "rounding_level", "rounding_direction"),
    "fx": ("fx_buffer_pct",),
    "commission": ("commission_pct", "commission_mode"),
}
CHOICES: dict[str, set[str]] = {
    "markup_policy": set(POLICY_WORDS),
    "rounding_level": {code for code, _ in LEVEL_CHOICES},
    "rounding_direction": {code for code, _ in DIRECTION_CHOICES},
    "commission_mode": {code for code, _ in COMMISSION_CHOICES},
}
NUMBERS = ("rounding_step", "fx_buffer_pct", "commission_pct")
NEEDS_ATTENTION = "Some settings need attention."


def number_text(value: Any) -> str:
    """A saved decimal as the form shows it: 2.0000 -> "2", 0 -> "0"."""
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text


def shown(row: PricingSettings) -> dict[str, str]:
    return {
        "markup_policy": row.markup_policy,
        "rounding_step": number_text(row.rounding_step),
        "rounding_level": row.rounding_level,
        "rounding_direction": row.rounding_direction,
        "fx_buffer_pct": number_text(row.fx_buffer_pct),
        "commission_pct": number_text(row.commission_pct),
        "commission_mode": row.commission_mode,
    }


def settings_input(values: dict[str, str]) -> dict[str, Any]:
    """The form as `PricingSettingsIn` input (numbers stay text: the schema says what is wrong;
    a decimal comma is read as a point)."""
    return {
        key: (value.strip().replace(",", ".") or "0") if key in NUMBERS else value
        for key, value in values.items()
    }


class PricingSettingsState(GatedPage, rx.State):
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    currency: str = ""  # "Indian Rupee (INR)"
    unsaved: list[str] = []
    _saved: dict[str, str] = {}
    _row_version: int = 0

    @rx.var
    def dirty(self) -> bool:
        return bool(self.unsaved)

    def _changed(self) -> None:
        self.unsaved = [
            section
            for section in SECTIONS
            if any(self.values.get(k) != self._saved.get(k) for k in SECTION_KEYS[section])
        ]

    def _show(self, row: PricingSettings, sections: tuple[str, ...] = SECTIONS) -> None:
        saved = shown(row)
        keys = [k for s in sections for k in SECTION_KEYS[s]]
        self.values = {**self.values, **{k: saved[k] for k in keys}}
        self._saved = saved  # the sections not shown again keep their edits
        self._row_version = row.row_version
        self.errors = {k: v for k, v in self.errors.items() if k not in keys}
        self._changed()

    def _fill(self, session: Session, ctx: TenantContext) -> None:
        self.currency = currency_label(own_tenant(session, ctx).default_currency)
        self._show(pricing_data.get_settings(session, ctx))

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
        if key not in CHOICES and key not in NUMBERS:
            return
        self.values[key] = str(value)[:20]
        self.errors.pop(key, None)
        self._changed()

    @event
    def discard(self, section: str) -> EventSpec | None:
        if section not in SECTIONS:
            return None
        return self._run(
            lambda session, ctx: self._show(pricing_data.get_settings(session, ctx), (section,)),
            may=Action.PRICING_SETTINGS,
        )[1]

    @event
    def save(self, section: str) -> EventSpec | None:
        if self._viewer() is None:
            return self._signed_out()
        if section not in SECTIONS:
            return None
        keys = SECTION_KEYS[section]
        # the section as edited, the others as saved
        edited = {**self._saved, **{k: self.values.get(k, "") for k in keys}}
        self.errors = {k: v for k, v in self.errors.items() if k not in keys}
        try:
            data = PricingSettingsIn.model_validate(settings_input(edited))
        except ValidationError as exc:
            self.errors = {**self.errors, **form_errors(exc)[1]}
            return rx.toast.error(NEEDS_ATTENTION)
        version = self._row_version

        def work(session: Session, ctx: TenantContext) -> None:
            self._show(
                pricing_data.save_settings(session, ctx, data=data, row_version=version),
                (section,),
            )

        _, failed = self._run(work, may=Action.PRICING_SETTINGS)
        return failed or rx.toast.success(f"{SECTION_NAMES[section]} saved.")
