"""What every button handler needs: the id a button names, and a private answer."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.blocks.replies import Notice


def button_number(action: dict[str, Any]) -> int:
    """The pairing or goal id a button carries; anything unreadable names nothing (0).

    It is only ever a claim: the flows check it belongs to the person who pressed.
    """
    value = str(action.get("value") or "")
    return int(value) if value.isdigit() and len(value) < 12 else 0


def answer_privately(respond: Respond, notice: Notice) -> None:
    """A reply only the presser sees, leaving the message with the button in place."""
    respond(
        response_type="ephemeral", replace_original=False, text=notice.text, blocks=notice.blocks
    )
