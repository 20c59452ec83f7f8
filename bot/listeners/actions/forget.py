"""The buttons under ``/coach forget me``: erase the presser, or keep everything."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.blocks.replies import build_notice, build_outcome
from bot.flows.home import refresh_home
from bot.flows.privacy import forget_me
from bot.services import Services


def handle_forget_confirm(
    services: Services, ack: Ack, body: dict[str, Any], respond: Respond
) -> None:
    ack()
    team_id, user_id = body["team"]["id"], body["user"]["id"]
    notice = build_outcome(forget_me(services, team_id=team_id, user_id=user_id))
    respond(replace_original=True, text=notice.text, blocks=notice.blocks)
    refresh_home(services, team_id=team_id, user_id=user_id)


def handle_forget_cancel(ack: Ack, respond: Respond) -> None:
    ack()
    notice = build_notice("privacy", "kept")
    respond(replace_original=True, text=notice.text, blocks=notice.blocks)
