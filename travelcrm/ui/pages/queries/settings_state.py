"""Query settings state (managers and up), in five sections that each save on their own (one
Save per section, "Unsaved changes" on a section edited since, a warning before leaving with
any): the assignment rule and whether agents see every query; business hours and holidays; SLA
targets per priority; the lost reasons (new ones listed until saved); each agent's profile
(skills, workload cap, leave).

Every handler that reads or writes identifies the viewer again and calls the query services in
the viewer's agency: they refuse a role without `queries.settings`, and a colleague's id from
another agency is "not found"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import reflex as rx
from pydantic import ValidationError
from reflex.event import EventSpec

from travelcrm.core.errors import FieldError, ValidationFailedError
from travelcrm.core.locale import timezone_label
from travelcrm.core.permissions import Action
from travelcrm.core.tenancy import TenantContext
from travelcrm.db import Session
from travelcrm.queries import services as queries
from travelcrm.queries.models import QuerySettings
from travelcrm.queries.schemas import AgentProfileIn, QuerySettingsIn
from travelcrm.queries.sla import DEFAULT_TARGETS, WEEKDAY_NAMES, Priority
from travelcrm.ui.events import event
from travelcrm.ui.kit import parse_id
from travelcrm.ui.pages.queries.text import split_list
from travelcrm.ui.record import GatedPage

KINDS = ("first_response", "follow_up")
PRIORITIES = tuple(p.value for p in Priority)
RULES = ("round_robin", "least_loaded", "skill")
MAX_HOLIDAYS = 100
REASON_LENGTH = 120
SETTINGS_NEED_ATTENTION = "Some settings need attention."
# the page's sections, each saved on its own, and what each holds of `QuerySettingsIn`
SECTIONS = ("assignment", "hours", "sla", "reasons", "agents")
SECTION_NAMES = {
    "assignment": "Assignment",
    "hours": "Business hours",
    "sla": "SLA targets",
    "reasons": "Lost reasons",
    "agents": "Agents",
}
SECTION_KEYS = {
    "assignment": ("assignment_rule", "agents_see_all"),
    "hours": ("working_days", "opens", "closes", "holidays"),
    "sla": ("first_response_hours", "follow_up_hours"),
}
SECTION_ERRORS = {
    "assignment": ("settings",),
    "hours": ("working_days", "opens", "closes", "hours", "holidays", "settings"),
    "sla": (
        "first_response",
        "follow_up",
        *(f"{kind}.{p}" for kind in KINDS for p in PRIORITIES),
        "settings",
    ),
}


@dataclass
class Holiday:
    day: str  # ISO, as saved
    label: str  # "Fri, 25 Dec 2026"


@dataclass
class AgentRow:
    user_id: str
    name: str
    online: bool
    on_leave: bool  # today
    skills: str  # "goa, kerala, hindi"
    cap: str
    leave_until: str  # ISO or ""
    error: str


def hours_text(value: float) -> str:
    """4.0 -> "4", 1.5 -> "1.5"."""
    return f"{value:g}"


def holiday(day: date) -> Holiday:
    return Holiday(day=day.isoformat(), label=f"{day:%a}, {day.day} {day:%b %Y}")


def targets_of(saved: dict[str, float]) -> dict[str, str]:
    """The hours per priority as the form shows them (the defaults where none were saved)."""
    return {
        p.value: hours_text(saved.get(p.value, DEFAULT_TARGETS[p].total_seconds() / 3600))
        for p in Priority
    }


def clock_text(value: str) -> str:
    """A time input cannot hold "24:00"; "00:00" as a closing time means the same."""
    return "00:00" if value == "24:00" else value


def settings_input(
    *,
    rule: str,
    agents_see_all: bool,
    working_days: list[int],
    opens: str,
    closes: str,
    holidays: list[str],
    first_response: dict[str, str],
    follow_up: dict[str, str],
) -> dict[str, Any]:
    """The form as `QuerySettingsIn` input (hours stay text: the schema names what is wrong)."""

    def hours(values: dict[str, str]) -> dict[str, str]:
        return {p: str(values.get(p, "")).strip().replace(",", ".") for p in PRIORITIES}

    return {
        "assignment_rule": rule,
        "agents_see_all": agents_see_all,
        "working_days": sorted(set(working_days)),
        "opens": opens.strip(),
        "closes": closes.strip(),
        "holidays": sorted(set(holidays)),
        "first_response_hours": hours(first_response),
        "follow_up_hours": hours(follow_up),
    }


def _sentence(message: str) -> str:
    message = message.strip().removeprefix("Value error, ")
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


def schema_messages(exc: ValidationError) -> dict[str, str]:
    """The schema's complaints, in words, on the control that shows them: "opens", "closes",
    "working_days", "holidays", and "first_response.urgent" (with the group's first message
    at "first_response")."""
    messages: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        name = loc[0] if loc else "settings"
        if name in ("first_response_hours", "follow_up_hours"):
            kind = name.removesuffix("_hours")
            priority = loc[1] if len(loc) > 1 else ""
            messages.setdefault(f"{kind}.{priority}", "Give hours above 0 and at most 720.")
            messages.setdefault(kind, f"{priority.capitalize()}: give hours above 0, at most 720.")
        elif name in ("opens", "closes"):
            messages.setdefault(name, "Use a time as HH:MM, e.g. 09:00.")
        elif name == "working_days":
            messages.setdefault(name, "Choose at least one working day.")
        elif name == "holidays":
            messages.setdefault(name, f"At most {MAX_HOLIDAYS} holidays, each a date.")
        else:
            messages.setdefault("settings", _sentence(str(error.get("msg", "is not valid"))))
    return messages


def service_messages(exc: ValidationFailedError) -> dict[str, str]:
    """The service's checks of the calendar and the SLA policy, on the section they concern."""
    messages: dict[str, str] = {}
    for text in [e.message for e in exc.errors] or [exc.detail]:
        if text.startswith("first response:"):
            messages["first_response"] = _sentence(text.removeprefix("first response:"))
        elif text.startswith("follow-up:"):
            messages["follow_up"] = _sentence(text.removeprefix("follow-up:"))
        elif text.startswith("opening hours:"):
            messages["hours"] = "Opening must be before closing (closing at 00:00 is midnight)."
        else:
            messages["settings"] = _sentence(text)
    return messages


