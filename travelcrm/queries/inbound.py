"""An inbound enquiry email (raw .eml bytes) read into what a new query needs.

Pure: no database, no network. The API endpoint hands the bytes over, a Huey job turns the
`InboundEnquiry` into a query. Only the stdlib `email` package reads the message
(encoded-word headers, RFC 2231 file names, quoted-printable and base64 bodies).

What is taken, and the choices made:

* **Sender.** The sender is the From address. When From is a no-reply style mailbox (noreply,
  no-reply, do-not-reply, wordpress: what website forms send as) and Reply-To has a valid
  address, the Reply-To address is the sender instead (`from_email` keeps the From address).
  Missing From, or a From without a valid address, refuses the email (`no_sender`); Reply-To
  alone is not enough. Addresses are lowercased and must look like local@domain.tld.
* **Headers are single lines.** Decoded encoded-words may carry CR/LF or other control
  characters (header injection); they become spaces in the subject, names and file names. A
  From whose encoded display name the stdlib refuses still yields its address.
* **Text.** The first text/plain body of the outer message; if there is none (or it is blank),
  the first text/html body turned into text with `html.parser`. Parts marked as attachments and
  forwarded messages (message/rfc822) are never the body: a forwarded enquiry appears as an
  attachment and only the outer text is read.
* **Attachments** are listed as (filename, content_type, size in bytes) only; their content is
  not kept. Every leaf part that is not a plain/HTML body counts, plus each forwarded message.
* **Hints** (`extract_hints`) are best-effort strings for a person to confirm: phone numbers,
  date-like strings and traveller counts ("2 adults", "3 kids (ages 4, 7)").

Refusals are `InboundEmailError` with a `code`: "too_large" (checked before parsing),
"malformed" (empty, no mail headers) and "no_sender".

Limits, because the input comes from anyone and Python 3.11.7's parsers are slow on crafted
input: more than `max_bytes` (10 MB), or more than 1,000 lines starting "--" (MIME boundaries;
the parser spends about a millisecond per part), is refused as "too_large" before parsing. The
parser uses `policy.default` except that a header is parsed from its first 1,000 characters
only and parsed headers are cached (a 160 KB crafted Subject cost a second and 600 MB; an
over-long From may therefore lose its address). HTML is read from its first 2 million
characters, after escaping openers that can never close (quadratic in the 3.11.7 HTMLParser).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import EmailPolicy
from email.utils import parsedate_to_datetime
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any, Literal, NamedTuple, cast

__all__ = [
    "MAX_EMAIL_BYTES",
    "EnquiryHints",
    "InboundAttachment",
    "InboundEmailError",
    "InboundEnquiry",
    "extract_hints",
    "html_to_text",
    "parse_enquiry_email",
]

MAX_EMAIL_BYTES = 10 * 1024 * 1024

InboundErrorCode = Literal["too_large", "malformed", "no_sender"]


class InboundEmailError(ValueError):
    """The email cannot become a query; `code` is "too_large", "malformed" or "no_sender"."""

    def __init__(self, code: InboundErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: InboundErrorCode = code


class InboundAttachment(NamedTuple):
    filename: str  # "" when the part has none
    content_type: str
    size: int  # decoded bytes


@dataclass(frozen=True)
class EnquiryHints:
    phones: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()  # as written, e.g. "12th June 2026", "12/06/2026"
    adults: int | None = None
    children: int | None = None
    child_ages: tuple[int, ...] = ()


@dataclass(frozen=True)
class InboundEnquiry:
    sender_email: str
    sender_name: str | None
    from_email: str
    subject: str
    text: str
    message_id: str | None
    received_at: datetime | None  # the Date header, aware UTC
    reply_to: str | None
    attachments: tuple[InboundAttachment, ...] = ()
    hints: EnquiryHints = field(default_factory=EnquiryHints)


# Headers any real email has at least one of; without them the bytes are not an email.
_MAIL_HEADERS = frozenset(
    {"from", "to", "cc", "subject", "date", "message-id", "received", "mime-version", "reply-to"}
)
_HEADER_PARSE_MAX = 1000
_MIME_BOUNDARIES_MAX = 1000  # lines starting "--": the parser spends ~1 ms on each part
_NAME_MAX = 200
_SUBJECT_MAX = 1000
_MESSAGE_ID_MAX = 998
_FILENAME_MAX = 255
_HINT_SCAN_CHARS = 20_000

_FOLD = re.compile(r"[\r\n]")
_SURROGATE = re.compile(r"[\udc80-\udcff]")
_UNSAFE_INLINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")
_LABEL = r"[^\W_]+(?:-+[^\W_]+)*"
_EMAIL_SHAPE = re.compile(rf"[^@\s\"(),:;<>\[\]\\\x00-\x1f\x7f]{{1,64}}@{_LABEL}(?:\.{_LABEL})+")
_NO_REPLY = re.compile(r"(?:^|[-_.+])(?:no|do[-_.]?not)[-_.]?reply(?:$|[-_.+])|^wordpress$")
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
_HELD_WORD = re.compile(r"__ew(\d+)__")


# --- parsing ---------------------------------------------------------------------------------

_UNSTRUCTURED = HeaderRegistry(use_default_map=False)


@lru_cache(maxsize=256)
def _parsed_header(name: str, value: str) -> Any:
    # The stdlib parser can crash on broken values (IndexError on a bare "filename*", ValueError
    # on an encoded CR/LF in an address). Then: without the parameters (the Content-Disposition
    # "attachment" still counts), else as unstructured text, else the raw string.
    for attempt in (value, value.partition(";")[0]):
        try:
            return policy.default.header_factory(name, attempt)
        except Exception:
            continue
    try:
        return _UNSTRUCTURED(name, value)
    except Exception:
        return value


def _header_object(name: str, raw: str) -> Any:
    """The stdlib header object for a raw value, cut to `_HEADER_PARSE_MAX` characters first:
    the stdlib header parser needs milliseconds per kilobyte (and far more for long values),
    and `EmailMessage` parses a header again on every access, so parsed headers are cached."""
    return _parsed_header(name.lower(), _FOLD.sub("", raw[:_HEADER_PARSE_MAX]))


class _ReadingPolicy(EmailPolicy):
    """`policy.default` with bounded, cached header parsing (see `_header_object`). The parser
    itself reads Content-Type on every part, so a huge or crafted one must be cut here."""

    def header_fetch_parse(self, name: str, value: str) -> Any:
        if hasattr(value, "name"):  # already a header object
            return value
        return _header_object(name, value)


_PARSER = BytesParser(policy=cast("EmailPolicy[EmailMessage]", _ReadingPolicy()))


def parse_enquiry_email(raw: bytes, *, max_bytes: int = MAX_EMAIL_BYTES) -> InboundEnquiry:
    """Read raw .eml bytes; raise `InboundEmailError` when they cannot become a query."""
    if not isinstance(raw, bytes | bytearray):
        raise TypeError("parse_enquiry_email takes the raw email as bytes")
    if len(raw) > max_bytes:
        raise InboundEmailError(
            "too_large", f"The email is {_size(len(raw))}; the limit is {_size(max_bytes)}."
        )
    if not raw.strip():
        raise InboundEmailError("malformed", "The email is empty.")
    if raw.count(b"\n--") > _MIME_BOUNDARIES_MAX:
        raise InboundEmailError(
            "too_large",
            f"The email has too many parts to read (over {_MIME_BOUNDARIES_MAX:,} boundaries).",
        )
    try:
        message = _PARSER.parsebytes(bytes(raw))
        if not {name.lower() for name in message} & _MAIL_HEADERS:
            raise InboundEmailError(
                "malformed", "This is not an email: it has no mail headers (From, Subject, ...)."
            )
        return _read(message)
    except RecursionError as exc:
        raise InboundEmailError("malformed", "The email is nested too deeply to read.") from exc


def _read(message: EmailMessage) -> InboundEnquiry:
    froms = _addresses(message, "from")
    if not froms:
        if _raw_header(message, "from") is None:
            raise InboundEmailError("no_sender", "The email has no From header.")
        raise InboundEmailError("no_sender", "The email's From header has no valid address.")
    from_name, from_email = froms[0]
    replies = _addresses(message, "reply-to")
    reply_to = replies[0][1] if replies else None
    sender_name, sender_email = from_name, from_email
    if replies and reply_to != from_email and _NO_REPLY.search(from_email.partition("@")[0]):
        sender_name, sender_email = replies[0]

    subject = _one_line(_subject(message), _SUBJECT_MAX)
    body_parts: list[EmailMessage] = []
    text = ""
    for kind in ("plain", "html"):
        part = message.get_body(preferencelist=(kind,))
        if not isinstance(part, EmailMessage):
            continue
        body_parts.append(part)
        decoded = _decoded(part)
        text = _clean_text(html_to_text(decoded) if kind == "html" else decoded)
        if text:
            break
    message_id = _one_line(_raw_header(message, "message-id") or "", _MESSAGE_ID_MAX + 1)
    return InboundEnquiry(
        sender_email=sender_email,
        sender_name=sender_name or None,
        from_email=from_email,
        subject=subject,
        text=text,
        message_id=message_id if 0 < len(message_id) <= _MESSAGE_ID_MAX else None,
        received_at=_received_at(message),
        reply_to=reply_to,
        attachments=tuple(_attachments(message, body_parts)),
        hints=extract_hints(f"{subject}\n{text}"),
    )


# --- headers ---------------------------------------------------------------------------------


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} bytes"


def _one_line(value: str, limit: int) -> str:
    """Control characters (CR/LF included) and bidi overrides become spaces; spaces collapse."""
    return _SPACES.sub(" ", _UNSAFE_INLINE.sub(" ", value)).strip()[:limit]


def _raw_header(message: EmailMessage, name: str) -> str | None:
    """The first header `name` as received, unfolded and undecoded; never raises. Raw 8-bit
    bytes (UTF-8 headers, RFC 6532) come from the parser as surrogate escapes: read as UTF-8."""
    for key, value in message.raw_items():
        if key.lower() == name:
            text = _FOLD.sub("", str(value))
            if _SURROGATE.search(text):
                text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            return text
    return None


def _subject(message: EmailMessage) -> str:
    raw = _raw_header(message, "subject")
    return "" if raw is None else str(_header_object("subject", raw))


def _addresses(message: EmailMessage, name: str) -> list[tuple[str, str]]:
    """Valid (display name, lowercased address) pairs of an address header, in order."""
    raw = _raw_header(message, name)
    if raw is None:
        return []
    try:
        header = _header_object(name, raw)
        pairs = [(a.display_name, a.addr_spec) for a in header.addresses]
    except Exception:  # e.g. an encoded CR/LF in the display name
        pairs = _addresses_holding_encoded_words(name, raw)
    found = []
    for display_name, addr_spec in pairs:
        address = addr_spec.strip().lower()
        if len(address) <= 254 and _EMAIL_SHAPE.fullmatch(address) and "__ew" not in address:
            found.append((_one_line(display_name, _NAME_MAX), address))
    return found


def _addresses_holding_encoded_words(name: str, raw: str) -> list[tuple[str, str]]:
    """Parse an address header the stdlib refused: encoded-words are held out as plain atoms
    while the addresses are parsed, then decoded into the display names only."""
    words: list[str] = []

    def hold(match: re.Match[str]) -> str:
        words.append(match.group(0))
        return f"__ew{len(words) - 1}__"

    def give_back(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return _decode_word(words[index]) if index < len(words) else match.group(0)

    try:
        header = _header_object(name, _ENCODED_WORD.sub(hold, raw[:_HEADER_PARSE_MAX]))
        addresses = header.addresses
    except Exception:
        return []
    return [(_HELD_WORD.sub(give_back, a.display_name), a.addr_spec) for a in addresses]


def _decode_word(word: str) -> str:
    try:
        return str(make_header(decode_header(word)))
    except Exception:  # unknown charset, broken base64: drop the word
        return ""


def _received_at(message: EmailMessage) -> datetime | None:
    raw = _raw_header(message, "date")
    if not raw or len(raw) > 200:
        return None
    try:
        value = parsedate_to_datetime(raw.strip())
        if value.tzinfo is None:  # "-0000": the zone is unknown; take the time as UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


# --- body and attachments --------------------------------------------------------------------


def _decoded(part: EmailMessage) -> str:
    """The part's content: transfer encoding undone by `email`, then the part's charset (UTF-8
    when it is missing or unknown); undecodable bytes become U+FFFD."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except (LookupError, ValueError):
        return payload.decode("utf-8", errors="replace")


