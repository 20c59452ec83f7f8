"""The weekly cadence digest posted in a channel: effort celebrated, slips named kindly."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import Block

import prompts
from bot.blocks.parts import context, section
from bot.domain.cadence import CadenceSummary, ManagerStanding, format_day

# Keep the digest readable (and well inside Slack's 3,000-character section limit).
MAX_NAMED = 25


def build_digest(
    week_of: date, summary: CadenceSummary, standing: ManagerStanding
) -> tuple[str, list[Block]]:
    header = prompts.text("digest", "header", week=format_day(week_of))
    headline = prompts.text(
        "digest", "summary", on=summary.on_cadence, total=summary.on_cadence + summary.behind
    )
    if summary.paused:
        headline += " " + prompts.text("digest", "summary_paused", paused=summary.paused)
    blocks: list[Block] = [section(f"*{header}*\n{headline}")]
    if standing.behind:
        lines = [
            prompts.text(
                "digest",
                "behind_line",
                manager=line.manager_id,
                behind=line.behind,
                total=line.summary.on_cadence + line.summary.behind,
            )
            for line in standing.behind[:MAX_NAMED]
        ]
        heading = prompts.text("digest", "behind_heading")
        blocks.append(section("\n".join([heading, *lines])))
    else:
        blocks.append(section(prompts.text("digest", "nobody_behind")))
    if standing.on_cadence:
        thanks = [
            prompts.text("digest", "thanks_line", manager=manager)
            for manager in standing.on_cadence[:MAX_NAMED]
        ]
        heading = prompts.text("digest", "thanks_heading")
        blocks.append(section("\n".join([heading, *thanks])))
    footer = prompts.text("digest", "footer")
    blocks.append(context(footer))
    return f"{header}: {headline}", blocks
