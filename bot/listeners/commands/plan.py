"""``/coach plan`` (every rep) and ``/coach plan @rep`` (one rep's full agenda)."""

from __future__ import annotations

from bot.blocks.plan import build_plan_page, build_rep_agenda
from bot.blocks.replies import Notice, Outcome, build_outcome
from bot.domain import command_grammar as grammar
from bot.flows.plans import rep_agenda, team_plan
from bot.listeners.commands.context import CommandContext
from bot.services import Services


def handle_plan(services: Services, ctx: CommandContext, cmd: grammar.Plan) -> Notice:
    if cmd.rep_id is None:
        plan = team_plan(services, team_id=ctx.team_id, manager_id=ctx.user_id, read_calendar=True)
        return build_plan_page(plan)
    agenda = rep_agenda(services, team_id=ctx.team_id, manager_id=ctx.user_id, rep_id=cmd.rep_id)
    return build_outcome(agenda) if isinstance(agenda, Outcome) else build_rep_agenda(agenda)
