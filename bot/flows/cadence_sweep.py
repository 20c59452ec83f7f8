"""The cadence sweep: one kind DM per manager listing the reps whose 1:1s newly slipped.

It runs every half hour and reaches each manager on a weekday at ``COACH_SWEEP_HOUR`` on
their own clock (``bot.domain.hours``). A pairing is nudged once per overdue period: each
one is claimed in the ledger under its period key before the DM goes out, so repeated or
concurrent sweeps cannot send twice. The people it looks up also tell it who is away by
their Slack status, which it keeps as pause history (``bot.flows.absences``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial

from bot.blocks.nudge import build_nudge
from bot.domain.cadence import (
    CadenceState,
    NudgeItem,
    cadence_state,
    local_today,
    may_need_nudge,
    should_nudge,
    zone_for,
)
from bot.domain.calendar import booked_within_cadence, format_slot, outlook_of
from bot.domain.hours import nudge_hour
from bot.domain.insights import field_day_due
from bot.flows.absences import observe_absences
from bot.flows.delivery import Key, claim, deliver, unsettled
from bot.flows.fan_out import for_each_workspace, send_each
from bot.flows.pairings import facts_of
from bot.flows.people import Person, last_known_zones, look_up_people
from bot.services import Services
from storage.calendars import MatchedEvent, events_for
from storage.db import session_scope
from storage.insights import field_days_for
from storage.pairings import PairingRow, pairing_rows

logger = logging.getLogger(__name__)

# The furthest-ahead time zone is UTC+14: no manager's "today" is later than this.
_LATEST_OFFSET = timedelta(hours=14)


@dataclass(frozen=True)
class SweepCounts:
    managers: int = 0
    nudged: int = 0
    failed: int = 0

    def __add__(self, other: SweepCounts) -> SweepCounts:
        return SweepCounts(
            self.managers + other.managers, self.nudged + other.nudged, self.failed + other.failed
        )

    def summary(self) -> str:
        return f"{self.nudged} nudged to {self.managers} managers, {self.failed} failed"


def run_cadence_sweep(services: Services) -> str:
    swept = for_each_workspace(services, partial(_sweep_team, services))
    return swept.summary(sum(swept.results, SweepCounts()).summary())


def _sweep_team(services: Services, team_id: str) -> SweepCounts:
    now = services.clock.now()
    with session_scope(services.engine) as session:
        rows = pairing_rows(session=session, team_id=team_id)
    candidates = _possibly_overdue(rows, now)
    if not candidates:
        return SweepCounts()
    by_manager: dict[str, list[PairingRow]] = defaultdict(list)
    for row in candidates:
        by_manager[row.pairing.manager_id].append(row)
    by_manager = _at_their_hour(services, team_id, by_manager, now)
    if not by_manager:
        return SweepCounts()
    chosen = [row for manager_rows in by_manager.values() for row in manager_rows]
    people = look_up_people(
        services, team_id, [*by_manager, *(row.pairing.rep_id for row in chosen)], in_sweep=True
    )
    today_of = {
        manager_id: local_today(now, people[manager_id].timezone)
        for manager_id in by_manager
        if manager_id in people
    }
    observe_absences(services, team_id, chosen, people, today_of)
    with session_scope(services.engine) as session:
        booked = events_for(
            session=session, team_id=team_id, pairing_ids=[row.pairing.id for row in chosen]
        )
    due = {
        manager_id: _due_for(manager_id, manager_rows, people, now, booked)
        for manager_id, manager_rows in by_manager.items()
        if nudge_hour(now, _zone(people, manager_id), services.settings.coach_sweep_hour)
    }
    fresh = set(unsettled(services, team_id, [key for keyed in due.values() for key in keyed]))
    due = _with_field_days(services, team_id, due, fresh, now)

    def nudge(manager: tuple[str, dict[Key, NudgeItem]]) -> SweepCounts:
        return _nudge_manager(services, team_id, *manager, fresh)

    return sum(send_each(services, due.items(), nudge), SweepCounts())


def _with_field_days(
    services: Services,
    team_id: str,
    due: dict[str, dict[Key, NudgeItem]],
    fresh: set[Key],
    now: datetime,
) -> dict[str, dict[Key, NudgeItem]]:
    """Each nudged rep marked when no field day was held in six weeks, so the nudge can
    suggest one (a single query for the whole sweep)."""
    pairing_ids = [
        item.pairing_id for keyed in due.values() for key, item in keyed.items() if key in fresh
    ]
    if not pairing_ids:
        return due
    with session_scope(services.engine) as session:
        held = field_days_for(session=session, team_id=team_id, pairing_ids=pairing_ids)
    today = now.date()
    return {
        manager_id: {
            key: replace(item, field_day_due=field_day_due(held.get(item.pairing_id, []), today))
            for key, item in keyed.items()
        }
        for manager_id, keyed in due.items()
    }


def _zone(people: dict[str, Person], user_id: str) -> str | None:
    person = people.get(user_id)
    return person.timezone if person is not None else None


def _at_their_hour(
    services: Services, team_id: str, by_manager: dict[str, list[PairingRow]], now: datetime
) -> dict[str, list[PairingRow]]:
    """The managers it is nudging time for on their own clock, judged by the zone last
    cached for them however old (a zone rarely changes), so Slack is asked only about
    managers at their hour; anyone never looked up is kept, to be looked up."""
    hour = services.settings.coach_sweep_hour
    zones = last_known_zones(services, team_id, by_manager)
    return {
        manager_id: manager_rows
        for manager_id, manager_rows in by_manager.items()
        if manager_id not in zones or nudge_hour(now, zones[manager_id], hour)
    }


def _possibly_overdue(rows: list[PairingRow], now: datetime) -> list[PairingRow]:
    """A cheap first pass with no Slack calls: overdue somewhere on Earth today, or away by
    a status the sweep has to look at again to see whether they are back."""
    latest_today = (now + _LATEST_OFFSET).date()
    return [
        row
        for row in rows
        if may_need_nudge(facts_of(row), latest_today) or any(p.ends_on is None for p in row.pauses)
    ]


def _due_for(
    manager_id: str,
    rows: list[PairingRow],
    people: dict[str, Person],
    now: datetime,
    booked: dict[int, list[MatchedEvent]],
) -> dict[Key, NudgeItem]:
    """The manager's reps overdue in the manager's own today, each under its ledger key;
    none whose next 1:1 is booked in their calendar within one cadence (a nudge would
    only nag), and the usual slot offered for those with none booked."""
    manager = people.get(manager_id)
    if manager is None or not manager.reachable:
        return {}  # unknown right now, or gone: the next sweep looks again
    today = local_today(now, manager.timezone)
    zone = zone_for(manager.timezone)
    due: dict[Key, NudgeItem] = {}
    for row in rows:
        rep = people.get(row.pairing.rep_id)
        if rep is None or not rep.reachable:
            continue  # a deactivated rep: nothing to catch up on
        state = _state(row, today, rep, manager)
        if not should_nudge(state, today, row.pairing.snoozed_until):
            continue
        spans = ((e.starts_at, e.ends_at) for e in booked.get(row.pairing.id, []))
        look = outlook_of(spans, now=now, zone=zone)
        next_day = look.next_start.astimezone(zone).date() if look.next_start else None
        if booked_within_cadence(next_day, today, row.pairing.cadence_days):
            continue
        usual = format_slot(look.usual) if look.usual is not None else None
        due[_key(row, state)] = _item(row, state, usual)
    return due


def _nudge_manager(
    services: Services,
    team_id: str,
    manager_id: str,
    due: dict[Key, NudgeItem],
    fresh: set[Key],
) -> SweepCounts:
    """Claim just before sending, so a long paced sweep never holds a claim gone stale."""
    owned = claim(services, team_id, [key for key in due if key in fresh])
    if not owned:
        return SweepCounts()
    items = [due[key] for key in owned]
    text, blocks = build_nudge(items)
    delivery = deliver(
        services,
        list(owned.values()),
        team_id=team_id,
        channel=manager_id,
        text=text,
        blocks=blocks,
    )
    if delivery.sent:
        return SweepCounts(managers=1, nudged=len(items))
    return SweepCounts(failed=len(items))


def _state(row: PairingRow, today: date, rep: Person, manager: Person) -> CadenceState:
    return cadence_state(
        facts_of(row),
        today,
        rep_is_out=rep.is_out,
        manager_is_out=manager.is_out,
    )


def _key(row: PairingRow, state: CadenceState) -> Key:
    return Key(
        kind="nudge",
        subject=f"pairing:{row.pairing.id}",
        period=state.period_key,
        channel=row.pairing.manager_id,
    )


def _item(row: PairingRow, state: CadenceState, usual_slot: str | None) -> NudgeItem:
    return NudgeItem(
        pairing_id=row.pairing.id or 0,
        rep_id=row.pairing.rep_id,
        days_overdue=state.days_overdue,
        last_held_on=row.last_held_on,
        started_on=row.pairing.started_on,
        usual_slot=usual_slot,
    )
