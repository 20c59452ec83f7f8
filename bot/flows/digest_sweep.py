"""The weekly digest: one celebratory post per channel per week, and one private summary
per manager. If the bot can't post in a channel, its managers are told.

Each runs on COACH_DIGEST_WEEKDAY at COACH_SWEEP_HOUR on a local clock: a channel's digest
on the clock of the manager who chose that channel first, each summary on its manager's
own. The sweep runs every half hour; the ledger keeps each to once per ISO week.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime

from slack_sdk.errors import SlackApiError

import prompts
from bot.blocks.digest import build_digest, build_manager_summary
from bot.domain.cadence import (
    Status,
    cadence_state,
    has_come_due,
    iso_week_key,
    local_today,
    week_start,
)
from bot.domain.digest import DigestEntry, celebrate, summarise_manager
from bot.domain.hours import weekly_hour
from bot.flows.channels import members_among
from bot.flows.delivery import Key, claim_all, deliver
from bot.flows.fan_out import for_each_workspace, send_each
from bot.flows.pairings import facts_of
from bot.flows.people import Person, last_known_zones, look_up_people
from bot.flows.plans import streaks_for
from bot.services import Services
from bot.slack_client import CHANNEL_GONE, NOT_IN_CHANNEL
from storage.db import session_scope
from storage.managers import managers_with_digest
from storage.models import ManagerSettings
from storage.pairings import PairingRow, pairing_rows

logger = logging.getLogger(__name__)

# Why a digest could not be posted, as the message (prompts/digest.toml) its managers get.
CHANNEL_PROBLEMS = {
    **dict.fromkeys(NOT_IN_CHANNEL, "not_in_channel"),
    **dict.fromkeys(CHANNEL_GONE, "channel_gone"),
}


def run_digest_sweep(services: Services) -> str:
    now = services.clock.now()
    swept = for_each_workspace(services, lambda team_id: _digest_team(services, team_id, now))
    posted = sum(done for done, _, _ in swept.results)
    failed = sum(missed for _, missed, _ in swept.results)
    summaries = sum(told for _, _, told in swept.results)
    return swept.summary(
        f"{posted} digests posted, {failed} failed, {summaries} manager summaries sent"
    )


def _digest_team(services: Services, team_id: str, now: datetime) -> tuple[int, int, int]:
    with session_scope(services.engine) as session:
        chosen = managers_with_digest(session=session, team_id=team_id)
    if not chosen:
        return 0, 0, 0
    settings = services.settings
    weekday, hour = settings.coach_digest_weekday, settings.coach_sweep_hour
    # Whose digest hour it may be, from the zones last cached (no Slack call); only then
    # are the managers looked up afresh, so a half-hourly sweep costs Slack nothing.
    known = last_known_zones(services, team_id, [own.manager_id for own in chosen])
    if not any(
        own.manager_id not in known or weekly_hour(now, known[own.manager_id], weekday, hour)
        for own in chosen
    ):
        return 0, 0, 0
    people = look_up_people(services, team_id, [own.manager_id for own in chosen], in_sweep=True)

    def zone(user_id: str) -> str | None:
        person = people.get(user_id)
        return person.timezone if person is not None else None

    channels: dict[str, list[ManagerSettings]] = defaultdict(list)
    for own in chosen:
        channels[own.digest_channel_id or ""].append(own)
    owners = {channel: _owner(managers) for channel, managers in channels.items()}
    due_channels = [
        c for c, owner in owners.items() if weekly_hour(now, zone(owner), weekday, hour)
    ]
    due_summaries = [
        own.manager_id for own in chosen if weekly_hour(now, zone(own.manager_id), weekday, hour)
    ]
    if not due_channels and not due_summaries:
        return 0, 0, 0
    today_of = {own.manager_id: local_today(now, zone(own.manager_id)) for own in chosen}
    with session_scope(services.engine) as session:
        rows = pairing_rows(session=session, team_id=team_id)
        rows = [row for row in rows if row.pairing.manager_id in today_of]
        streaks = streaks_for(session, team_id, rows, today_of)
    entries = _entries(services, team_id, rows, people, today_of)
    posted, failed = _post_digests(
        services, team_id, due_channels, channels, owners, entries, streaks, today_of
    )
    told = _send_summaries(services, team_id, due_summaries, entries, streaks, today_of)
    return posted, failed, told


def _owner(managers: list[ManagerSettings]) -> str:
    """The manager whose clock a shared channel's digest keeps: the first to choose it."""
    first = min(managers, key=lambda own: (own.digest_set_at or own.updated_at, own.manager_id))
    return first.manager_id


