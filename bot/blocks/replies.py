"""Short private replies: one message from prompts/, as text plus a single section."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

import prompts
from bot.flows.outcome import Outcome


@dataclass(frozen=True)
class Notice:
    text: str
    blocks: list[Block]


def build_notice(prompt_file: str, key: str, **values: object) -> Notice:
    """One message from ``prompts/<prompt_file>.toml``; values must already be escaped."""
    message = prompts.text(prompt_file, key, **values)
    return Notice(text=message, blocks=[SectionBlock(text=MarkdownTextObject(text=message))])


def build_outcome(outcome: Outcome) -> Notice:
    """A flow's outcome as a private reply."""
    return build_notice(outcome.prompt_file, outcome.key, **outcome.values)
