"""Start, end and list coaching pairings."""

from __future__ import annotations

import logging
from datetime import date

from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError

import prompts
from bot.blocks.escape import inline_code
from bot.blocks.replies import Outcome, done, refused
from bot.domain.cadence import (
    CadenceError,
    TeamLine,
    cadence_state,
    describe_cadence,
    format_day,
    is_snoozed,
    local_today,
    parse_cadence,
)
from bot.flows.pairings import facts_of
from bot.flows.people import look_up_people, look_up_person
from bot.services import Services
from storage.db import session_scope
from storage.pairings import (
    PairingRow,
    active_pairing_for_rep,
    add_pairing,
    end_pairing,
    managed_pairing,
    pairing_rows,
)
from storage.workspaces import ensure_workspace

logger = logging.getLogger(__name__)


def add_rep(
    services: Services, *, team_id: str, manager_id: str, rep_id: str, cadence_text: str
) -> Outcome:
    try:
        cadence_days = parse_cadence(cadence_text)
    except CadenceError:
        return refused("team", "bad_cadence", given=inline_code(cadence_text))
    if rep_id == manager_id:
        return refused("team", "not_yourself")
    people = look_up_people(services, team_id, [manager_id, rep_id])
    if not people[rep_id].reachable:
        return refused("team", "not_a_person", rep=rep_id)
    now = services.clock.now()
    today = local_today(now, people[manager_id].timezone)
    with session_scope(services.engine) as session:
        ensure_workspace(session=session, team_id=team_id, now=now)
        current = active_pairing_for_rep(session=session, team_id=team_id, rep_id=rep_id)
        if current is not None:
            return _already_paired(current.manager_id, manager_id, rep_id, current.cadence_days)
        try:
            add_pairing(
                session=session,
                team_id=team_id,
                manager_id=manager_id,
                rep_id=rep_id,
                cadence_days=cadence_days,
                started_on=today,
                now=now,
            )
        except IntegrityError:
            session.rollback()
            return _refuse_race(services, team_id, manager_id, rep_id)
    cadence = describe_cadence(cadence_days)
    _tell(
        services, rep_id, prompts.text("team", "rep_was_added", manager=manager_id, cadence=cadence)
    )
    due = today.fromordinal(today.toordinal() + cadence_days)
    return done("team", "added", rep=rep_id, cadence=cadence, due=format_day(due))


def _already_paired(current_manager: str, manager_id: str, rep_id: str, days: int) -> Outcome:
    if current_manager == manager_id:
        return refused("team", "already_yours", rep=rep_id, cadence=describe_cadence(days))
    return refused("team", "has_manager", rep=rep_id, manager=current_manager)


def _refuse_race(services: Services, team_id: str, manager_id: str, rep_id: str) -> Outcome:
    """Someone paired this rep between our check and our insert: name who won."""
    with session_scope(services.engine) as session:
        winner = active_pairing_for_rep(session=session, team_id=team_id, rep_id=rep_id)
    if winner is None:  # pragma: no cover - the unique index only fails when a row exists
        raise RuntimeError("pairing insert failed without a competing pairing")
    return _already_paired(winner.manager_id, manager_id, rep_id, winner.cadence_days)


def remove_rep(services: Services, *, team_id: str, manager_id: str, rep_id: str) -> Outcome:
    with session_scope(services.engine) as session:
        pairing = managed_pairing(
            session=session, team_id=team_id, manager_id=manager_id, rep_id=rep_id
        )
        if pairing is None:
            return refused("team", "not_your_rep", rep=rep_id)
        end_pairing(session=session, pairing=pairing, now=services.clock.now())
    return done("team", "removed", rep=rep_id)


def leave_team(services: Services, *, team_id: str, rep_id: str) -> Outcome:
    with session_scope(services.engine) as session:
        pairing = active_pairing_for_rep(session=session, team_id=team_id, rep_id=rep_id)
        if pairing is None:
            return refused("team", "no_manager")
        manager_id = pairing.manager_id
        end_pairing(session=session, pairing=pairing, now=services.clock.now())
    _tell(services, manager_id, prompts.text("team", "manager_was_left", rep=rep_id))
    return done("team", "left", manager=manager_id)


def list_team(services: Services, *, team_id: str, manager_id: str) -> list[TeamLine]:
    """The manager's reps, most overdue first, with cadence status in the manager's zone."""
    manager = look_up_person(services, team_id, manager_id)
    today = local_today(services.clock.now(), manager.timezone)
    with session_scope(services.engine) as session:
        rows = pairing_rows(session=session, team_id=team_id, manager_id=manager_id)
    lines = [_team_line(row, today) for row in rows]
    return sorted(lines, key=lambda line: (-line.state.days_overdue, line.state.next_due))


def _team_line(row: PairingRow, today: date) -> TeamLine:
    snoozed = row.pairing.snoozed_until
    return TeamLine(
        rep_id=row.pairing.rep_id,
        cadence=describe_cadence(row.pairing.cadence_days),
        last_held_on=row.last_held_on,
        state=cadence_state(facts_of(row), today),
        snoozed_until=snoozed if is_snoozed(snoozed, today) else None,
    )


def _tell(services: Services, user_id: str, text: str) -> None:
    """A courtesy DM; failing to deliver it must not undo what was already done."""
    try:
        services.slack.chat_postMessage(channel=user_id, text=text)
    except SlackApiError as error:
        logger.warning("could not DM %s: %s", user_id, error.response.get("error"))
