"""The weekly digest: one post per channel per ISO week summarising the cadence of the
managers who chose that channel. If the bot can't post there, those managers are told."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime

import prompts
from bot.blocks.digest import build_digest
from bot.domain.cadence import (
    CadenceState,
    Status,
    cadence_state,
    iso_week_key,
    local_today,
    managers_by_standing,
    summarise_cadence,
    week_start,
)
from bot.flows.delivery import Key, claim_all, deliver
from bot.flows.pairings import facts_of
from bot.flows.people import Person, look_up_people
from bot.services import Services
from bot.slack_client import CHANNEL_GONE, NOT_IN_CHANNEL
from storage.db import session_scope
from storage.managers import managers_with_digest
from storage.pairings import PairingRow, pairing_rows
from storage.workspaces import list_team_ids

logger = logging.getLogger(__name__)

# Why a digest could not be posted, as the message (prompts/digest.toml) its managers get.
CHANNEL_PROBLEMS = {
    **dict.fromkeys(NOT_IN_CHANNEL, "not_in_channel"),
    **dict.fromkeys(CHANNEL_GONE, "channel_gone"),
}


def run_digest_sweep(services: Services) -> str:
    now = services.clock.now()
    week = local_today(now, services.settings.coach_timezone)
    posted = failed = 0
    with session_scope(services.engine) as session:
        team_ids = list_team_ids(session=session)
    for team_id in team_ids:
        done, missed = _digest_team(services, team_id, now, week)
        posted, failed = posted + done, failed + missed
    return f"{posted} digests posted, {failed} failed"


def _digest_team(services: Services, team_id: str, now: datetime, today: date) -> tuple[int, int]:
    with session_scope(services.engine) as session:
        chosen = managers_with_digest(session=session, team_id=team_id)
        rows = pairing_rows(session=session, team_id=team_id) if chosen else []
    channels: dict[str, list[str]] = defaultdict(list)
    for own in chosen:
        channels[own.digest_channel_id or ""].append(own.manager_id)
    period = iso_week_key(today)
    owned = claim_all(
        services, team_id, [Key("digest", f"channel:{c}", period, c) for c in channels]
    )
    if not owned:
        return 0, 0
    by_manager: dict[str, list[PairingRow]] = defaultdict(list)
    for row in rows:
        by_manager[row.pairing.manager_id].append(row)
    posted = failed = 0
    for key, ledger_id in owned.items():
        channel_id = key.subject.removeprefix("channel:")
        managers = channels[channel_id]
        states = _states(services, team_id, managers, by_manager, now)
        text, blocks = build_digest(
            week_start(today), summarise_cadence(s for _, s in states), managers_by_standing(states)
        )
        delivery = deliver(
            services, [ledger_id], channel=channel_id, text=text, blocks=blocks, unfurl_links=False
        )
        posted += delivery.sent
        failed += not delivery.sent
        if delivery.error in CHANNEL_PROBLEMS:
            _tell_managers(
                services, team_id, managers, channel_id, CHANNEL_PROBLEMS[delivery.error], period
            )
    return posted, failed


def _states(
    services: Services,
    team_id: str,
    managers: list[str],
    by_manager: dict[str, list[PairingRow]],
    now: datetime,
) -> list[tuple[str, CadenceState]]:
    """Each pairing's standing in its manager's zone; only people behind are checked for
    an out-of-office status, so a big team costs few users.info calls."""
    people = look_up_people(services, team_id, managers, in_sweep=True)
    first_pass: list[tuple[str, PairingRow, CadenceState, date]] = []
    for manager_id in managers:
        manager = people.get(manager_id) or Person(user_id=manager_id, exists=True)
        today = local_today(now, manager.timezone)
        for row in by_manager.get(manager_id, []):
            state = cadence_state(
                facts_of(row),
                today,
                manager_is_out=manager.is_out,
                manager_paused_until=row.manager_paused_until,
            )
            first_pass.append((manager_id, row, state, today))
    behind = [
        row.pairing.rep_id for _, row, state, _ in first_pass if state.status is Status.OVERDUE
    ]
    reps: dict[str, Person] = (
        look_up_people(services, team_id, behind, in_sweep=True) if behind else {}
    )
    result = []
    for manager_id, row, state, today in first_pass:
        rep = reps.get(row.pairing.rep_id)
        if state.status is Status.OVERDUE and rep is not None and rep.is_out:
            state = cadence_state(
                facts_of(row), today, rep_is_out=True, manager_paused_until=row.manager_paused_until
            )
        result.append((manager_id, state))
    return result


def _tell_managers(
    services: Services, team_id: str, managers: list[str], channel_id: str, key: str, period: str
) -> None:
    """Once a week at most, tell each manager why their digest did not appear."""
    text = prompts.text("digest", key, channel=channel_id)
    keys = [Key("digest_problem", f"manager:{m}:{channel_id}", period, m) for m in managers]
    for problem_key, ledger_id in claim_all(services, team_id, keys).items():
        manager_id = problem_key.subject.split(":")[1]
        deliver(services, [ledger_id], channel=manager_id, text=text)
