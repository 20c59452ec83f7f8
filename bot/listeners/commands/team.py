"""``/coach team …``, ``log``, ``pause``, ``resume`` and ``digest``: a manager's cadence tools."""

from __future__ import annotations

from bot.blocks.replies import Notice, build_outcome
from bot.blocks.team import build_team_list
from bot.domain import command_grammar as grammar
from bot.flows import digest_settings, field_days, one_on_ones, pauses
from bot.flows import team as team_flow
from bot.listeners.commands.context import CommandContext
from bot.services import Services


def handle_team_list(services: Services, ctx: CommandContext) -> Notice:
    return build_team_list(
        team_flow.list_team(services, team_id=ctx.team_id, manager_id=ctx.user_id)
    )


def handle_team_add(services: Services, ctx: CommandContext, cmd: grammar.TeamAdd) -> Notice:
    return build_outcome(
        team_flow.add_rep(
            services,
            team_id=ctx.team_id,
            manager_id=ctx.user_id,
            rep_id=cmd.rep_id,
            cadence_text=cmd.cadence,
        )
    )


def handle_team_remove(services: Services, ctx: CommandContext, cmd: grammar.TeamRemove) -> Notice:
    outcome = team_flow.remove_rep(
        services, team_id=ctx.team_id, manager_id=ctx.user_id, rep_id=cmd.rep_id
    )
    return build_outcome(outcome)


def handle_team_leave(services: Services, ctx: CommandContext) -> Notice:
    return build_outcome(team_flow.leave_team(services, team_id=ctx.team_id, rep_id=ctx.user_id))


def handle_log(services: Services, ctx: CommandContext, cmd: grammar.Log) -> Notice:
    outcome = one_on_ones.log_one_on_one(
        services,
        team_id=ctx.team_id,
        manager_id=ctx.user_id,
        rep_id=cmd.rep_id,
        held_on=cmd.held_on,
    )
    return build_outcome(outcome)


def handle_pause(services: Services, ctx: CommandContext, cmd: grammar.Pause) -> Notice:
    outcome = pauses.pause(
        services, team_id=ctx.team_id, manager_id=ctx.user_id, rep_id=cmd.rep_id, until=cmd.until
    )
    return build_outcome(outcome)


def handle_resume(services: Services, ctx: CommandContext, cmd: grammar.Resume) -> Notice:
    outcome = pauses.resume(
        services, team_id=ctx.team_id, manager_id=ctx.user_id, rep_id=cmd.rep_id
    )
    return build_outcome(outcome)


def handle_digest(services: Services, ctx: CommandContext, cmd: grammar.Digest) -> Notice:
    outcome = digest_settings.set_digest_channel(
        services, team_id=ctx.team_id, manager_id=ctx.user_id, channel_id=cmd.channel_id
    )
    return build_outcome(outcome)


def handle_log_field_day(
    services: Services, ctx: CommandContext, cmd: grammar.LogFieldDay
) -> Notice:
    outcome = field_days.log_field_day(
        services,
        team_id=ctx.team_id,
        manager_id=ctx.user_id,
        rep_id=cmd.rep_id,
        held_on=cmd.held_on,
    )
    return build_outcome(outcome)
