"""Domain errors are values with names. The API maps them to problem+json, pages to toasts.

Each error has a stable `code` (part of the API contract), an HTTP-ish `status`, a human
`detail`, and optional per-field errors (which row, which field, why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str
    code: str = "invalid"
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "message": self.message, "code": self.code}
        if self.row is not None:
            data["row"] = self.row
        return data


@dataclass
class DomainError(Exception):
    """Base class: subclasses set `code`, `status` and `title`; instances carry the detail."""

    detail: str
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Request could not be processed"

    def __str__(self) -> str:
        return self.detail


class NotFoundError(DomainError):
    code = "not_found"
    status = 404
    title = "Not found"


class ValidationFailedError(DomainError):
    code = "validation_failed"
    status = 422
    title = "Validation failed"


class ConflictError(DomainError):
    code = "conflict"
    status = 409
    title = "Conflict"


class VersionConflictError(ConflictError):
    """Someone saved the row after the caller read it. Every versioned row has a
    `row_version` that an edit names (the one read); a stale one gets 409 `version_conflict`
    with the row's `current_row_version`, so the caller can reload and try again."""

    code = "version_conflict"
    title = "Changed by someone else"

    @classmethod
    def at(cls, detail: str, *, current_row_version: int, **extra: Any) -> VersionConflictError:
        return cls(
            detail,
            errors=[
                FieldError(
                    "row_version", "changed by someone else since you read it", "version_conflict"
                )
            ],
            extra={"current_row_version": current_row_version, **extra},
        )


class PreconditionFailedError(DomainError):
    code = "precondition_failed"
    status = 412
    title = "Precondition failed"


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    status = 403
    title = "Permission denied"


@dataclass
class ExternalServiceError(DomainError):
    """A failure of something outside us (SMTP, payment gateway, ...).

    `permanent=False` means a retry may succeed; queues use it to decide.
    """

    permanent: bool = False

    code: ClassVar[str] = "external_service_error"
    status: ClassVar[int] = 502
    title: ClassVar[str] = "An external service failed"
