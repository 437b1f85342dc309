"""The words the quote pages use for states, payments and choices."""

from __future__ import annotations

from travelcrm.quotes.machine import LABELS, QuoteState

STATE_COLORS = {
    QuoteState.DRAFT.value: "gray",
    QuoteState.SENT.value: "blue",
    QuoteState.VIEWED.value: "cyan",
    QuoteState.ACCEPTED.value: "grass",
    QuoteState.DECLINED.value: "red",
    QuoteState.EXPIRED.value: "amber",
    QuoteState.SUPERSEDED.value: "gray",
}
STATE_CHOICES = [("", "All states")] + [(s.value, LABELS[s]) for s in QuoteState]
PAYMENT_WORDS = {
    "deposit": "Deposit, on acceptance",
    "instalment": "Instalment",
    "balance": "Balance",
    "full": "Full payment, on acceptance",
}
GROUPING_CHOICES = [
    ("day", "By day"),
    ("type", "By type of service"),
    ("package", "One package price"),
]
DEPOSIT_CHOICES = [("percent", "A percent of the total"), ("amount", "A fixed amount")]
CHANGE_WORDS = {
    "line": "Service",
    "tax": "Tax",
    "total": "Total",
    "validity": "Validity",
    "schedule": "Schedule",
    "terms": "Terms",
}


def state_words(state: str) -> str:
    return LABELS[QuoteState(state)]


def state_color(state: str) -> str:
    return STATE_COLORS.get(state, "gray")
