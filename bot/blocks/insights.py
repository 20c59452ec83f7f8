"""What a leader reads: ``/coach insights``, one manager's detail, and the weekly summary.

Counts only. Managers are listed in the org chart's order, never sorted by a figure, and
reps appear by name with their cadence and whether they have a focus: a goal's words and a
check-in's words are not among the values these builders are given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from slack_sdk.models.blocks import Block, HeaderBlock

import prompts
from bot.blocks.parts import context, section
from bot.blocks.replies import Notice
from bot.domain.cadence import Status, describe_cadence, format_day, week_start
from bot.domain.insights import (
    SLIPPING_WEEKS,
    TREND_WEEKS,
    GoalStatus,
    LeaderInsights,
    ManagerInsight,
    RepInsight,
    Trend,
    WindowFigures,
)

# Lines per section (well inside Slack's 3,000 characters) and managers per message.
LINES_PER_SECTION = 8
MAX_MANAGERS = 160

ARROW_KEYS = {
    Trend.UP: "arrow_up",
    Trend.DOWN: "arrow_down",
    Trend.STEADY: "arrow_steady",
    Trend.NEW: "arrow_new",
}


def percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)}%"


def per_rep(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def arrow(direction: Trend) -> str:
    return prompts.text("insights", ARROW_KEYS[direction])


def manager_line(insight: ManagerInsight) -> str:
    """One manager's 4-week figures (with the 12-week cadence) on one line."""
    short, long = insight.short, insight.long
    parts = []
    if short.cadence_kept is None:
        parts.append(prompts.text("insights", "cadence_none"))
    else:
        parts.append(
            prompts.text(
                "insights",
                "cadence",
                share=percent(short.cadence_kept),
                long=percent(long.cadence_kept),
            )
        )
    if short.cadence_kept is None:  # nothing to count yet but the focus goals chosen
        parts.append(
            prompts.text("insights", "focus", chose=insight.reps_with_focus, reps=insight.reps)
        )
        return prompts.text(
            "insights",
            "line",
            manager=insight.manager_id,
            arrow="",
            figures=" · ".join(parts),
        ).replace("  ", " ")
    if short.longest_gap_days is not None:
        parts.append(prompts.text("insights", "gap", days=short.longest_gap_days))
    parts.append(prompts.plural("insights", "streak", insight.streak))
    parts.append(
        prompts.text(
            "insights",
            "per_rep",
            one_on_ones=per_rep(short.one_on_ones_per_rep),
            field_days=per_rep(short.field_days_per_rep),
        )
    )
    parts.append(
        prompts.text("insights", "focus", chose=insight.reps_with_focus, reps=insight.reps)
    )
    if short.goals_achieved:
        parts.append(prompts.plural("insights", "achieved", short.goals_achieved))
    if short.check_ins_sent:
        parts.append(
            prompts.text(
                "insights",
                "check_ins",
                answered=short.check_ins_answered,
                sent=short.check_ins_sent,
            )
        )
    if short.reframed:
        parts.append(prompts.text("insights", "asking", asked=short.asked, reframed=short.reframed))
    line = prompts.text(
        "insights",
        "line",
        manager=insight.manager_id,
        arrow=arrow(insight.direction),
        figures=" · ".join(parts),
    )
    return line.replace("  ", " ")


def _end(today: date) -> str:
    return format_day(today - timedelta(days=today.weekday() + 1))


def bright_lines(insights: LeaderInsights) -> list[str]:
    lines = []
    for insight in insights.bright_spots:
        what = [
            prompts.plural(
                "insights",
                "bright_cadence",
                insight.streak,
                share=percent(insight.long.cadence_kept),
            )
        ]
        if "focus" in insight.strengths:
            what.append(prompts.text("insights", "bright_focus"))
        if "asking" in insight.strengths:
            what.append(prompts.text("insights", "bright_asking"))
        ask = prompts.text("insights", "ask_more" if len(what) > 1 else "ask_cadence")
        if len(what) > 1:
            what[-1] = prompts.text("insights", "and") + " " + what[-1]
        lines.append(
            prompts.text(
                "insights",
                "bright_line",
                manager=insight.manager_id,
                what="; ".join(what),
                ask=ask,
            )
        )
    return lines


def time_lines(insights: LeaderInsights) -> list[str]:
    return [
        prompts.text(
            "insights",
            "time_line",
            manager=insight.manager_id,
            weeks=SLIPPING_WEEKS,
            question=prompts.text("insights", "time_question"),
        )
        for insight in insights.needing_time
    ]


