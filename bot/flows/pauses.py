"""Leave and holidays: no nudges while paused, and the cadence restarts when it ends."""

from __future__ import annotations

from datetime import timedelta

from bot.blocks.escape import inline_code
from bot.blocks.replies import Outcome, done, refused
from bot.domain.cadence import DateError, format_day, local_today, parse_iso_date
from bot.flows.people import look_up_person
from bot.services import Services
from storage.db import session_scope
from storage.managers import manager_settings, update_manager_settings
from storage.pairings import managed_pairing, pairing_rows, update_pairing


def pause(
    services: Services, *, team_id: str, manager_id: str, rep_id: str | None, until: str
) -> Outcome:
    """Pause one rep (``rep_id``) or all of the manager's reps (None) until a future date."""
    today = _today(services, team_id, manager_id)
    example = (today + timedelta(days=14)).isoformat()
    values = {"given": inline_code(until), "today": today.isoformat(), "example": example}
    try:
        day = parse_iso_date(until)
    except DateError:
        return refused("team", "pause.bad_date", **values)
    if day <= today:
        return refused("team", "pause.past_date", **values)
    now = services.clock.now()
    with session_scope(services.engine) as session:
        if rep_id is None:
            if not pairing_rows(session=session, team_id=team_id, manager_id=manager_id):
                return refused("team", "pause.no_team")
            update_manager_settings(
                session=session, team_id=team_id, manager_id=manager_id, now=now, paused_until=day
            )
            return done("team", "pause.paused_me", until=format_day(day))
        pairing = managed_pairing(
            session=session, team_id=team_id, manager_id=manager_id, rep_id=rep_id
        )
        if pairing is None:
            return refused("team", "not_your_rep", rep=rep_id)
        update_pairing(session=session, pairing=pairing, paused_until=day)
    return done("team", "pause.paused_rep", rep=rep_id, until=format_day(day))


def resume(services: Services, *, team_id: str, manager_id: str, rep_id: str | None) -> Outcome:
    """End a pause early: storing today as its end restarts the cadence from today."""
    today = _today(services, team_id, manager_id)
    now = services.clock.now()
    with session_scope(services.engine) as session:
        if rep_id is None:
            own = manager_settings(session=session, team_id=team_id, manager_id=manager_id)
            if own is None or own.paused_until is None or own.paused_until <= today:
                return refused("team", "pause.not_paused_me")
            update_manager_settings(
                session=session, team_id=team_id, manager_id=manager_id, now=now, paused_until=today
            )
            return done("team", "pause.resumed_me")
        pairing = managed_pairing(
            session=session, team_id=team_id, manager_id=manager_id, rep_id=rep_id
        )
        if pairing is None:
            return refused("team", "not_your_rep", rep=rep_id)
        if pairing.paused_until is None or pairing.paused_until <= today:
            return refused("team", "pause.not_paused_rep", rep=rep_id)
        update_pairing(session=session, pairing=pairing, paused_until=today)
    return done("team", "pause.resumed_rep", rep=rep_id)


def _today(services: Services, team_id: str, manager_id: str):
    manager = look_up_person(services, team_id, manager_id)
    return local_today(services.clock.now(), manager.timezone)


SNOOZE = timedelta(days=7)


def snooze(services: Services, *, team_id: str, manager_id: str, pairing_id: int) -> Outcome:
    """Silence nudges about one pairing for a week (the digest still counts it as behind)."""
    today = _today(services, team_id, manager_id)
    with session_scope(services.engine) as session:
        pairing = managed_pairing(
            session=session, team_id=team_id, manager_id=manager_id, pairing_id=pairing_id
        )
        if pairing is None:
            return refused("nudges", "not_yours")
        until = today + SNOOZE
        update_pairing(session=session, pairing=pairing, snoozed_until=until)
    return done("nudges", "snoozed", rep=pairing.rep_id, until=format_day(until))
