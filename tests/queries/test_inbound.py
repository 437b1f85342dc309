"""Inbound enquiry emails: what is read from real-looking messages (built and literal .eml),
header injection through encoded-words, bodies, attachments and hints; and the refusals."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from travelcrm.queries import inbound
from travelcrm.queries.inbound import (
    MAX_EMAIL_BYTES,
    EnquiryHints,
    InboundAttachment,
    InboundEmailError,
    InboundEnquiry,
    extract_hints,
    html_to_text,
    parse_enquiry_email,
)

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- literal .eml files ----------------------------------------------------------------------

QUOTED_PRINTABLE_EML = b"""\
Return-Path: <ravi.kumar@example.in>
From: "Ravi Kumar" <Ravi.Kumar@Example.IN>
To: enquiries@agency.example
Subject: Goa trip =?utf-8?q?=E2=80=93?= December
Date: Mon, 07 Sep 2026 09:15:00 +0530
Message-ID: <qp-1@mail.example.in>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

Hello,

We are 2 adults and 1 child (age 6) looking at Goa from 20/12/2026 to 27/12/=
2026. Budget =E2=82=B9 80,000.
Caf=C3=A9 near the beach please. Call me on +91 98450 12345.
"""

BASE64_HTML_ONLY_EML = b"""\
From: Anna Keller <anna.keller@example.ch>
To: enquiries@agency.example
Subject: Zurich family trip
Date: Fri, 15 Jan 2027 18:02:11 +0100
Message-ID: <b64-html@example.ch>
MIME-Version: 1.0
Content-Type: text/html; charset=iso-8859-1
Content-Transfer-Encoding: base64

PGh0bWw+PGhlYWQ+PHRpdGxlPklnbm9yZSBtZTwvdGl0bGU+PHN0eWxlPnAgeyBjb2xvcjogcmVk
IH08L3N0eWxlPjwvaGVhZD48Ym9keT48cD5EZWFyIHRlYW0sPC9wPjxwPkZhbWlseSB0cmlwIHRv
IFr8cmljaDogPGI+MiBhZHVsdHM8L2I+ICZhbXA7IDIga2lkcyAoYWdlcyA1IGFuZCA5KS48L3A+
PHVsPjxsaT5MZWF2aW5nIDE1IE1hcmNoIDIwMjc8L2xpPjxsaT5QaG9uZSArNDEgNDQgNjY4IDE4
IDAwPC9saT48L3VsPjxzY3JpcHQ+YWxlcnQoMSk8L3NjcmlwdD48L2JvZHk+PC9odG1sPg==
"""

ATTACHMENT_EML = b"""\
From: Omar <omar@example.ae>
To: enquiries@agency.example
Subject: Itinerary attached
Date: Sun, 01 Feb 2026 07:30:00 +0400
Message-ID: <att-1@example.ae>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

This is a multi-part message in MIME format.
--outer
Content-Type: text/plain; charset=us-ascii

Please quote for the attached plan. 4 pax: 2 adults, 2 children.
--outer
Content-Type: application/pdf; name="itinerary.pdf"
Content-Disposition: attachment; filename="itinerary.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQgZmFrZSBpdGluZXJhcnkK
--outer
Content-Type: image/jpeg
Content-Disposition: attachment; filename*=UTF-8''passeport%20%C3%A9t%C3%A9.jpg
Content-Transfer-Encoding: base64

AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJw==
--outer--
"""


def test_quoted_printable_plain_text() -> None:
    enquiry = parse_enquiry_email(QUOTED_PRINTABLE_EML)
    assert enquiry == InboundEnquiry(
        sender_email="ravi.kumar@example.in",
        sender_name="Ravi Kumar",
        from_email="ravi.kumar@example.in",
        subject="Goa trip \u2013 December",
        text=(
            "Hello,\n\nWe are 2 adults and 1 child (age 6) looking at Goa from 20/12/2026 to "
            "27/12/2026. Budget ₹ 80,000.\nCafé near the beach please. Call me on +91 98450 12345."
        ),
        message_id="<qp-1@mail.example.in>",
        received_at=datetime(2026, 9, 7, 3, 45, tzinfo=UTC),
        reply_to=None,
        attachments=(),
        hints=EnquiryHints(
            phones=("+91 98450 12345",),
            dates=("20/12/2026", "27/12/2026"),
            adults=2,
            children=1,
            child_ages=(6,),
        ),
    )


def test_base64_html_only_in_its_own_charset() -> None:
    enquiry = parse_enquiry_email(BASE64_HTML_ONLY_EML)
    assert enquiry.text == (
        "Dear team,\n\nFamily trip to Zürich: 2 adults & 2 kids (ages 5 and 9).\n\n"
        "- Leaving 15 March 2027\n- Phone +41 44 668 18 00"
    )
    assert "Ignore me" not in enquiry.text
    assert "alert" not in enquiry.text
    assert "color" not in enquiry.text
    assert enquiry.received_at == datetime(2027, 1, 15, 17, 2, 11, tzinfo=UTC)
    assert enquiry.hints == EnquiryHints(
        phones=("+41 44 668 18 00",),
        dates=("15 March 2027",),
        adults=2,
        children=2,
        child_ages=(5, 9),
    )


def test_attachments_are_listed_not_kept() -> None:
    enquiry = parse_enquiry_email(ATTACHMENT_EML)
    assert enquiry.text == "Please quote for the attached plan. 4 pax: 2 adults, 2 children."
    assert enquiry.attachments == (
        InboundAttachment("itinerary.pdf", "application/pdf", 24),
        InboundAttachment("passeport été.jpg", "image/jpeg", 40),
    )
    assert enquiry.attachments[0].filename == "itinerary.pdf"
    assert (enquiry.hints.adults, enquiry.hints.children) == (2, 2)


def test_crlf_line_endings_are_read_the_same() -> None:
    crlf = QUOTED_PRINTABLE_EML.replace(b"\n", b"\r\n")
    assert parse_enquiry_email(crlf) == parse_enquiry_email(QUOTED_PRINTABLE_EML)


# --- built messages --------------------------------------------------------------------------


def _email(body: str = "Hello", **headers: str) -> EmailMessage:
    message = EmailMessage()
    defaults = {
        "From": "Meera Shah <Meera.Shah@Example.com>",
        "To": "enquiries@agency.example",
        "Subject": "Kerala in October",
        "Date": "Wed, 02 Sep 2026 10:00:00 +0000",
        "Message-ID": "<built-1@example.com>",
    }
    for name, value in {**defaults, **headers}.items():
        if value:
            message[name] = value
    message.set_content(body)
    return message


def _parse(message: EmailMessage) -> InboundEnquiry:
    return parse_enquiry_email(message.as_bytes())


def test_a_plain_email() -> None:
    enquiry = _parse(_email("Hi,\r\nTwo adults, 5 nights.\n\n\n\nThanks"))
    assert enquiry.sender_email == "meera.shah@example.com"
    assert enquiry.from_email == "meera.shah@example.com"
    assert enquiry.sender_name == "Meera Shah"
    assert enquiry.subject == "Kerala in October"
    assert enquiry.text == "Hi,\nTwo adults, 5 nights.\n\nThanks"
    assert enquiry.message_id == "<built-1@example.com>"
    assert enquiry.received_at == datetime(2026, 9, 2, 10, 0, tzinfo=UTC)
    assert enquiry.received_at.tzinfo is UTC
    assert enquiry.reply_to is None
    assert enquiry.attachments == ()
    assert enquiry.hints.adults == 2


def test_the_result_is_frozen() -> None:
    enquiry = _parse(_email())
    with pytest.raises(AttributeError):
        enquiry.subject = "changed"  # type: ignore[misc]


def test_encoded_word_names_and_subjects_are_decoded() -> None:
    enquiry = _parse(_email(From="José Müller <jose@example.es>", Subject="Viaje a Bali ☀"))
    assert enquiry.sender_name == "José Müller"
    assert enquiry.subject == "Viaje a Bali ☀"
    raw = _email(From="José Müller <jose@example.es>").as_bytes()
    assert b"=?utf-8?" in raw  # really sent as an encoded-word


def test_a_sender_without_a_name() -> None:
    assert _parse(_email(From="solo@example.com")).sender_name is None


def test_multipart_alternative_prefers_plain_text() -> None:
    message = _email("Plain version: 3 adults")
    message.add_alternative("<p>HTML version</p>", subtype="html")
    enquiry = _parse(message)
    assert enquiry.text == "Plain version: 3 adults"
    assert enquiry.attachments == ()


def test_a_blank_plain_alternative_falls_back_to_html() -> None:
    message = _email("   \n")
    message.add_alternative("<div>Only the <i>HTML</i> has words</div>", subtype="html")
    assert _parse(message).text == "Only the HTML has words"


def test_nested_mixed_with_alternative_and_attachments() -> None:
    message = _email("Quote for Bali please")
    message.add_alternative("<p>Quote for <b>Bali</b> please</p>", subtype="html")
    message.add_attachment(b"%PDF-1.7\n" * 10, maintype="application", subtype="pdf",
                           filename="passports.pdf")  # fmt: skip
    message.add_attachment(b"\x89PNG" + bytes(96), maintype="image", subtype="png",
                           filename="../../etc/screenshot.png")  # fmt: skip
    message.add_attachment("name,age\nAsha,7\n", subtype="csv", filename="travellers.csv")
    assert message.get_content_type() == "multipart/mixed"
    enquiry = _parse(message)
    assert enquiry.text == "Quote for Bali please"
    assert enquiry.attachments == (
        InboundAttachment("passports.pdf", "application/pdf", 90),
        InboundAttachment("screenshot.png", "image/png", 100),
        InboundAttachment("travellers.csv", "text/csv", 16),
    )


def test_a_text_file_attachment_is_not_the_body() -> None:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message["Subject"] = "see file"
    message.add_attachment("secret notes", filename="notes.txt")
    enquiry = _parse(message)
    assert enquiry.text == ""
    # set_content ends the text with a newline: 13 bytes
    assert enquiry.attachments == (InboundAttachment("notes.txt", "text/plain", 13),)


def test_a_header_the_stdlib_parser_crashes_on_is_read_without_its_parameters() -> None:
    # Python 3.11's parser raises IndexError on a bare "filename*" parameter.
    raw = (
        b'From: a@example.com\nContent-Type: multipart/mixed; boundary="o"\n\n'
        b"--o\nContent-Type: text/plain\n\nhi\n"
        b"--o\nContent-Type: image/jpeg\nContent-Disposition: attachment; filename*\n"
        b"Content-Transfer-Encoding: base64\n\nAAAA\n--o--\n"
    )
    enquiry = parse_enquiry_email(raw)
    assert enquiry.text == "hi"
    assert enquiry.attachments == (InboundAttachment("", "image/jpeg", 3),)


def test_a_forwarded_message_is_an_attachment_and_only_the_outer_text_is_read() -> None:
    inner = _email("Inner text: 9 adults", From="customer@example.org", Subject="Original")
    message = _email("Forwarding this enquiry from our partner.", Subject="Fwd: Original")
    message.add_attachment(inner)
    enquiry = _parse(message)
    assert enquiry.text == "Forwarding this enquiry from our partner."
    assert enquiry.sender_email == "meera.shah@example.com"
    assert enquiry.hints.adults is None
    (forwarded,) = enquiry.attachments
    assert forwarded.content_type == "message/rfc822"
    assert forwarded.size > 0


def test_a_forwarded_message_with_a_crafted_header_is_sized_without_reparsing() -> None:
    inner = b"From: x@example.com\nSubject: " + b"=?utf-8?q?a=0D=0A?= " * 20_000 + b"\n\ninner\n"
    raw = (
        b'From: a@example.com\nContent-Type: multipart/mixed; boundary="o"\n\n'
        b"--o\nContent-Type: text/plain\n\nouter\n"
        b"--o\nContent-Type: message/rfc822\n\n" + inner + b"\n--o--\n"
    )
    started = time.perf_counter()
    enquiry = parse_enquiry_email(raw)
    assert time.perf_counter() - started < 5
    assert enquiry.text == "outer"
    (forwarded,) = enquiry.attachments
    assert forwarded.content_type == "message/rfc822"
    assert abs(forwarded.size - len(inner)) < 10


def test_a_latin1_body_is_decoded_with_its_charset() -> None:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content("Zürich à Genève".encode("latin-1"), maintype="text", subtype="plain",
                        cte="base64", params={"charset": "iso-8859-1"})  # fmt: skip
    assert _parse(message).text == "Zürich à Genève"


def test_an_unknown_charset_is_read_as_utf8() -> None:
    raw = (
        b"From: a@example.com\nContent-Type: text/plain; charset=x-unknown-charset\n"
        b"Content-Transfer-Encoding: 8bit\n\nCaf\xc3\xa9 \xff"
    )
    assert parse_enquiry_email(raw).text == "Café \ufffd"


def test_a_non_text_codec_charset_is_read_as_utf8() -> None:
    raw = b"From: a@example.com\nContent-Type: text/plain; charset=base64\n\nplain words"
    assert parse_enquiry_email(raw).text == "plain words"


def test_control_characters_are_removed_from_the_text() -> None:
    raw = b"From: a@example.com\nContent-Type: text/plain; charset=utf-8\n\nNUL\x00here\x1b[31m\tok"
    assert parse_enquiry_email(raw).text == "NULhere[31m\tok"


# --- header injection ------------------------------------------------------------------------


def test_encoded_crlf_in_subject_stays_on_one_line() -> None:
    raw = b"From: a@example.com\nSubject: =?utf-8?q?Hi=0D=0ABcc=3A_victim=40example=2Ecom?=\n\nx"
    assert parse_enquiry_email(raw).subject == "Hi Bcc: victim@example.com"


def test_encoded_crlf_in_the_from_name_keeps_the_real_address() -> None:
    raw = (
        b"From: =?utf-8?q?Bank=0D=0AReply-To=3A_x=40evil=2Eexample?= <Real@Sender.example>\n"
        b"Subject: hello\n\nbody"
    )
    enquiry = parse_enquiry_email(raw)
    assert enquiry.sender_email == "real@sender.example"
    assert enquiry.sender_name == "Bank Reply-To: x@evil.example"
    assert enquiry.reply_to is None


def test_an_address_inside_an_encoded_name_is_not_the_sender() -> None:
    raw = b"From: =?utf-8?q?boss=40agency=2Eexample?= <attacker@evil.example>\n\nx"
    enquiry = parse_enquiry_email(raw)
    assert enquiry.sender_email == "attacker@evil.example"
    assert enquiry.sender_name == "boss@agency.example"


def test_bidi_overrides_are_removed_from_names_and_file_names() -> None:
    message = _email(From="Evil\u202egnp.exe <e@example.com>")
    message.add_attachment(b"x", maintype="application", subtype="octet-stream",
                           filename="photo\u202egpj.exe")  # fmt: skip
    enquiry = _parse(message)
    assert enquiry.sender_name == "Evil gnp.exe"
    assert enquiry.attachments[0].filename == "photo gpj.exe"


def test_a_folded_subject_is_unfolded() -> None:
    raw = b"From: a@example.com\nSubject: a long\n   folded subject\n\nx"
    assert parse_enquiry_email(raw).subject == "a long folded subject"


# --- sender and reply-to ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "no_reply",
    [
        "noreply@agency-site.example",
        "no-reply@forms.example",
        "No_Reply@forms.example",
        "donotreply@forms.example",
        "do-not-reply@forms.example",
        "bookings.noreply@forms.example",
        "wordpress@agency-site.example",
    ],
)
def test_reply_to_wins_over_a_no_reply_from(no_reply: str) -> None:
    message = _email(From=f"Website <{no_reply}>", **{"Reply-To": "Asha Rao <Asha@Example.in>"})
    enquiry = _parse(message)
    assert enquiry.sender_email == "asha@example.in"
    assert enquiry.sender_name == "Asha Rao"
    assert enquiry.from_email == no_reply.lower()
    assert enquiry.reply_to == "asha@example.in"


def test_reply_to_does_not_replace_a_real_from() -> None:
    enquiry = _parse(_email(**{"Reply-To": "assistant@example.com"}))
    assert enquiry.sender_email == "meera.shah@example.com"
    assert enquiry.reply_to == "assistant@example.com"


@pytest.mark.parametrize("reply_to", ["", "not an address", "also-noreply"])
def test_a_no_reply_from_without_a_usable_reply_to_is_kept(reply_to: str) -> None:
    enquiry = _parse(_email(From="noreply@forms.example", **{"Reply-To": reply_to}))
    assert enquiry.sender_email == "noreply@forms.example"
    assert enquiry.reply_to is None


def test_the_first_valid_from_address_is_the_sender() -> None:
    enquiry = _parse(_email(From="First <first@example.com>, second@example.com"))
    assert enquiry.sender_email == "first@example.com"


def test_raw_utf8_headers_are_read_as_utf8() -> None:
    raw = "From: Jörg Groß <Jörg@Bücher.Example>\nSubject: Grüße aus Köln\n\nx".encode()
    enquiry = parse_enquiry_email(raw)
    assert enquiry.sender_email == "jörg@bücher.example"
    assert enquiry.sender_name == "Jörg Groß"
    assert enquiry.subject == "Grüße aus Köln"


# --- dates and ids ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Tue, 03 Mar 2026 10:00:00 +0530", datetime(2026, 3, 3, 4, 30, tzinfo=UTC)),
        ("3 Mar 2026 10:00:00 -0500", datetime(2026, 3, 3, 15, 0, tzinfo=UTC)),
        ("Tue, 03 Mar 2026 10:00:00 -0000", datetime(2026, 3, 3, 10, 0, tzinfo=UTC)),
        ("Tue, 03 Mar 2026 10:00:00 GMT", datetime(2026, 3, 3, 10, 0, tzinfo=UTC)),
        ("yesterday", None),
        ("Tue, 45 Foo 2026 99:99:99 +0000", None),
        ("Fri, 31 Dec 9999 23:00:00 -1400", None),  # past the end of datetime in UTC
    ],
)
def test_the_date_header(header: str, expected: datetime | None) -> None:
    raw = f"From: a@example.com\nDate: {header}\n\nx".encode()
    enquiry = parse_enquiry_email(raw)
    assert enquiry.received_at == expected
    if expected is not None:
        assert enquiry.received_at is not None
        assert enquiry.received_at.utcoffset() is not None
        assert enquiry.received_at.utcoffset().total_seconds() == 0


def test_missing_date_subject_and_message_id() -> None:
    enquiry = parse_enquiry_email(b"From: a@example.com\n\nhello")
    assert enquiry.received_at is None
    assert enquiry.subject == ""
    assert enquiry.message_id is None


def test_an_absurdly_long_message_id_is_dropped() -> None:
    raw = b"From: a@example.com\nMessage-ID: <" + b"x" * 2000 + b"@example.com>\n\nhi"
    assert parse_enquiry_email(raw).message_id is None


# --- refusals --------------------------------------------------------------------------------


def _refused(raw: bytes, **kwargs: int) -> InboundEmailError:
    with pytest.raises(InboundEmailError) as caught:
        parse_enquiry_email(raw, **kwargs)
    assert isinstance(caught.value, ValueError)
    return caught.value


def test_oversized_input_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    class ExplodingParser:
        def parsebytes(self, raw: bytes) -> None:
            raise AssertionError("parsed an oversized email")

    monkeypatch.setattr(inbound, "_PARSER", ExplodingParser())
    error = _refused(b"From: a@example.com\n\n" + b"x" * 2048, max_bytes=1024)
    assert error.code == "too_large"
    assert str(error) == "The email is 2.0 KB; the limit is 1.0 KB."


def test_the_default_limit_is_ten_megabytes() -> None:
    assert MAX_EMAIL_BYTES == 10 * 1024 * 1024
    raw = _email("x" * 100).as_bytes()
    error = _refused(raw + b"y" * (MAX_EMAIL_BYTES + 1 - len(raw)))
    assert error.code == "too_large"
    assert "10.0 MB" in str(error)
    exactly = raw + b"y" * (MAX_EMAIL_BYTES - len(raw))
    assert parse_enquiry_email(exactly).sender_email == "meera.shah@example.com"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   \r\n\r\n  ",
        b"\x00\xff\xfe\x89PNG garbage \x00\x01",
        b"just some words, no headers at all\n",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"X-Custom: 1\nfoo: bar\n\nnot mail headers",
        b"\n\nFrom: a@example.com\n\nheaders after a blank line are body",
    ],
)
def test_not_an_email_is_malformed(raw: bytes) -> None:
    assert _refused(raw).code == "malformed"


def test_the_malformed_message_is_clear() -> None:
    assert str(_refused(b"hello")) == (
        "This is not an email: it has no mail headers (From, Subject, ...)."
    )
    assert str(_refused(b"")) == "The email is empty."


def _nested(depth: int) -> bytes:
    body = b"Content-Type: text/plain\n\nx\n"
    for level in range(depth):
        boundary = b"b%d" % level
        body = (
            b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\n\n--' + boundary
            + b"\n" + body + b"\n--" + boundary + b"--\n"
        )  # fmt: skip
    return b"From: a@example.com\n" + body


def test_deep_nesting_within_the_part_limit_is_read() -> None:
    assert parse_enquiry_email(_nested(450)).text == "x"


def test_too_many_parts_are_refused_before_parsing() -> None:
    for raw in (
        _nested(3000),
        b'From: a@example.com\nContent-Type: multipart/mixed; boundary="b"\n\n'
        + b"--b\nContent-Type: image/png\n\nx\n" * 1001
        + b"--b--\n",
    ):
        error = _refused(raw)
        assert error.code == "too_large"
        assert str(error) == "The email has too many parts to read (over 1,000 boundaries)."


def test_a_recursion_error_is_malformed(monkeypatch: pytest.MonkeyPatch) -> None:
    def too_deep(message: object) -> None:
        raise RecursionError

    monkeypatch.setattr(inbound, "_read", too_deep)
    error = _refused(b"From: a@example.com\n\nx")
    assert error.code == "malformed"
    assert str(error) == "The email is nested too deeply to read."


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Content-Type", "text/plain; " + "a=b; " * 20_000),
        ("Content-Type", 'multipart/mixed; boundary="' + "=?utf-8?q?a?= " * 20_000 + '"'),
        ("Content-Disposition", "attachment; " + "filename*0*=utf-8''%C3%A9; " * 10_000),
        ("Subject", "=?utf-8?q?a=0D=0A?= " * 20_000),
        ("Reply-To", "a@example.com, " * 20_000),
    ],
)
def test_huge_crafted_headers_are_cut_not_parsed_whole(name: str, value: str) -> None:
    # The stdlib header parser is slow on such values (seconds and gigabytes at this size).
    raw = f"From: a@example.com\n{name}: {value}\n\nbody".encode()
    started = time.perf_counter()
    enquiry = parse_enquiry_email(raw)
    assert time.perf_counter() - started < 5
    assert enquiry.sender_email == "a@example.com"
    assert len(enquiry.subject) <= 1000


def test_a_missing_from_is_no_sender() -> None:
    error = _refused(b"To: enquiries@agency.example\nSubject: hi\nReply-To: x@example.com\n\nhi")
    assert error.code == "no_sender"
    assert str(error) == "The email has no From header."


@pytest.mark.parametrize(
    "from_header",
    [
        "Undisclosed",
        "<>",
        "undisclosed-recipients:;",
        "Some Name <not-an-address>",
        "user@localhost",
        "@example.com",
        "a b@example.com",
        "=?utf-8?q?only_a_name?=",
    ],
)
def test_a_from_without_a_valid_address_is_no_sender(from_header: str) -> None:
    error = _refused(f"From: {from_header}\nSubject: hi\n\nhi".encode())
    assert error.code == "no_sender"
    assert str(error) == "The email's From header has no valid address."


def test_str_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_enquiry_email("From: a@example.com\n\nhi")  # type: ignore[arg-type]


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(raw: bytes) -> None:
    try:
        parse_enquiry_email(raw)
    except InboundEmailError as error:
        assert error.code in {"malformed", "no_sender"}


@FUZZ
@given(
    st.sampled_from([QUOTED_PRINTABLE_EML, BASE64_HTML_ONLY_EML, ATTACHMENT_EML]),
    st.lists(st.tuples(st.integers(0, 10_000), st.binary(min_size=1, max_size=8)), max_size=6),
)
def test_damaged_emails_never_crash(raw: bytes, damage: list[tuple[int, bytes]]) -> None:
    data = bytearray(raw)
    for position, junk in damage:
        at = position % (len(data) + 1)
        data[at : at + len(junk)] = junk
    try:
        enquiry = parse_enquiry_email(bytes(data))
    except InboundEmailError as error:
        assert error.code in {"malformed", "no_sender"}
        return
    assert "\n" not in enquiry.subject
    assert "\r" not in enquiry.subject
    assert "\x00" not in enquiry.text
    assert enquiry.sender_email == enquiry.sender_email.lower()


# --- HTML to text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>a</p><p>b</p>", "a\n\nb"),
        ("<div>one</div>\n  <div>two<br>three<br><br>four</div>", "one\ntwo\nthree\n\nfour"),
        ("<ul>\n <li>a</li>\n <li>b</li>\n</ul>\n<p>after</p>", "- a\n- b\n\nafter"),
        ('<a title="a > b" href="x">link</a> &lt;b&gt; &amp; &#8377;', "link <b> & ₹"),
        ("before<!-- <p>hidden</p> -->after", "beforeafter"),
        ("<script>if (a < b) { x = '</p>' }</script>seen", "seen"),
        ("<html><head><title>t</title><body>Hi there", "Hi there"),
        ("<table><tr><td>Adults</td><td>2</td></tr><tr><td>Kids</td><td>1</td></tr></table>",
         "Adults 2\nKids 1"),
        ("<pre>line 1\nline 2</pre>", "line 1\nline 2"),
        ("words\n   across\n lines", "words across lines"),
        ("<p>unclosed <b>bold", "unclosed bold"),
    ],
)  # fmt: skip
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@pytest.mark.parametrize("opener", ["<a ", "<!--", "</", "<a href='", "<![", "<?", "<!--[if >"])
def test_unclosable_html_is_read_in_linear_time(opener: str) -> None:
    # Python 3.11.7's HTMLParser rescans to the end for each of these (40 s for 64 KB of "<a ").
    html = "<p>Dear team</p>" + opener * (256 * 1024 // len(opener))
    started = time.perf_counter()
    text = html_to_text(html)
    assert time.perf_counter() - started < 3
    assert text.startswith("Dear team")


def test_html_the_stdlib_refuses_keeps_what_was_read() -> None:
    # _markupbase raises AssertionError on an unknown marked-section keyword.
    assert html_to_text("<p>before</p><![x]><p>after</p>") == "before"


def test_outlook_marked_sections_are_ignored() -> None:
    html = "<p><![if !supportLists]>1.<![endif]>Goa</p><p>Kerala<![ ]</p>"
    assert html_to_text(html) == "1.Goa\n\nKerala<![ ]"


def test_only_the_first_two_million_html_characters_are_read() -> None:
    text = html_to_text("<p>" + "a" * 2_000_000 + "</p><p>lost</p>")
    assert text == "a" * 1_999_997


# --- hints -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "adults", "children", "ages"),
    [
        ("We are 2 adults", 2, None, ()),
        ("2 adults and 3 kids/children (ages 4, 7)", 2, 3, (4, 7)),
        ("two adults + one child aged 5", 2, 1, (5,)),
        ("1 adult, 2 children aged 4 and 11 years", 1, 2, (4, 11)),
        ("3 Adults 2 Kids (4yrs, 7 yrs)", 3, 2, (4, 7)),
        ("Adults: 2\nChildren: 1 (age 8)", 2, 1, (8,)),
        ("adults=4\nkids=0", 4, 0, ()),
        ("2 children, ages 3 & 16", None, 2, (3, 16)),
        ("2 kids (ages 4, 40)", None, 2, (4,)),
        ("Adults: 2\nChildren: 1\n(aged 5)", 2, 1, (5,)),
        ("0 adults", None, None, ()),
        ("no travellers mentioned", None, None, ()),
    ],
)
def test_traveller_counts(
    text: str, adults: int | None, children: int | None, ages: tuple[int, ...]
) -> None:
    hints = extract_hints(text)
    assert (hints.adults, hints.children, hints.child_ages) == (adults, children, ages)


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("Call +91 98765 43210 today", ("+91 98765 43210",)),
        ("mobile 9876543210.", ("9876543210",)),
        ("office (022) 2345-6789", ("(022) 2345-6789",)),
        ("UAE +971-50-123-4567 or +971 50 123 4567", ("+971-50-123-4567",)),
        ("WhatsApp (+44) 20 7946 0958", ("(+44) 20 7946 0958",)),
        ("Budget Rs. 150000.00 for 2025-2026", ()),
        ("travelling 12/06/2026 to 2026-06-18", ()),
        ("1,50,000 INR for 4 pax", ()),
        ("order 1234567890123456789", ()),
    ],
)
def test_phone_numbers(text: str, phones: tuple[str, ...]) -> None:
    assert extract_hints(text).phones == phones


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("from 12/06/2026 to 18-06-26", ("12/06/2026", "18-06-26")),
        ("check-in 2026-06-12", ("2026-06-12",)),
        ("on 12th June 2026 or 3 Jul", ("12th June 2026", "3 Jul")),
        ("around June 3rd, 2026", ("June 3rd, 2026",)),
        ("sometime in Dec 2026", ("Dec 2026",)),
        ("the 1st of March", ("1st of March",)),
        ("12/06/2026 and again 12/06/2026", ("12/06/2026",)),
        ("version 1.2.3 and score 10/10", ()),
    ],
)
def test_dates(text: str, dates: tuple[str, ...]) -> None:
    assert extract_hints(text).dates == dates


def test_hints_are_capped_and_scan_a_bounded_prefix() -> None:
    many = " ".join(f"+91 98765 4{n:04d}" for n in range(50))
    assert len(extract_hints(many).phones) == 10
    late = "x" * 30_000 + " 2 adults"
    assert extract_hints(late).adults is None


def test_hints_read_the_subject_too() -> None:
    enquiry = _parse(_email("See subject", Subject="Quote: 2 adults, 10 Oct 2026"))
    assert enquiry.hints.adults == 2
    assert enquiry.hints.dates == ("10 Oct 2026",)
