"""Exchange rates state (managers and up): the agency's dated rates, one entered by hand (the
same pair and day is corrected), a bank's file checked first (each row as read, each problem
with its row and column) and saved whole only when every row is right, and a pair's rate over
time for the chart."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import reflex as rx
from reflex.event import EventSpec

from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.itineraries import pricing_data
from travelcrm.itineraries.models import FxRate
from travelcrm.itineraries.schemas import FxRateIn
from travelcrm.tenants.services import own_tenant
from travelcrm.ui.components.fields import with_codes
from travelcrm.ui.components.money import format_date
from travelcrm.ui.events import event
from travelcrm.ui.pages.pricing.text import FX_FIELD_WORDS, rate_text
from travelcrm.ui.record import NEEDS_ATTENTION, FormPage

MAX_FX_FILE_BYTES = 5 * 1024 * 1024
UPLOAD_ID = "fx-file"
# the file input emptied after a check, so choosing the same file again (fixed) is a change
FORGET_FILE = (
    "document.querySelectorAll('[data-testid=fx-drop] input[type=file]')"
    ".forEach((input) => { input.value = ''; })"
)


@dataclass
class RateRow:
    day: str  # "1 Dec 2026"
    pair: str  # "USD → INR"
    rate: str  # "1 USD = 83.6 INR"
    source: str


@dataclass
class PreviewRow:
    row: int
    day: str
    base: str
    quote: str
    rate: str
    ok: bool


@dataclass
class ProblemRow:
    row: int
    column: str  # "Rate"
    message: str


def rate_row(rate: FxRate) -> RateRow:
    return RateRow(
        day=format_date(rate.valid_on),
        pair=f"{rate.base} → {rate.quote}",
        rate=f"1 {rate.base} = {rate_text(rate.rate)} {rate.quote}",
        source=rate.source or "Entered by hand",
    )


def _day_words(text: str) -> str:
    """A row's date as the agency writes it, or as the file had it when it is not a date."""
    try:
        return format_date(date.fromisoformat(text))
    except ValueError:
        return text


