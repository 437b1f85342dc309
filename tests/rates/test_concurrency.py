"""Rates with neighbours at the same moment, on the run's database: two new drafts of one
list (one is made, the other is told about it: 409, never a 500 on the version number), and
allotments saved over the same dates at once (both land)."""

from __future__ import annotations

from datetime import date
from functools import partial

from sqlmodel import col, select

from tests.concurrency import at_once, errors_of
from tests.rates.factories import Contract, make_contract
from travelcrm.core.errors import ConflictError
from travelcrm.db import tenant_scope
from travelcrm.rates import availability
from travelcrm.rates import services as rates
from travelcrm.rates.models import Allotment, RateListVersion
from travelcrm.rates.schemas import AllotmentIn


def _new_draft(contract: Contract) -> int:
    with tenant_scope(contract.ctx) as session:
        return rates.new_draft(session, contract.ctx, version_id=contract.version_id).number


def test_new_drafts_of_one_list_at_once_make_one_and_tell_the_others(migrated_engine) -> None:
    contract = make_contract()
    outcomes = at_once([partial(_new_draft, contract) for _ in range(4)])
    assert errors_of(outcomes, ConflictError) == []
    assert [o for o in outcomes if isinstance(o, int)] == [2]
    refused = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(refused) == 3 and all("already a draft" in o.detail for o in refused)
    with tenant_scope(contract.ctx) as session:
        numbers = session.exec(
            select(RateListVersion.number).where(
                col(RateListVersion.rate_list_id) == contract.rate_list_id
            )
        ).all()
        assert sorted(numbers) == [1, 2]


def _allot(contract: Contract, start: date, end: date, units: int) -> int:
    with tenant_scope(contract.ctx) as session:
        return availability.set_allotment(
            session,
            contract.ctx,
            data=AllotmentIn(
                service_id=contract.room_id, starts_on=start, ends_on=end, units=units
            ),
        )


def test_allotments_saved_over_the_same_dates_at_once_all_land(migrated_engine) -> None:
    contract = make_contract()
    outcomes = at_once(
        [
            partial(_allot, contract, date(2027, 11, 1), date(2027, 11, 10), 5),
            partial(_allot, contract, date(2027, 11, 5), date(2027, 11, 15), 7),
            partial(_allot, contract, date(2027, 11, 1), date(2027, 11, 15), 9),
        ]
    )
    assert outcomes == [10, 11, 15]
    with tenant_scope(contract.ctx) as session:
        rows = session.exec(select(Allotment).order_by(col(Allotment.on_date))).all()
    assert [r.on_date.day for r in rows] == list(range(1, 16))
    assert {r.units for r in rows} <= {5, 7, 9}
