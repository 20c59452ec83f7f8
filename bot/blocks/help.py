"""The usage card shown by ``/coach help``, an empty ``/coach`` and unknown subcommands."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, DividerBlock

import prompts
from bot.blocks.escape import inline_code
from bot.blocks.parts import context, section


def build_help(unknown_word: str | None = None) -> list[Block]:
    """Every subcommand, grouped by who uses it; an unknown word is named first."""
    words = prompts.load("help")
    if unknown_word is None:
        lead = f"*{words['title']}*\n{words['intro']}"
    else:
        lead = prompts.text("help", "unknown", word=inline_code(unknown_word))
    blocks: list[Block] = [section(lead)]
    for group in words["group"]:
        body = "\n".join(f"• {line}" for line in group["lines"])
        blocks.append(DividerBlock())
        blocks.append(section(f"*{group['heading']}*\n{body}"))
    blocks.append(context(words["footer"]))
    return blocks


def help_fallback_text(unknown_word: str | None = None) -> str:
    """The notification text Slack shows where blocks cannot be drawn."""
    if unknown_word is None:
        return str(prompts.load("help")["title"])
    return prompts.text("help", "unknown", word=inline_code(unknown_word))
