"""Start, end and list coaching pairings."""

from __future__ import annotations

import logging
from datetime import date

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from sqlalchemy.exc import IntegrityError

import prompts
from bot.blocks.escape import inline_code
from bot.blocks.replies import Outcome, done, refused
from bot.blocks.team import build_pairing_invite
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
from bot.flows.people import is_workspace_admin, look_up_people, look_up_person
from bot.services import Services
from storage.db import session_scope
from storage.pairings import (
    PairingRow,
    accept_pairing,
    active_pairing_by_id,
    active_pairing_for_rep,
    add_pairing,
    end_pairing,
    managed_pairing,
    managers_above,
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
        if rep_id in managers_above(session=session, team_id=team_id, user_id=manager_id):
            return refused("team", "manages_you", rep=rep_id)
        try:
            pairing = add_pairing(
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
    invite = build_pairing_invite(manager_id, cadence, pairing.id or 0)
    _tell(services, team_id, rep_id, invite.text, invite.blocks)
    due = today.fromordinal(today.toordinal() + cadence_days)
    return done("team", "added", rep=rep_id, cadence=cadence, due=format_day(due))


def answer_invite(
    services: Services, *, team_id: str, rep_id: str, pairing_id: int, accept: bool
) -> Outcome:
    """The rep's Accept or Decline under a new manager's invitation. Only the invited rep's
    press counts, and only while the pairing is still waiting; a decline ends it."""
    now = services.clock.now()
    with session_scope(services.engine) as session:
        pairing = active_pairing_by_id(session=session, team_id=team_id, pairing_id=pairing_id)
        if pairing is None or pairing.rep_id != rep_id:
            return refused("team", "invite_gone")
        if pairing.accepted:
            return done("team", "invite_accepted", manager=pairing.manager_id)
        manager_id = pairing.manager_id
        if accept:
            accept_pairing(session=session, pairing=pairing, now=now)
        else:
            end_pairing(session=session, pairing=pairing, now=now)
    key = "accepted" if accept else "declined"
    _tell(services, team_id, manager_id, prompts.text("team", f"manager_was_{key}", rep=rep_id))
    return done("team", f"invite_{key}", manager=manager_id)


def remove_as_admin(services: Services, *, team_id: str, admin_id: str, rep_id: str) -> Outcome:
    """A workspace admin or owner (as Slack says now, never a cache) ends someone else's
    pairing: the way out of a pairing that should not exist. Both people are told."""
    if not is_workspace_admin(services, team_id, admin_id):
        return refused("team", "not_your_rep", rep=rep_id)
    with session_scope(services.engine) as session:
        pairing = active_pairing_for_rep(session=session, team_id=team_id, rep_id=rep_id)
        if pairing is None:
            return refused("team", "not_your_rep", rep=rep_id)
        manager_id = pairing.manager_id
        end_pairing(session=session, pairing=pairing, now=services.clock.now())
    told = prompts.text(
        "team", "admin_removed_told", rep=rep_id, manager=manager_id, admin=admin_id
    )
    _tell(services, team_id, manager_id, told)
    _tell(services, team_id, rep_id, told)
    return done("team", "admin_removed", rep=rep_id, manager=manager_id)


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
    """The manager ends their pairing; anyone else may only if they are a workspace admin."""
    with session_scope(services.engine) as session:
        pairing = managed_pairing(
            session=session, team_id=team_id, manager_id=manager_id, rep_id=rep_id
        )
        if pairing is not None:
            end_pairing(session=session, pairing=pairing, now=services.clock.now())
    if pairing is None:
        return remove_as_admin(services, team_id=team_id, admin_id=manager_id, rep_id=rep_id)
    return done("team", "removed", rep=rep_id)


def leave_team(services: Services, *, team_id: str, rep_id: str) -> Outcome:
    with session_scope(services.engine) as session:
        pairing = active_pairing_for_rep(session=session, team_id=team_id, rep_id=rep_id)
        if pairing is None:
            return refused("team", "no_manager")
        manager_id = pairing.manager_id
        end_pairing(session=session, pairing=pairing, now=services.clock.now())
    _tell(services, team_id, manager_id, prompts.text("team", "manager_was_left", rep=rep_id))
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
        pending=not row.pairing.accepted,
    )


def _tell(
    services: Services, team_id: str, user_id: str, text: str, blocks: list[Block] | None = None
) -> None:
    """A courtesy DM; failing to deliver it must not undo what was already done."""
    try:
        services.slack_for(team_id).chat_postMessage(channel=user_id, text=text, blocks=blocks)
    except SlackApiError as error:
        logger.warning("could not DM %s: %s", user_id, error.response.get("error"))
