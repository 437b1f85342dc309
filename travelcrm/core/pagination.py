"""Cursor pagination for every list (API and pages): `limit` and an opaque, signed `cursor`.

Keyset pagination over a unique ordering (e.g. created_at, id), so pages stay stable while
rows are added, and deep pages cost the same as the first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import tuple_
from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

from travelcrm.core.errors import FieldError, ValidationFailedError
from travelcrm.settings import get_settings

T = TypeVar("T")


def _sign(payload: bytes) -> str:
    key = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(key, b"cursor:" + payload, hashlib.sha256).hexdigest()[:24]


def encode_cursor(values: Sequence[Any]) -> str:
    payload = json.dumps(list(values), default=str, separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_sign(payload)}"


def decode_cursor(cursor: str) -> list[Any]:
    def invalid() -> ValidationFailedError:
        return ValidationFailedError(
            "The cursor is not one this API issued; start again without it.",
            errors=[FieldError("cursor", "invalid or tampered cursor", "invalid_cursor")],
        )

    body, _, signature = cursor.partition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError):
        raise invalid() from None
    # bytes: compare_digest refuses str with non-ASCII characters (a forged cursor may have them)
    if not signature or not hmac.compare_digest(signature.encode(), _sign(payload).encode()):
        raise invalid()
    try:
        values = json.loads(payload)
    except ValueError:
        raise invalid() from None
    if not isinstance(values, list):
        raise invalid()
    return values


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None


def keyset_page(
    session: Session,
    statement: SelectOfScalar[T],
    *,
    order_by: Sequence[Any],
    key: Any,
    params: PageParams,
    convert: Sequence[Any] = (),
    descending: bool = False,
    rows_of: Callable[[Any], Sequence[Any]] | None = None,
) -> tuple[list[T], str | None]:
    """Run `statement` ordered by `order_by` after the cursor; `key(row)` gives the row's key.

    `convert` optionally turns the cursor's JSON values back into column types (e.g. UUID);
    `descending` pages newest-first; `rows_of(statement)` runs it instead of the session
    (e.g. `db.scoped_rows` for plain rows without ORM objects).
    """
    if params.cursor:
        values = decode_cursor(params.cursor)
        if len(values) != len(order_by):
            raise ValidationFailedError(
                "The cursor does not fit this listing.",
                errors=[FieldError("cursor", "cursor from another listing", "invalid_cursor")],
            )
        if convert:
            try:
                values = [fn(v) for fn, v in zip(convert, values, strict=True)]
            except (TypeError, ValueError):
                raise ValidationFailedError(
                    "The cursor does not fit this listing.",
                    errors=[FieldError("cursor", "cursor from another listing", "invalid_cursor")],
                ) from None
        after = (
            tuple_(*order_by) < tuple_(*values)
            if descending
            else tuple_(*order_by) > tuple_(*values)
        )
        statement = statement.where(after)
    ordering = [c.desc() for c in order_by] if descending else list(order_by)
    final = statement.order_by(*ordering).limit(params.limit + 1)
    rows = list(rows_of(final) if rows_of else session.exec(final).all())
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        next_cursor = encode_cursor(key(rows[-1]))
    return rows, next_cursor


@dataclass(frozen=True)
class NumberedPage:
    """A page of a list counted in numbered pages (the rate grid's lines), reached by the same
    `limit` and `cursor` as every other list; the cursor carries the page and its size."""

    number: int
    size: int

    def next_cursor(self, pages: int) -> str | None:
        return encode_cursor(["page", self.number + 1, self.size]) if self.number < pages else None


def numbered_page(
    params: PageParams, *, page: int | None = None, size: int | None = None
) -> NumberedPage:
    """The page `params.cursor` points to, else `page` (1 by default) of `size` rows (else
    `params.limit`)."""
    if not params.cursor:
        return NumberedPage(number=page or 1, size=size or params.limit)
    values = decode_cursor(params.cursor)
    shape_ok = (
        len(values) == 3
        and values[0] == "page"
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in values[1:])
    )
    if not shape_ok:
        raise ValidationFailedError(
            "The cursor does not fit this listing.",
            errors=[FieldError("cursor", "cursor from another listing", "invalid_cursor")],
        )
    return NumberedPage(number=values[1], size=values[2])