class FxRatesState(FormPage, rx.State):
    rates: list[RateRow] = []
    currency: str = "INR"
    # entering one by hand
    form: dict[str, str] = {}
    form_key: int = 0
    errors: dict[str, str] = {}
    # a bank's file, checked
    file_name: str = ""
    file_error: str = ""
    file_errors: dict[str, str] = {}
    columns: str = ""  # "Date from “Value date”, rate from “TT Selling”"
    preview: list[PreviewRow] = []
    problems: list[ProblemRow] = []
    good_rows: int = 0
    _pending: list[dict[str, Any]] = []
    # the chart
    pairs: list[str] = []  # "USD/INR"
    pair: str = ""
    series: list[dict[str, Any]] = []
    pair_words: str = ""

    @rx.var
    def can_save_file(self) -> bool:
        return self.good_rows > 0 and len(self.problems) == 0

    # ---- loading --------------------------------------------------------------------------------

    def _fill(self, session: Session, ctx: TenantContext) -> None:
        self.currency = own_tenant(session, ctx).default_currency
        self.rates = [rate_row(r) for r in pricing_data.list_fx_rates(session, ctx, limit=100)]
        self.pairs = [f"{b}/{q}" for b, q in pricing_data.fx_pairs(session, ctx)]
        if self.pair not in self.pairs:
            self.pair = self.pairs[0] if self.pairs else ""
        self._chart(session, ctx)

    def _chart(self, session: Session, ctx: TenantContext) -> None:
        if not self.pair:
            self.series, self.pair_words = [], ""
            return
        base, quote = self.pair.split("/")
        rows = pricing_data.fx_series(session, ctx, base=base, quote=quote)
        # the chart's numbers are for drawing only; every figure shown is the saved decimal
        self.series = [
            {"day": format_date(r.valid_on), "rate": float(r.rate), "text": rate_text(r.rate)}
            for r in rows
        ]
        self.pair_words = f"1 {base} in {quote}"

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.PRICING_SETTINGS)
        if viewer is None:
            return self._signed_out()
        self.errors, self.form = {}, {"base": "", "quote": "", "valid_on": "", "rate": ""}
        self._clear_file()
        result = self._run(self._fill)[1] if self.allowed else None
        self.form["quote"] = self.currency
        self.form_key += 1
        self.loaded = True
        return result

    @event
    def pick_pair(self, value: str) -> EventSpec | None:
        if value not in self.pairs:
            return None
        self.pair = value
        return self._run(self._chart)[1]

    # ---- by hand --------------------------------------------------------------------------------

    @event
    def add_rate(self, form: dict[str, Any]) -> EventSpec | None:
        if self._viewer() is None:
            return self._signed_out()
        coded = with_codes(form, currencies=("base", "quote"))
        values = {
            "base": str(coded.get("base", "")).strip().upper(),
            "quote": str(coded.get("quote", "")).strip().upper(),
            "valid_on": str(form.get("valid_on", "")).strip(),
            "rate": str(form.get("rate", "")).strip().replace(",", ""),
        }
        self.form = {k: str(form.get(k, "")) for k in ("base", "quote", "valid_on", "rate")}
        data = self._parse(FxRateIn, values, errors="errors", whole="rate")
        if data is None:
            return rx.toast.error(NEEDS_ATTENTION)

        def work(session: Session, ctx: TenantContext) -> None:
            pricing_data.set_fx_rate(session, ctx, data=data)
            self.pair = f"{data.base}/{data.quote}"
            self._fill(session, ctx)

        _, failed = self._run(work, may=Action.PRICING_SETTINGS, errors="errors")
        if failed is not None or self.errors:
            return failed or rx.toast.error(NEEDS_ATTENTION)
        self.form = {"base": data.base, "quote": data.quote, "valid_on": "", "rate": ""}
        self.form_key += 1
        return rx.toast.success(
            f"1 {data.base} = {rate_text(data.rate)} {data.quote} on "
            f"{format_date(data.valid_on)} saved."
        )

    # ---- a bank's file --------------------------------------------------------------------------

    def _clear_file(self) -> None:
        self.file_name, self.file_error, self.columns = "", "", ""
        self.preview, self.problems, self.good_rows, self._pending = [], [], 0, []

    @event
    async def upload(self, files: list[rx.UploadFile]) -> EventSpec | list[EventSpec] | None:
        if self._viewer() is None:
            return self._signed_out()
        self._clear_file()
        if not files:
            self.file_error = "Choose the bank's CSV or Excel file first."
            return rx.toast.error(self.file_error)
        upload = files[0]
        if upload.size is not None and upload.size > MAX_FX_FILE_BYTES:
            self.file_error = "The file is over the 5 MB limit."
            return rx.toast.error(self.file_error)
        handle = tempfile.NamedTemporaryFile(prefix="travelcrm-fx-", delete=False)  # noqa: SIM115
        with handle:
            shutil.copyfileobj(upload.file, handle, 1024 * 1024)
        path = Path(handle.name)
        name = (upload.filename or "rates").rsplit("/", 1)[-1]
        try:
            found, failed = self._run(
                lambda session, ctx: pricing_data.import_fx_file(
                    session, ctx, path=path, filename=name, dry_run=True
                ),
                may=Action.PRICING_SETTINGS,
                errors="file_errors",
            )
        finally:
            path.unlink(missing_ok=True)
        self.file_name = name
        if found is None:
            self.file_error = self.file_errors.get("file", "") or "The file cannot be read."
            return [
                rx.clear_selected_files(UPLOAD_ID),
                rx.call_script(FORGET_FILE),
                failed or rx.toast.error(self.file_error),
            ]
        self._show_preview(found)
        said = (
            rx.toast.success(f"{len(found.rows)} rates read: all fine. Save them when ready.")
            if not found.problems
            else rx.toast.error(
                f"{len(found.problems)} problem(s) in the file: fix them and check it again."
            )
        )
        return [rx.clear_selected_files(UPLOAD_ID), rx.call_script(FORGET_FILE), said]

    def _show_preview(self, found: pricing_data.FxImport) -> None:
        columns = ", ".join(
            f"{FX_FIELD_WORDS.get(ours, ours).lower()} from “{theirs}”"
            for ours, theirs in found.columns.items()
            if ours in FX_FIELD_WORDS
        )
        self.columns = columns[:1].upper() + columns[1:]
        self.preview = [
            PreviewRow(
                row=r.row,
                day=_day_words(r.valid_on),
                base=r.base,
                quote=r.quote,
                rate=rate_text(r.data.rate) if r.data else r.rate,
                ok=r.data is not None,
            )
            for r in found.rows[:500]
        ]
        self.problems = [
            ProblemRow(
                row=p.row,
                column=FX_FIELD_WORDS.get(p.field, p.field),
                message=p.message[:1].upper() + p.message[1:],
            )
            for p in found.problems
        ]
        self.good_rows = len(found.valid)
        self._pending = [r.model_dump(mode="json") for r in found.valid]

    @event
    def save_file(self) -> EventSpec | None:
        if self.problems or not self._pending:
            return rx.toast.error("Fix every problem of the file and check it again first.")
        rates = [FxRateIn.model_validate(r) for r in self._pending]

        def work(session: Session, ctx: TenantContext) -> int:
            saved = pricing_data.save_fx_rates(session, ctx, rates=rates)
            first = rates[0]
            self.pair = f"{first.base}/{first.quote}"
            self._fill(session, ctx)
            return saved

        saved, failed = self._run(work, may=Action.PRICING_SETTINGS)
        if failed is not None:
            return failed
        name = self.file_name
        self._clear_file()
        return rx.toast.success(f"{saved} rates from {name} saved.")

    @event
    def discard_file(self) -> None:
        self._clear_file()
