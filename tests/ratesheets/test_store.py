"""Storing lines on PostgreSQL: columns sent as comma-joined text or binary arrays come back
exactly (NULLs, codes, numbers, dates, ids), and text that could hold the separator is never
joined."""

from __future__ import annotations

import os
import secrets
import uuid
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from travelcrm.db import make_engine
from travelcrm.ratesheets.services import _insert_unnested, _joinable
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


@pytest.mark.skipif(os.environ.get("TEST_BACKEND") != "postgres", reason="PostgreSQL's unnest")
def test_every_column_comes_back_as_it_was_sent(migrated_engine) -> None:
    owner = make_engine(get_settings(), app_role=False)
    name = f"store_probe_{secrets.token_hex(3)}"
    metadata = sa.MetaData()
    table = sa.Table(
        name,
        metadata,
        sa.Column("tenant_id", sa.Uuid, nullable=False),
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("starts_on", sa.Date),
        sa.Column("net", sa.Numeric(14, 2)),
        sa.Column("sell", sa.Numeric(14, 2)),
        sa.Column("pax_min", sa.Integer),
        sa.Column("code", sa.String(40)),
        sa.Column("note", sa.String(40)),
        sa.Column("position", sa.Integer),
    )
    metadata.create_all(owner)
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
    }
    try:
        with owner.begin() as connection:
            _insert_unnested(connection, table, {"tenant_id": tenant}, arrays, ordinal="position")
            rows = connection.execute(sa.select(table).order_by(table.c.position)).all()
    finally:
        metadata.drop_all(owner)
        owner.dispose()
    assert [r.position for r in rows] == list(range(1, count + 1))
    assert all(r.tenant_id == tenant for r in rows)
    for column, sent in arrays.items():
        assert [getattr(r, column) for r in rows] == sent, column
