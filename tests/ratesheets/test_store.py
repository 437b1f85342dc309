"""Storing lines on PostgreSQL: columns sent as comma-joined text or binary arrays, as one
constant or through a dictionary of repeated ids come back exactly (NULLs, codes, numbers,
dates, ids); text that could hold the separator is never joined; ids made by the server form
one time-ordered UUIDv7 run. Elsewhere (SQLite), rows bound once per distinct object through
the driver's executemany come back exactly too (on both backends: the helper is generic)."""

from __future__ import annotations

import os
import secrets
import uuid
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from travelcrm.core.ids import id_run, run_ids
from travelcrm.core.sqltypes import Amount
from travelcrm.db import _dictionary, _joinable, insert_bound, insert_unnested, make_engine
from travelcrm.settings import get_settings


def test_only_plain_values_are_joined_as_text() -> None:
    assert _joinable([Decimal("1.50"), None, Decimal("1E+3")])
    assert _joinable([date(2027, 1, 1), date(2027, 1, 2)])
    assert _joinable([1, 2, None])
    assert _joinable(["per_room", "double", "per_room"])
    assert not _joinable(["ok", "a,b"])  # the separator
    assert not _joinable(["ok", ""])  # '' is how NULL travels
    assert not _joinable(['say "hi"'])
    assert not _joinable(["back\\slash"])
    assert not _joinable([uuid.uuid4()])  # ids go binary
    assert not _joinable([True, False])  # bool's text is not an int's


def test_repeated_ids_are_numbered_in_a_dictionary_by_identity() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    assert _dictionary([a, b, a, a, b, a, b, b]) == ([a, b], [1, 2, 1, 1, 2, 1, 2, 2])
    twin = uuid.UUID(int=a.int)  # equal to a, another object: listed again, still right
    distinct, numbers = _dictionary([a, twin, a, twin, a, twin, a, twin])
    assert [distinct[n - 1] for n in numbers] == [a] * 8
    assert _dictionary([uuid.uuid4() for _ in range(8)]) is None  # too few repeats to pay


def test_an_id_run_counts_up_in_the_uuid7_layout() -> None:
    first = id_run(1000)
    ids = run_ids(first, 1000)
    assert ids[0] == first and len(set(ids)) == 1000 and ids == sorted(ids)
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    with pytest.raises(ValueError):
        id_run(0)


def _probe_table(
    owner: sa.Engine, amount: sa.types.TypeEngine[Decimal] | None = None
) -> tuple[sa.MetaData, sa.Table]:
    """A table with a column of each kind a rate line has (`amount`: the amounts' type)."""
    amount = amount if amount is not None else sa.Numeric(14, 2)
    name = f"store_probe_{secrets.token_hex(3)}"
    metadata = sa.MetaData()
    table = sa.Table(
        name,
        metadata,
        sa.Column("tenant_id", sa.Uuid, nullable=False),
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("starts_on", sa.Date),
        sa.Column("net", amount),
        sa.Column("sell", amount),
        sa.Column("pax_min", sa.Integer),
        sa.Column("code", sa.String(40)),
        sa.Column("note", sa.String(40)),
        sa.Column("service_id", sa.Uuid),
        sa.Column("position", sa.Integer),
        sa.Column("flag", sa.Boolean),
    )
    metadata.create_all(owner)
    return metadata, table


@pytest.mark.skipif(os.environ.get("TEST_BACKEND") != "postgres", reason="PostgreSQL's unnest")
def test_every_column_comes_back_as_it_was_sent(migrated_engine) -> None:
    owner = make_engine(get_settings(), app_role=False)
    metadata, table = _probe_table(owner)
    tenant = uuid.uuid4()
    count = 5
    arrays = {
        "id": [uuid.uuid4() for _ in range(count)],
        "starts_on": [date(2027, 4, 1 + k) for k in range(count)],
        "net": [Decimal("1250.50"), Decimal("0"), Decimal("1E+3"), Decimal("99999.99"), None],
        "sell": [None, Decimal("10.10"), None, None, Decimal("7")],
        "pax_min": [1, 2, None, 4, 99],
        "code": ["per_room", "double", "extra_bed", "single", "per_room"],
        "note": ["a, b", 'say "hi"', None, "back\\slash", "plain"],
        "service_id": [None] * count,
    }
    try:
        with owner.begin() as connection:
            insert_unnested(connection, table, {"tenant_id": tenant}, arrays, ordinal="position")
            rows = connection.execute(sa.select(table).order_by(table.c.position)).all()
    finally:
        metadata.drop_all(owner)
        owner.dispose()
    assert [r.position for r in rows] == list(range(1, count + 1))
    assert all(r.tenant_id == tenant for r in rows)
    for column, sent in arrays.items():
        assert [getattr(r, column) for r in rows] == sent, column


