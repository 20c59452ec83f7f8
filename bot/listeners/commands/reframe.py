"""``/coach reframe <feedback>``: the coaching version, shown only to the caller."""

from __future__ import annotations

from bot.blocks.reframe import build_reframe
from bot.blocks.replies import Notice
from bot.domain import command_grammar as grammar
from bot.domain.feedback import mentioned_user
from bot.listeners.commands.context import CommandContext
from bot.services import Services


def handle_reframe(services: Services, ctx: CommandContext, cmd: grammar.Reframe) -> Notice:
    reframe = services.reframer.reframe(cmd.text)
    text, blocks = build_reframe(reframe, mentioned_user(cmd.text, excluding=ctx.user_id))
    return Notice(text=text, blocks=blocks)
