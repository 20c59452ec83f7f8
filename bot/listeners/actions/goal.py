"""Buttons on a goal (Edit, Mark achieved, Drop) and on a weekly check-in."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot import slack_ids
from bot.blocks.goals import build_goal_modal
from bot.blocks.replies import build_notice, build_outcome
from bot.flows.goals import check_in, close_goal, default_target_for, own_active_goal
from bot.listeners.actions.replies import answer_privately, button_number
from bot.services import Services

CHECK_IN_STATUS = {
    slack_ids.ACTION_CHECKIN_ON_TRACK: "on_track",
    slack_ids.ACTION_CHECKIN_STUCK: "stuck",
    slack_ids.ACTION_CHECKIN_ACHIEVED: "achieved",
}


def handle_goal_edit(
    services: Services, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    ack()
    team_id, rep_id = body["team"]["id"], body["user"]["id"]
    goal = own_active_goal(services, team_id, rep_id, button_number(action))
    if goal is None:
        notice = build_notice("goals", "not_your_goal")
        respond(response_type="ephemeral", replace_original=False, text=notice.text)
        return
    target = default_target_for(services, team_id, rep_id)
    services.slack_for(team_id).views_open(
        trigger_id=body["trigger_id"], view=build_goal_modal(target, goal)
    )


def handle_goal_close(
    services: Services, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    ack()
    status = "achieved" if action["action_id"] == slack_ids.ACTION_GOAL_ACHIEVED else "dropped"
    outcome = close_goal(
        services,
        team_id=body["team"]["id"],
        rep_id=body["user"]["id"],
        goal_id=button_number(action),
        status=status,
    )
    notice = build_outcome(outcome)
    answer_privately(respond, notice)


def handle_check_in_button(
    services: Services, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    ack()
    outcome = check_in(
        services,
        team_id=body["team"]["id"],
        rep_id=body["user"]["id"],
        goal_id=button_number(action),
        status=CHECK_IN_STATUS[action["action_id"]],
    )
    notice = build_outcome(outcome)
    answer_privately(respond, notice)


def handle_home_set_goal(services: Services, ack: Ack, body: dict[str, Any]) -> None:
    """The App Home's "Set my focus" / "Choose a new focus" button: the goal modal."""
    ack()
    team_id, rep_id = body["team"]["id"], body["user"]["id"]
    target = default_target_for(services, team_id, rep_id)
    services.slack_for(team_id).views_open(
        trigger_id=body["trigger_id"], view=build_goal_modal(target)
    )
