"""``/coach goal [text]`` and ``/coach goals``: a rep's own focus goal."""

from __future__ import annotations

from bot.blocks.goals import build_goal_modal, build_goal_saved, build_goals_overview
from bot.blocks.replies import Notice, build_notice
from bot.domain import command_grammar as grammar
from bot.domain.goals import MAX_BEHAVIOUR, MAX_MEASURE, GoalProblem
from bot.flows.goals import default_target_for, draft_from_text, goals_overview, save_goal
from bot.listeners.commands.context import CommandContext
from bot.services import Services


def handle_goal(services: Services, ctx: CommandContext, cmd: grammar.SetGoal) -> Notice | None:
    if not cmd.text:
        target = default_target_for(services, ctx.team_id, ctx.user_id)
        services.slack_for(ctx.team_id).views_open(
            trigger_id=ctx.trigger_id, view=build_goal_modal(target)
        )
        return None
    try:
        draft = draft_from_text(services, ctx.team_id, ctx.user_id, cmd.text)
    except GoalProblem as problem:
        return goal_problem_notice(problem)
    return build_goal_saved(
        save_goal(services, team_id=ctx.team_id, rep_id=ctx.user_id, draft=draft)
    )


def handle_goal_for_someone_else(ctx: CommandContext, cmd: grammar.GoalForSomeoneElse) -> Notice:
    return build_notice("goals", "someone_elses", rep=cmd.rep_id)


def handle_goals(services: Services, ctx: CommandContext) -> Notice:
    return build_goals_overview(goals_overview(services, team_id=ctx.team_id, rep_id=ctx.user_id))


def goal_problem_notice(problem: GoalProblem) -> Notice:
    limit = MAX_MEASURE if problem.field == "measure" else MAX_BEHAVIOUR
    return build_notice("goals", f"problems.{problem.field}_{problem.reason}", max=limit)
