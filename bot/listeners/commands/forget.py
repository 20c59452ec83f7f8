"""``/coach forget me``: ask first; nothing is erased until the button is pressed."""

from __future__ import annotations

from bot.blocks.privacy import build_forget_confirmation
from bot.blocks.replies import Notice
from bot.domain import command_grammar as grammar
from bot.listeners.commands.context import CommandContext
from bot.services import Services


def handle_forget_me(services: Services, ctx: CommandContext, _: grammar.Command) -> Notice:
    return build_forget_confirmation()
