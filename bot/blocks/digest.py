"""The weekly digest: a celebration in the channel, and each manager's private summary."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import Block

import prompts
from bot.blocks.parts import context, section
from bot.blocks.team import describe_status
from bot.domain.cadence import format_day
from bot.domain.digest import Celebration, ManagerSummary

# Keep the digest readable (and well inside Slack's 3,000-character section limit).
MAX_NAMED = 25


def build_digest(week_of: date, celebration: Celebration) -> tuple[str, list[Block]]:
    """The channel post: totals, thanks and streaks. It has no place for who is behind."""
    header = prompts.text("digest", "header", week=format_day(week_of))
    summary = celebration.summary
    if celebration.just_started and celebration.first_due is not None:
        headline = prompts.text("digest", "just_started", date=format_day(celebration.first_due))
    else:
        headline = prompts.text(
            "digest", "summary", on=summary.on_cadence, total=summary.on_cadence + summary.behind
        )
        if summary.paused:
            headline += " " + prompts.plural("digest", "summary_paused", summary.paused)
    blocks: list[Block] = [section(f"*{header}*\n{headline}")]
    if celebration.thanked:
        thanks = [
            prompts.text("digest", "thanks_line", manager=manager)
            for manager in celebration.thanked[:MAX_NAMED]
        ]
        heading = prompts.text("digest", "thanks_heading")
        blocks.append(section("\n".join([heading, *thanks])))
    elif not celebration.just_started:
        blocks.append(section(prompts.text("digest", "no_thanks_yet")))
    if celebration.streaks:
        streaks = " · ".join(
            prompts.plural("digest", "streak_line", weeks, manager=manager)
            for manager, weeks in celebration.streaks[:MAX_NAMED]
        )
        blocks.append(section(f"{prompts.text('digest', 'streaks_heading')} {streaks}"))
    blocks.append(context(prompts.text("digest", "footer")))
    return f"{header}: {headline}", blocks


def build_manager_summary(week_of: date, own: ManagerSummary) -> tuple[str, list[Block]]:
    """A manager's own week, privately: the one place their slipped 1:1s are named."""
    summary = own.summary
    total = summary.on_cadence + summary.behind
    lines = [prompts.text("digest", "private.heading", week=format_day(week_of))]
    if own.just_started and own.first_due is not None:
        lines.append(prompts.text("digest", "private.just_started", date=format_day(own.first_due)))
    else:
        line = prompts.text("digest", "private.summary", on=summary.on_cadence, total=total)
        if summary.paused:
            line += " " + prompts.plural("digest", "private.paused", summary.paused)
        lines.append(line)
    blocks: list[Block] = [section("\n".join(lines))]
    if own.behind:
        rows = [prompts.text("digest", "private.behind_heading")]
        for entry in own.behind[:MAX_NAMED]:
            last = (
                prompts.text("digest", "private.last_held", date=format_day(entry.last_held_on))
                if entry.last_held_on
                else prompts.text("digest", "private.never_held")
            )
            rows.append(
                prompts.text(
                    "digest",
                    "private.behind_line",
                    rep=entry.rep_id,
                    overdue=describe_status(entry.state),
                    last=last,
                )
            )
        blocks.append(section("\n".join(rows)))
    elif not own.just_started and total:
        blocks.append(section(prompts.text("digest", "private.all_kept")))
    if own.streak and not own.behind:
        blocks.append(section(prompts.plural("digest", "private.streak", own.streak)))
    blocks.append(context(prompts.text("digest", "private.footer")))
    fallback = prompts.text("digest", "private.fallback", on=summary.on_cadence, total=total)
    return fallback, blocks
