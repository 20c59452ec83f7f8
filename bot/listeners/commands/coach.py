"""``/coach``: parse the text, ack at once, then let the subcommand's listener answer privately.

Help and usage mistakes need nothing but the text, so they ride on the ack itself; every
other subcommand acks empty first and answers through the response_url, so a slow
database or Slack lookup can never break the 3-second rule.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, Respond

from bot.blocks.help import build_help, help_fallback_text
from bot.blocks.replies import Notice, build_notice
from bot.domain import command_grammar as grammar
from bot.flows.home import refresh_home
from bot.listeners.commands import forget, goal, plan, reframe, team
from bot.listeners.commands.context import CommandContext
from bot.listeners.guard import report_unhandled
from bot.services import Services

Route = Callable[[Services, CommandContext, grammar.Command], Notice | None]

ROUTES: dict[type, Route] = {
    grammar.TeamList: team.handle_team_list,
    grammar.TeamAdd: team.handle_team_add,
    grammar.TeamRemove: team.handle_team_remove,
    grammar.TeamLeave: team.handle_team_leave,
    grammar.Log: team.handle_log,
    grammar.Pause: team.handle_pause,
    grammar.Resume: team.handle_resume,
    grammar.Digest: team.handle_digest,
    grammar.Reframe: reframe.handle_reframe,
    grammar.SetGoal: goal.handle_goal,
    grammar.GoalForSomeoneElse: goal.handle_goal_for_someone_else,
    grammar.Goals: goal.handle_goals,
    grammar.Plan: plan.handle_plan,
    grammar.ForgetMe: forget.handle_forget_me,
}


# Subcommands that may open a modal, which needs the trigger_id while it is fresh.
OPENS_MODAL: frozenset[type] = frozenset({grammar.SetGoal})

# Subcommands that change what the caller's App Home shows: it is refreshed after them.
CHANGES_HOME: frozenset[type] = frozenset(
    {
        grammar.TeamAdd,
        grammar.TeamRemove,
        grammar.TeamLeave,
        grammar.Log,
        grammar.Pause,
        grammar.Resume,
        grammar.SetGoal,
    }
)


def handle_coach(services: Services, ack: Ack, command: dict, respond: Respond) -> None:
    parsed = grammar.parse(command.get("text") or "")
    if isinstance(parsed, grammar.Help):
        text, blocks = help_fallback_text(parsed.unknown), build_help(parsed.unknown)
        ack(response_type="ephemeral", text=text, blocks=blocks)
        return
    if isinstance(parsed, grammar.Usage):
        notice = build_notice("usage", f"{parsed.subcommand.replace(' ', '_')}.{parsed.problem}")
        ack(response_type="ephemeral", text=notice.text, blocks=notice.blocks)
        return
    route = ROUTES.get(type(parsed))
    if route is None:
        notice = build_notice("usage", "not_ready")
        ack(response_type="ephemeral", text=notice.text, blocks=notice.blocks)
        return
    ack()
    context = CommandContext(
        team_id=command["team_id"],
        user_id=command["user_id"],
        trigger_id=command.get("trigger_id", ""),
    )

    def answer() -> None:
        notice = route(services, context, parsed)
        if notice is not None:
            respond(response_type="ephemeral", text=notice.text, blocks=notice.blocks)
        if type(parsed) in CHANGES_HOME:
            refresh_home(services, team_id=context.team_id, user_id=context.user_id)

    if type(parsed) in OPENS_MODAL:
        answer()  # views.open must beat the trigger's 3-second expiry: no queueing
        return
    services.after_ack.queue(answer, lambda error: report_unhandled(error, command, respond))