def _saved_settings(session: Session, ctx: TenantContext, data: QuerySettingsIn) -> QuerySettings:
    """The settings saved; the service's checks named by the section they concern."""
    try:
        return queries.update_settings(session, ctx, data=data)
    except ValidationFailedError as exc:
        sections = [FieldError(name, text) for name, text in service_messages(exc).items()]
        raise ValidationFailedError(exc.detail, errors=sections) from exc


def agent_input(row: AgentRow) -> dict[str, Any]:
    cap = row.cap.strip()
    return {
        "skills": split_list(row.skills, lower=True),
        "workload_cap": int(cap) if cap.isdigit() else cap,
        "on_leave_until": row.leave_until.strip() or None,
    }


def agent_message(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error.get("loc") else ""
    return {
        "workload_cap": "The workload cap is a whole number from 1 to 500.",
        "on_leave_until": "On leave until: choose a date, or leave it empty.",
        "skills": "Up to 30 skills of at most 80 characters each.",
    }.get(field, _sentence(str(error.get("msg", "is not valid"))))


class QuerySettingsState(GatedPage, rx.State):
    timezone: str = ""
    timezone_label: str = ""  # "(UTC+05:30) Kolkata, India"
    # assignment
    rule: str = "round_robin"
    agents_see_all: bool = False
    # business hours
    working_days: list[int] = []
    opens: str = "09:00"
    closes: str = "18:00"
    holidays: list[Holiday] = []
    new_holiday: str = ""
    # SLA targets
    first_response: dict[str, str] = {}
    follow_up: dict[str, str] = {}
    errors: dict[str, str] = {}
    # lost reasons: the saved ones, and the new ones until the section is saved
    reasons: list[str] = []
    new_reasons: list[str] = []
    new_reason: str = ""
    reason_error: str = ""
    reason_key: int = 0
    # agents' profiles
    agents: list[AgentRow] = []
    # the sections edited since they were saved
    unsaved: list[str] = []
    _saved: dict[str, Any] = {}
    _saved_agents: dict[str, tuple[str, str, str]] = {}
    _found: dict[str, str] = {}

    @rx.var
    def dirty(self) -> bool:
        return bool(self.unsaved)

    # ---- plumbing -------------------------------------------------------------------------------

    def _values(self) -> dict[str, Any]:
        return settings_input(
            rule=self.rule,
            agents_see_all=self.agents_see_all,
            working_days=self.working_days,
            opens=self.opens,
            closes=self.closes,
            holidays=[h.day for h in self.holidays],
            first_response=self.first_response,
            follow_up=self.follow_up,
        )

    def _changed(self) -> None:
        values = self._values()
        edited = {
            section
            for section, keys in SECTION_KEYS.items()
            if any(values[k] != self._saved.get(k) for k in keys)
        }
        if self.new_reasons:
            edited.add("reasons")
        if any(self._saved_agents.get(a.user_id) != _profile(a) for a in self.agents):
            edited.add("agents")
        self.unsaved = [s for s in SECTIONS if s in edited]

    def _show(
        self, settings: QuerySettings, sections: tuple[str, ...] = tuple(SECTION_KEYS)
    ) -> None:
        """`sections` of the form as saved (the others keep their edits)."""
        if "assignment" in sections:
            self.rule = settings.assignment_rule
            self.agents_see_all = settings.agents_see_all
        if "hours" in sections:
            self.working_days = sorted(settings.working_days)
            self.opens, self.closes = settings.opens, clock_text(settings.closes)
            self.holidays = [holiday(date.fromisoformat(d)) for d in sorted(settings.holidays)]
            self.new_holiday = ""
        if "sla" in sections:
            self.first_response = targets_of(settings.first_response_hours)
            self.follow_up = targets_of(settings.follow_up_hours)
        values = self._values()
        for section in sections:
            for key in SECTION_KEYS[section]:
                self._saved[key] = values[key]
            self._clear_errors(section)
        self._changed()

    def _clear_errors(self, section: str) -> None:
        self.errors = {k: v for k, v in self.errors.items() if k not in SECTION_ERRORS[section]}

    def _fill(self, session: Session, ctx: TenantContext) -> None:
        self._show(queries.query_settings(session, ctx))
        self.reasons, self.new_reasons = queries.lost_reasons(session, ctx), []
        self._fill_agents(session, ctx)

    def _fill_agents(self, session: Session, ctx: TenantContext) -> None:
        rows = queries.workload(session, ctx)
        saved = queries.agent_profiles(session, ctx, user_ids=[r.user_id for r in rows])
        agents = []
        for r in rows:
            profile = saved.get(r.user_id)
            leave = profile.on_leave_until if profile else None
            agents.append(
                AgentRow(
                    user_id=str(r.user_id),
                    name=r.name,
                    online=r.online,
                    on_leave=r.on_leave,
                    skills=", ".join(profile.skills) if profile else "",
                    cap=str(r.workload_cap),
                    leave_until=leave.isoformat() if leave else "",
                    error="",
                )
            )
        self.agents = agents
        self._saved_agents = {a.user_id: _profile(a) for a in agents}
        self._changed()

    # ---- loading --------------------------------------------------------------------------------

    @event
    def load(self) -> EventSpec | None:
        viewer = self._admit(Action.QUERIES_SETTINGS)
        if viewer is None:
            return self._signed_out()
        self.timezone = viewer.agency_timezone
        self.timezone_label = timezone_label(viewer.agency_timezone)
        self.new_reason, self.reason_error, self.errors = "", "", {}
        result = self._run(self._fill)[1] if self.allowed else None
        self.loaded = True
        return result

    # ---- assignment, business hours, SLA targets (kept here until their section is saved) -----

    @event
    def set_rule(self, value: str) -> None:
        if value in RULES:
            self.rule = value
            self._changed()

    @event
    def set_agents_see_all(self, value: bool) -> None:
        self.agents_see_all = bool(value)
        self._changed()

    @event
    def toggle_day(self, day: int) -> None:
        if not isinstance(day, int) or not 0 <= day < len(WEEKDAY_NAMES):
            return
        days = set(self.working_days)
        days.symmetric_difference_update({day})
        self.working_days = sorted(days)
        self.errors.pop("working_days", None)
        self._changed()

    @event
    def set_opens(self, value: str) -> None:
        self.opens = str(value)[:5]
        self.errors.pop("opens", None)
        self.errors.pop("hours", None)
        self._changed()

    @event
    def set_closes(self, value: str) -> None:
        self.closes = str(value)[:5]
        self.errors.pop("closes", None)
        self.errors.pop("hours", None)
        self._changed()

    @event
    def set_new_holiday(self, value: str) -> None:
        self.new_holiday = str(value)[:10]
        self.errors.pop("holidays", None)

    @event
    def add_holiday(self) -> None:
        try:
            day = date.fromisoformat(self.new_holiday.strip())
        except ValueError:
            self.errors["holidays"] = "Choose the date to add."
            return
        if any(h.day == day.isoformat() for h in self.holidays):
            self.errors["holidays"] = f"{holiday(day).label} is a holiday already."
            return
        if len(self.holidays) >= MAX_HOLIDAYS:
            self.errors["holidays"] = f"At most {MAX_HOLIDAYS} holidays; remove past ones first."
            return
        self.holidays = sorted([*self.holidays, holiday(day)], key=lambda h: h.day)
        self.new_holiday = ""
        self.errors.pop("holidays", None)
        self._changed()

    @event
    def remove_holiday(self, day: str) -> None:
        self.holidays = [h for h in self.holidays if h.day != day]
        self._changed()

    @event
    def set_target(self, kind: str, priority: str, value: str) -> None:
        if kind not in KINDS or priority not in PRIORITIES:
            return
        targets = self.first_response if kind == "first_response" else self.follow_up
        targets[priority] = str(value)[:8]
        self.errors.pop(f"{kind}.{priority}", None)
        self.errors.pop(kind, None)
        self._changed()

    # ---- one save and one discard per section ------------------------------------------------

    @event
    def discard(self, section: str) -> EventSpec | None:
        """The section back to what is saved."""
        if section not in SECTIONS:
            return None
        if section == "reasons":
            self.new_reasons, self.new_reason, self.reason_error = [], "", ""
            self.reason_key += 1
            self._changed()
            return None

        def work(session: Session, ctx: TenantContext) -> None:
            if section == "agents":
                self._fill_agents(session, ctx)
            else:
                self._show(queries.query_settings(session, ctx), (section,))

        return self._run(work, may=Action.QUERIES_SETTINGS)[1]

    @event
    def save(self, section: str) -> EventSpec | None:
        if self._viewer() is None:  # before saying what is wrong with the form
            return self._signed_out()
        if section == "reasons":
            return self._save_reasons()
        if section == "agents":
            return self._save_agents()
        if section not in SECTION_KEYS:
            return None
        values = self._values()
        # the section as edited, the others as saved
        edited = {**values, **self._saved, **{k: values[k] for k in SECTION_KEYS[section]}}
        self._clear_errors(section)
        try:
            data = QuerySettingsIn.model_validate(edited)
        except ValidationError as exc:
            self.errors = {**self.errors, **schema_messages(exc)}
            return rx.toast.error(SETTINGS_NEED_ATTENTION)
        self._found = {}
        _, failed = self._run(
            lambda session, ctx: self._show(_saved_settings(session, ctx, data), (section,)),
            errors="_found",
        )
        if self._found:
            self.errors = {**self.errors, **self._found}
            return failed or rx.toast.error(SETTINGS_NEED_ATTENTION)
        return failed or rx.toast.success(f"{SECTION_NAMES[section]} saved.")

    # ---- lost reasons ---------------------------------------------------------------------------

    @event
    def set_new_reason(self, value: str) -> None:
        self.new_reason = str(value)[: REASON_LENGTH + 1]
        self.reason_error = ""

    @event
    def add_reason(self, form: dict[str, Any] | None = None) -> None:
        """A new reason on the list, saved with the section."""
        label = " ".join(str((form or {}).get("reason", self.new_reason) or "").split())
        if not label:
            self.reason_error = "Write the reason, e.g. Chose a cheaper package."
            return
        if len(label) > REASON_LENGTH:
            self.reason_error = f"At most {REASON_LENGTH} characters."
            return
        if label in self.reasons or label in self.new_reasons:
            self.reason_error = "That reason is on the list already."
            return
        self.new_reasons = [*self.new_reasons, label]
        self.new_reason, self.reason_error = "", ""
        self.reason_key += 1
        self._changed()

    @event
    def remove_new_reason(self, label: str) -> None:
        self.new_reasons = [r for r in self.new_reasons if r != label]
        self._changed()

    def _save_reasons(self) -> EventSpec | None:
        added = list(self.new_reasons)
        if not added:
            return None

        def work(session: Session, ctx: TenantContext) -> None:
            for label in added:
                queries.add_lost_reason(session, ctx, label=label)
            self.reasons = queries.lost_reasons(session, ctx)

        _, failed = self._run(work)
        if failed is not None:
            return failed
        self.new_reasons = []
        self._changed()
        return rx.toast.success(
            f"“{added[0]}” added to the lost reasons."
            if len(added) == 1
            else f"{len(added)} reasons added to the lost reasons."
        )

    # ---- agents' profiles -----------------------------------------------------------------------

    @event
    def set_agent_field(self, user_id: str, name: str, value: str) -> None:
        if name not in ("skills", "cap", "leave_until"):
            return
        for row in self.agents:
            if row.user_id == user_id:
                setattr(row, name, str(value)[:2000])
                row.error = ""
        self.agents = list(self.agents)
        self._changed()

    def _save_agents(self) -> EventSpec | None:
        edited = [a for a in self.agents if self._saved_agents.get(a.user_id) != _profile(a)]
        checked: list[tuple[AgentRow, AgentProfileIn]] = []
        for row in edited:
            row.error = ""
            try:
                checked.append((row, AgentProfileIn.model_validate(agent_input(row))))
            except ValidationError as exc:
                row.error = agent_message(exc)
        self.agents = list(self.agents)
        wrong = [row for row in edited if row.error]
        if wrong:
            return rx.toast.error(f"{wrong[0].name}: {wrong[0].error}")
        if not checked:
            return None
        targets = [
            (target, row, data)
            for row, data in checked
            if (target := parse_id(row.user_id)) is not None
        ]
        if len(targets) != len(checked):
            return rx.toast.error("That agent is not in this list; reload the page.")

        def work(session: Session, ctx: TenantContext) -> None:
            for target, _row, data in targets:
                queries.set_agent_profile(session, ctx, user_id=target, data=data)
            self._fill_agents(session, ctx)

        _, failed = self._run(work)
        if failed is not None:
            return failed
        names = [row.name for _t, row, _d in targets]
        return rx.toast.success(
            f"{names[0]}'s profile saved." if len(names) == 1 else f"{len(names)} profiles saved."
        )


def _profile(row: AgentRow) -> tuple[str, str, str]:
    """What of an agent's row is saved: skills, cap, leave."""
    return (row.skills, row.cap, row.leave_until)
