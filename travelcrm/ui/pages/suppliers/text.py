"""Words and form conversions the supplier pages share: labels for kinds and meal plans, form
values to schema input (blank -> null, codes in capitals, tags split), and pydantic errors in
words per field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from travelcrm.suppliers.models import MealPlan, ServiceKind, SupplierKind

KIND_LABELS = {
    SupplierKind.HOTEL.value: "Hotel",
    SupplierKind.TRANSPORT.value: "Transport",
    SupplierKind.ACTIVITY.value: "Activity",
    SupplierKind.GUIDE.value: "Guide",
    SupplierKind.RESTAURANT.value: "Restaurant",
    SupplierKind.OTHER.value: "Other",
}
KIND_ICONS = {
    SupplierKind.HOTEL.value: "hotel",
    SupplierKind.TRANSPORT.value: "car",
    SupplierKind.ACTIVITY.value: "ticket",
    SupplierKind.GUIDE.value: "flag",
    SupplierKind.RESTAURANT.value: "utensils",
    SupplierKind.OTHER.value: "package",
}
SERVICE_LABELS = {
    ServiceKind.ROOM.value: "Room",
    ServiceKind.VEHICLE.value: "Vehicle",
    ServiceKind.TICKET.value: "Ticket / slot",
    ServiceKind.GUIDE.value: "Guide",
    ServiceKind.MEAL.value: "Meal",
    ServiceKind.OTHER.value: "Other",
}
# What a supplier of each kind usually sells (the service dialog starts with it).
DEFAULT_SERVICE = {
    SupplierKind.HOTEL.value: ServiceKind.ROOM.value,
    SupplierKind.TRANSPORT.value: ServiceKind.VEHICLE.value,
    SupplierKind.ACTIVITY.value: ServiceKind.TICKET.value,
    SupplierKind.GUIDE.value: ServiceKind.GUIDE.value,
    SupplierKind.RESTAURANT.value: ServiceKind.MEAL.value,
    SupplierKind.OTHER.value: ServiceKind.OTHER.value,
}
MEAL_PLAN_LABELS = {
    MealPlan.EP.value: "EP · room only",
    MealPlan.CP.value: "CP · breakfast",
    MealPlan.MAP.value: "MAP · breakfast + one meal",
    MealPlan.AP.value: "AP · all meals",
    MealPlan.AI.value: "AI · all inclusive",
}
STATUS_COLORS = {"active": "green", "inactive": "gray", "archived": "amber"}


@dataclass
class Option:
    value: str
    label: str


KIND_OPTIONS = [Option(k, v) for k, v in KIND_LABELS.items()]
SERVICE_OPTIONS = [Option(k, v) for k, v in SERVICE_LABELS.items()]
MEAL_PLAN_OPTIONS = [Option(k, v) for k, v in MEAL_PLAN_LABELS.items()]

# What a pattern means, in words (pydantic only names the regular expression).
PATTERN_MESSAGES = {
    "gstin": "Use a 15-character GSTIN, e.g. 27AAPFU0939F1ZV.",
    "pan": "Use a 10-character PAN, e.g. AAPFU0939F.",
    "email": "Enter an email address, e.g. reservations@hotel.com.",
    "phone": "Use digits, spaces, + ( ) . / - (5-30 characters).",
    "website": "Start with http:// or https://.",
    "tags": "Tags are lower-case words: letters, digits, spaces, _ or - (up to 30).",
    "code": "Letters, digits, . _ / - (up to 40), e.g. DLX-CP.",
    "account_number": "6-34 capital letters or digits, no spaces.",
    "ifsc": "Use an 11-character IFSC, e.g. HDFC0001234 (the fifth is 0).",
    "swift": "Use an 8 or 11-character SWIFT/BIC, e.g. EBILAEAD.",
    "iban": "Use an IBAN, e.g. AE070331234567890123456.",
    "default_commission_pct": "Use a number from 0 to 100, e.g. 12.5.",
    "name": "Enter a name.",
    "account_holder": "Enter the account holder's name.",
    "bank_name": "Enter the bank's name.",
}
# A choice from a list: whatever is wrong, the list is the way to it.
CHOICE_MESSAGES = {
    "country": "Choose a country from the list, e.g. India.",
    "nationality": "Choose a country from the list, e.g. India.",
    "default_currency": "Choose a currency from the list, e.g. Indian Rupee (INR).",
}
UPPERCASE = frozenset(
    {"gstin", "pan", "country", "default_currency", "ifsc", "swift", "iban", "account_number"}
)
NUMBERS = frozenset({"payment_due_days", "max_occupancy"})


def field_messages(exc: ValidationError) -> dict[str, str]:
    """One message per field, in words."""
    messages: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ()) if not isinstance(p, int)]
        name = loc[0] if loc else "form"
        kind = error.get("type", "")
        if name in CHOICE_MESSAGES:
            message = CHOICE_MESSAGES[name]
        elif kind in ("string_pattern_mismatch", "string_too_short") and name in PATTERN_MESSAGES:
            message = PATTERN_MESSAGES[name]
        else:
            message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
            message = message[:1].upper() + message[1:]
            if not message.endswith("."):
                message += "."
        messages.setdefault(name, message)
    return messages


def clean_form(form: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Form values as schema input: trimmed, codes in capitals, blanks as null, whole numbers
    as numbers (a non-number stays text so the schema names it), tags split on commas."""
    values: dict[str, Any] = {}
    for name in fields:
        if name not in form:
            continue
        raw = form[name]
        if not isinstance(raw, str):
            values[name] = raw
            continue
        text = raw.strip()
        if name == "tags":
            values[name] = [t.strip().lower() for t in text.split(",") if t.strip()]
            continue
        if name in UPPERCASE:
            text = text.upper().replace(" ", "") if name != "country" else text.upper()
        if name in NUMBERS and text.isdigit():
            values[name] = int(text)
            continue
        values[name] = text or None
    return values


def as_text(value: Any) -> str:
    """A stored value as a form shows it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
