"""The account emails (verify, reset, invite): plain text plus a simple HTML part."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from sqlmodel import Session

from travelcrm.mail.services import queue_email
from travelcrm.settings import get_settings

# travelcrm.ui.routes holds the same paths; services do not import the UI.
VERIFY_PATH = "/verify"
RESET_PATH = "/reset-password"
INVITE_PATH = "/invite"


@dataclass(frozen=True)
class Mail:
    subject: str
    intro: str
    action: str
    url: str
    outro: str


def link(path: str, token: str) -> str:
    return f"{get_settings().link_base}{path}?{urlencode({'token': token})}"


def _text(name: str, mail: Mail) -> str:
    return (
        f"Hello {name},\n\n{mail.intro}\n\n{mail.action}:\n{mail.url}\n\n{mail.outro}\n\n"
        "— TravelCRM\n"
    )


def _html(name: str, mail: Mail) -> str:
    return (
        '<div style="font-family:system-ui,sans-serif;max-width:520px;line-height:1.5">'
        f"<p>Hello {escape(name)},</p><p>{escape(mail.intro)}</p>"
        f'<p><a href="{escape(mail.url)}" style="display:inline-block;padding:10px 18px;'
        'background:#12A594;color:#fff;border-radius:6px;text-decoration:none">'
        f"{escape(mail.action)}</a></p>"
        f'<p style="color:#666;font-size:13px">{escape(mail.outro)}<br>'
        f"If the button does not work, paste this into your browser: {escape(mail.url)}</p></div>"
    )


def _queue(
    session: Session,
    *,
    kind: str,
    to_email: str,
    name: str,
    mail: Mail,
    agency_id: uuid.UUID | None = None,
) -> None:
    queue_email(
        session,
        kind=kind,
        to_email=to_email,
        to_name=name,
        subject=mail.subject,
        text_body=_text(name, mail),
        html_body=_html(name, mail),
        agency_id=agency_id,
    )


def send_verification(session: Session, *, to_email: str, name: str, token: str) -> None:
    _queue(
        session,
        kind="verify_email",
        to_email=to_email,
        name=name,
        mail=Mail(
            subject="Confirm your email for TravelCRM",
            intro="Please confirm your email address to finish setting up your agency.",
            action="Confirm my email",
            url=link(VERIFY_PATH, token),
            outro="The link works once and expires in 24 hours. If you did not sign up, "
            "ignore this email.",
        ),
    )


def send_password_reset(session: Session, *, to_email: str, name: str, token: str) -> None:
    _queue(
        session,
        kind="password_reset",
        to_email=to_email,
        name=name,
        mail=Mail(
            subject="Reset your TravelCRM password",
            intro="Someone (hopefully you) asked to reset the password of this account.",
            action="Choose a new password",
            url=link(RESET_PATH, token),
            outro="The link works once and expires in 1 hour. Setting a new password signs "
            "you out everywhere. If you did not ask for this, ignore this email.",
        ),
    )


def send_invite(
    session: Session,
    *,
    to_email: str,
    name: str,
    token: str,
    agency_name: str,
    inviter: str,
    role: str,
    agency_id: uuid.UUID,
) -> None:
    _queue(
        session,
        kind="invite",
        to_email=to_email,
        name=name,
        agency_id=agency_id,
        mail=Mail(
            subject=f"{inviter} invited you to {agency_name} on TravelCRM",
            intro=f"{inviter} invited you to join {agency_name} on TravelCRM as {role}.",
            action="Accept the invitation",
            url=link(INVITE_PATH, token),
            outro="The link works once and expires in 7 days.",
        ),
    )
