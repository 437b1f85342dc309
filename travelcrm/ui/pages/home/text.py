"""Home in words: the charts' rows (statuses and days as people say them, never codes), the
setup checklist's steps with where to do each, and the greeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from travelcrm.queries.stats import AgentLoad, DayOutcome, StatusCount
from travelcrm.tenants.setup import SetupProgress
from travelcrm.ui import routes
from travelcrm.ui.pages.queries.text import STATUS_WORDS

DAY = "%d %b"


@dataclass
class SetupStep:
    key: str  # the step's test id: setup-<key>
    title: str
    hint: str
    href: str
    action: str  # the link's words
    done: bool


def greeting(first_name: str, local: datetime) -> str:
    part = "morning" if local.hour < 12 else "afternoon" if local.hour < 17 else "evening"
    return f"Good {part}, {first_name}"


def pipeline_chart(counts: list[StatusCount]) -> list[dict[str, Any]]:
    return [{"status": STATUS_WORDS[c.status.value], "queries": c.count} for c in counts]


def load_chart(loads: list[AgentLoad]) -> list[dict[str, Any]]:
    """Per agent, the open queries on time and the ones past their SLA (stacked bars)."""
    return [
        {
            "name": a.name,
            "on time": a.open_count - a.breaching_count,
            "past SLA": a.breaching_count,
        }
        for a in loads
    ]


def outcome_chart(days: list[DayOutcome]) -> list[dict[str, Any]]:
    return [{"day": d.day.strftime(DAY).lstrip("0"), "won": d.won, "lost": d.lost} for d in days]


def win_rate(won: int, lost: int) -> str:
    """ "72% won" of the queries closed won or lost; "—" before any closed."""
    return f"{round(100 * won / (won + lost))}% won" if won + lost else "—"


def setup_steps(progress: SetupProgress) -> list[SetupStep]:
    settings, people, supplier, rates, enquiry = progress.steps_done
    return [
        SetupStep(
            "settings",
            "Check your agency's settings",
            "Name, address, tax id, currency, timezone and logo: quotes and invoices use them.",
            routes.SETTINGS,
            "Open settings",
            settings,
        ),
        SetupStep(
            "people",
            "Invite your team",
            "Agents, managers and operators each get their own sign-in.",
            routes.USERS,
            "Invite people",
            people,
        ),
        SetupStep(
            "supplier",
            "Add your first supplier",
            "Hotels, transport and activities you buy from.",
            routes.SUPPLIERS,
            "Add a supplier",
            supplier,
        ),
        SetupStep(
            "rates",
            "Publish your first rate list",
            "Agents price trips from published rates.",
            routes.RATES,
            "Open rate lists",
            rates,
        ),
        SetupStep(
            "enquiry",
            "Take enquiries from your website",
            "Point your website's enquiry form at the address below: each enquiry becomes "
            "a query, and this step is done when the first one arrives.",
            routes.API_DOCS,
            "How the form works",
            enquiry,
        ),
    ]
