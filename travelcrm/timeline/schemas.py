"""What a user writes on a timeline and what they read back."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from travelcrm.core.fields import HAS_TEXT, UtcDatetime
from travelcrm.core.text import clean_text

# a note's text: the rules of every other text field (no control characters), at least one
# visible character; kept as written (the service trims it)
NoteBody = Annotated[
    str,
    StringConstraints(min_length=1, max_length=5000, pattern=HAS_TEXT),
    AfterValidator(clean_text),
]


class NoteIn(BaseModel):
    """A note (`@Name` tells that colleague) or a logged call; either may be the reply the
    SLA is waiting for."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["note", "call", "email"] = "note"
    body: NoteBody
    counts_as_reply: bool = False  # a call or email to the customer answers the SLA


class TimelineItem(BaseModel):
    id: uuid.UUID
    kind: str
    body: str | None
    data: dict[str, object]
    actor_user_id: uuid.UUID | None
    actor_name: str | None
    occurred_at: UtcDatetime
