"""What callers send and get back for the agency's email templates, sent emails, their
delivery log and the suppressed addresses."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from travelcrm.core.fields import UtcDatetime
from travelcrm.mail.models import PdfMode

Kind = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z][a-z0-9_]{2,39}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Body = Annotated[str, Field(max_length=100_000)]


class TemplateIn(BaseModel):
    """A new template: one of the agency's own kinds (the four standard kinds exist from the
    start and are changed with PATCH)."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind = Field(description="lower_case name, e.g. `visa_reminder`")
    name: Name
    subject: Annotated[str, Field(max_length=300)]
    html_body: Body
    text_body: Body
    pdf_mode: PdfMode = PdfMode.ATTACH


class TemplateUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    subject: Annotated[str, Field(max_length=300)] | None = None
    html_body: Body | None = None
    text_body: Body | None = None
    pdf_mode: PdfMode | None = None


class TemplatePatch(TemplateUpdate):
    row_version: int = Field(ge=1, description="The version you read (409 when changed)")


class VariablePublic(BaseModel):
    name: str
    label: str
    sample: str


class TemplatePublic(BaseModel):
    id: uuid.UUID
    kind: str
    name: str
    subject: str
    html_body: str
    text_body: str
    pdf_mode: PdfMode
    standard: bool = Field(description="One of the kinds every agency has")
    variables: list[VariablePublic]
    row_version: int
    updated_at: UtcDatetime | None


class PreviewIn(BaseModel):
    """Unsaved text to preview (the saved template's own when left out)."""

    model_config = ConfigDict(extra="forbid")

    subject: Annotated[str, Field(max_length=300)] | None = None
    html_body: Body | None = None
    text_body: Body | None = None


class PreviewPublic(BaseModel):
    subject: str
    html_body: str
    text_body: str
    sample: dict[str, str]


class EmailPublic(BaseModel):
    id: uuid.UUID
    kind: str
    to_email: str
    to_name: str | None
    subject: str
    message_id: str
    state: str
    attempts: int
    last_answer: str | None
    related_type: str | None
    related_id: uuid.UUID | None
    opens: int
    clicks: int
    created_at: UtcDatetime
    sent_at: UtcDatetime | None


class EmailEventPublic(BaseModel):
    id: uuid.UUID
    message_id: uuid.UUID
    event: str
    detail: str | None
    prefetch: bool
    url: str | None
    at: UtcDatetime


class SuppressionPublic(BaseModel):
    id: uuid.UUID
    email: str
    reason: str
    created_at: UtcDatetime
