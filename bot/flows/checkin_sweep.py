"""The weekly check-in: one DM per active goal per ISO week, at the rep's own local time.

Claimed in the ledger before sending (so once, even with concurrent sweeps); the DM's
channel and ts are kept there too, which is how a threaded reply finds its goal.
"""

from __future__ import annotations

from datetime import datetime

from bot.blocks.goals import build_check_in
from bot.domain.cadence import iso_week_key, zone_for
from bot.domain.checkins import check_in_due
from bot.flows.delivery import Key, claim_as_sent, deliver
from bot.flows.fan_out import for_each_workspace, send_each
from bot.flows.goals import focus_goal
from bot.flows.people import look_up_people
from bot.services import Services
from storage.db import session_scope
from storage.goals import GoalRow, active_goal_rows


def run_checkin_sweep(services: Services) -> str:
    now = services.clock.now()
    swept = for_each_workspace(services, lambda team_id: _sweep_team(services, team_id, now))
    sent = sum(done for done, _ in swept.results)
    failed = sum(missed for _, missed in swept.results)
    return swept.summary(f"{sent} check-ins sent, {failed} failed")


def _sweep_team(services: Services, team_id: str, now: datetime) -> tuple[int, int]:
    with session_scope(services.engine) as session:
        rows = active_goal_rows(session=session, team_id=team_id)
    if not rows:
        return 0, 0
    people = look_up_people(services, team_id, [row.goal.rep_id for row in rows], in_sweep=True)
    settings = services.settings
    due: dict[Key, GoalRow] = {}
    for row in rows:
        rep = people.get(row.goal.rep_id)
        if rep is None or not rep.reachable or rep.is_out:
            continue
        local_now = now.astimezone(zone_for(rep.timezone))
        if row.rep_paused_until is not None and row.rep_paused_until > local_now.date():
            continue
        goal_set_at = row.goal.created_at.astimezone(local_now.tzinfo)
        if check_in_due(
            local_now, goal_set_at, settings.coach_checkin_weekday, settings.coach_checkin_hour
        ):
            week = iso_week_key(local_now.date())
            key = Key("checkin", f"goal:{row.goal.id}", week, channel=row.goal.rep_id)
            due[key] = row

    def check_in(claimed: tuple[Key, int]) -> bool:
        key, ledger_id = claimed
        goal = due[key].goal
        text, blocks = build_check_in(focus_goal(goal), due[key].manager_id)
        return deliver(
            services, [ledger_id], team_id=team_id, channel=goal.rep_id, text=text, blocks=blocks
        ).sent

    sent = send_each(services, claim_as_sent(services, team_id, list(due)), check_in)
    return sum(sent), sent.count(False)
