"""A rep's focus goal: set, edit, achieve, drop; the manager hears about each change."""

from __future__ import annotations

import logging
from datetime import date
from enum import Enum
from typing import overload

from slack_sdk.errors import SlackApiError

import prompts
from bot.blocks.escape import escape_mrkdwn
from bot.blocks.goals import describe_goal
from bot.blocks.replies import Outcome, done, refused
from bot.domain.cadence import local_today
from bot.domain.goals import (
    FocusGoal,
    GoalDraft,
    GoalSaved,
    GoalsOverview,
    default_target,
    draft_goal,
)
from bot.domain.plans import CheckInFacts
from bot.domain.reframing import COMPETENCIES, detect_competency
from bot.flows.people import cached_timezone, look_up_person
from bot.services import Services
from storage.db import session_scope
from storage.events import claim_event
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


# UTC−12, where it is earliest on Earth: a date not yet past there is not past for anyone.
EARLIEST_ZONE = "Etc/GMT+12"


def _rep_today_without_slack(services: Services, team_id: str, rep_id: str) -> date:
    """The rep's today from the people cache; if Coach never saw them, the earliest today
    anywhere, so a form is only refused for a date that is past everywhere."""
    zone = cached_timezone(services, team_id, rep_id) or EARLIEST_ZONE
    return local_today(services.clock.now(), zone)


def _rep_today(services: Services, team_id: str, rep_id: str) -> date:
    person = look_up_person(services, team_id, rep_id)
    return local_today(services.clock.now(), person.timezone)


def default_target_for(services: Services, team_id: str, rep_id: str) -> date:
    """The goal form's target date: a month from the rep's own today."""
    return default_target(_rep_today(services, team_id, rep_id))


def draft_from_text(services: Services, team_id: str, rep_id: str, text: str) -> GoalDraft:
    """``/coach goal <text>``: the competency inferred with the reframer's taxonomy."""
    return draft_goal(
        competency=detect_competency(text),
        behaviour=text,
        measure=None,
        target_date=None,
        today=_rep_today(services, team_id, rep_id),
        competencies=COMPETENCIES,
    )


def draft_from_form(
    services: Services,
    team_id: str,
    rep_id: str,
    *,
    competency: str,
    behaviour: str,
    measure: str | None,
    target_date: date | None,
) -> GoalDraft:
    """The goal modal's fields as a draft, checked against the rep's own today.

    The check runs before the modal is acked, so it never calls Slack (a rate-limited
    users.info would make the ack miss Slack's 3 seconds): the zone comes from the cache."""
    return draft_goal(
        competency=competency,
        behaviour=behaviour,
        measure=measure,
        target_date=target_date,
        today=_rep_today_without_slack(services, team_id, rep_id),
        competencies=COMPETENCIES,
    )


@overload
def save_goal(
    services: Services,
    *,
    team_id: str,
    rep_id: str,
    draft: GoalDraft,
    goal_id: int | None = None,
    submission_id: None = None,
) -> GoalSaved: ...


@overload
def save_goal(
    services: Services,
    *,
    team_id: str,
    rep_id: str,
    draft: GoalDraft,
    goal_id: int | None = None,
    submission_id: str,
) -> GoalSaved | None: ...


def save_goal(
    services: Services,
    *,
    team_id: str,
    rep_id: str,
    draft: GoalDraft,
    goal_id: int | None = None,
    submission_id: str | None = None,
) -> GoalSaved | None:
    """A new focus (replacing the active one), or an edit of the active one (``goal_id``).

    ``submission_id`` names a form submission (its view id): recorded in the same
    transaction as the goal, so the same form submitted twice saves once (None then)."""
    now = services.clock.now()
    with session_scope(services.engine) as session:
        if submission_id is not None and not claim_event(
            session=session, team_id=team_id, event_id=f"view:{submission_id}"[:64], now=now
        ):
            return None
        ensure_workspace(session=session, team_id=team_id, now=now)
        current = active_goal(session=session, team_id=team_id, rep_id=rep_id)
        pairing = active_pairing_for_rep(session=session, team_id=team_id, rep_id=rep_id)
        manager_id = pairing.manager_id if pairing and pairing.accepted else None
        if goal_id is not None and current is not None and current.id == goal_id:
            update_goal(
                session=session,
                goal=current,
                competency=draft.competency,
                behaviour=draft.behaviour,
                measure=draft.measure,
                target_date=draft.target_date,
            )
            return GoalSaved(focus_goal(current), replaced=False, manager_id=manager_id)
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
    saved = GoalSaved(focus_goal(goal), replaced=current is not None, manager_id=manager_id)
    _tell_manager(services, team_id, manager_id, "set", rep_id, saved.goal)
    return saved


