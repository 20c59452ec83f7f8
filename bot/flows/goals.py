"""A rep's focus goal: set, edit, achieve, drop; the manager hears about each change."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from slack_sdk.errors import SlackApiError

import prompts
from bot.blocks.escape import escape_mrkdwn
from bot.domain.cadence import local_today
from bot.domain.goals import GoalDraft, draft_goal
from bot.domain.reframing import COMPETENCIES, competency_label, detect_competency
from bot.flows.outcome import Outcome, done, refused
from bot.flows.people import look_up_person
from bot.flows.team import format_day
from bot.services import Services
from storage.db import session_scope
from storage.goals import (
    active_goal,
    add_check_in,
    check_in_message_goal,
    check_ins_of,
    goal_by_id,
    goals_of,
    start_goal,
    update_goal,
)
from storage.models import CheckIn, Goal
from storage.pairings import active_pairing_for_rep
from storage.workspaces import ensure_workspace

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GoalSaved:
    goal: Goal
    replaced: bool
    manager_id: str | None


def rep_today(services: Services, team_id: str, rep_id: str) -> date:
    person = look_up_person(services, team_id, rep_id)
    return local_today(services.clock.now(), person.timezone)


def draft_from_text(services: Services, team_id: str, rep_id: str, text: str) -> GoalDraft:
    """``/coach goal <text>``: the competency inferred with the reframer's taxonomy."""
    return draft_goal(
        competency=detect_competency(text),
        behaviour=text,
        measure=None,
        target_date=None,
        today=rep_today(services, team_id, rep_id),
        competencies=COMPETENCIES,
    )


def save_goal(
    services: Services, *, team_id: str, rep_id: str, draft: GoalDraft, goal_id: int | None = None
) -> GoalSaved:
    """A new focus (replacing the active one), or an edit of the active one (``goal_id``)."""
    now = services.clock.now()
    with session_scope(services.engine) as session:
        ensure_workspace(session=session, team_id=team_id, now=now)
        current = active_goal(session=session, team_id=team_id, rep_id=rep_id)
        pairing = active_pairing_for_rep(session=session, team_id=team_id, rep_id=rep_id)
        manager_id = pairing.manager_id if pairing else None
        if goal_id is not None and current is not None and current.id == goal_id:
            update_goal(
                session=session,
                goal=current,
                competency=draft.competency,
                behaviour=draft.behaviour,
                measure=draft.measure,
                target_date=draft.target_date,
            )
            return GoalSaved(current, replaced=False, manager_id=manager_id)
        goal = start_goal(
            session=session,
            team_id=team_id,
            rep_id=rep_id,
            competency=draft.competency,
            behaviour=draft.behaviour,
            measure=draft.measure,
            target_date=draft.target_date,
            now=now,
        )
    _tell_manager(services, manager_id, "set", rep_id, goal)
    return GoalSaved(goal, replaced=current is not None, manager_id=manager_id)


def own_active_goal(services: Services, team_id: str, rep_id: str, goal_id: int) -> Goal | None:
    """The goal a button names, only if it is the presser's active focus."""
    with session_scope(services.engine) as session:
        goal = goal_by_id(session=session, team_id=team_id, goal_id=goal_id)
    if goal is None or goal.rep_id != rep_id or goal.status != "active":
        return None
    return goal


def close_goal(
    services: Services, *, team_id: str, rep_id: str, goal_id: int, status: str
) -> Outcome:
    """Mark the rep's own active focus achieved or dropped (a check-in records it too)."""
    now = services.clock.now()
    with session_scope(services.engine) as session:
        goal = goal_by_id(session=session, team_id=team_id, goal_id=goal_id)
        if goal is None or goal.rep_id != rep_id or goal.status != "active":
            return refused("goals", "not_your_goal")
        update_goal(session=session, goal=goal, status=status, closed_at=now)
        if status == "achieved":
            add_check_in(session=session, goal=goal, status="achieved", note=None, now=now)
        pairing = active_pairing_for_rep(session=session, team_id=team_id, rep_id=rep_id)
    _tell_manager(services, pairing.manager_id if pairing else None, status, rep_id, goal)
    return done("goals", status, behaviour=escape_mrkdwn(goal.behaviour))


def check_in(
    services: Services, *, team_id: str, rep_id: str, goal_id: int, status: str
) -> Outcome:
    """A check-in button: on track or stuck (achieved closes the goal)."""
    if status == "achieved":
        return close_goal(services, team_id=team_id, rep_id=rep_id, goal_id=goal_id, status=status)
    now = services.clock.now()
    with session_scope(services.engine) as session:
        goal = goal_by_id(session=session, team_id=team_id, goal_id=goal_id)
        if goal is None or goal.rep_id != rep_id or goal.status != "active":
            return refused("goals", "not_your_goal")
        add_check_in(session=session, goal=goal, status=status, note=None, now=now)
        pairing = active_pairing_for_rep(session=session, team_id=team_id, rep_id=rep_id)
    if status == "stuck":
        _tell_manager(services, pairing.manager_id if pairing else None, "stuck", rep_id, goal)
    return done("goals", f"checkin.{status}")


@dataclass(frozen=True)
class GoalsOverview:
    active: Goal | None
    history: list[Goal]
    check_ins: list[CheckIn]


def goals_overview(services: Services, *, team_id: str, rep_id: str) -> GoalsOverview:
    with session_scope(services.engine) as session:
        goals = goals_of(session=session, team_id=team_id, rep_id=rep_id)
        recent = check_ins_of(session=session, team_id=team_id, rep_id=rep_id)
    active = next((goal for goal in goals if goal.status == "active"), None)
    return GoalsOverview(active, [g for g in goals if g is not active], recent)


def describe_goal(goal: Goal) -> dict[str, str]:
    """The values every goal message fills in, escaped for Slack."""
    return {
        "behaviour": escape_mrkdwn(goal.behaviour),
        "competency": competency_label(goal.competency),
        "target": format_day(goal.target_date) if goal.target_date else "no date",
    }


def _tell_manager(
    services: Services, manager_id: str | None, event: str, rep_id: str, goal: Goal
) -> None:
    if manager_id is None:
        return
    text = prompts.text("goals", f"manager.{event}", rep=rep_id, **describe_goal(goal))
    try:
        services.slack.chat_postMessage(channel=manager_id, text=text)
    except SlackApiError as error:
        logger.warning("could not tell the manager (%s)", error.response.get("error"))


def record_reply(
    services: Services, *, team_id: str, rep_id: str, channel_id: str, thread_ts: str, text: str
) -> bool:
    """A rep's words in a check-in's thread become a note on that goal; False if the thread
    is not one of the rep's check-ins."""
    with session_scope(services.engine) as session:
        goal_id = check_in_message_goal(
            session=session, team_id=team_id, channel_id=channel_id, message_ts=thread_ts
        )
        goal = goal_by_id(session=session, team_id=team_id, goal_id=goal_id) if goal_id else None
        if goal is None or goal.rep_id != rep_id:
            return False
        add_check_in(
            session=session, goal=goal, status="note", note=text[:4000], now=services.clock.now()
        )
    return True