def _post_digests(
    services: Services,
    team_id: str,
    due: list[str],
    channels: dict[str, list[ManagerSettings]],
    owners: dict[str, str],
    entries: list[DigestEntry],
    streaks: dict[str, int],
    today_of: dict[str, date],
) -> tuple[int, int]:
    periods = {c: iso_week_key(today_of[owners[c]]) for c in due}
    channels = _only_members(services, team_id, due, channels, periods)
    keys = [Key("digest", f"channel:{c}", periods[c], c) for c in channels]

    def post(claimed: tuple[Key, int]) -> bool:
        key, ledger_id = claimed
        channel_id = key.subject.removeprefix("channel:")
        managers = {own.manager_id for own in channels[channel_id]}
        mine = [e for e in entries if e.manager_id in managers]
        week_of = week_start(today_of[owners[channel_id]])
        text, blocks = build_digest(
            week_of, celebrate(mine, {m: streaks.get(m, 0) for m in managers})
        )
        delivery = deliver(
            services,
            [ledger_id],
            team_id=team_id,
            channel=channel_id,
            text=text,
            blocks=blocks,
            unfurl_links=False,
        )
        problem = CHANNEL_PROBLEMS.get(delivery.error or "")
        if problem is not None:
            _tell_managers(services, team_id, sorted(managers), channel_id, problem, key.period)
        return delivery.sent

    posted = send_each(services, claim_all(services, team_id, keys).items(), post)
    return sum(posted), posted.count(False)


def _only_members(
    services: Services,
    team_id: str,
    due: list[str],
    channels: dict[str, list[ManagerSettings]],
    periods: dict[str, str],
) -> dict[str, list[ManagerSettings]]:
    """Each due channel with only the managers who are members of it: a digest names a
    team's reps, so it never goes where its manager could not read it (someone may have
    invited the bot into a private channel since the manager chose it). Those left out are
    told. A channel the bot cannot see keeps its managers: the post fails and they hear why."""
    kept: dict[str, list[ManagerSettings]] = {}
    for channel_id in due:
        managers = channels[channel_id]
        try:
            members = members_among(
                services, team_id, channel_id, [own.manager_id for own in managers]
            )
        except (SlackApiError, OSError) as error:
            logger.warning("could not list a digest channel's members (%s)", type(error).__name__)
            continue  # decided next sweep, not guessed now
        inside = [own for own in managers if members is None or own.manager_id in members]
        outside = [own.manager_id for own in managers if own not in inside]
        if outside:
            _tell_managers(
                services, team_id, outside, channel_id, "manager_not_member", periods[channel_id]
            )
        if inside:
            kept[channel_id] = inside
    return kept


def _send_summaries(
    services: Services,
    team_id: str,
    due: list[str],
    entries: list[DigestEntry],
    streaks: dict[str, int],
    today_of: dict[str, date],
) -> int:
    """Each manager's private week, once per ISO week of theirs (none for a manager who
    coaches nobody at the moment: there is no week to tell them about)."""
    coaching = {e.manager_id for e in entries}
    keys = [
        Key("summary", f"manager:{m}", iso_week_key(today_of[m]), m) for m in due if m in coaching
    ]

    def summarise(claimed: tuple[Key, int]) -> bool:
        key, ledger_id = claimed
        manager_id = key.subject.removeprefix("manager:")
        own = summarise_manager(manager_id, entries, streaks.get(manager_id, 0))
        text, blocks = build_manager_summary(week_start(today_of[manager_id]), own)
        return deliver(
            services, [ledger_id], team_id=team_id, channel=manager_id, text=text, blocks=blocks
        ).sent

    return sum(send_each(services, claim_all(services, team_id, keys).items(), summarise))


def _entries(
    services: Services,
    team_id: str,
    rows: list[PairingRow],
    people: dict[str, Person],
    today_of: dict[str, date],
) -> list[DigestEntry]:
    """Each pairing's standing in its manager's zone; only reps behind are checked for an
    out-of-office status, so a big team costs few users.info calls."""
    first_pass = []
    for row in rows:
        manager = people.get(row.pairing.manager_id)
        today = today_of[row.pairing.manager_id]
        state = cadence_state(
            facts_of(row), today, manager_is_out=manager is not None and manager.is_out
        )
        first_pass.append((row, state, today))
    behind = [row.pairing.rep_id for row, state, _ in first_pass if state.status is Status.OVERDUE]
    reps = look_up_people(services, team_id, behind, in_sweep=True) if behind else {}
    entries = []
    for row, state, today in first_pass:
        rep = reps.get(row.pairing.rep_id)
        if state.status is Status.OVERDUE and rep is not None and rep.is_out:
            state = cadence_state(facts_of(row), today, rep_is_out=True)
        entries.append(
            DigestEntry(
                manager_id=row.pairing.manager_id,
                rep_id=row.pairing.rep_id,
                state=state,
                tested=has_come_due(facts_of(row), today),
                last_held_on=row.last_held_on,
            )
        )
    return entries


def _tell_managers(
    services: Services, team_id: str, managers: list[str], channel_id: str, key: str, period: str
) -> None:
    """Once a week at most, tell each manager why their digest did not appear."""
    text = prompts.text("digest", key, channel=channel_id)
    keys = [Key("digest_problem", f"manager:{m}:{channel_id}", period, m) for m in managers]
    for problem_key, ledger_id in claim_all(services, team_id, keys).items():
        manager_id = problem_key.subject.split(":")[1]
        deliver(services, [ledger_id], team_id=team_id, channel=manager_id, text=text)
