"""Recording a 1:1 a manager held with a rep."""

from __future__ import annotations

from bot.blocks.escape import inline_code
from bot.blocks.replies import Outcome, done, refused
from bot.domain.cadence import (
    DateError,
    PairingFacts,
    cadence_state,
    format_day,
    local_today,
    parse_iso_date,
)
from bot.flows.pairings import caller_pairing
from bot.flows.people import look_up_person
from bot.services import Services
from storage.agenda import mark_agenda_covered
from storage.db import session_scope
from storage.managers import manager_settings
from storage.pairings import last_held_on, managed_pairing, record_one_on_one


def log_one_on_one(
    services: Services, *, team_id: str, manager_id: str, rep_id: str, held_on: str | None
) -> Outcome:
    """Record a 1:1 on a date (today in the manager's zone by default); never in the future."""
    manager = look_up_person(services, team_id, manager_id)
    now = services.clock.now()
    today = local_today(now, manager.timezone)
    values = {"rep": rep_id, "today": today.isoformat(), "given": inline_code(held_on or "")}
    try:
        day = parse_iso_date(held_on) if held_on else today
    except DateError as error:
        key = "log.impossible_date" if error.hint == "impossible" else "log.bad_date"
        return refused("team", key, **values)
    if day > today:
        return refused("team", "log.future", **values)
    with session_scope(services.engine) as session:
        pairing = managed_pairing(
            session=session, team_id=team_id, manager_id=manager_id, rep_id=rep_id
        )
        if pairing is None:
            return refused("team", "not_your_rep", rep=rep_id)
        record_one_on_one(
            session=session, pairing=pairing, held_on=day, logged_by=manager_id, now=now
        )
        session.flush()
        # What was saved for "the next 1:1" has now been covered.
        mark_agenda_covered(session=session, team_id=team_id, pairing_id=pairing.id or 0, now=now)
        latest = last_held_on(session=session, team_id=team_id, pairing_id=pairing.id or 0)
        own = manager_settings(session=session, team_id=team_id, manager_id=manager_id)
        facts = PairingFacts(
            cadence_days=pairing.cadence_days,
            started_on=pairing.started_on,
            last_held_on=latest,
            paused_until=pairing.paused_until,
        )
    state = cadence_state(facts, today, manager_paused_until=own.paused_until if own else None)
    return done(
        "team", "log.logged", rep=rep_id, date=format_day(day), due=format_day(state.next_due)
    )


def log_held_today(
    services: Services, *, team_id: str, manager_id: str, pairing_id: int
) -> Outcome:
    """The nudge's "Log 1:1 held" button: today's 1:1 for the pairing the button names,
    once it is checked to be the presser's own pairing (payload ids are never trusted)."""
    pairing = caller_pairing(
        services, team_id=team_id, manager_id=manager_id, pairing_id=pairing_id
    )
    if pairing is None:
        return refused("nudges", "not_yours")
    return log_one_on_one(
        services, team_id=team_id, manager_id=manager_id, rep_id=pairing.rep_id, held_on=None
    )
