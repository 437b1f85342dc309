"""Rate lines of a draft: adds (all or nothing, errors by row and field), edits, deletes, the
grid's pages, and bulk changes with a preview. The checks are `rates.rules`'."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, Uuid, any_, bindparam, func
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, col, delete, select

from travelcrm.audit import services as audit
from travelcrm.core.errors import (
    FieldError,
    ValidationFailedError,
)
from travelcrm.core.money import round_money
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import bulk_insert, scoped_connection
from travelcrm.rates.models import (
    RateLine,
)
from travelcrm.rates.pricewords import (
    PriceWord,
    PriceWords,
    default_price_words,
    no_price_reason,
    price_word,
)
from travelcrm.rates.rules import LineValues, effective_sell, line_errors
from travelcrm.rates.schemas import (
    BulkChange,
    LineIn,
    LinePatch,
    LineSelection,
    weekdays_mask,
)
from travelcrm.rates.services import (
    check_lock,
    editable_draft,
    find,
    get_version,
    price_words,
    touch,
    version_context,
)

_lin = RateLine.__table__  # type: ignore[attr-defined]


def add_lines(
    session: Session,
    ctx: TenantContext,
    *,
    version_id: uuid.UUID,
    row_version: int,
    lines: Sequence[LineIn],
) -> list[RateLine]:
    """Add lines; all or nothing (errors name the row)."""
    version = editable_draft(session, ctx, version_id)
    check_lock(version, row_version)
    services, seasons, bands = version_context(session, version)
    errors: list[FieldError] = []
    rows = []
    start = session.exec(
        select(func.coalesce(func.max(RateLine.position), 0)).where(
            col(RateLine.version_id) == version.id
        )
    ).one()
    words = _words_if_needed(session, [p for line in lines for p in (line.net, line.sell)])
    for index, line in enumerate(lines):
        net = _price_of(line.net, "net", words, errors, index + 1)
        sell = _price_of(line.sell, "sell", words, errors, index + 1)
        values = LineValues(
            service_id=line.service_id,
            season_id=line.season_id,
            basis=line.basis.value,
            occupancy=line.occupancy.value,
            age_band=line.age_band.value,
            pax_min=line.pax_min,
            pax_max=line.pax_max,
            net=Decimal(0) if net is None else net,
            sell=sell,
            markup_pct=line.markup_pct,
            weekdays=weekdays_mask(list(line.weekdays)),
            min_nights=line.min_nights,
            capacity=line.capacity,
            supplement=line.supplement,
            optional=line.optional,
        )
        errors += line_errors(
            values, services=services, seasons=seasons, bands=bands, row=index + 1
        )
        rows.append(
            RateLine(
                tenant_id=ctx.tenant_id,
                version_id=version.id,
                position=start + index + 1,
                **values.__dict__,
            )
        )
    if errors:
        raise ValidationFailedError(_summary(errors), errors=errors)
    session.add_all(rows)
    touch(session, version)
    session.flush()
    return rows


def _words_if_needed(session: Session, prices: Iterable[Any]) -> PriceWords | None:
    """The agency's price words, read only when a price was given as text."""
    if any(isinstance(price, str) for price in prices):
        return price_words(session)
    return None


def _price_of(
    value: Decimal | str | None,
    field: str,
    words: PriceWords | None,
    errors: list[FieldError],
    row: int | None = None,
) -> Decimal | None:
    """A price given to the grid or the API: an amount, or a price word of the agency ("FOC"
    is 0; "On request" is refused: a line needs its price). A refusal goes to `errors`."""
    if not isinstance(value, str):
        return value
    meaning = price_word(value, words or default_price_words())
    if meaning is PriceWord.ZERO:
        return Decimal(0)
    if meaning is PriceWord.NO_PRICE:
        instead = "leave it empty" if field == "sell" else "delete the line"
        reason = f"{no_price_reason(value)}: this cell needs a price, or {instead}"
        errors.append(FieldError(field, reason, "no_price", row))
    else:
        errors.append(
            FieldError(
                field,
                f"{value.strip()!r} is not a price (write an amount, or a price word such as "
                "FOC for 0)",
                "not_a_price",
                row,
            )
        )
    return None


