"""Rate lists on the run's database: the checks that refuse bad contracts by field and reason,
drafts and publishing, optimistic locking, bulk changes, the diff, the coverage check, and the
price lookup with each reason it can refuse."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from tests.rates.factories import (
    Contract,
    agency_context,
    line_in,
    make_contract,
    publish_accepting_gaps,
)
from travelcrm.core.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from travelcrm.core.ids import new_id
from travelcrm.core.permissions import Role
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import tenant_scope
from travelcrm.rates import availability, pricing
from travelcrm.rates import lines as rate_lines
from travelcrm.rates import services as rates
from travelcrm.rates.models import RateLine
from travelcrm.rates.schemas import (
    AgeBandIn,
    AllotmentIn,
    LineIn,
    LinePatch,
    PriceQuery,
    RateListCreate,
    RestrictionIn,
    SeasonIn,
    VersionUpdate,
)


def _lock(session, contract: Contract) -> int:
    return rates.get_version(session, contract.ctx, contract.version_id).row_version


def _quote(contract: Contract, **kwargs) -> pricing.PriceQuote:
    query = PriceQuery(service_id=kwargs.pop("service_id", contract.room_id), **kwargs)
    with tenant_scope(contract.ctx) as session:
        return pricing.quote_price(session, contract.ctx, query)


def _refusal(contract: Contract, **kwargs) -> pricing.NoPriceError:
    with pytest.raises(pricing.NoPriceError) as info:
        _quote(contract, **kwargs)
    return info.value


def test_a_double_room_for_two_nights_across_seasons(migrated_engine) -> None:
    contract = make_contract()
    quote = _quote(contract, check_in=date(2027, 9, 30), nights=2, occupancy="double")
    assert [(n.night, n.net, n.sell) for n in quote.nights] == [
        (date(2027, 9, 30), Decimal("6000.00"), Decimal("7200.00")),
        (date(2027, 10, 1), Decimal("9000.00"), Decimal("10800.00")),
    ]
    assert (quote.total_net, quote.total_sell, quote.currency) == (
        Decimal("15000.00"),
        Decimal("18000.00"),
        "INR",
    )
    family = _quote(
        contract, check_in=date(2027, 5, 1), occupancy="double", child_ages=[8], children_with_bed=1
    )
    assert family.total_net == Decimal("7500.00") and family.total_sell == Decimal("9000.00")


def test_per_person_prices_follow_pax_breaks_and_age_bands(migrated_engine) -> None:
    contract = make_contract()
    small = _quote(
        contract, service_id=contract.tour_id, check_in=date(2027, 5, 3), adults=2, child_ages=[7]
    )
    assert small.total_net == Decimal("5000.00")  # 2 x 2,000 + 1,000
    large = _quote(
        contract, service_id=contract.tour_id, check_in=date(2027, 5, 3), adults=5, child_ages=[1]
    )
    assert large.total_net == Decimal("9000.00")  # 5 x 1,800 (6 people); the infant is free
    too_many = _refusal(contract, service_id=contract.tour_id, check_in=date(2027, 5, 3), adults=25)
    assert too_many.reason == "no_rate"


def test_each_refusal_names_its_reason(migrated_engine, frozen_clock) -> None:
    contract = make_contract()
    assert _refusal(contract, check_in=date(2026, 1, 1)).reason == "no_rate_list"
    with tenant_scope(contract.ctx) as session:
        availability.add_restriction(
            session,
            contract.ctx,
            data=RestrictionIn(
                supplier_id=contract.supplier_id,
                kind="stop_sale",
                starts_on=date(2027, 12, 24),
                ends_on=date(2027, 12, 26),
                reason="Full for Christmas",
            ),
        )
        availability.add_restriction(
            session,
            contract.ctx,
            data=RestrictionIn(
                supplier_id=contract.supplier_id,
                service_id=contract.room_id,
                kind="blackout",
                starts_on=date(2027, 12, 31),
                ends_on=date(2027, 12, 31),
            ),
        )
        availability.set_allotment(
            session,
            contract.ctx,
            data=AllotmentIn(
                service_id=contract.room_id,
                starts_on=date(2027, 11, 1),
                ends_on=date(2027, 11, 3),
                units=1,
            ),
        )
    stop = _refusal(contract, check_in=date(2027, 12, 23), nights=3)
    assert stop.reason == "stop_sale" and "Full for Christmas" in stop.detail
    assert _refusal(contract, check_in=date(2027, 12, 31)).reason == "blackout"
    assert _refusal(contract, check_in=date(2027, 11, 1), rooms=2).reason == "allotment_exhausted"
    assert _quote(contract, check_in=date(2027, 11, 1), rooms=1).total_net == Decimal("9000.00")
    assert _refusal(contract, check_in=date(2027, 5, 1), occupancy="quad").reason == "no_rate"


def test_min_nights_and_weekdays(migrated_engine) -> None:
    contract = make_contract(publish=False)
    with tenant_scope(contract.ctx) as session:
        page = rate_lines.list_lines(
            session,
            contract.ctx,
            version_id=contract.version_id,
            service_id=contract.room_id,
            season_id=contract.peak_id,
        )
        double = next(ln for ln in page.lines if ln.occupancy == "double")
        rate_lines.update_line(
            session,
            contract.ctx,
            line_id=double.id,
            data=LinePatch(
                row_version=_lock(session, contract), min_nights=3, weekdays=["fri", "sat", "sun"]
            ),
        )
        publish_accepting_gaps(session, contract.ctx, contract.version_id, _lock(session, contract))
    friday = date(2027, 10, 1)
    assert friday.weekday() == 4
    assert _refusal(contract, check_in=friday, nights=2).reason == "min_nights"
    thursday = friday + timedelta(days=6)
    refusal = _refusal(contract, check_in=thursday, nights=3)
    assert refusal.reason == "no_rate" and "Thursday" in refusal.detail
    assert _quote(contract, check_in=friday, nights=3).nights[0].net == Decimal("9000.00")


def test_bad_contracts_are_refused_by_field(migrated_engine) -> None:
    contract = make_contract(publish=False)
    with tenant_scope(contract.ctx) as session:
        with pytest.raises(ValidationFailedError) as overlap:
            rates.add_season(
                session,
                contract.ctx,
                version_id=contract.version_id,
                row_version=_lock(session, contract),
                data=SeasonIn(
                    name="Festive", starts_on=date(2027, 9, 20), ends_on=date(2027, 10, 5)
                ),
            )
        assert "overlaps Lean (1 Apr to 30 Sep 2027)" in overlap.value.detail
        assert "overlaps Peak (1 Oct 2027 to 31 Mar 2028)" in overlap.value.detail
        assert [e.code for e in overlap.value.errors] == ["season_overlap", "season_overlap"]
        with pytest.raises(ValidationFailedError) as outside:
            rates.add_season(
                session,
                contract.ctx,
                version_id=contract.version_id,
                row_version=_lock(session, contract),
                data=SeasonIn(
                    name="Next year", starts_on=date(2028, 4, 1), ends_on=date(2028, 4, 9)
                ),
            )
        assert outside.value.errors[0].code == "season_outside_validity"
        with pytest.raises(ValidationFailedError) as reversed_:
            rates.add_season(
                session,
                contract.ctx,
                version_id=contract.version_id,
                row_version=_lock(session, contract),
                data=SeasonIn(name="Odd", starts_on=date(2027, 6, 9), ends_on=date(2027, 6, 1)),
            )
        assert reversed_.value.errors[0].code == "end_before_start"
        with pytest.raises(ValidationFailedError) as bands:
            rates.set_age_bands(
                session,
                contract.ctx,
                version_id=contract.version_id,
                row_version=_lock(session, contract),
                bands=[
                    AgeBandIn(kind="adult", age_min=12, age_max=99),
                    AgeBandIn(kind="child_without_bed", age_min=2, age_max=12),
                ],
            )
        assert bands.value.errors[0].code == "ages_overlap"
        with pytest.raises(ValidationFailedError) as rows:
            contract.add_lines(
                session,
                lines=[
                    line_in(
                        contract.room_id,
                        contract.lean_id,
                        "per_room",
                        occupancy="double",
                        net=Decimal(1),
                    ),
                    line_in(
                        contract.room_id,
                        contract.lean_id,
                        "per_room",
                        net=Decimal(1),
                        pax_min=5,
                        pax_max=2,
                    ),
                ],
            )
        assert {(e.row, e.field) for e in rows.value.errors} == {(2, "occupancy"), (2, "pax_max")}
    # (text without a digit passes: it may be a price word, which the service reads)
    for bad in ({"net": "-1"}, {"net": "12 abc"}, {"net": "1.00001"}, {"net": "x" * 65}):
        with pytest.raises(ValidationError):
            LineIn(service_id=contract.room_id, season_id=contract.lean_id, basis="per_room", **bad)
    with pytest.raises(ValidationError):
        RateListCreate(
            supplier_id=contract.supplier_id,
            name="X list",
            currency="RUPEES",
            valid_from=date(2027, 1, 1),
            valid_to=date(2027, 2, 1),
        )


def test_pax_gap_blocks_publishing(migrated_engine) -> None:
    contract = make_contract(publish=False)
    with tenant_scope(contract.ctx) as session:
        contract.add_lines(
            session,
            lines=[
                line_in(
                    contract.tour_id,
                    contract.lean_id,
                    "per_person",
                    age_band="infant",
                    pax_min=1,
                    pax_max=2,
                    net=Decimal(0),
                ),
                line_in(
                    contract.tour_id,
                    contract.lean_id,
                    "per_person",
                    age_band="infant",
                    pax_min=4,
                    pax_max=6,
                    net=Decimal(0),
                ),
            ],
        )
        issues = rates.coverage(session, contract.ctx, version_id=contract.version_id)
        assert any(i.code == "pax_gap" and "3-3 people have no price" in i.message for i in issues)
        with pytest.raises(rates.PublishRefusedError):
            rates.publish(
                session,
                contract.ctx,
                version_id=contract.version_id,
                row_version=_lock(session, contract),
            )


def test_second_editor_gets_a_conflict_not_an_overwrite(migrated_engine) -> None:
    contract = make_contract(publish=False)
    read_by_both = contract.lock()
    with tenant_scope(contract.ctx) as session:
        line = rate_lines.list_lines(session, contract.ctx, version_id=contract.version_id).lines[0]
        rate_lines.update_line(
            session,
            contract.ctx,
            line_id=line.id,
            data=LinePatch(row_version=read_by_both, net=Decimal(10)),
        )
    with tenant_scope(contract.ctx) as session, pytest.raises(rates.VersionConflictError) as info:
        rate_lines.update_line(
            session,
            contract.ctx,
            line_id=line.id,
            data=LinePatch(row_version=read_by_both, net=Decimal(20)),
        )
    assert info.value.extra["current_row_version"] == read_by_both + 1


def test_new_version_publish_swaps_prices_and_the_diff_shows_it(migrated_engine) -> None:
    contract = make_contract()
    before = _quote(contract, check_in=date(2027, 5, 1))
    with tenant_scope(contract.ctx) as session:
        draft = rates.new_draft(session, contract.ctx, version_id=contract.version_id)
        with pytest.raises(rates.NotEditableError):
            rates.update_version(
                session,
                contract.ctx,
                version_id=contract.version_id,
                data=VersionUpdate(row_version=9, notes="late change"),
            )
        preview = contract.raise_rooms(session, draft.id, draft.row_version, round_to=Decimal(50))
        assert not preview.applied and len(preview.rows) == 6
        assert {(r.old, r.new) for r in preview.rows} >= {
            (Decimal("6000.0000"), Decimal("6600.00"))
        }
        assert (
            _quote(contract, check_in=date(2027, 5, 1)).total_net == before.total_net
        )  # preview only
        applied = contract.raise_rooms(
            session, draft.id, draft.row_version, round_to=Decimal(50), dry_run=False
        )
        assert applied.applied
        publish_accepting_gaps(session, contract.ctx, draft.id, applied.row_version)
        old = rates.get_version(session, contract.ctx, contract.version_id)
        assert old.status == "superseded"
        rows = rates.diff(
            session, contract.ctx, old_version_id=contract.version_id, new_version_id=draft.id
        )
    assert {r.change for r in rows} == {"changed"} and len(rows) == 6
    double_lean = next(r for r in rows if "Lean · per_room/double" in r.key)
    assert (double_lean.old_net, double_lean.new_net) == (
        Decimal("6000.0000"),
        Decimal("6600.0000"),
    )
    after = _quote(contract, check_in=date(2027, 5, 1))  # the cache was forgotten on publish
    assert after.total_net == Decimal("6600.00") and after.version_id == draft.id


def test_roles_and_other_agencies(migrated_engine) -> None:
    contract = make_contract()
    agent = TenantContext(contract.ctx.tenant_id, contract.ctx.user_id, Role.AGENT)
    with tenant_scope(agent) as session:
        assert pricing.quote_price(
            session, agent, PriceQuery(service_id=contract.room_id, check_in=date(2027, 5, 1))
        )
        with pytest.raises(PermissionDeniedError):
            rates.new_draft(session, agent, version_id=contract.version_id)
    stranger = agency_context()
    with tenant_scope(stranger) as session:
        for call in (
            lambda: rates.get_version(session, stranger, contract.version_id),
            lambda: rates.get_rate_list(session, stranger, contract.rate_list_id),
            lambda: pricing.quote_price(
                session,
                stranger,
                PriceQuery(service_id=contract.room_id, check_in=date(2027, 5, 1)),
            ),
            lambda: rates.new_draft(session, stranger, version_id=contract.version_id),
            lambda: rate_lines.list_lines(session, stranger, version_id=contract.version_id),
        ):
            with pytest.raises(NotFoundError):
                call()
        assert rates.list_rate_lists(session, stranger) == []


def test_editing_the_terms_of_a_draft(migrated_engine) -> None:
    contract = make_contract(publish=False)
    with tenant_scope(contract.ctx) as session:
        version = rates.update_version(
            session,
            contract.ctx,
            version_id=contract.version_id,
            data=VersionUpdate(
                row_version=_lock(session, contract),
                cancellation_tiers=[{"days_before": 14, "charge_pct": "50"}],  # type: ignore[list-item]
                no_show_charge_pct=Decimal(100),
            ),
        )
        assert version.cancellation_tiers == [{"days_before": 14, "charge_pct": "50"}]
        with pytest.raises(ValidationFailedError) as emptied:
            rates.update_version(
                session,
                contract.ctx,
                version_id=contract.version_id,
                data=VersionUpdate(row_version=_lock(session, contract), valid_from=None),
            )
        assert emptied.value.errors[0].field == "valid_from"
        unchanged = _lock(session, contract)
        assert (
            rate_lines.delete_lines(
                session,
                contract.ctx,
                version_id=contract.version_id,
                row_version=unchanged,
                line_ids=[contract.version_id],
            )
            == 0
        )
        assert _lock(session, contract) == unchanged  # nothing removed, nothing bumped


def test_what_the_rate_pages_read_about_suppliers_stays_in_the_agency(migrated_engine) -> None:
    from tests.rates.factories import make_supplier
    from travelcrm.suppliers import services as suppliers

    contract = make_contract()
    ctx = contract.ctx
    spare, spare_room, spare_tour = make_supplier(ctx, name="Archived Lodge")
    with tenant_scope(ctx) as session:
        suppliers.delete_supplier(session, ctx, supplier_id=contract.supplier_id)  # archived
        choices = {s.name for s in rates.supplier_choices(session, ctx)}
        assert choices == {"Archived Lodge"}  # the archived one can't take a new list
        names = rates.supplier_names(session, ctx, [contract.supplier_id, spare])
        assert names == {contract.supplier_id: "Sea Breeze Resort", spare: "Archived Lodge"}
        priced = [s.id for s in rates.services_to_price(session, ctx, supplier_id=spare)]
        assert spare_room in priced and spare_tour in priced
    stranger = agency_context()
    with tenant_scope(stranger) as session:
        assert rates.supplier_names(session, stranger, [contract.supplier_id]) == {}
        assert rates.supplier_choices(session, stranger) == []
        assert rates.services_to_price(session, stranger, supplier_id=spare) == []


def test_a_line_of_one_version_cannot_name_another_versions_season(migrated_engine) -> None:
    """The database's own key: a line's season is a season of the line's version (a draft
    copies its seasons; the published version's season is not one of the draft's)."""
    contract = make_contract()
    with tenant_scope(contract.ctx) as session:
        draft = rates.new_draft(session, contract.ctx, version_id=contract.version_id)
        copied = session.exec(select(RateLine).where(col(RateLine.version_id) == draft.id)).first()
        assert copied is not None
        draft_id = draft.id
    with pytest.raises(IntegrityError), tenant_scope(contract.ctx) as session:
        stray = RateLine.model_validate(
            copied.model_dump() | {"id": new_id(), "season_id": contract.peak_id}
        )
        assert stray.version_id == draft_id
        session.add(stray)
        session.flush()


def test_gaps_in_a_sold_list_are_confirmed_one_by_one_and_audited(migrated_engine) -> None:
    """Unpriced days inside the validity and a room sold for two without a single or child
    price block publishing until the operator confirms each; the confirmations are audited."""
    from travelcrm.audit.schemas import AuditFilter
    from travelcrm.audit.services import list_events
    from travelcrm.core.pagination import PageParams

    contract = make_contract(publish=False)
    with tenant_scope(contract.ctx) as session:
        version = rates.get_version(session, contract.ctx, contract.version_id)
        # the validity grows by 92 days past the last season: those days have no price
        rates.update_version(
            session,
            contract.ctx,
            version_id=contract.version_id,
            data=VersionUpdate(row_version=version.row_version, valid_to=date(2028, 6, 30)),
        )
        single = next(
            ln
            for ln in rate_lines.list_lines(
                session, contract.ctx, version_id=contract.version_id
            ).lines
            if ln.occupancy == "single" and ln.season_id == contract.peak_id
        )
        rate_lines.delete_lines(
            session,
            contract.ctx,
            version_id=contract.version_id,
            row_version=_lock(session, contract),
            line_ids=[single.id],
        )
        issues = rates.coverage(session, contract.ctx, version_id=contract.version_id)
        asked = [i for i in issues if i.severity == "confirm"]
        by_code: dict[str, list[str]] = {}
        for issue in asked:
            by_code.setdefault(issue.code, []).append(issue.message)
        assert sorted(by_code["dates_uncovered"]) == [
            "Deluxe Sea View: 91 days of the validity have no price (1 Apr to 30 Jun 2028).",
            "Dolphin cruise: 91 days of the validity have no price (1 Apr to 30 Jun 2028).",
        ]
        assert by_code["single_missing"] == [
            "Deluxe Sea View, Peak: double rooms are priced but single rooms are not."
        ]
        # the room's children without a bed have no price in either season
        assert {i.season_id for i in asked if i.subject == "child_without_bed"} == {
            contract.lean_id,
            contract.peak_id,
        }
        keys = sorted(i.key for i in asked)
        assert len(keys) == len(set(keys)) == len(asked)
        lock = _lock(session, contract)
        with pytest.raises(rates.PublishRefusedError) as refused:
            rates.publish(
                session,
                contract.ctx,
                version_id=contract.version_id,
                row_version=lock,
                acknowledged=keys[1:],
            )
        assert refused.value.extra["unacknowledged"] == keys[:1]
        assert [e.code for e in refused.value.errors] == ["not_acknowledged"]
        assert rates.get_version(session, contract.ctx, contract.version_id).status == "draft"
        rates.publish(
            session,
            contract.ctx,
            version_id=contract.version_id,
            row_version=lock,
            acknowledged=[*keys, "an/unknown/key/"],
        )
        events, _cursor = list_events(
            session,
            contract.ctx,
            filters=AuditFilter(action="rates.published"),
            page=PageParams(limit=5, cursor=None),
        )
    (event,) = events
    assert sorted(event.after["acknowledged"]) == sorted(i.message for i in asked)


def test_a_season_with_several_date_ranges_prices_each_and_none_between(migrated_engine) -> None:
    """ "Peak" is 1 Oct-19 Dec and 6 Jan-31 Mar; "Festive" (20 Dec-5 Jan) sits between: each
    night takes the season whose range holds it, and a draft copies the ranges."""
    from travelcrm.rates.schemas import DateRange

    contract = make_contract(publish=False)
    with tenant_scope(contract.ctx) as session:
        peak = rates.update_season(
            session,
            contract.ctx,
            season_id=contract.peak_id,
            row_version=_lock(session, contract),
            data=SeasonIn(
                name="Peak",
                ranges=[
                    DateRange(starts_on=date(2028, 1, 6), ends_on=date(2028, 3, 31)),
                    DateRange(starts_on=date(2027, 10, 1), ends_on=date(2027, 12, 19)),
                ],
            ),
        )
        assert (peak.starts_on, peak.ends_on) == (date(2027, 10, 1), date(2028, 3, 31))
        with pytest.raises(ValidationFailedError) as clash:
            rates.add_season(
                session,
                contract.ctx,
                version_id=contract.version_id,
                row_version=_lock(session, contract),
                data=SeasonIn(
                    name="Festive",
                    ranges=[
                        DateRange(starts_on=date(2027, 12, 20), ends_on=date(2028, 1, 6)),
                        DateRange(starts_on=date(2027, 12, 24), ends_on=date(2027, 12, 26)),
                    ],
                ),
            )
        # each problem on its range: the second range of Peak, and its own first range
        assert [(e.row, e.message) for e in clash.value.errors] == [
            (0, "overlaps Peak (6 Jan to 31 Mar 2028)"),
            (1, "overlaps this season's dates 20 Dec 2027 to 6 Jan 2028"),
        ]
        festive = rates.add_season(
            session,
            contract.ctx,
            version_id=contract.version_id,
            row_version=_lock(session, contract),
            data=SeasonIn(
                name="Festive",
                ranges=[DateRange(starts_on=date(2027, 12, 20), ends_on=date(2028, 1, 5))],
            ),
        )
        contract.add_lines(
            session,
            lines=[
                line_in(
                    contract.room_id,
                    festive.id,
                    occupancy_basis,
                    occupancy=occupancy,
                    net=Decimal(net),
                    markup_pct=Decimal(20),
                )
                for occupancy_basis, occupancy, net in (
                    ("per_room", "double", 15000),
                    ("per_room", "single", 12000),
                )
            ],
        )
        assert rates.season_ranges(session, contract.ctx, contract.version_id)[peak.id] == [
            (date(2027, 10, 1), date(2027, 12, 19)),
            (date(2028, 1, 6), date(2028, 3, 31)),
        ]
        assert not [
            i
            for i in rates.coverage(session, contract.ctx, version_id=contract.version_id)
            if i.code == "dates_uncovered" and i.service_id == contract.room_id
        ]
        publish_accepting_gaps(session, contract.ctx, contract.version_id, _lock(session, contract))
        draft = rates.new_draft(session, contract.ctx, version_id=contract.version_id)
        copied = rates.season_ranges(session, contract.ctx, draft.id)
        names = {s.id: s.name for s in rates.list_seasons(session, contract.ctx, draft.id)}
        assert sorted((names[k], v) for k, v in copied.items()) == [
            ("Festive", [(date(2027, 12, 20), date(2028, 1, 5))]),
            ("Lean", [(date(2027, 4, 1), date(2027, 9, 30))]),
            (
                "Peak",
                [(date(2027, 10, 1), date(2027, 12, 19)), (date(2028, 1, 6), date(2028, 3, 31))],
            ),
        ]
    stay = _quote(contract, check_in=date(2027, 12, 18), nights=4, occupancy="double")
    assert [n.net for n in stay.nights] == [Decimal("9000.00")] * 2 + [Decimal("15000.00")] * 2
    back = _quote(contract, check_in=date(2028, 1, 5), nights=2, occupancy="double")
    assert [n.net for n in back.nights] == [Decimal("15000.00"), Decimal("9000.00")]
    # with Festive gone from a new version, the gap between Peak's ranges has no season
    with tenant_scope(contract.ctx) as session:
        rates.delete_season(
            session,
            contract.ctx,
            season_id=next(k for k, v in names.items() if v == "Festive"),
            row_version=rates.get_version(session, contract.ctx, draft.id).row_version,
        )
        changes = rates.diff(
            session, contract.ctx, old_version_id=contract.version_id, new_version_id=draft.id
        )
        assert [(r.change, r.key, r.old_ranges, r.new_ranges) for r in changes][:1] == [
            ("removed", "season · Festive", [(date(2027, 12, 20), date(2028, 1, 5))], None)
        ]
        assert sorted(r.change for r in changes[1:]) == ["removed", "removed"]  # its two lines
        publish_accepting_gaps(
            session,
            contract.ctx,
            draft.id,
            rates.get_version(session, contract.ctx, draft.id).row_version,
        )
    refused = _refusal(contract, check_in=date(2027, 12, 19), nights=2, occupancy="double")
    assert refused.reason == "no_season" and refused.extra["night"] == "2027-12-20"
