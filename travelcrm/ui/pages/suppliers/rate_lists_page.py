"""The supplier page's Rate lists tab: the contracts that price this supplier's services."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from travelcrm.ui.components.cards import section
from travelcrm.ui.components.tables import empty_state, listing
from travelcrm.ui.pages.suppliers.rows import RateListRow
from travelcrm.ui.pages.suppliers.state import SupplierState

S = SupplierState


def _rate_list_row(row: ObjectVar[RateListRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(rx.text(row.name, weight="medium"), href=row.href, underline="hover"),
        ),
        rx.table.cell(
            rx.hstack(
                rx.badge(row.market, variant="soft", color_scheme="gray"),
                rx.cond(row.agent_group != "", rx.text(row.agent_group, size="1")),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(
            rx.cond(row.archived, rx.badge("Archived", color_scheme="amber", variant="soft"))
        ),
        align="center",
        data_testid="rate-list-row",
    )


def rate_lists() -> rx.Component:
    return section(
        "Rate lists",
        listing(
            S.rate_lists,
            [("Rate list", "left"), ("Market", "left"), ("", "left")],
            _rate_list_row,
            test_id="rate-lists",
            empty=empty_state(
                "tags",
                "No rate lists yet",
                "Contracts with this supplier appear here once they are created under Rate lists.",
                test_id="rate-lists-empty",
            ),
        ),
    )
