"""``/coach insights`` (every manager below the caller) and ``/coach insights @manager``."""

from __future__ import annotations

from bot.blocks.insights import build_insights, build_manager_detail
from bot.blocks.replies import Notice, Outcome, build_outcome
from bot.domain import command_grammar as grammar
from bot.flows.insights import insights_for, manager_detail
from bot.listeners.commands.context import CommandContext
from bot.services import Services


def handle_insights(services: Services, ctx: CommandContext, cmd: grammar.Insights) -> Notice:
    if cmd.manager_id is None:
        insights = insights_for(services, team_id=ctx.team_id, leader_id=ctx.user_id)
        return build_insights(insights, team_id=ctx.team_id)
    detail = manager_detail(
        services, team_id=ctx.team_id, leader_id=ctx.user_id, manager_id=cmd.manager_id
    )
    return build_outcome(detail) if isinstance(detail, Outcome) else build_manager_detail(detail)
