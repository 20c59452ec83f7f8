"""The "Reframe as coaching" message shortcut: the same private reframe, for any message.

The reframe may wait on the LLM, so it is built on the after-ack pool, never on the
listener threads that every other request's ack needs.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.blocks.reframe import build_reframe
from bot.domain.feedback import feedback_body, mentioned_user
from bot.flows.asking import reframe_for
from bot.listeners.guard import report_unhandled
from bot.services import Services


def handle_reframe_shortcut(
    services: Services, ack: Ack, body: dict[str, Any], shortcut: dict[str, Any], respond: Respond
) -> None:
    ack()
    message = shortcut.get("message") or {}
    text = str(message.get("text") or "")
    presser = shortcut["user"]["id"]

    def answer() -> None:
        reframe, ref = reframe_for(
            services, team_id=str(body["team"]["id"]), author_id=presser, text=feedback_body(text)
        )
        fallback, blocks = build_reframe(reframe, mentioned_user(text, excluding=presser), ref)
        respond(response_type="ephemeral", text=fallback, blocks=blocks)

    services.after_ack.queue(answer, lambda error: report_unhandled(error, body, respond))
