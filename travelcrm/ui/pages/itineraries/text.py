"""How itineraries read on pages: kinds of service, why an item has no price and what does
not fit, in the agent's words (never the codes the services use)."""

from __future__ import annotations

from travelcrm.itineraries.models import ItemKind, ItineraryStatus

KIND_WORDS: dict[str, str] = {
    ItemKind.STAY.value: "Hotel stay",
    ItemKind.TRANSFER.value: "Transfer",
    ItemKind.TRANSPORT.value: "Transport",
    ItemKind.ACTIVITY.value: "Activity",
    ItemKind.GUIDE.value: "Guide",
    ItemKind.MEAL.value: "Meal",
    ItemKind.FLIGHT.value: "Flight",
    ItemKind.OTHER.value: "Other",
    ItemKind.NOTE.value: "Note",
}
# the kinds priced by a net typed in, never from a rate list
MANUAL_KINDS = frozenset({ItemKind.FLIGHT.value, ItemKind.OTHER.value})
# the choices of "Add service", in the order agents use them
KIND_CHOICES: list[tuple[str, str]] = [(kind.value, KIND_WORDS[kind.value]) for kind in ItemKind]

# the kinds of supplier service "Add service" searches for each kind of item
SERVICE_KINDS: dict[str, tuple[str, ...]] = {
    ItemKind.STAY.value: ("room",),
    ItemKind.TRANSFER.value: ("vehicle",),
    ItemKind.TRANSPORT.value: ("vehicle",),
    ItemKind.ACTIVITY.value: ("ticket", "other"),
    ItemKind.GUIDE.value: ("guide",),
    ItemKind.MEAL.value: ("meal",),
}
SERVICE_KIND_WORDS: dict[str, str] = {
    "room": "Room",
    "vehicle": "Vehicle",
    "ticket": "Activity",
    "guide": "Guide",
    "meal": "Meal",
    "other": "Other",
}
# a stay's rooms as the edit dialog asks for them (double also stands for twin: one price)
ROOM_FIELDS: list[tuple[str, str]] = [
    ("single", "Single"),
    ("double", "Double / twin"),
    ("triple", "Triple"),
    ("extra_bed", "Extra beds"),
]
# what a service's number fields accept, said at the field instead of the schema's words
ITEM_FIELD_WORDS: dict[str, str] = {
    "nights": "From 1 to 60 nights.",
    "pax": "From 1 to 500 people; blank for the whole party.",
    "km": "Whole kilometres, from 1 to 5,000.",
    "hours": "More than 0 and at most 24 hours, e.g. 4 or 7.5.",
    "children_with_bed": "A number from 0 to 50.",
    "manual_net": "An amount of 0 or more, e.g. 4500.",
}
VEHICLE_KINDS = frozenset({ItemKind.TRANSFER.value, ItemKind.TRANSPORT.value})
PAX_KINDS = frozenset(
    {
        ItemKind.TRANSFER.value,
        ItemKind.TRANSPORT.value,
        ItemKind.ACTIVITY.value,
        ItemKind.GUIDE.value,
        ItemKind.MEAL.value,
    }
)

STATUS_WORDS: dict[str, str] = {
    ItineraryStatus.DRAFT.value: "Draft",
    ItineraryStatus.FROZEN.value: "Frozen for quote",
}

REASON_WORDS: dict[str, str] = {
    "stop_sale": "Stop-sale on these dates",
    "blackout": "Blacked out on these dates",
    "no_rate_list": "No published rate list covers these dates",
    "no_season": "No season of the rate list covers these dates",
    "min_nights": "Needs more nights",
    "no_rate": "No rate for this",
    "age_not_priced": "No price for a child's age",
    "allotment_exhausted": "No rooms left on these dates",
    "mixed_currencies": "Rates in more than one currency",
    "quantity_missing": "Missing how many (nights, km or hours)",
    "no_fx": "No exchange rate into the selling currency",
    "no_price_entered": "Needs a net entered by hand, or a service picked",
    "invalid": "The party or the item cannot be priced as it is",
}

CONFLICT_WORDS: dict[str, str] = {
    "overlapping_stays": "Stays overlap",
    "outside_validity": "Outside the rate list's dates",
    "transfer_without_stay": "Transfer with no stay nearby",
    "stop_sale": "Stop-sale",
    "blackout": "Blackout",
    "allotment_exhausted": "No rooms left",
    "empty_day": "Empty day",
    "no_bed": "Travellers without a bed",
}


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, "Service")


def reason_words(reason: str) -> str:
    return REASON_WORDS.get(reason, "Could not be priced")


def conflict_words(code: str) -> str:
    return CONFLICT_WORDS.get(code, "Check this")


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, "Draft")


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def travellers_text(adults: int, child_ages: list[int]) -> str:
    """ "2 adults, 1 child (8)"."""
    text = plural(adults, "adult")
    if child_ages:
        text += f", {plural(len(child_ages), 'child', 'children')} "
        text += f"({', '.join(str(age) for age in child_ages)})"
    return text


def child_ages_of(text: str) -> list[int] | None:
    """ "8, 12" -> [8, 12]; None when something in it is not an age."""
    ages = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            return None
        ages.append(int(part))
    return ages
