"""Loading what a 1:1 plan needs, in a fixed number of queries whatever the team's size."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

import prompts
from bot.blocks.replies import Outcome, done, refused
from bot.domain.cadence import cadence_state, local_today, week_start
from bot.domain.plans import (
    STREAK_WEEKS_CHECKED,
    AgendaFacts,
    GoalFacts,
    PairingHistory,
    RepAgenda,
    RepFacts,
    TeamPlan,
    build_plan,
    coaching_streak,
    suggested_questions,
)
from bot.flows.goals import check_in_facts
from bot.flows.pairings import facts_of
from bot.flows.people import look_up_person
from bot.services import Services
from storage.agenda import open_agenda_for
from storage.db import session_scope
from storage.goals import active_goals_for, check_ins_of, latest_check_ins_for
from storage.models import AgendaItem, Goal
from storage.pairings import (
    PairingRow,
    active_pairing_by_id,
    held_dates_for,
    managed_pairing,
    pairing_rows,
    recent_one_on_ones,
)


def team_plan(services: Services, *, team_id: str, manager_id: str) -> TeamPlan:
    manager = look_up_person(services, team_id, manager_id)
    today = local_today(services.clock.now(), manager.timezone)
    with session_scope(services.engine) as session:
        rows = pairing_rows(session=session, team_id=team_id, manager_id=manager_id)
        reps = _rep_facts(session, team_id, rows, today)
        since = week_start(today) - timedelta(weeks=STREAK_WEEKS_CHECKED + 1)
        held = held_dates_for(
            session=session,
            team_id=team_id,
            pairing_ids=[r.pairing.id or 0 for r in rows],
            since=since,
        )
    histories = [
        PairingHistory(
            cadence_days=row.pairing.cadence_days,
            started_on=row.pairing.started_on,
            held_on=tuple(held[row.pairing.id or 0]),
            paused_until=row.pairing.paused_until,
        )
        for row in rows
    ]
    return TeamPlan(today, build_plan(reps, today), coaching_streak(histories, today))


def rep_agenda(
    services: Services, *, team_id: str, manager_id: str, rep_id: str
) -> RepAgenda | Outcome:
    """The full agenda for one rep, for that rep's manager only."""
    manager = look_up_person(services, team_id, manager_id)
    today = local_today(services.clock.now(), manager.timezone)
    with session_scope(services.engine) as session:
        rows = [
            row
            for row in pairing_rows(session=session, team_id=team_id, manager_id=manager_id)
            if row.pairing.rep_id == rep_id
        ]
        if not rows:
            return refused("plans", "not_your_rep", rep=rep_id)
        facts = _rep_facts(session, team_id, rows, today)
        pairing = rows[0].pairing
        held = recent_one_on_ones(session=session, team_id=team_id, pairing_id=pairing.id or 0)
        check_ins = (
            check_ins_of(
                session=session, team_id=team_id, rep_id=rep_id, limit=5, since=pairing.created_at
            )
            if pairing.accepted
            else []
        )
    plan = build_plan(facts, today)[0]
    return RepAgenda(plan, held, [check_in_facts(c) for c in check_ins])


def pairing_agenda(
    services: Services, *, team_id: str, manager_id: str, pairing_id: int
) -> RepAgenda | Outcome:
    """The plan's "Full agenda" button: the agenda of the rep the button's pairing names
    (``rep_agenda`` refuses anyone but that rep's manager)."""
    with session_scope(services.engine) as session:
        pairing = active_pairing_by_id(session=session, team_id=team_id, pairing_id=pairing_id)
        rep_id = pairing.rep_id if pairing is not None else ""
    return rep_agenda(services, team_id=team_id, manager_id=manager_id, rep_id=rep_id)


def send_prep(services: Services, *, team_id: str, manager_id: str, pairing_id: int) -> Outcome:
    """DM the rep a few questions to think about before the 1:1 (their goal's, if any)."""
    with session_scope(services.engine) as session:
        pairing = managed_pairing(
            session=session, team_id=team_id, manager_id=manager_id, pairing_id=pairing_id
        )
        if pairing is None:
            return refused("plans", "not_your_pairing")
        goal = active_goals_for(session=session, team_id=team_id, rep_ids=[pairing.rep_id])
    rep_goal = goal.get(pairing.rep_id)
    week = week_start(services.clock.now().date()).isoformat()
    questions = suggested_questions(
        rep_goal.competency if rep_goal else None, seed=f"prep:{pairing.rep_id}:{week}"
    )
    lines = "\n".join(f"• {q}" for q in questions)
    text = prompts.text("plans", "prep_dm", manager=manager_id, questions=lines)
    services.slack.chat_postMessage(channel=pairing.rep_id, text=text)
    return done("plans", "prep_sent", rep=pairing.rep_id)


def _rep_facts(
    session: Session, team_id: str, rows: list[PairingRow], today: date
) -> list[RepFacts]:
    """What the plan shows of each rep. A pairing the rep has not accepted yet shows only
    name and cadence; an accepted one the rep's current focus, and check-ins written since
    the pairing began (never those a previous manager was shown)."""
    rep_ids = [row.pairing.rep_id for row in rows if row.pairing.accepted]
    goals = active_goals_for(session=session, team_id=team_id, rep_ids=rep_ids)
    latest = {
        rep_id: check_in
        for rep_id, check_in in latest_check_ins_for(
            session=session, team_id=team_id, rep_ids=rep_ids
        ).items()
        if check_in.created_at >= _started(rows, rep_id)
    }
    agenda = open_agenda_for(
        session=session,
        team_id=team_id,
        pairing_ids=[row.pairing.id or 0 for row in rows],
    )
    return [
        RepFacts(
            pairing_id=row.pairing.id or 0,
            rep_id=row.pairing.rep_id,
            cadence_days=row.pairing.cadence_days,
            state=cadence_state(
                facts_of(row), today, manager_paused_until=row.manager_paused_until
            ),
            last_held_on=row.last_held_on,
            goal=_goal(goals.get(row.pairing.rep_id)),
            latest_check_in=check_in_facts(latest[row.pairing.rep_id])
            if row.pairing.rep_id in latest
            else None,
            agenda=tuple(_agenda(item) for item in agenda[row.pairing.id or 0]),
        )
        for row in rows
    ]


def _started(rows: list[PairingRow], rep_id: str) -> datetime:
    return next(row.pairing.created_at for row in rows if row.pairing.rep_id == rep_id)


def _goal(goal: Goal | None) -> GoalFacts | None:
    if goal is None:
        return None
    return GoalFacts(goal.competency, goal.behaviour, goal.measure, goal.target_date)


def _agenda(item: AgendaItem) -> AgendaFacts:
    return AgendaFacts(item.competency, item.focus, tuple(item.questions.splitlines()))
