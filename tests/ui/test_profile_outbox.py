"""The dev outbox page's logic: only in development, newest first, links in the text made
clickable (and nothing but http(s) made a link)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from travelcrm.accounts.emails import VERIFY_PATH
from travelcrm.core.clock import frozen
from travelcrm.db import system_scope
from travelcrm.mail.services import queue_email
from travelcrm.ui.pages.outbox.state import (
    TextPart,
    ago,
    link_parts,
    open_view,
    outbox_enabled,
    outbox_view,
)


def test_links_in_the_text_become_links_and_the_rest_stays_text() -> None:
    text = (
        "Hello Asha,\n\nConfirm your address:\nhttp://localhost:3000/verify?token=abc_D-9\n\n"
        "Questions? See (https://example.com/help). Or https://example.com/a_(b).\n"
    )
    parts = link_parts(text)
    assert "".join(p.text for p in parts) == text
    assert [p.href for p in parts if p.href] == [
        "http://localhost:3000/verify?token=abc_D-9",
        "https://example.com/help",
        "https://example.com/a_(b)",
    ]
    assert parts[0] == TextPart("Hello Asha,\n\nConfirm your address:\n")


def test_only_http_and_https_become_links() -> None:
    for text in (
        "javascript:alert(1)",
        "ftp://example.com/x",
        "data:text/html,<b>x</b>",
        "http://",
    ):
        assert [p for p in link_parts(text) if p.href] == [], text
    assert link_parts("") == []
    assert link_parts("no links here") == [TextPart("no links here")]


def test_ago() -> None:
    assert [ago(s) for s in (5, 125, 7300, 200_000)] == [
        "just now",
        "2 min ago",
        "2 h ago",
        "2 d ago",
    ]


def test_the_page_is_only_on_in_development(settings_env) -> None:
    assert outbox_enabled() is False  # the tests run with APP_ENV=test
    settings_env(app_env="dev")
    assert outbox_enabled() is True


def _queue(session: Session, subject: str, text: str) -> str:
    message = queue_email(
        session,
        kind="verify_email",
        to_email=f"{secrets.token_hex(3)}@example.com",
        to_name="Asha Verma",
        subject=subject,
        text_body=text,
        html_body="<p>html</p>",
    )
    return str(message.id)


def test_newest_first_and_the_open_message_stays_open(migrated_engine) -> None:
    tag = secrets.token_hex(3)
    link = f"http://localhost:3000{VERIFY_PATH}?token={tag}"
    # the outbox is the whole run's: this test's mail is sent later than any other test's
    # (some run on a clock frozen in 2027), so its newest is the outbox's newest
    clock = frozen(datetime(2100, 1, 1, 9, tzinfo=UTC))
    moved = clock.__enter__()
    try:
        with system_scope() as session:
            older = _queue(session, f"Older {tag}", "Nothing to click.")
        moved.advance(timedelta(seconds=1))
        with system_scope() as session:
            newer = _queue(session, f"Confirm {tag}", f"Confirm:\n{link}\n")
        with system_scope() as session:
            view = outbox_view(session, pick_newest=True)
    finally:
        clock.__exit__(None, None, None)
    assert view.messages[0].message_id == newer
    assert [m.message_id for m in view.messages].index(older) > 0
    assert view.selected_id == newer
    assert view.selected["subject"] == f"Confirm {tag}"
    assert view.selected["to"].startswith("Asha Verma <")
    assert view.selected["html"] == "yes"
    assert [p.href for p in view.body if p.href] == [link]
    assert view.messages[0].ago == "just now"  # as of the clock it was read by
    assert view.messages[0].when.endswith("UTC")

    with system_scope() as session:
        kept = outbox_view(session, selected_id=older, pick_newest=True)
        none_open = outbox_view(session, pick_newest=False)
        bad_id = outbox_view(session, selected_id="not-a-uuid", pick_newest=False)
    assert kept.selected_id == older
    assert [p.href for p in kept.body if p.href] == []
    assert none_open.selected_id == "" and none_open.body == []
    assert bad_id.selected_id == "" and bad_id.messages
    assert open_view(None).selected == {}
