"""What an import is told (the column mapping) and what it answers (the report)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from travelcrm.core.fields import UtcDatetime
from travelcrm.ratesheets.models import ImportStatus


class ImportField(StrEnum):
    """What a column of a supplier's sheet holds."""

    SERVICE = "service"  # room category, vehicle type, activity / ticket
    MEAL_PLAN = "meal_plan"  # EP / CP / MAP / AP
    SEASON = "season"  # a season name of the list ("Peak")
    VALID_FROM = "valid_from"  # or a date range instead of a name
    VALID_TO = "valid_to"
    BASIS = "basis"  # per person / room / vehicle / group
    OCCUPANCY = "occupancy"  # single / double / triple / quad / extra bed
    AGE_BAND = "age_band"  # adult / CWB / CNB / infant
    PAX = "pax"  # a pax break written as a range: "1-2", "6-10", "10+"
    PAX_MIN = "pax_min"
    PAX_MAX = "pax_max"
    NET = "net"  # the buy price
    SELL = "sell"
    MARKUP = "markup_pct"
    MIN_NIGHTS = "min_nights"
    WEEKDAYS = "weekdays"  # "Mon-Thu", "Fri, Sat", "All"
    CURRENCY = "currency"
    CAPACITY = "capacity"  # seats per vehicle (vehicle bases): "6", "6 seats", "up to 6"
    SUPPLEMENT = "supplement"  # a surcharge's name ("Driver allowance"); empty: the base price
    OPTIONAL = "optional"  # a supplement added only when asked: "Yes"/"Optional" vs "No"
    IGNORE = "ignore"


PRICE_FIELDS = frozenset({ImportField.NET, ImportField.SELL, ImportField.MARKUP})


class ColumnRule(BaseModel):
    """One column of the sheet and the field it feeds.

    A price column of a wide layout (one column per occupancy, season or month) says what it
    stands for in `fixed`, e.g. `{"occupancy": "double", "season": "Peak"}`: each row then gives
    one line per such column group (the columns sharing the same `fixed`)."""

    model_config = ConfigDict(extra="forbid")

    column: int = Field(ge=0, le=16_383, description="0-based column index in the sheet")
    header: str = Field(default="", max_length=300, description="the header text, as in the file")
    field: ImportField
    fixed: dict[ImportField, str] = Field(default_factory=dict)


class ImportMapping(BaseModel):
    """How to read one sheet into rate lines; saved as the supplier's template."""

    model_config = ConfigDict(extra="forbid")

    sheet: str | None = Field(default=None, max_length=100, description="a workbook's sheet")
    header_row: int = Field(
        default=0, ge=0, le=1000, description="0-based index of the (last) header row"
    )
    columns: list[ColumnRule] = Field(default_factory=list, max_length=2000)
    constants: dict[ImportField, str] = Field(
        default_factory=dict, description="values for fields the file lacks, e.g. currency"
    )
    day_first: bool | None = Field(default=None, description="None: decided from the file")
    decimal_comma: bool | None = Field(default=None, description="None: decided from the file")


class RateImportPublic(BaseModel):
    """An import: where it stands and, once checked, its report."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    rate_list_id: uuid.UUID
    file_name: str
    checksum: str
    size_bytes: int
    kind: Literal["csv", "xlsx", "xls"]
    status: ImportStatus = Field(description="queued and running ones are still at work")
    progress: int = Field(description="percent, while queued or running")
    stage: str
    dry_run: bool
    rows_read: int
    lines: int
    error_count: int
    warning_count: int
    report: dict[str, Any] = Field(
        description="errors and warnings by row and column, date and number styles decided, "
        "seasons, and the diff against the current version"
    )
    failure: str | None
    version_id: uuid.UUID | None = Field(description="the draft a commit stored the lines in")
    created_at: UtcDatetime  # (SQLite hands back naive times: read as UTC)
    finished_at: UtcDatetime | None


class ColumnPublic(BaseModel):
    index: int
    header: str
    samples: list[str]


class SheetScorePublic(BaseModel):
    name: str
    score: int = Field(description="0-100: how much the sheet looks like a rate table")
    header_row: int = Field(description="0-based, the header row found on it")
    known_headers: int = Field(description="header cells naming a known field")
    numeric_share: float = Field(description="share of numbers in the rows under the header")
    data_rows: int


class SheetPreviewPublic(BaseModel):
    sheets: list[str]
    sheet: str = Field(description="the sheet shown: the one asked for, else the best scored")
    sheet_scores: list[SheetScorePublic] = Field(description="every sheet, in workbook order")
    header_row: int
    rows: list[list[str]]
    columns: list[ColumnPublic]
    suggested: ImportMapping
    from_template: bool
    unmapped_required: list[ImportField] = Field(
        description="required fields the suggested mapping leaves unmapped ('season': a "
        "season, or valid_from and valid_to)"
    )
    encoding: str | None
    delimiter: str | None


class StagedImportPublic(RateImportPublic):
    """An upload's answer: the import, and when its mapping is incomplete (status "staged")
    the preview to map it from and what is still unmapped."""

    preview: SheetPreviewPublic | None = None
    mapping: ImportMapping = Field(description="the mapping the import runs with")
    unmapped_required: list[ImportField] = Field(
        description="required fields still unmapped; a dry run or commit is refused (422) "
        "until they are mapped (PUT .../mapping)"
    )


class DryRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mapping: ImportMapping | None = Field(default=None, description="default: the import's")


class CommitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mapping: ImportMapping | None = Field(default=None, description="default: the dry run's")
    replace_draft: bool = False
