"""The buttons under a reframe: Send to the rep, Add to our next 1:1, Dismiss."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks.reframe import Prompt, build_rep_picker, decode_prompt
from bot.blocks.replies import Outcome, build_notice, build_outcome
from bot.flows.coaching_prompts import save_to_agenda, send_prompt
from bot.listeners.actions.replies import answer_privately
from bot.services import Services


def handle_reframe_send(
    services: Services,
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
) -> None:
    ack()
    _act(services, "send", body, action, respond, client)


def handle_reframe_agenda(
    services: Services,
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
) -> None:
    ack()
    _act(services, "agenda", body, action, respond, client)


def handle_reframe_dismiss(ack: Ack, respond: Respond) -> None:
    ack()
    respond(delete_original=True)


def _act(
    services: Services,
    kind: str,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
) -> None:
    prompt = decode_prompt(action.get("value"))
    if prompt is None:
        notice = build_notice("coaching", "not_a_reframe")
        respond(response_type="ephemeral", replace_original=False, text=notice.text)
        return
    if prompt.rep_id is None:
        client.views_open(trigger_id=body["trigger_id"], view=build_rep_picker(prompt, kind))
        return
    outcome = act_on_prompt(
        services, kind, body["team"]["id"], body["user"]["id"], prompt.rep_id, prompt
    )
    notice = build_outcome(outcome)
    answer_privately(respond, notice)


def act_on_prompt(
    services: Services, kind: str, team_id: str, manager_id: str, rep_id: str, prompt: Prompt
) -> Outcome:
    flow = send_prompt if kind == "send" else save_to_agenda
    return flow(services, team_id=team_id, manager_id=manager_id, rep_id=rep_id, prompt=prompt)
