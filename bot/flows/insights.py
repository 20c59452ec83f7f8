"""A leader's insights: the managers below them, as counts, loaded for the whole tree at once.

Who is a leader needs no setting: someone whose accepted reps coach reps of their own.
The tree is walked on accepted pairings only, so a manager appears under a leader once
they agreed to that leader as their coach. Nothing here reads a goal's words or a
check-in's note (storage/insights.py never selects them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.blocks.replies import Outcome, refused
from bot.domain.cadence import PauseSpan, local_today, week_start, zone_for
from bot.domain.insights import (
    LONG_WEEKS,
    LeaderInsights,
    ManagerInsight,
    ManagerRecord,
    PairingRecord,
    ReframeFact,
    leader_insights,
    leader_tree,
)
from bot.domain.plans import STREAK_WEEKS_CHECKED
from bot.flows.people import look_up_person
from bot.services import Services
from storage.db import session_scope
from storage.insights import TreeFacts, TreePairing, active_tree_pairings, tree_facts

# What is loaded: enough weeks of 1:1s for the streak (as the digest counts it), and of
# everything else for the 12-week window (a week more: a check-in's answer window).
HISTORY_WEEKS = STREAK_WEEKS_CHECKED + 1
RECENT_WEEKS = LONG_WEEKS + 1


@dataclass(frozen=True)
class Tree:
    """The managers below a leader, in the tree's order, with their pairings."""

    managers: list[str]
    pairings: list[TreePairing]


def tree_below(pairings: list[TreePairing], leader_id: str) -> Tree:
    edges = [(p.manager_id, p.rep_id) for p in pairings if p.accepted_at is not None]
    managers = leader_tree(edges, leader_id)
    mine = set(managers)
    return Tree(managers, [p for p in pairings if p.manager_id in mine])


def insights_for(
    services: Services, *, team_id: str, leader_id: str, today: date | None = None
) -> LeaderInsights:
    """Every manager below the leader (none when they lead nobody), from the leader's today."""
    if today is None:
        leader = look_up_person(services, team_id, leader_id)
        today = local_today(services.clock.now(), leader.timezone)
        zone = leader.timezone
    else:
        zone = None
    since = week_start(today) - timedelta(weeks=HISTORY_WEEKS)
    with session_scope(services.engine) as session:
        tree = tree_below(active_tree_pairings(session=session, team_id=team_id), leader_id)
        facts = tree_facts(
            session=session,
            team_id=team_id,
            pairings=tree.pairings,
            since=since,
            recent_since=week_start(today) - timedelta(weeks=RECENT_WEEKS),
        )
    return leader_insights(leader_id, records_of(tree, facts, zone), today)


def workspace_insights(services: Services, *, team_id: str, today: date) -> LeaderInsights:
    """Every manager in the workspace who coaches someone, as if seen from above them all
    (``coach insights --team T`` for enablement teams), in id order."""
    since = week_start(today) - timedelta(weeks=HISTORY_WEEKS)
    with session_scope(services.engine) as session:
        pairings = active_tree_pairings(session=session, team_id=team_id)
        tree = Tree(sorted({p.manager_id for p in pairings}), pairings)
        facts = tree_facts(
            session=session,
            team_id=team_id,
            pairings=pairings,
            since=since,
            recent_since=week_start(today) - timedelta(weeks=RECENT_WEEKS),
        )
    return leader_insights("", records_of(tree, facts, None), today)


