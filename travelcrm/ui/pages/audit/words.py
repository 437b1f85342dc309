"""The audit log in the reader's words: each action the services record as a short sentence
("Changed a supplier"), the fields of its before/after values by name, and what an event was
about by its name, never its code or id (a test holds every recorded action to having words)."""

from __future__ import annotations

# Every action a service records (`audit.record(action=...)`), in words. An action missing here
# fails tests/audit/test_words.py.
ACTION_WORDS: dict[str, str] = {
    "agency.registered": "Registered the agency",
    "auth.agency_switched": "Switched agency",
    "auth.email_verified": "Confirmed their email",
    "auth.password_changed": "Changed their password",
    "auth.password_reset": "Reset their password",
    "auth.sign_in": "Signed in",
    "auth.sign_in_failed": "Failed to sign in",
    "auth.token_issued": "Got an API token",
    "customers.merged": "Merged two customers",
    "rates.blackout_added": "Added blackout dates",
    "rates.bulk_changed": "Changed prices in bulk",
    "rates.draft_started": "Started a rate draft",
    "rates.imported": "Imported a rate sheet",
    "rates.list_created": "Created a rate list",
    "rates.price_words_changed": "Changed the words read in price cells",
    "rates.published": "Published rates",
    "rates.stop_sale_added": "Added a stop-sale",
    "rates.unpublished": "Withdrew published rates",
    "rates.version_changed": "Changed a rate version",
    "supplier.archived": "Archived a supplier",
    "supplier.bank_details_changed": "Changed a supplier's bank details",
    "supplier.bank_details_cleared": "Removed a supplier's bank details",
    "supplier.bank_revealed": "Looked at a supplier's bank details",
    "supplier.contact_added": "Added a supplier contact",
    "supplier.contact_removed": "Removed a supplier contact",
    "supplier.contact_updated": "Changed a supplier contact",
    "supplier.created": "Added a supplier",
    "supplier.deleted": "Deleted a supplier",
    "supplier.restored": "Restored a supplier",
    "supplier.service_added": "Added a supplier service",
    "supplier.service_removed": "Removed a supplier service",
    "supplier.service_updated": "Changed a supplier service",
    "supplier.service_content_updated": "Changed a service's description",
    "supplier.service_photo_added": "Added a photo of a service",
    "supplier.service_photo_updated": "Changed a photo of a service",
    "supplier.service_photo_removed": "Deleted a photo of a service",
    "supplier.service_photos_reordered": "Reordered the photos of a service",
    "supplier.updated": "Changed a supplier",
    "tenant.logo_changed": "Changed the logo",
    "tenant.settings_changed": "Changed the agency settings",
    "user.deactivated": "Deactivated a person",
    "user.invite_accepted": "Accepted an invitation",
    "user.invited": "Invited a person",
    "user.profile_changed": "Changed their profile",
    "user.role_changed": "Changed a person's role",
}
# what an event was about, when its name cannot be found (deleted since)
TARGET_WORDS: dict[str, str] = {
    "customer": "a customer no longer on file",
    "rate_list": "a rate list no longer on file",
    "rate_list_version": "a rate version no longer on file",
    "rate_price_words": "the words read in price cells",
    "supplier": "a supplier no longer on file",
    "tenant": "the agency",
    "user": "a former colleague",
}
# before/after fields whose plain name is not just the key in words
FIELD_WORDS: dict[str, str] = {
    "default_currency": "Currency",
    "gstin": "GSTIN",
    "pan": "PAN",
    "ifsc": "IFSC",
    "iban": "IBAN",
    "sla_hours": "SLA hours",
    "primary_color": "Primary colour",
    "valid_from": "Valid from",
    "valid_to": "Valid to",
    "url": "Web address",
    "ip": "IP address",
}


def action_words(action: str) -> str:
    """ "supplier.updated" -> "Changed a supplier"; an unknown action as plain words."""
    known = ACTION_WORDS.get(action)
    if known is not None:
        return known
    subject, _, verb = action.partition(".")
    return " ".join(f"{subject} {verb}".replace("_", " ").split()).capitalize()


def field_words(key: str) -> str:
    """ "default_currency" -> "Currency", "opens_at" -> "Opens at"."""
    return FIELD_WORDS.get(key) or key.replace("_", " ").strip().capitalize()


def target_words(target_type: str) -> str:
    return TARGET_WORDS.get(target_type) or "a " + target_type.replace("_", " ")
