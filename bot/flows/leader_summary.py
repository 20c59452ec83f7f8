"""The weekly leader summary: a DM to each leader, on the digest's weekday, an hour after the
managers' nudges on the leader's own clock, with the 12-week trend chart as a PNG file.

Sent once per ISO week of the leader's through the ledger (kind ``leader_summary``); the
chart has a ledger key of its own (``leader_chart``), so a failed upload is tried again on
a later sweep that morning without posting the summary twice. The figures are counts: the
builders are never given a goal's or a check-in's words.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackRequestError

import prompts
from bot.blocks.insights import build_leader_summary, chart_series, chart_weeks, chart_words
from bot.charts import MAX_PANELS, cadence_trend_png
from bot.domain.cadence import iso_week_key, local_today, week_start
from bot.domain.hours import weekly_hour
from bot.domain.insights import LeaderInsights, leader_insights
from bot.flows.delivery import Key, claim, deliver, unsettled
from bot.flows.insights import HISTORY_WEEKS, RECENT_WEEKS, Tree, records_of, tree_below
from bot.flows.people import last_known_zones, look_up_people
from bot.services import Services
from bot.slack_client import paced_posts
from storage.db import session_scope
from storage.insights import TreePairing, active_tree_pairings, tree_facts
from storage.ledger import mark_failed, mark_sent
from storage.workspaces import list_team_ids

logger = logging.getLogger(__name__)

SUMMARY, CHART = "leader_summary", "leader_chart"
# After the managers' nudges (COACH_SWEEP_HOUR), so the week a leader reads is settled.
HOURS_AFTER_NUDGES = 1
CHART_FILE = "coaching-trend.png"


def summary_hour(sweep_hour: int) -> int:
    return min(23, sweep_hour + HOURS_AFTER_NUDGES)


def run_leader_sweep(services: Services) -> str:
    now = services.clock.now()
    sent = charts = 0
    with session_scope(services.engine) as session:
        team_ids = list_team_ids(session=session)
    for team_id in team_ids:
        done, drawn = _sweep_team(services, team_id, now)
        sent, charts = sent + done, charts + drawn
    return f"{sent} leader summaries sent, {charts} charts uploaded"


def leaders_in(pairings: Sequence[TreePairing]) -> list[str]:
    """Everyone with an accepted rep who coaches accepted reps of their own."""
    accepted = [p for p in pairings if p.accepted_at is not None]
    coaching = {p.manager_id for p in accepted}
    return sorted({p.manager_id for p in accepted if p.rep_id in coaching})


def _sweep_team(services: Services, team_id: str, now: datetime) -> tuple[int, int]:
    with session_scope(services.engine) as session:
        pairings = active_tree_pairings(session=session, team_id=team_id)
    leaders = leaders_in(pairings)
    if not leaders:
        return 0, 0
    settings = services.settings
    weekday, hour = settings.coach_digest_weekday, summary_hour(settings.coach_sweep_hour)
    known = last_known_zones(services, team_id, leaders)
    maybe = [
        who for who in leaders if who not in known or weekly_hour(now, known[who], weekday, hour)
    ]
    if not maybe:
        return 0, 0
    people = look_up_people(services, team_id, maybe, in_sweep=True)
    zones = {who: people[who].timezone for who in maybe if who in people and people[who].reachable}
    due = [who for who, zone in zones.items() if weekly_hour(now, zone, weekday, hour)]
    if not due:
        return 0, 0
    today_of = {who: local_today(now, zones[who]) for who in due}
    keys = [
        Key(kind, f"leader:{who}", iso_week_key(today_of[who]), who)
        for who in due
        for kind in (SUMMARY, CHART)
    ]
    pending = set(unsettled(services, team_id, keys))
    due = [who for who in due if any(key.subject == f"leader:{who}" for key in pending)]
    if not due:
        return 0, 0
    trees = {who: tree_below(pairings, who) for who in due}
    union = list({p.id: p for tree in trees.values() for p in tree.pairings}.values())
    since = week_start(min(today_of.values())) - timedelta(weeks=HISTORY_WEEKS)
    with session_scope(services.engine) as session:
        facts = tree_facts(
            session=session,
            team_id=team_id,
            pairings=union,
            since=since,
            recent_since=week_start(min(today_of.values())) - timedelta(weeks=RECENT_WEEKS),
        )
    sent = drawn = 0
    for leader_id in due:
        insights = leader_insights(
            leader_id, records_of(trees[leader_id], facts, zones[leader_id]), today_of[leader_id]
        )
        if not insights.managers:
            continue
        period = iso_week_key(today_of[leader_id])
        summary_key = Key(SUMMARY, f"leader:{leader_id}", period, leader_id)
        chart_key = Key(CHART, f"leader:{leader_id}", period, leader_id)
        channel: str | None = None
        if summary_key in pending:
            owned = claim(services, team_id, [summary_key])
            if not owned:
                continue
            text, blocks = build_leader_summary(insights, chart_limit=MAX_PANELS)
            delivery = deliver(
                services,
                list(owned.values()),
                team_id=team_id,
                channel=leader_id,
                text=text,
                blocks=blocks,
            )
            if not delivery.sent:
                continue
            sent += 1
            channel = delivery.channel
        if chart_key in pending:
            drawn += _send_chart(services, team_id, chart_key, insights, trees[leader_id], channel)
    return sent, drawn


def _send_chart(
    services: Services,
    team_id: str,
    key: Key,
    insights: LeaderInsights,
    tree: Tree,
    channel: str | None,
) -> int:
    """Draw the trend and upload it into the leader's DM (once: its own ledger key)."""
    owned = claim(services, team_id, [key])
    if not owned:
        return 0
    ledger_ids = list(owned.values())
    limit = MAX_PANELS
    names = look_up_people(services, team_id, tree.managers[:limit], in_sweep=True)
    labels = {m: (names[m].display_name or m) if m in names else m for m in tree.managers[:limit]}
    png = cadence_trend_png(
        chart_series(insights, labels, limit),
        chart_weeks(insights.today),
        title=prompts.text("insights", "summary.chart_title"),
        empty_label=prompts.text("insights", "summary.chart_empty"),
    )
    try:
        if channel is None:
            channel = str(
                services.slack_for(team_id).conversations_open(users=insights.leader_id)["channel"][
                    "id"
                ]
            )
        with paced_posts():
            services.slack_for(team_id).files_upload_v2(
                channel=channel,
                content=png,
                filename=CHART_FILE,
                title=prompts.text("insights", "summary.chart_title"),
                alt_txt=chart_words(insights, limit)[:1000],
                initial_comment=prompts.text("insights", "summary.chart_comment"),
            )
    except (SlackApiError, SlackRequestError, OSError) as error:
        reason = (
            str(error.response.get("error"))
            if isinstance(error, SlackApiError)
            else type(error).__name__
        )
        logger.warning("leader chart upload failed (%s); a later sweep tries again", reason)
        with session_scope(services.engine) as session:
            mark_failed(session=session, ledger_ids=ledger_ids, error=reason)
        return 0
    with session_scope(services.engine) as session:
        mark_sent(
            session=session,
            ledger_ids=ledger_ids,
            channel_id=channel,
            message_ts=None,
            now=services.clock.now(),
        )
    return 1
