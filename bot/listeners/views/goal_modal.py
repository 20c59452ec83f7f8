"""The focus-goal modal: inline errors for bad fields, and nothing stored until all are good.

The fields are checked without calling Slack and the form is acked at once (with its
errors, if any); saving, telling the manager and the rep follow after the ack. A form
submitted twice (the rep pressed again after an error) is saved once.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot import slack_ids as ids
from bot.blocks.goals import build_goal_saved
from bot.domain.goals import GoalProblem
from bot.flows.goals import draft_from_form, save_goal
from bot.flows.home import refresh_home
from bot.listeners.commands.goal import goal_problem_notice
from bot.listeners.guard import report_unhandled
from bot.services import Services

FIELD_BLOCKS = {
    "competency": ids.BLOCK_GOAL_COMPETENCY,
    "behaviour": ids.BLOCK_GOAL_BEHAVIOUR,
    "measure": ids.BLOCK_GOAL_MEASURE,
    "target_date": ids.BLOCK_GOAL_TARGET,
}


def handle_goal_submission(
    services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
) -> None:
    team_id, rep_id = body["team"]["id"], body["user"]["id"]
    fields = _fields(view["state"]["values"])
    try:
        draft = draft_from_form(
            services,
            team_id,
            rep_id,
            competency=fields["competency"] or "",
            behaviour=fields["behaviour"] or "",
            measure=fields["measure"],
            target_date=_date(fields["target_date"]),
        )
    except GoalProblem as problem:
        message = goal_problem_notice(problem).text
        ack(response_action="errors", errors={FIELD_BLOCKS[problem.field]: message})
        return
    ack()

    def save() -> None:
        saved = save_goal(
            services,
            team_id=team_id,
            rep_id=rep_id,
            draft=draft,
            goal_id=_goal_id(view),
            submission_id=str(view.get("id") or "") or None,
        )
        if saved is None:
            return  # the same form again (Slack showed an error, the rep pressed again)
        notice = build_goal_saved(saved)
        client.chat_postMessage(channel=rep_id, text=notice.text, blocks=notice.blocks)
        refresh_home(services, team_id=team_id, user_id=rep_id)

    services.after_ack.queue(save, lambda error: report_unhandled(error, body, None))


def _fields(values: dict[str, Any]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for field, block in FIELD_BLOCKS.items():
        element = values.get(block, {}).get(ids.ACTION_GOAL_INPUT) or {}
        option = element.get("selected_option") or {}
        found[field] = element.get("value") or element.get("selected_date") or option.get("value")
    return found


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _goal_id(view: dict[str, Any]) -> int | None:
    try:
        value = json.loads(view.get("private_metadata") or "{}").get("goal_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None