def _sections(lines: Sequence[str], heading: str | None = None) -> list[Block]:
    blocks: list[Block] = []
    for start in range(0, len(lines), LINES_PER_SECTION):
        chunk = list(lines[start : start + LINES_PER_SECTION])
        if heading is not None and start == 0:
            chunk.insert(0, heading)
        blocks.append(section("\n".join(chunk)))
    return blocks


def build_insights(insights: LeaderInsights, *, team_id: str) -> Notice:
    """``/coach insights``: the leader's managers, bright spots, and who could use time."""
    if not insights.managers:
        text = prompts.text("insights", "not_a_leader")
        return Notice(text=text, blocks=[section(text)])
    end = _end(insights.today)
    blocks: list[Block] = [
        section(
            prompts.text("insights", "heading", end=end)
            + "\n"
            + prompts.text("insights", "private")
        )
    ]
    shown = insights.managers[:MAX_MANAGERS]
    lines = [manager_line(m) for m in shown]
    blocks.extend(_sections(lines))
    hidden = len(insights.managers) - len(shown)
    if hidden:
        blocks.append(
            context(
                prompts.plural("insights", "more", hidden, team=team_id, leader=insights.leader_id)
            )
        )
    bright = bright_lines(insights)
    if bright:
        blocks.extend(_sections(bright, prompts.text("insights", "bright_heading")))
    slipping = time_lines(insights)
    if slipping:
        blocks.extend(_sections(slipping, prompts.text("insights", "time_heading")))
    blocks.append(context(prompts.text("insights", "footer")))
    fallback = prompts.text("insights", "fallback", count=len(insights.managers), end=end)
    return Notice(text=fallback, blocks=blocks[:50])


# The App Home holds at most 100 blocks, shared with the manager's own board.
HOME_MANAGERS = 40


def build_leader_section(insights: LeaderInsights) -> list[Block]:
    """The App Home's insights for a leader: the same lines as ``/coach insights``."""
    blocks: list[Block] = [
        HeaderBlock(text=prompts.text("insights", "home.heading")),
        context(prompts.text("insights", "home.intro", end=_end(insights.today))),
    ]
    blocks.extend(_managers_blocks(insights, HOME_MANAGERS))
    return blocks


def _managers_blocks(insights: LeaderInsights, limit: int) -> list[Block]:
    """A line per manager (up to ``limit``, then how many more), the bright spots and who
    could use time back: what the App Home and the weekly summary both show."""
    shown = insights.managers[:limit]
    blocks = _sections([manager_line(m) for m in shown])
    if len(insights.managers) > len(shown):
        more = len(insights.managers) - len(shown)
        blocks.append(context(prompts.text("insights", "home.more", count=more)))
    bright = bright_lines(insights)
    if bright:
        blocks.extend(_sections(bright, prompts.text("insights", "bright_heading")))
    slipping = time_lines(insights)
    if slipping:
        blocks.extend(_sections(slipping, prompts.text("insights", "time_heading")))
    return blocks


def _of(part: int, whole: int) -> str:
    if not whole:
        return prompts.text("insights", "detail.none")
    return prompts.text("insights", "detail.of", part=part, whole=whole)


def _kept(figures: WindowFigures) -> str:
    if figures.cadence_kept is None:
        return prompts.text("insights", "detail.no_share")
    return f"{percent(figures.cadence_kept)} ({figures.kept} of {figures.due})"


def _gap(figures: WindowFigures) -> str:
    if figures.longest_gap_days is None:
        return prompts.text("insights", "detail.none")
    return f"{figures.longest_gap_days} days"


def _goal(line: RepInsight) -> str:
    key = {
        GoalStatus.FOCUS: "detail.goal_focus",
        GoalStatus.NONE: "detail.goal_none",
        GoalStatus.PENDING: "detail.goal_pending",
    }[line.goal]
    return prompts.text("insights", key)


def rep_line(line: RepInsight) -> str:
    field_days = (
        prompts.plural("insights", "detail.rep_field_days", line.field_days)
        if line.field_days
        else prompts.text("insights", "detail.rep_no_field_day")
    )
    return prompts.text(
        "insights",
        "detail.rep_line",
        rep=line.rep_id,
        cadence=describe_cadence(line.cadence_days),
        status=_status_words(line),
        one_on_ones=prompts.text("insights", "detail.rep_one_on_ones", count=line.one_on_ones),
        field_days=field_days,
        goal=_goal(line),
    )


def _status_words(line: RepInsight) -> str:
    """Where the rep stands today, in the words ``/coach team`` uses."""
    if line.status is Status.OVERDUE:
        return prompts.text("insights", "detail.status_overdue")
    if line.status is Status.PAUSED:
        return prompts.text("insights", "detail.status_paused")
    if line.status is Status.DUE_TODAY:
        return prompts.text("insights", "detail.status_due_today")
    return prompts.text("insights", "detail.status_on_cadence")


