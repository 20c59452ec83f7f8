"""Short private replies: one message from prompts/, as text plus a single section.

A flow answers with an ``Outcome`` (which message, with what) rather than with words or
blocks, so it stays testable without Block Kit; ``build_outcome`` renders it here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from slack_sdk.models.blocks import Block

import prompts
from bot.blocks.parts import section


@dataclass(frozen=True)
class Outcome:
    """``key`` names a message in ``prompts/<prompt_file>.toml``; ``values`` fill it in.

    Values are already safe to show in Slack (mentions built by us, user text escaped).
    """

    prompt_file: str
    key: str
    values: dict[str, str] = field(default_factory=dict)
    ok: bool = True


def refused(prompt_file: str, key: str, **values: str) -> Outcome:
    return Outcome(prompt_file, key, dict(values), ok=False)


def done(prompt_file: str, key: str, **values: str) -> Outcome:
    return Outcome(prompt_file, key, dict(values), ok=True)


@dataclass(frozen=True)
class Notice:
    text: str
    blocks: list[Block]


def notice_of(text: str) -> Notice:
    """Words already looked up, as the notification text and one section."""
    return Notice(text=text, blocks=[section(text)])


def build_notice(prompt_file: str, key: str, **values: object) -> Notice:
    """One message from ``prompts/<prompt_file>.toml``; values must already be escaped."""
    return notice_of(prompts.text(prompt_file, key, **values))


def build_outcome(outcome: Outcome) -> Notice:
    """A flow's outcome as a private reply."""
    return build_notice(outcome.prompt_file, outcome.key, **outcome.values)
