"""The nudge DM's buttons: "Log 1:1 held", its date picker, and "Snooze a week"."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.blocks.replies import build_outcome
from bot.flows.one_on_ones import log_held_today
from bot.flows.pauses import snooze
from bot.listeners.actions.replies import answer_privately, button_number
from bot.services import Services


def handle_nudge_log(
    services: Services, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    ack()
    pairing_id = button_number(action)
    outcome = log_held_today(
        services, team_id=body["team"]["id"], manager_id=body["user"]["id"], pairing_id=pairing_id
    )
    notice = build_outcome(outcome)
    answer_privately(respond, notice)


def handle_nudge_log_date(
    services: Services, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    """A day picked beside "Log 1:1 held": the 1:1 was held then (checked like a typed
    date: never in the future). The pairing is named by the block the picker sits in."""
    ack()
    block = str(action.get("block_id") or "")
    pairing_id = button_number({"value": block.removeprefix("nudge:")})
    outcome = log_held_today(
        services,
        team_id=body["team"]["id"],
        manager_id=body["user"]["id"],
        pairing_id=pairing_id,
        on=str(action.get("selected_date") or "") or None,
    )
    answer_privately(respond, build_outcome(outcome))


def handle_nudge_snooze(
    services: Services, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
) -> None:
    ack()
    outcome = snooze(
        services,
        team_id=body["team"]["id"],
        manager_id=body["user"]["id"],
        pairing_id=button_number(action),
    )
    notice = build_outcome(outcome)
    answer_privately(respond, notice)