def _summary(errors: list[FieldError]) -> str:
    first = errors[0]
    where = f"row {first.row}, " if first.row else ""
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}{first.field}: {first.message}{more}."


def update_line(
    session: Session, ctx: TenantContext, *, line_id: uuid.UUID, data: LinePatch
) -> RateLine:
    """Change cells of one line (the grid's inline edit)."""
    line = find(session, RateLine, line_id, "Rate line")
    version = editable_draft(session, ctx, line.version_id)
    check_lock(version, data.row_version)
    changes = data.model_dump(exclude_unset=True, exclude={"row_version"})
    if "weekdays" in changes and changes["weekdays"] is not None:
        changes["weekdays"] = weekdays_mask(changes["weekdays"])
    for key in ("basis", "occupancy", "age_band"):
        if changes.get(key) is not None:
            changes[key] = str(getattr(changes[key], "value", changes[key]))
    words = _words_if_needed(session, [changes.get("net"), changes.get("sell")])
    price_errors: list[FieldError] = []
    for key in ("net", "sell"):
        if changes.get(key) is not None:
            changes[key] = _price_of(changes[key], key, words, price_errors)
    if price_errors:
        raise ValidationFailedError(_summary(price_errors), errors=price_errors)
    values = LineValues(**{k: getattr(line, k) for k in LineValues.__dataclass_fields__})
    for key, value in changes.items():
        if value is None and key not in {"sell", "markup_pct", "capacity", "supplement"}:
            raise ValidationFailedError(
                f"{key} cannot be empty.", errors=[FieldError(key, "cannot be empty", "required")]
            )
        setattr(values, key, value)
    services, seasons, bands = version_context(session, version)
    errors = line_errors(values, services=services, seasons=seasons, bands=bands)
    if errors:
        raise ValidationFailedError(_summary(errors), errors=errors)
    for key, value in values.__dict__.items():
        setattr(line, key, value)
    session.add(line)
    touch(session, version)
    session.flush()
    return line


def delete_lines(
    session: Session,
    ctx: TenantContext,
    *,
    version_id: uuid.UUID,
    row_version: int,
    line_ids: Sequence[uuid.UUID],
) -> int:
    version = editable_draft(session, ctx, version_id)
    check_lock(version, row_version)
    removed = int(
        session.exec(
            delete(RateLine).where(
                col(RateLine.version_id) == version.id, col(RateLine.id).in_(list(line_ids))
            )
        ).rowcount
        or 0
    )
    if removed:
        touch(session, version)
        session.flush()
    return removed


@dataclass(frozen=True)
class LinePage:
    lines: list[RateLine]
    total: int
    page: int
    pages: int


