"""Sending the email-verification link again, for the sign-in and sign-up pages."""

from __future__ import annotations

from travelcrm.accounts import services as accounts
from travelcrm.core.errors import DomainError
from travelcrm.db import system_scope
from travelcrm.ui.session import client_of


def resend_link(router: object, email: str, sent: str) -> str:
    """Send the verification link to `email` again; the words to show: `sent`, or why not."""
    try:
        with system_scope() as session:
            accounts.resend_verification(session, email=email, ip=client_of(router)[0])
    except DomainError as exc:
        return exc.detail
    return sent
