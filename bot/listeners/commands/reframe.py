"""``/coach reframe <feedback>``: the coaching version, shown only to the caller."""

from __future__ import annotations

from bot.blocks.reframe import build_reframe
from bot.blocks.replies import Notice
from bot.domain import command_grammar as grammar
from bot.domain.feedback import mentioned_user
from bot.flows.asking import reframe_for
from bot.listeners.commands.context import CommandContext
from bot.services import Services


def handle_reframe(services: Services, ctx: CommandContext, cmd: grammar.Reframe) -> Notice:
    reframe, ref = reframe_for(services, team_id=ctx.team_id, author_id=ctx.user_id, text=cmd.text)
    text, blocks = build_reframe(reframe, mentioned_user(cmd.text, excluding=ctx.user_id), ref)
    return Notice(text=text, blocks=blocks)
