"""Accept / Decline under a new manager's invitation: only the invited rep's press counts."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot import slack_ids
from bot.blocks.replies import build_outcome
from bot.flows.home import refresh_home
from bot.flows.team import answer_invite
from bot.listeners.actions.replies import button_number
from bot.services import Services


def handle_pairing_answer(
    services: Services, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    ack()
    team_id, rep_id = body["team"]["id"], body["user"]["id"]
    outcome = answer_invite(
        services,
        team_id=team_id,
        rep_id=rep_id,
        pairing_id=button_number(action),
        accept=action.get("action_id") == slack_ids.ACTION_PAIRING_ACCEPT,
    )
    notice = build_outcome(outcome)
    respond(replace_original=outcome.ok, text=notice.text, blocks=notice.blocks)
    if outcome.ok:
        refresh_home(services, team_id=team_id, user_id=rep_id)