def list_lines(
    session: Session,
    ctx: TenantContext,
    *,
    version_id: uuid.UUID,
    service_id: uuid.UUID | None = None,
    season_id: uuid.UUID | None = None,
    line_ids: Sequence[uuid.UUID] | None = None,
    page: int = 1,
    per_page: int = 100,
) -> LinePage:
    """A page of lines in the operator's order (server-side paging for the grid)."""
    get_version(session, ctx, version_id)
    where = [col(RateLine.version_id) == version_id]
    if line_ids is not None:
        where.append(col(RateLine.id).in_(list(line_ids)))
    if service_id is not None:
        where.append(col(RateLine.service_id) == service_id)
    if season_id is not None:
        where.append(col(RateLine.season_id) == season_id)
    total = session.exec(select(func.count()).select_from(RateLine).where(*where)).one()
    per_page = max(1, min(per_page, 1000))
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    lines = session.exec(
        select(RateLine)
        .where(*where)
        .order_by(col(RateLine.position), col(RateLine.id))
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return LinePage(lines=list(lines), total=total, page=page, pages=pages)


# ---- bulk changes ------------------------------------------------------------------------------


def store_lines(
    session: Session, ctx: TenantContext, *, version_id: uuid.UUID, columns: dict[str, list[Any]]
) -> int:
    """An import's checked lines into a draft, column by column (a value per line in each of
    `columns`: service_id, season_id and the line's values; `position` follows their order):
    one bulk insert of up to 400,000 lines. The import has applied `rules` to each; the keys
    to the services and the seasons (of this version) hold here too. Returns how many."""
    version = editable_draft(session, ctx, version_id)
    count = len(next(iter(columns.values()), []))
    if count:
        connection, tenant_id = scoped_connection(session)
        bulk_insert(
            connection,
            _lin,
            {"tenant_id": tenant_id, "version_id": version.id},
            columns,
            ordinal="position",
            new_ids="id",
        )
    touch(session, version)
    session.flush()
    return count


def version_lines(session: Session, ctx: TenantContext, *, version_id: uuid.UUID) -> list[Any]:
    """Every line of a version as plain rows in the operator's order (exports, imports' diff):
    tens of thousands, so Core rows on the scoped connection rather than ORM objects."""
    get_version(session, ctx, version_id)
    connection, tenant_id = scoped_connection(session)
    table = _lin
    return list(
        connection.execute(
            sa_select(
                table.c.id,
                table.c.service_id,
                table.c.season_id,
                table.c.basis,
                table.c.occupancy,
                table.c.age_band,
                table.c.pax_min,
                table.c.pax_max,
                table.c.net,
                table.c.sell,
                table.c.markup_pct,
                table.c.weekdays,
                table.c.min_nights,
                table.c.capacity,
                table.c.supplement,
                table.c.optional,
                table.c.position,
            )
            .where(table.c.tenant_id == tenant_id, table.c.version_id == version_id)
            .order_by(table.c.position, table.c.id)
        )
    )


@dataclass(frozen=True)
class BulkPreviewRow:
    line_id: uuid.UUID
    old: Decimal
    new: Decimal


@dataclass(frozen=True)
class BulkResult:
    rows: list[BulkPreviewRow]
    applied: bool
    row_version: int


def _selected(session: Session, version_id: uuid.UUID, selection: LineSelection) -> list[Any]:
    """The selected lines as plain rows (id, position and prices), in the grid's order: a bulk
    change may touch tens of thousands, so Core rows on the scoped connection, and the ids as
    one array parameter on PostgreSQL (in chunks on SQLite) rather than 20,000 placeholders."""
    nothing = selection.service_id is None and selection.season_id is None
    if not selection.all_lines and not selection.line_ids and nothing:
        raise ValidationFailedError(
            "Select lines, or filter by service or season, before a bulk change.",
            errors=[FieldError("selection", "is empty", "empty_selection")],
        )
    connection, tenant_id = scoped_connection(session)
    table = _lin
    statement = sa_select(
        table.c.id, table.c.position, table.c.net, table.c.sell, table.c.markup_pct
    ).where(table.c.tenant_id == tenant_id, table.c.version_id == version_id)
    if selection.service_id is not None:
        statement = statement.where(table.c.service_id == selection.service_id)
    if selection.season_id is not None:
        statement = statement.where(table.c.season_id == selection.season_id)
    if not selection.line_ids:
        return list(connection.execute(statement.order_by(table.c.position)))
    ids = list(dict.fromkeys(selection.line_ids))
    if connection.dialect.name == "postgresql":
        wanted = bindparam("line_ids", ids, type_=postgresql.ARRAY(Uuid()))
        return list(
            connection.execute(
                statement.where(table.c.id == any_(wanted)).order_by(table.c.position)
            )
        )
    rows: list[Any] = []
    for start in range(0, len(ids), 10_000):  # under SQLite's bound-parameter limit
        chunk = ids[start : start + 10_000]
        rows += connection.execute(statement.where(table.c.id.in_(chunk)))
    return sorted(rows, key=lambda r: r.position)


def _round_to(value: Decimal, step: Decimal | None, currency: str) -> Decimal:
    if step:
        value = (value / step).quantize(Decimal(1), rounding="ROUND_HALF_UP") * step
    return round_money(value, currency)


def _write_prices(
    session: Session, version_id: uuid.UUID, field_name: str, rows: list[BulkPreviewRow]
) -> None:
    """Store the new prices in one statement: on PostgreSQL an UPDATE joined to the (id, price)
    pairs passed as two arrays; elsewhere one executemany. A sell set by hand drops the markup."""
    connection, tenant_id = scoped_connection(session)
    table = _lin
    values: dict[str, Any] = {field_name: bindparam("new_value")}
    if field_name == "sell":
        values["markup_pct"] = None
    if connection.dialect.name == "postgresql":
        pairs = (
            func.unnest(
                bindparam("ids", [r.line_id for r in rows], type_=postgresql.ARRAY(Uuid())),
                bindparam("prices", [r.new for r in rows], type_=postgresql.ARRAY(Numeric(18, 4))),
            )
            .table_valued("line_id", "new_value")
            .render_derived(name="pairs")
        )
        values[field_name] = pairs.c.new_value
        connection.execute(
            sa_update(table)
            .where(
                table.c.tenant_id == tenant_id,
                table.c.version_id == version_id,
                table.c.id == pairs.c.line_id,
            )
            .values(values)
        )
        return
    connection.execute(
        sa_update(table)
        .where(
            table.c.tenant_id == tenant_id,
            table.c.version_id == version_id,
            table.c.id == bindparam("line_id"),
        )
        .values(values),
        [{"line_id": row.line_id, "new_value": row.new} for row in rows],
    )


def bulk_change(
    session: Session, ctx: TenantContext, *, version_id: uuid.UUID, change: BulkChange
) -> BulkResult:
    """Raise/lower by % or an amount, or set a value, optionally rounded to a step; with
    `dry_run` only the preview (old -> new per line), else applied in this transaction."""
    version = editable_draft(session, ctx, version_id)
    check_lock(version, change.row_version)
    lines = _selected(session, version.id, change.selection)
    rows = []
    negative = []
    for line in lines:
        old = getattr(line, change.field)
        base = old if old is not None else effective_sell(line, version.currency)
        if change.operation == "percent":
            new = base * (1 + change.value / 100)
        elif change.operation == "amount":
            new = base + change.value
        else:
            new = change.value
        new = _round_to(new, change.round_to, version.currency)
        if new < 0:
            negative.append(line.position)
        rows.append(BulkPreviewRow(line_id=line.id, old=base, new=new))
    if negative:
        raise ValidationFailedError(
            f"The change would make {len(negative)} price(s) negative (first: line {negative[0]}).",
            errors=[FieldError("value", "makes prices negative", "negative_price")],
        )
    if change.dry_run:  # a preview may show that nothing matches
        return BulkResult(rows=rows, applied=False, row_version=version.row_version)
    if not rows:
        raise ValidationFailedError(
            "No line matches this selection: nothing was changed.",
            errors=[FieldError("selection", "matches no line", "no_match")],
        )
    _write_prices(session, version.id, change.field, rows)
    touch(session, version)
    session.flush()
    audit.record(
        session,
        ctx,
        action="rates.bulk_changed",
        target_type="rate_list_version",
        target_id=str(version.id),
        after={
            "lines": len(lines),
            "field": change.field,
            "operation": change.operation,
            "value": str(change.value),
            "round_to": str(change.round_to) if change.round_to else None,
        },
    )
    return BulkResult(rows=rows, applied=True, row_version=version.row_version)
