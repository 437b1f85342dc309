"""The email pages' words: a message's state and a log entry in the user's terms."""

from __future__ import annotations

from travelcrm.mail.models import EmailState, EventKind, PdfMode

STATE_WORDS = {
    EmailState.QUEUED: "Waiting to send",
    EmailState.SENDING: "Sending",
    EmailState.SENT: "Sent",
    EmailState.UNCONFIRMED: "Handed over, no answer",
    EmailState.FAILED: "Not delivered",
    EmailState.SUPPRESSED: "Not sent: address blocked",
}
STATE_COLORS = {
    EmailState.QUEUED: "amber",
    EmailState.SENDING: "blue",
    EmailState.SENT: "green",
    EmailState.UNCONFIRMED: "orange",
    EmailState.FAILED: "red",
    EmailState.SUPPRESSED: "gray",
}
EVENT_WORDS = {
    EventKind.QUEUED: "Queued",
    EventKind.SENT: "Sent",
    EventKind.FAILED: "Failed",
    EventKind.BOUNCED: "Refused by the server",
    EventKind.OPENED: "Opened",
    EventKind.CLICKED: "Link clicked",
    EventKind.SUPPRESSED: "Address blocked",
    EventKind.UNSUPPRESSED: "Address cleared",
}
PDF_WORDS = {
    PdfMode.ATTACH.value: "Attach the quote PDF",
    PdfMode.LINK.value: "Link to the quote PDF",
}
KIND_PURPOSES = {
    "quote_sent": "When a quote goes to the customer",
    "quote_reminder": "A few days before a quote expires",
    "quote_accepted": "When the customer accepts",
    "payment_due": "When a payment falls due",
}
OWN_KIND = "Your own template"
FIELD_LABELS = {"subject": "Subject", "html_body": "HTML body", "text_body": "Plain-text body"}
COPIED = "Copied {token}: paste it where it goes."
SAVED = "Template saved."
HAS_PROBLEMS = "The template has problems: see the fields marked in red."
CLEARED = "{email} can receive your emails again."


def state_words(state: str) -> str:
    return STATE_WORDS.get(state, state.replace("_", " ").capitalize())  # type: ignore[call-overload]


def state_color(state: str) -> str:
    return STATE_COLORS.get(state, "gray")  # type: ignore[call-overload]


def event_words(event: str, *, prefetch: bool = False) -> str:
    words = EVENT_WORDS.get(event, event.capitalize())  # type: ignore[call-overload]
    return f"{words} (privacy proxy, not counted)" if prefetch else words
