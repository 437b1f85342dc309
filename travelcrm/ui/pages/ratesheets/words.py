"""The import page's "Words in price cells" panel: the agency's words for a price of 0
("Complimentary", "FOC") and for no price ("On request", "N/A"), seen and edited one per line.
Its own small state; the rules are `rates.services.update_price_words`'s."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.errors import DomainError
from travelcrm.core.permissions import Action, can
from travelcrm.db import tenant_scope
from travelcrm.rates import services as rates
from travelcrm.rates.pricewords import DEFAULT_NO_PRICE_WORDS, DEFAULT_ZERO_WORDS
from travelcrm.rates.schemas import PriceWordsIn
from travelcrm.ui.components.cards import muted, section
from travelcrm.ui.events import event
from travelcrm.ui.kit import StaffPage


def words_of(text: str) -> list[str]:
    """One word per line (blank lines dropped)."""
    return [line.strip() for line in text.splitlines() if line.strip()][:200]


class PriceWordsState(StaffPage, rx.State):
    zero_text: str = ""
    no_price_text: str = ""
    is_default: bool = True
    can_edit: bool = False
    error: str = ""

    @event
    def load(self) -> None:
        viewer = self._viewer()
        if viewer is None or not can(viewer.context.role, Action.RATES_VIEW):
            return
        ctx = viewer.context
        with tenant_scope(ctx) as session:
            words = rates.get_price_words(session, ctx)
        self.zero_text, self.no_price_text = "\n".join(words.zero), "\n".join(words.no_price)
        self.is_default, self.error = words.is_default, ""
        self.can_edit = can(ctx.role, Action.RATES_EDIT)

    @event
    def set_zero_text(self, text: str) -> None:
        self.zero_text = text[:8000]

    @event
    def set_no_price_text(self, text: str) -> None:
        self.no_price_text = text[:8000]

    @event
    def use_defaults(self) -> None:
        """Put the built-in words back in the boxes (saved with Save)."""
        self.zero_text = "\n".join(DEFAULT_ZERO_WORDS)
        self.no_price_text = "\n".join(DEFAULT_NO_PRICE_WORDS)

    @event
    def save(self) -> EventSpec | None:
        viewer = self._viewer()
        if viewer is None:
            return rx.toast.error("Signed out: sign in again to save.")
        ctx = viewer.context
        try:
            data = PriceWordsIn(
                zero=words_of(self.zero_text), no_price=words_of(self.no_price_text)
            )
            with tenant_scope(ctx) as session:
                saved = rates.update_price_words(session, ctx, data=data)
        except ValidationError:
            self.error = "Words only: a line with a digit, or longer than 40 letters, is no word."
            return None
        except DomainError as exc:
            self.error = exc.detail
            return None
        self.zero_text, self.no_price_text = "\n".join(saved.zero), "\n".join(saved.no_price)
        self.is_default, self.error = False, ""
        return rx.toast.success("Price words saved: the next check reads them.")


W = PriceWordsState


def _box(title: str, hint: str, value: Any, on_change: Any, test_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(title, size="2", weight="medium"),
        muted(hint, size="1", shade=10),
        rx.text_area(
            value=value,
            on_change=on_change,
            read_only=~W.can_edit,
            rows="8",
            width="100%",
            data_testid=test_id,
        ),
        spacing="1",
        width="100%",
    )


def price_words_panel() -> rx.Component:
    return rx.accordion.root(
        rx.accordion.item(
            header="Words in price cells",
            content=rx.vstack(
                muted(
                    "Some suppliers write a word instead of a price. One word per line; capitals, "
                    "accents and dots don't matter, and the word must be the whole cell.",
                ),
                rx.hstack(
                    _box(
                        "Means a price of 0",
                        "e.g. Complimentary, FOC, Incl.",
                        W.zero_text,
                        W.set_zero_text,
                        "price-words-zero",
                    ),
                    _box(
                        "Means no price (the line is left out, with a warning)",
                        "e.g. On request, N/A, -",
                        W.no_price_text,
                        W.set_no_price_text,
                        "price-words-none",
                    ),
                    spacing="4",
                    width="100%",
                ),
                rx.cond(
                    W.error != "",
                    rx.callout(W.error, icon="circle-x", color_scheme="red", size="1"),
                    rx.fragment(),
                ),
                rx.cond(
                    W.can_edit,
                    rx.hstack(
                        rx.cond(
                            W.is_default,
                            muted("The built-in words", size="1", shade=10),
                            rx.button(
                                "Use the built-in words", variant="soft", on_click=W.use_defaults
                            ),
                        ),
                        rx.button("Save words", on_click=W.save, data_testid="price-words-save"),
                        justify="end",
                        align="center",
                        width="100%",
                    ),
                    rx.fragment(),
                ),
                spacing="3",
                width="100%",
            ),
            value="words",
        ),
        collapsible=True,
        type="single",
        variant="ghost",
        width="100%",
    )


def price_words_section() -> rx.Component:
    return section("Reading price cells", price_words_panel())
