"""Absences seen in a Slack status ("On vacation", :palm_tree:), kept as pause history.

A status says someone is away now, not since when or until when, so the sweeps record
what they observe: the first day a sweep sees the status starts an absence, the first day
a sweep sees it gone ends it, and the cadence restarts from that day, as after a
``/coach pause``. A rep back from two weeks on a beach is not overdue on their first day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.flows.people import Person
from bot.services import Services
from storage.db import session_scope
from storage.pairings import PairingRow
from storage.pauses import TeamPauses, end_pauses, open_absences, record_pause


@dataclass(frozen=True)
class _Sighting:
    """What one look at someone's status showed: whose pause it is, on which day (in the
    manager's zone), whether they are away now and whether an absence was already open."""

    subject: dict[str, Any]  # pairing_id=… for a rep, manager_id=… for a manager
    today: date
    is_out: bool
    was_away: bool


def observe_absences(
    services: Services,
    team_id: str,
    rows: list[PairingRow],
    people: dict[str, Person],
    today_of: dict[str, date],
) -> None:
    """Start or end the status absences of the people just looked up.

    ``today_of`` maps each manager to their own today; a rep's absence is dated in their
    manager's zone, the zone their cadence is counted in. People not looked up (not in
    ``people``) are left as they are: nothing is known about them now.
    """
    now = services.clock.now()
    with session_scope(services.engine) as session:
        away = open_absences(session=session, team_id=team_id)
        for seen in _sightings(rows, people, today_of, away):
            if seen.is_out and not seen.was_away:
                record_pause(
                    session=session,
                    team_id=team_id,
                    starts_on=seen.today,
                    ends_on=None,
                    now=now,
                    source="status",
                    **seen.subject,
                )
            elif seen.was_away and not seen.is_out:
                end_pauses(
                    session=session, team_id=team_id, on=seen.today, source="status", **seen.subject
                )


def _sightings(
    rows: list[PairingRow],
    people: dict[str, Person],
    today_of: dict[str, date],
    away: TeamPauses,
) -> list[_Sighting]:
    found = [
        _Sighting({"manager_id": m}, today, people[m].is_out, bool(away.by_manager.get(m)))
        for m, today in today_of.items()
        if m in people
    ]
    for row in rows:
        rep = people.get(row.pairing.rep_id)
        today = today_of.get(row.pairing.manager_id)
        if rep is not None and today is not None:
            was_away = bool(away.by_pairing.get(row.pairing.id))
            found.append(_Sighting({"pairing_id": row.pairing.id}, today, rep.is_out, was_away))
    return found
