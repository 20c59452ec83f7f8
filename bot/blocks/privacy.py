"""The confirmation shown before ``/coach forget me`` erases anything."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock

import prompts
from bot import slack_ids
from bot.blocks.parts import button, section
from bot.blocks.replies import Notice


def build_forget_confirmation() -> Notice:
    text = prompts.text("privacy", "confirm")
    return Notice(
        text=text,
        blocks=[
            section(text),
            ActionsBlock(
                block_id="forget",
                elements=[
                    button(
                        prompts.text("privacy", "confirm_button"),
                        slack_ids.ACTION_FORGET_CONFIRM,
                        "me",
                        style="danger",
                    ),
                    button(
                        prompts.text("privacy", "cancel_button"),
                        slack_ids.ACTION_FORGET_CANCEL,
                        "keep",
                    ),
                ],
            ),
        ],
    )
