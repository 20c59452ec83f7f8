"""``/coach``: parse the text, ack at once, then let the subcommand's listener answer privately.

Help and usage mistakes need nothing but the text, so they ride on the ack itself; every
other subcommand acks empty first and answers through the response_url, so a slow
database or Slack lookup can never break the 3-second rule.
"""

from __future__ import annotations

from typing import Any, assert_never

from slack_bolt import Ack, Respond

from bot.blocks.help import build_help, help_fallback_text
from bot.blocks.replies import Notice, build_notice
from bot.domain import command_grammar as grammar
from bot.flows.home import refresh_home
from bot.listeners.commands import calendar, forget, goal, insights, plan, reframe, team
from bot.listeners.commands.context import CommandContext
from bot.listeners.guard import report_unhandled
from bot.services import Services

# Subcommands that may open a modal, which needs the trigger_id while it is fresh.
OPENS_MODAL: frozenset[type] = frozenset({grammar.SetGoal, grammar.ConnectCalendar})

# Subcommands that change what the caller's App Home shows: it is refreshed after them.
CHANGES_HOME: frozenset[type] = frozenset(
    {
        grammar.TeamAdd,
        grammar.TeamRemove,
        grammar.TeamLeave,
        grammar.Log,
        grammar.LogFieldDay,
        grammar.Pause,
        grammar.Resume,
        grammar.SetGoal,
        grammar.DisconnectCalendar,
    }
)


def handle_coach(services: Services, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
    parsed = grammar.parse(command.get("text") or "")
    match parsed:
        case grammar.Help(unknown=unknown):
            ack(
                response_type="ephemeral",
                text=help_fallback_text(unknown),
                blocks=build_help(unknown),
            )
        case grammar.Usage(subcommand=subcommand, problem=problem):
            notice = build_notice("usage", f"{subcommand.replace(' ', '_')}.{problem}")
            ack(response_type="ephemeral", text=notice.text, blocks=notice.blocks)
        case _:
            _answer_after_ack(services, ack, command, respond, parsed)


def _answer_after_ack(
    services: Services,
    ack: Ack,
    command: dict[str, Any],
    respond: Respond,
    request: grammar.Request,
) -> None:
    ack()
    context = CommandContext(
        team_id=command["team_id"],
        user_id=command["user_id"],
        trigger_id=command.get("trigger_id", ""),
    )

    def answer() -> None:
        notice = route(services, context, request)
        if notice is not None:
            respond(response_type="ephemeral", text=notice.text, blocks=notice.blocks)
        if type(request) in CHANGES_HOME:
            refresh_home(services, team_id=context.team_id, user_id=context.user_id)

    if type(request) in OPENS_MODAL:
        answer()  # views.open must beat the trigger's 3-second expiry: no queueing
        return
    services.after_ack.queue(answer, lambda error: report_unhandled(error, command, respond))


def route(services: Services, ctx: CommandContext, request: grammar.Request) -> Notice | None:
    """The subcommand's listener. Each case hands on the narrowed type, and ``assert_never``
    makes a type checker refuse a grammar.Request that no case answers."""
    match request:
        case grammar.TeamList():
            return team.handle_team_list(services, ctx)
        case grammar.TeamAdd():
            return team.handle_team_add(services, ctx, request)
        case grammar.TeamRemove():
            return team.handle_team_remove(services, ctx, request)
        case grammar.TeamLeave():
            return team.handle_team_leave(services, ctx)
        case grammar.Log():
            return team.handle_log(services, ctx, request)
        case grammar.Pause():
            return team.handle_pause(services, ctx, request)
        case grammar.Resume():
            return team.handle_resume(services, ctx, request)
        case grammar.Digest():
            return team.handle_digest(services, ctx, request)
        case grammar.Reframe():
            return reframe.handle_reframe(services, ctx, request)
        case grammar.SetGoal():
            return goal.handle_goal(services, ctx, request)
        case grammar.GoalForSomeoneElse():
            return goal.handle_goal_for_someone_else(ctx, request)
        case grammar.Goals():
            return goal.handle_goals(services, ctx)
        case grammar.Plan():
            return plan.handle_plan(services, ctx, request)
        case grammar.ForgetMe():
            return forget.handle_forget_me()
        case grammar.LogFieldDay():
            return team.handle_log_field_day(services, ctx, request)
        case grammar.Insights():
            return insights.handle_insights(services, ctx, request)
        case grammar.ConnectCalendar():
            return calendar.handle_calendar(services, ctx)
        case grammar.DisconnectCalendar():
            return calendar.handle_calendar_off(services, ctx)
        case _:
            assert_never(request)
