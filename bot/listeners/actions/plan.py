"""Buttons on ``/coach plan``: Log 1:1 today, Send prep questions, Full agenda, paging."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.blocks.plan import build_plan_page, build_rep_agenda
from bot.blocks.replies import Outcome, build_outcome
from bot.flows.one_on_ones import log_held_today
from bot.flows.plans import pairing_agenda, send_prep, team_plan
from bot.listeners.actions.replies import answer_privately, button_number
from bot.services import Services


def handle_plan_log(
    services: Services, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    ack()
    team_id, manager_id = body["team"]["id"], body["user"]["id"]
    outcome = log_held_today(
        services, team_id=team_id, manager_id=manager_id, pairing_id=button_number(action)
    )
    answer_privately(respond, build_outcome(outcome))


def handle_plan_prep(
    services: Services, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    ack()
    outcome = send_prep(
        services,
        team_id=body["team"]["id"],
        manager_id=body["user"]["id"],
        pairing_id=button_number(action),
    )
    answer_privately(respond, build_outcome(outcome))


def handle_plan_agenda(
    services: Services, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    ack()
    agenda = pairing_agenda(
        services,
        team_id=body["team"]["id"],
        manager_id=body["user"]["id"],
        pairing_id=button_number(action),
    )
    answer_privately(
        respond, build_outcome(agenda) if isinstance(agenda, Outcome) else build_rep_agenda(agenda)
    )


def handle_plan_page(
    services: Services, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    ack()
    plan = team_plan(services, team_id=body["team"]["id"], manager_id=body["user"]["id"])
    notice = build_plan_page(plan, page=button_number(action))
    respond(replace_original=True, text=notice.text, blocks=notice.blocks)
