"""Leave and holidays: no nudges while paused, and the cadence restarts when it ends."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.blocks.escape import inline_code
from bot.blocks.replies import Outcome, done, refused
from bot.domain.cadence import DateError, format_day, local_today
from bot.domain.dates import parse_day_ahead
from bot.flows.people import look_up_person
from bot.services import Services
from storage.db import session_scope
from storage.managers import manager_settings, update_manager_settings
from storage.pairings import managed_pairing, pairing_rows, update_pairing
from storage.pauses import end_pauses, record_pause


def pause(
    services: Services, *, team_id: str, manager_id: str, rep_id: str | None, until: str
) -> Outcome:
    """Pause one rep (``rep_id``) or all of the manager's reps (None) until a future date."""
    manager = look_up_person(services, team_id, manager_id)
    today = local_today(services.clock.now(), manager.timezone)
    example = (today + timedelta(days=14)).isoformat()
    values = {"given": inline_code(until), "today": today.isoformat(), "example": example}
    try:
        day = parse_day_ahead(until, today, locale=manager.locale)
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
            _keep_history(session, team_id, today, day, now, manager_id=manager_id)
            return done("team", "pause.paused_me", until=format_day(day))
        pairing = managed_pairing(
            session=session, team_id=team_id, manager_id=manager_id, rep_id=rep_id
        )
        if pairing is None:
            return refused("team", "not_your_rep", rep=rep_id)
        update_pairing(session=session, pairing=pairing, paused_until=day)
        _keep_history(session, team_id, today, day, now, pairing_id=pairing.id or 0)
    return done("team", "pause.paused_rep", rep=rep_id, until=format_day(day))


def _keep_history(
    session: Session, team_id: str, today: date, until: date, now: datetime, **subject: Any
) -> None:
    """A new pause runs from today; a commanded one still running ends where this starts,
    so the history holds each stretch once and nothing from before today is rewritten."""
    end_pauses(session=session, team_id=team_id, on=today, source="command", **subject)
    record_pause(
        session=session, team_id=team_id, starts_on=today, ends_on=until, now=now, **subject
    )


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
            end_pauses(
                session=session, team_id=team_id, on=today, manager_id=manager_id, source="command"
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
        end_pauses(
            session=session, team_id=team_id, on=today, pairing_id=pairing.id, source="command"
        )
    return done("team", "pause.resumed_rep", rep=rep_id)


def _today(services: Services, team_id: str, manager_id: str) -> date:
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
