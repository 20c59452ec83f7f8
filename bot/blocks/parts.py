"""The few Block Kit pieces every builder uses, so each surface reads as its content.

Each takes words already looked up in ``prompts/`` (call sites keep the literal
``prompts.text(file, key)``, which is how tests check that every key exists).
"""

from __future__ import annotations

from slack_sdk.models.blocks import ButtonElement, ContextBlock, MarkdownTextObject, SectionBlock


def section(text: str) -> SectionBlock:
    """A section of mrkdwn text (Slack caps a section at 3,000 characters)."""
    return SectionBlock(text=MarkdownTextObject(text=text))


def context(text: str) -> ContextBlock:
    """A line of small grey mrkdwn text under the content."""
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def button(label: str, action_id: str, value: str, *, style: str | None = None) -> ButtonElement:
    """A button whose press reaches the listener for ``action_id`` carrying ``value``."""
    return ButtonElement(text=label, action_id=action_id, value=value, style=style)