def build_manager_detail(insight: ManagerInsight) -> Notice:
    """``/coach insights @manager``: both windows in full, the trend, and their reps."""
    short, long = insight.short, insight.long
    reps = prompts.plural("insights", "detail.reps", insight.reps)
    lines = [
        prompts.text("insights", "detail.heading", manager=insight.manager_id, reps=reps),
        prompts.text("insights", "detail.windows"),
        prompts.text("insights", "detail.cadence", short=_kept(short), long=_kept(long)),
        prompts.text("insights", "detail.gap", short=_gap(short), long=_gap(long)),
        prompts.plural("insights", "detail.streak", insight.streak),
        prompts.text(
            "insights",
            "detail.one_on_ones",
            short=per_rep(short.one_on_ones_per_rep),
            long=per_rep(long.one_on_ones_per_rep),
        ),
        prompts.text(
            "insights",
            "detail.field_days",
            short=per_rep(short.field_days_per_rep),
            long=per_rep(long.field_days_per_rep),
        ),
        prompts.text(
            "insights",
            "detail.goals",
            reps=insight.reps,
            short=short.goals_achieved,
            long=long.goals_achieved,
            chose=insight.reps_with_focus,
        ),
        prompts.text(
            "insights",
            "detail.check_ins",
            short=_of(short.check_ins_answered, short.check_ins_sent),
            long=_of(long.check_ins_answered, long.check_ins_sent),
        ),
        prompts.text(
            "insights",
            "detail.asking",
            short=_of(short.asked, short.reframed),
            long=_of(long.asked, long.reframed),
        ),
        prompts.text("insights", "detail.trend", points=trend_words(insight.trend)),
    ]
    blocks: list[Block] = [section("\n".join(lines))]
    reps_lines = [rep_line(line) for line in insight.rep_lines]
    blocks.extend(_sections(reps_lines, prompts.text("insights", "detail.reps_heading")))
    blocks.append(context(prompts.text("insights", "private")))
    fallback = prompts.text(
        "insights",
        "detail.fallback",
        manager=f"<@{insight.manager_id}>",
        short=percent(short.cadence_kept),
    )
    return Notice(text=fallback, blocks=blocks[:50])


def trend_words(points: Sequence[float | None]) -> str:
    if all(point is None for point in points):
        return prompts.text("insights", "summary.chart_nothing_due")
    return ", ".join(percent(point) for point in points)


# The summary lists this many managers in full (the rest are one command away).
SUMMARY_MANAGERS = 40


def chart_weeks(today: date) -> list[date]:
    """The Mondays of the 12 weeks the trend covers, oldest first."""
    last = today - timedelta(days=today.weekday() + 7)
    return [last - timedelta(weeks=back) for back in range(TREND_WEEKS - 1, -1, -1)]


def chart_series(
    insights: LeaderInsights, names: dict[str, str], limit: int
) -> list[tuple[str, tuple[float | None, ...]]]:
    """(name, weekly cadence kept) per manager, in the tree's order, for the chart."""
    return [(names.get(m.manager_id) or m.manager_id, m.trend) for m in insights.managers[:limit]]


def chart_words(insights: LeaderInsights, limit: int) -> str:
    """The chart's figures in words: its fallback, for screen readers and notifications."""
    lines = [
        prompts.text(
            "insights",
            "summary.chart_manager",
            manager=f"<@{m.manager_id}>",
            points=trend_words(m.trend),
        )
        for m in insights.managers[:limit]
    ]
    return prompts.text("insights", "summary.chart_words", lines="; ".join(lines))


def build_leader_summary(insights: LeaderInsights, *, chart_limit: int) -> tuple[str, list[Block]]:
    """The weekly DM to a leader: last week's coaching below them, the bright spots, who
    could use time back, and the chart's figures in words (the chart follows as a file)."""
    week_of = week_start(insights.today) - timedelta(weeks=1)
    blocks: list[Block] = [
        section(
            prompts.text("insights", "summary.heading", week=format_day(week_of))
            + "\n"
            + prompts.text("insights", "summary.intro")
        )
    ]
    blocks.extend(_managers_blocks(insights, SUMMARY_MANAGERS))
    words = chart_words(insights, chart_limit)
    blocks.append(context(words[:2900]))
    blocks.append(context(prompts.text("insights", "summary.footer")))
    kept = ", ".join(
        f"<@{m.manager_id}> {percent(m.short.cadence_kept)}"
        for m in insights.managers[:chart_limit]
    )
    fallback = prompts.text(
        "insights", "summary.fallback", count=len(insights.managers), lines=kept
    )
    return fallback, blocks[:50]
