"""The rep picker behind "Send to the rep" / "Add to our next 1:1" when no rep was named."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot import slack_ids
from bot.blocks.reframe import decode_prompt
from bot.blocks.replies import build_notice, build_outcome
from bot.flows.pairings import caller_pairing
from bot.listeners.actions.reframe import act_on_prompt
from bot.services import Services


def handle_pick_rep(
    services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
) -> None:
    team_id, manager_id = body["team"]["id"], body["user"]["id"]
    values = view["state"]["values"]
    rep_id = values.get(slack_ids.BLOCK_PICK_REP, {}).get(slack_ids.ACTION_PICK_REP, {})
    rep_id = rep_id.get("selected_user") if isinstance(rep_id, dict) else None
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    prompt = decode_prompt(metadata.get("prompt"))
    kind = metadata.get("action") if metadata.get("action") in ("send", "agenda") else None
    if prompt is None or kind is None:
        ack()
        _tell(client, manager_id, build_notice("coaching", "not_a_reframe").text)
        return
    if not rep_id or not caller_pairing(
        services, team_id=team_id, manager_id=manager_id, rep_id=rep_id
    ):
        error = build_notice("coaching", "not_your_rep", rep=rep_id or "?").text
        ack(response_action="errors", errors={slack_ids.BLOCK_PICK_REP: error})
        return
    ack()
    outcome = act_on_prompt(services, kind, team_id, manager_id, rep_id, prompt)
    _tell(client, manager_id, build_outcome(outcome).text)


def _tell(client: WebClient, user_id: str, text: str) -> None:
    client.chat_postMessage(channel=user_id, text=text)
