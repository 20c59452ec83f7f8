"""Recording a 1:1 a manager held with a rep."""

from __future__ import annotations

from bot.blocks.replies import Outcome, done, refused
from bot.domain.cadence import Status, cadence_state, format_day
from bot.flows.logged_day import read_logged_day
from bot.flows.pairings import caller_pairing, facts_of
from bot.services import Services
from storage.agenda import mark_agenda_covered
from storage.db import session_scope
from storage.pairings import managed_pairing, pairing_rows, record_one_on_one


def log_one_on_one(
    services: Services, *, team_id: str, manager_id: str, rep_id: str, held_on: str | None
) -> Outcome:
    """Record a 1:1 on a day the manager names in their own words and time zone (today by
    default); never in the future. The answer says when the next one is due, truthfully:
    counted from the last 1:1 held, which may already be past."""
    read = read_logged_day(
        services, team_id=team_id, manager_id=manager_id, rep_id=rep_id, held_on=held_on
    )
    if isinstance(read, Outcome):
        return read
    day, today, now = read.day, read.today, read.now
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
        rows = pairing_rows(session=session, team_id=team_id, manager_id=manager_id)
    row = next(r for r in rows if r.pairing.id == pairing.id)
    state = cadence_state(facts_of(row), today)
    key = "log.logged_overdue" if state.status is Status.OVERDUE else "log.logged"
    return done(
        "team",
        key,
        rep=rep_id,
        date=format_day(day),
        due=format_day(state.next_due),
        last=format_day(row.last_held_on or day),
    )


def log_held_today(
    services: Services, *, team_id: str, manager_id: str, pairing_id: int, on: str | None = None
) -> Outcome:
    """The nudge's "Log 1:1 held" button (today) and its date picker (``on``, the day
    picked): for the pairing the button names, once it is checked to be the presser's
    own pairing (payload ids are never trusted)."""
    pairing = caller_pairing(
        services, team_id=team_id, manager_id=manager_id, pairing_id=pairing_id
    )
    if pairing is None:
        return refused("nudges", "not_yours")
    return log_one_on_one(
        services, team_id=team_id, manager_id=manager_id, rep_id=pairing.rep_id, held_on=on
    )