def own_active_goal(
    services: Services, team_id: str, rep_id: str, goal_id: int
) -> FocusGoal | None:
    """The goal a button names, only if it is the presser's active focus."""
    with session_scope(services.engine) as session:
        goal = goal_by_id(session=session, team_id=team_id, goal_id=goal_id)
    if goal is None or goal.rep_id != rep_id or goal.status != "active":
        return None
    return focus_goal(goal)


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
    manager_id = pairing.manager_id if pairing and pairing.accepted else None
    _tell_manager(services, team_id, manager_id, status, rep_id, focus_goal(goal))
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
        manager_id = pairing.manager_id if pairing and pairing.accepted else None
        _tell_manager(services, team_id, manager_id, "stuck", rep_id, focus_goal(goal))
    return done("goals", f"checkin.{status}")


def goals_overview(services: Services, *, team_id: str, rep_id: str) -> GoalsOverview:
    with session_scope(services.engine) as session:
        goals = goals_of(session=session, team_id=team_id, rep_id=rep_id)
        recent = check_ins_of(session=session, team_id=team_id, rep_id=rep_id)
    active = next((goal for goal in goals if goal.status == "active"), None)
    return GoalsOverview(
        focus_goal(active) if active is not None else None,
        [focus_goal(g) for g in goals if g is not active],
        [check_in_facts(c) for c in recent],
    )


def focus_goal(goal: Goal) -> FocusGoal:
    """A stored goal as the builders show it (dates as the UTC day they happened)."""
    return FocusGoal(
        id=goal.id or 0,
        competency=goal.competency,
        behaviour=goal.behaviour,
        measure=goal.measure,
        target_date=goal.target_date,
        status=goal.status,
        set_on=goal.created_at.date(),
        closed_on=goal.closed_at.date() if goal.closed_at else None,
    )


def check_in_facts(check_in: CheckIn) -> CheckInFacts:
    return CheckInFacts(check_in.created_at.date(), check_in.status, check_in.note)


def _tell_manager(
    services: Services,
    team_id: str,
    manager_id: str | None,
    event: str,
    rep_id: str,
    goal: FocusGoal,
) -> None:
    if manager_id is None:
        return
    text = prompts.text("goals", f"manager.{event}", rep=rep_id, **describe_goal(goal))
    try:
        services.slack_for(team_id).chat_postMessage(channel=manager_id, text=text)
    except SlackApiError as error:
        logger.warning("could not tell the manager (%s)", error.response.get("error"))


class Reply(Enum):
    """What became of a message in a DM thread."""

    RECORDED = "recorded"  # a note on the rep's goal
    NOT_A_CHECK_IN = "not_a_check_in"  # not a thread of one of the rep's check-ins
    DUPLICATE = "duplicate"  # another delivery of this event was handled already


def record_reply(
    services: Services,
    *,
    team_id: str,
    rep_id: str,
    channel_id: str,
    thread_ts: str,
    text: str,
    event_id: str | None = None,
) -> Reply:
    """A rep's words in a check-in's thread become a note on that goal. The Slack event id
    (when given) is recorded in the same transaction: the event counts as handled exactly
    when its note is stored, so a failure leaves Slack's retry something to do."""
    now = services.clock.now()
    with session_scope(services.engine) as session:
        if event_id and not claim_event(
            session=session, team_id=team_id, event_id=event_id, now=now
        ):
            return Reply.DUPLICATE
        goal_id = check_in_message_goal(
            session=session, team_id=team_id, channel_id=channel_id, message_ts=thread_ts
        )
        goal = goal_by_id(session=session, team_id=team_id, goal_id=goal_id) if goal_id else None
        if goal is None or goal.rep_id != rep_id:
            return Reply.NOT_A_CHECK_IN
        add_check_in(session=session, goal=goal, status="note", note=text[:4000], now=now)
    return Reply.RECORDED
