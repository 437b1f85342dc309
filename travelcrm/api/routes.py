"""What the domains' REST routes share besides the identity and the session (`api.auth`): the
If-Match header as a parameter and the caller's address for the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Request

IfMatch = Annotated[str | None, Header(description="Optional: the ETag you read", max_length=200)]
"""An optional If-Match: when sent, a change made meanwhile is refused (412)."""

RequiredIfMatch = Annotated[
    str | None,
    Header(
        description="The ETag you read (GET); required, so a stale copy never overwrites a "
        "newer one",
        max_length=200,
    ),
]
"""An If-Match the route insists on (428 when missing: checked by the route)."""


def client_of(request: Request) -> tuple[str | None, str | None]:
    """The caller's IP address and user agent, as the audit log records them."""
    return (request.client.host if request.client else None), request.headers.get("user-agent")


def one_value_each(request: Request, names: tuple[str, ...]) -> None:
    """Refuse (422, each at its parameter) a query parameter the operation takes once but the
    request gives several times: silently keeping the last value would answer another question."""
    from travelcrm.core.errors import FieldError, ValidationFailedError

    repeated = sorted(n for n in names if len(request.query_params.getlist(n)) > 1)
    if repeated:
        raise ValidationFailedError(
            "Each filter takes one value.",
            errors=[
                FieldError(n, "Given more than once: give it once.", "repeated") for n in repeated
            ],
        )