def figure_rows(insights: LeaderInsights) -> list[dict[str, object]]:
    """The figures as flat rows (one per manager) for a spreadsheet: counts, shares and the
    trend; no judgement (bright spot, time back) travels outside Coach's private replies."""
    rows: list[dict[str, object]] = []
    for m in insights.managers:
        row: dict[str, object] = {
            "leader_id": insights.leader_id,
            "manager_id": m.manager_id,
            "as_of": insights.today.isoformat(),
            "reps": m.reps,
            "reps_with_focus": m.reps_with_focus,
            "streak_weeks": m.streak,
        }
        for name, figures in (("4w", m.short), ("12w", m.long)):
            row.update(
                {
                    f"due_{name}": figures.due,
                    f"kept_{name}": figures.kept,
                    f"cadence_kept_{name}": _round(figures.cadence_kept),
                    f"longest_gap_days_{name}": figures.longest_gap_days,
                    f"one_on_ones_{name}": figures.one_on_ones,
                    f"one_on_ones_per_rep_{name}": _round(figures.one_on_ones_per_rep),
                    f"field_days_{name}": figures.field_days,
                    f"field_days_per_rep_{name}": _round(figures.field_days_per_rep),
                    f"goals_achieved_{name}": figures.goals_achieved,
                    f"check_ins_sent_{name}": figures.check_ins_sent,
                    f"check_ins_answered_{name}": figures.check_ins_answered,
                    f"reframed_{name}": figures.reframed,
                    f"asked_{name}": figures.asked,
                    f"asking_rate_{name}": _round(figures.asking_rate),
                }
            )
        row["trend_12w"] = " ".join("" if p is None else f"{p:.2f}" for p in m.trend)
        row["trend"] = m.direction.value
        rows.append(row)
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def manager_detail(
    services: Services, *, team_id: str, leader_id: str, manager_id: str
) -> ManagerInsight | Outcome:
    """One manager's detail, only for a leader above them; anyone else hears the same
    refusal whether or not that person manages anyone (nothing is given away)."""
    insights = insights_for(services, team_id=team_id, leader_id=leader_id)
    found = next((m for m in insights.managers if m.manager_id == manager_id), None)
    if found is None:
        return refused("insights", "not_in_tree", manager=manager_id)
    return found


def records_of(tree: Tree, facts: TreeFacts, zone: str | None) -> list[ManagerRecord]:
    """Plain records for the domain, in the tree's order."""
    by_manager: dict[str, list[TreePairing]] = defaultdict(list)
    for pairing in tree.pairings:
        by_manager[pairing.manager_id].append(pairing)
    return [
        ManagerRecord(
            manager_id,
            tuple(_pairing_record(p, facts, zone) for p in by_manager[manager_id]),
            tuple(ReframeFact(on, asked) for on, asked in facts.reframes.get(manager_id, [])),
        )
        for manager_id in tree.managers
    ]


def _pairing_record(pairing: TreePairing, facts: TreeFacts, zone: str | None) -> PairingRecord:
    """A pairing's facts. Goals and check-ins count only once the rep accepted this manager,
    and only those since the pairing began (never what a previous manager saw)."""
    accepted = pairing.accepted_at is not None
    began = pairing.created_at
    goals = facts.goals.get(pairing.rep_id, []) if accepted else []
    sent = facts.check_ins_sent.get(pairing.rep_id, []) if accepted else []
    answered = facts.check_ins_answered.get(pairing.rep_id, []) if accepted else []
    return PairingRecord(
        pairing_id=pairing.id,
        rep_id=pairing.rep_id,
        cadence_days=pairing.cadence_days,
        started_on=pairing.started_on,
        held_on=tuple(facts.held.get(pairing.id, [])),
        pauses=tuple(PauseSpan(p.starts_on, p.ends_on) for p in facts.pauses.get(pairing.id, [])),
        field_days=tuple(facts.field_days.get(pairing.id, [])),
        accepted=accepted,
        has_focus=any(goal.status == "active" for goal in goals),
        goals_achieved_on=tuple(
            _day(goal.closed_at, zone)
            for goal in goals
            if goal.status == "achieved" and goal.closed_at is not None and goal.closed_at >= began
        ),
        check_ins_sent_on=tuple(sorted(_day(at, zone) for _, at in sent if at >= began)),
        check_ins_answered_on=tuple(sorted(_day(at, zone) for _, at in answered if at >= began)),
    )


def _day(instant: datetime | None, zone: str | None) -> date:
    assert instant is not None
    return instant.astimezone(zone_for(zone)).date()