def _clean_text(text: str) -> str:
    text = _UNSAFE_TEXT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _attachments(
    message: EmailMessage, body_parts: list[EmailMessage]
) -> Iterator[InboundAttachment]:
    for part in _leaves(message):
        if any(part is body for body in body_parts):
            continue
        filename = _filename(part)
        maintype, subtype = part.get_content_maintype(), part.get_content_subtype()
        if (
            maintype == "text"
            and subtype in {"plain", "html"}
            and not filename
            and not part.is_attachment()
        ):
            continue  # the other alternative of the body
        yield InboundAttachment(filename, part.get_content_type(), _part_size(part))


def _leaves(part: EmailMessage) -> Iterator[EmailMessage]:
    """Leaf parts, with message/* parts (forwards) as leaves: never looked into."""
    if part.get_content_maintype() == "multipart" and part.is_multipart():
        for sub in part.iter_parts():
            if isinstance(sub, EmailMessage):
                yield from _leaves(sub)
    else:
        yield part


def _filename(part: EmailMessage) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        return ""
    return _one_line(re.split(r"[/\\]", name)[-1], _FILENAME_MAX)


def _part_size(part: EmailMessage) -> int:
    """Decoded bytes of a leaf part. For message/rfc822 (and other message/*) the enclosed
    message as received: header and body lengths added up, because serialising it again would
    parse and refold every header with the unbounded stdlib parser."""
    if not part.is_multipart():
        payload = part.get_payload(decode=True)
        return len(payload) if isinstance(payload, bytes) else 0
    total = 0
    for inner in part.walk():
        if inner is part:
            continue
        total += sum(len(name) + len(str(value)) + 2 for name, value in inner.raw_items())
        if not inner.is_multipart():
            body = inner.get_payload()
            total += len(body) if isinstance(body, str) else 0
    return total