@pytest.mark.skipif(os.environ.get("TEST_BACKEND") != "postgres", reason="PostgreSQL's unnest")
def test_constants_repeated_ids_and_new_ids_come_back_row_by_row(migrated_engine) -> None:
    """Columns whose values are all the same go once, repeated ids through a dictionary, over
    more than one chunk; the server's ids are one run, in the rows' order."""
    owner = make_engine(get_settings(), app_role=False)
    metadata, table = _probe_table(owner)
    services = [uuid.uuid4() for _ in range(3)]
    count = 25_000  # two chunks
    arrays = {
        "service_id": [services[k % 3] for k in range(count)],
        "code": ["per_room"] * count,  # the same on every row
        "sell": [None] * count,
        "net": [Decimal(1000 + k % 7) for k in range(count)],
        "starts_on": [date(2027, 4, 1)] * count,
    }
    try:
        with owner.begin() as connection:
            insert_unnested(
                connection,
                table,
                {"tenant_id": uuid.uuid4()},
                arrays,
                ordinal="position",
                new_ids="id",
            )
            rows = connection.execute(sa.select(table).order_by(table.c.position)).all()
    finally:
        metadata.drop_all(owner)
        owner.dispose()
    assert [r.position for r in rows] == list(range(1, count + 1))
    for column, sent in arrays.items():
        assert [getattr(r, column) for r in rows] == sent, column
    ids = [r.id for r in rows]
    assert ids == run_ids(ids[0], count)  # one run, counting up with the rows
    assert all(i.version == 7 for i in ids)


def test_rows_bound_once_per_object_come_back_as_they_were_sent(migrated_engine) -> None:
    """Each column's values go through its type's bind processor once per distinct object
    (a repeated object, and an equal value in another object, both come back right), the
    new ids are one run in the rows' order, over more than one executemany."""
    owner = make_engine(get_settings(), app_role=False)
    metadata, table = _probe_table(owner, Amount())
    services = [uuid.uuid4() for _ in range(3)]
    twin = uuid.UUID(int=services[0].int)  # equal to the first, another object
    count = 20_003  # two chunks
    net = Decimal("1250.5")
    arrays = {
        "service_id": [twin if k % 10 == 0 else services[k % 3] for k in range(count)],
        "starts_on": [date(2027, 4, 1 + k % 28) for k in range(count)],
        "net": [net if k % 2 else Decimal(1000 + k % 7) / 3 for k in range(count)],
        "sell": [None if k % 5 else Decimal("99999.9999") for k in range(count)],
        "pax_min": [1 + k % 4 for k in range(count)],
        "code": ["per_room" if k % 2 else 'a, "b"' for k in range(count)],
        "note": [None] * count,
    }
    tenant = uuid.uuid4()
    try:
        with owner.begin() as connection:
            insert_bound(
                connection, table, {"tenant_id": tenant}, arrays, ordinal="position", new_ids="id"
            )
            rows = connection.execute(sa.select(table).order_by(table.c.position)).all()
    finally:
        metadata.drop_all(owner)
        owner.dispose()
    assert [r.position for r in rows] == list(range(1, count + 1))
    assert all(r.tenant_id == tenant for r in rows)
    assert [r.net for r in rows] == [n.quantize(Decimal("0.0001")) for n in arrays.pop("net")]
    for column, sent in arrays.items():
        assert [getattr(r, column) for r in rows] == sent, column
    ids = [r.id for r in rows]
    assert ids == run_ids(ids[0], count)
    assert all(i.version == 7 for i in ids)


@pytest.mark.parametrize("flag", [True, False], ids=["true", "false"])
def test_values_the_same_on_every_row_come_back_as_they_were_sent(migrated_engine, flag) -> None:
    """A column of one value (written once into SQLite's statement rather than bound per
    row): text with quotes and a semicolon, NULL, a number, a date, an amount, a bool and an
    id come back on every row, beside columns that vary."""
    owner = make_engine(get_settings(), app_role=False)
    metadata, table = _probe_table(owner, Amount())
    count = 1_001
    service = uuid.uuid4()
    arrays = {
        "code": ["it's 'a'; DROP TABLE x --"] * count,
        "note": [None] * count,
        "pax_min": [7] * count,
        "starts_on": [date(2027, 4, 1)] * count,
        "net": [Decimal("1250.5")] * count,
        "sell": [Decimal(k) for k in range(count)],  # varies
        "flag": [flag] * count,
        "service_id": [service] * count,
    }
    tenant = uuid.uuid4()
    try:
        with owner.begin() as connection:
            insert_bound(
                connection, table, {"tenant_id": tenant}, arrays, ordinal="position", new_ids="id"
            )
            rows = connection.execute(sa.select(table).order_by(table.c.position)).all()
    finally:
        metadata.drop_all(owner)
        owner.dispose()
    assert [r.position for r in rows] == list(range(1, count + 1))
    assert all(r.tenant_id == tenant for r in rows)
    for column, sent in arrays.items():
        assert [getattr(r, column) for r in rows] == sent, column
