"""Absences seen in a Slack status ("On vacation", :palm_tree:), kept as pause history.

A status says someone is away now, not since when or until when, so the sweeps record
what they observe: the first day a sweep sees the status starts an absence, the first day
a sweep sees it gone ends it, and the cadence restarts from that day, as after a
``/coach pause``. A rep back from two weeks on a beach is not overdue on their first day.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from bot.flows.people import Person
from bot.services import Services
from storage.db import session_scope
from storage.pairings import PairingRow
from storage.pauses import end_pauses, open_absences, record_pause


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
        open_now = open_absences(session=session, team_id=team_id)
        for manager_id, today in today_of.items():
            manager = people.get(manager_id)
            if manager is not None:
                _track(
                    session, team_id, today, manager.is_out,
                    bool(open_now.by_manager.get(manager_id)), now, manager_id=manager_id,
                )  # fmt: skip
        for row in rows:
            rep = people.get(row.pairing.rep_id)
            today = today_of.get(row.pairing.manager_id)
            if rep is None or today is None:
                continue
            _track(
                session, team_id, today, rep.is_out,
                bool(open_now.by_pairing.get(row.pairing.id)), now, pairing_id=row.pairing.id,
            )  # fmt: skip


def _track(
    session: Session,
    team_id: str,
    today: date,
    is_out: bool,
    is_open: bool,
    now: datetime,
    **subject: Any,
) -> None:
    if is_out and not is_open:
        record_pause(
            session=session, team_id=team_id, starts_on=today, ends_on=None, now=now,
            source="status", **subject,
        )  # fmt: skip
    elif not is_out and is_open:
        end_pauses(session=session, team_id=team_id, on=today, source="status", **subject)