# --- HTML to text ----------------------------------------------------------------------------

_HTML_MAX = 2_000_000
_MARKED_SECTION_WITHOUT_NAME = re.compile(r"<!\[(?![A-Za-z])")
_SKIPPED_TAGS = frozenset({"head", "script", "style", "template", "title", "noscript"})
# Blocks followed by a blank line, and blocks that only start a new line.
_PARAGRAPH_TAGS = frozenset(
    {"blockquote", "dl", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "ol", "p", "pre",
     "table", "ul"}
)  # fmt: skip
_LINE_TAGS = frozenset(
    {"address", "article", "aside", "caption", "dd", "div", "dt", "fieldset", "figcaption",
     "footer", "form", "header", "li", "main", "nav", "section", "tr"}
)  # fmt: skip


class _HtmlText(HTMLParser):
    """Collects visible text; block boundaries become pending line breaks, merged so that
    nested or adjacent blocks give one break (or one blank line), not a pile of them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._breaks = 0  # 1: new line, 2: blank line; written before the next text
        self._skipping = 0
        self._pre = 0

    def _block(self, tag: str) -> None:
        self._breaks = max(self._breaks, 2 if tag in _PARAGRAPH_TAGS else 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":  # a sloppy <head> that never closed ends here
            self._skipping = 0
        elif tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag == "br":
            self._breaks = min(self._breaks + 1, 2)
        elif tag in ("td", "th"):
            self.chunks.append(" ")
        elif tag in _PARAGRAPH_TAGS or tag in _LINE_TAGS:
            self._block(tag)
            if tag == "li":
                self.chunks.append("\n" * self._breaks if self.chunks else "")
                self.chunks.append("- ")
                self._breaks = 0
            elif tag == "pre":
                self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _PARAGRAPH_TAGS or tag in _LINE_TAGS:
            self._block(tag)
            if tag == "pre":
                self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        text = data if self._pre else _SPACES.sub(" ", data)
        if self._breaks:
            if not text.strip():
                return  # spacing between blocks
            if self.chunks:
                self.chunks.append("\n" * self._breaks)
            self._breaks = 0
        self.chunks.append(text)


def html_to_text(html: str) -> str:
    """Visible text of an HTML body: tags dropped by `html.parser` (not a regex), entities
    decoded, scripts, styles and the head left out, blocks on their own lines, list items as
    "- item". Only the first `_HTML_MAX` characters are read."""
    parser = _HtmlText()
    try:
        parser.feed(_defused(html[:_HTML_MAX]))
        parser.close()
    except AssertionError:  # _markupbase refuses some "<!" declarations: keep what was read
        pass
    lines = [line.strip() for line in "".join(parser.chunks).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _defused(html: str) -> str:
    """Escape the openers that can never be closed. For each of them the stdlib HTMLParser of
    Python 3.11.7 rescans to the end of the input (gh-135462, fixed upstream in 2025), which is
    quadratic: 64 KB of "<a " took 40 s. A "<" after the last ">", a "<!--" after the last
    "-->" and a "<![" after the last "]" would only ever be shown as text anyway."""
    for opener, closer in (("<!--", "-->"), ("<![", "]"), ("<", ">")):
        cut = html.rfind(closer) + 1  # 0 when there is no closer at all
        if opener in html[cut:]:
            html = html[:cut] + html[cut:].replace(opener, "&lt;" + opener[1:])
    return _MARKED_SECTION_WITHOUT_NAME.sub("&lt;![", html)


# --- hints -----------------------------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE = re.compile(
    r"(?<![\w/.-])(?:"
    r"\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}{_ORDINAL}(?:\s+of)?\s+{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|{_MONTH},?\s+\d{{4}}"
    rf"|{_MONTH}\s+\d{{1,2}}{_ORDINAL}(?:,?\s+\d{{4}})?"
    r")(?![\w/-])",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\w+])(?:\+|\(\+?)?\d[\d \t().-]{6,20}\d(?!\w)")
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_COUNT = r"(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
_CHILD = r"(?:kids?|child(?:ren)?)"
_ADULTS = re.compile(rf"(?<!\w){_COUNT}[ \t]*(?:adults?|grown-?ups?)(?!\w)", re.IGNORECASE)
_ADULTS_FIELD = re.compile(r"(?<!\w)adults?[ \t]*[:=][ \t]*(\d{1,2})(?!\d)", re.IGNORECASE)
_CHILDREN = re.compile(
    rf"(?<!\w){_COUNT}[ \t]*{_CHILD}(?:[ \t]*/[ \t]*{_CHILD})?(?!\w)", re.IGNORECASE
)
_CHILDREN_FIELD = re.compile(rf"(?<!\w){_CHILD}[ \t]*[:=][ \t]*(\d{{1,2}})(?!\d)", re.IGNORECASE)
_AGE = r"\d{1,2}(?:\s*(?:yrs?|years?)\b)?"
_AGES = re.compile(
    rf"\s*(?:\(\s*(?:aged?|ages)?|,?\s*(?:aged?|ages))\s*:?\s*({_AGE}(?:\s*(?:,|and|&|/)\s*{_AGE})*)",
    re.IGNORECASE,
)
_HINTS_MAX = 10


def extract_hints(text: str) -> EnquiryHints:
    """Best-effort phone numbers, date-like strings and traveller counts in free text."""
    text = text[:_HINT_SCAN_CHARS]
    dates = _unique(m.group(0) for m in _DATE.finditer(text))
    undated = _DATE.sub(lambda m: " " * len(m.group(0)), text)
    phones = _unique(
        (m.group(0).strip() for m in _PHONE.finditer(undated) if _phone_like(m.group(0))),
        key=lambda phone: re.sub(r"\D", "", phone),
    )
    adults = _count(_ADULTS, _ADULTS_FIELD, text)
    children: int | None = None
    ages: tuple[int, ...] = ()
    found = _CHILDREN.search(text) or _CHILDREN_FIELD.search(text)
    if found:
        children = _number(found.group(1))
        tail = _AGES.match(text, found.end())
        if tail:
            ages = tuple(a for a in map(int, re.findall(r"\d{1,2}", tail.group(1))) if a < 18)
    return EnquiryHints(
        phones=phones,
        dates=dates,
        adults=adults if adults is not None and adults > 0 else None,
        children=children,
        child_ages=ages,
    )


def _phone_like(candidate: str) -> bool:
    digits = sum(ch.isdigit() for ch in candidate)
    has_plus = candidate.lstrip("(").startswith("+")
    return digits <= 15 and (digits >= 10 or (has_plus and digits >= 8))


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def _count(spoken: re.Pattern[str], form_field: re.Pattern[str], text: str) -> int | None:
    found = spoken.search(text) or form_field.search(text)
    return _number(found.group(1)) if found else None


def _unique(values: Iterable[str], key: Callable[[str], str] = str.lower) -> tuple[str, ...]:
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        mark = key(value)
        if mark not in seen:
            seen.add(mark)
            kept.append(value)
        if len(kept) == _HINTS_MAX:
            break
    return tuple(kept)
