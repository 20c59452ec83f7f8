"""The confirmation shown before ``/coach forget me`` erases anything."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, MarkdownTextObject, SectionBlock

import prompts
from bot import slack_ids
from bot.blocks.replies import Notice


def build_forget_confirmation() -> Notice:
    text = prompts.text("privacy", "confirm")
    return Notice(
        text=text,
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=text)),
            ActionsBlock(
                block_id="forget",
                elements=[
                    ButtonElement(
                        text=prompts.text("privacy", "confirm_button"),
                        action_id=slack_ids.ACTION_FORGET_CONFIRM,
                        value="me",
                        style="danger",
                    ),
                    ButtonElement(
                        text=prompts.text("privacy", "cancel_button"),
                        action_id=slack_ids.ACTION_FORGET_CANCEL,
                        value="keep",
                    ),
                ],
            ),
        ],
    )
