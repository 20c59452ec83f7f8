"""Loading what a 1:1 plan needs, in a fixed number of queries whatever the team's size."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

import prompts
from bot.blocks.replies import Outcome, done, refused
from bot.domain.cadence import cadence_state, local_today, week_start, zone_for
from bot.domain.calendar import CalendarOutlook, describe_next
from bot.domain.plans import (
    STREAK_WEEKS_CHECKED,
    AgendaFacts,
    GoalFacts,
    PairingHistory,
    PauseNote,
    RepAgenda,
    RepFacts,
    TeamPlan,
    build_plan,
    coaching_streak,
    plan_questions,
)
from bot.flows import calendars
from bot.flows.goals import check_in_facts
from bot.flows.pairings import facts_of
from bot.flows.people import look_up_person
from bot.services import Services
from storage.agenda import open_agenda_for
from storage.calendars import calendar_days
from storage.db import session_scope
from storage.goals import active_goals_for, check_ins_of, latest_check_ins_for
from storage.insights import field_days_for
from storage.models import AgendaItem, Goal
from storage.pairings import (
    PairingRow,
    active_pairing_by_id,
    held_dates_for,
    managed_pairing,
    pairing_rows,
    recent_one_on_ones,
)

RECENT_PAUSES = 5


def team_plan(
    services: Services, *, team_id: str, manager_id: str, read_calendar: bool = False
) -> TeamPlan:
    """Every rep's plan; ``read_calendar`` (``/coach plan``) reads the manager's calendar
    feed first, if they connected one, so what it says is current."""
    if read_calendar:
        calendars.read_calendar(services, team_id=team_id, manager_id=manager_id)
    manager = look_up_person(services, team_id, manager_id)
    now = services.clock.now()
    today = local_today(now, manager.timezone)
    with session_scope(services.engine) as session:
        rows = pairing_rows(session=session, team_id=team_id, manager_id=manager_id)
        reps = _rep_facts(session, team_id, rows, today, now=now, zone=manager.timezone)
        since = week_start(today) - timedelta(weeks=STREAK_WEEKS_CHECKED + 1)
        held = held_dates_for(
            session=session,
            team_id=team_id,
            pairing_ids=[r.pairing.id or 0 for r in rows],
            since=since,
        )
    histories = [history_of(row, held[row.pairing.id or 0]) for row in rows]
    return TeamPlan(today, build_plan(reps, today), coaching_streak(histories, today))


def history_of(row: PairingRow, held_on: list[date]) -> PairingHistory:
    """What the streak needs of a pairing: its 1:1s and every pause, each on its own days."""
    facts = facts_of(row)
    return PairingHistory(
        cadence_days=facts.cadence_days,
        started_on=facts.started_on,
        held_on=tuple(held_on),
        pauses=facts.pauses,
    )


def streaks_for(
    session: Session, team_id: str, rows: list[PairingRow], today_of: dict[str, date]
) -> dict[str, int]:
    """Each manager's coaching streak, seen from their own today (for the digest)."""
    if not rows:
        return {}
    earliest = min(today_of.values(), default=None)
    if earliest is None:
        return {}
    since = week_start(earliest) - timedelta(weeks=STREAK_WEEKS_CHECKED + 1)
    held = held_dates_for(
        session=session, team_id=team_id, pairing_ids=[r.pairing.id or 0 for r in rows], since=since
    )
    by_manager: dict[str, list[PairingHistory]] = {}
    for row in rows:
        by_manager.setdefault(row.pairing.manager_id, []).append(
            history_of(row, held[row.pairing.id or 0])
        )
    return {
        manager_id: coaching_streak(histories, today_of[manager_id])
        for manager_id, histories in by_manager.items()
        if manager_id in today_of
    }


def rep_agenda(
    services: Services, *, team_id: str, manager_id: str, rep_id: str
) -> RepAgenda | Outcome:
    """The full agenda for one rep, for that rep's manager only."""
    manager = look_up_person(services, team_id, manager_id)
    now = services.clock.now()
    today = local_today(now, manager.timezone)
    with session_scope(services.engine) as session:
        rows = [
            row
            for row in pairing_rows(session=session, team_id=team_id, manager_id=manager_id)
            if row.pairing.rep_id == rep_id
        ]
        if not rows:
            return refused("plans", "not_your_rep", rep=rep_id)
        facts = _rep_facts(session, team_id, rows, today, now=now, zone=manager.timezone)
        pairing = rows[0].pairing
        held = recent_one_on_ones(session=session, team_id=team_id, pairing_id=pairing.id or 0)
        counted = calendar_days(
            session=session, team_id=team_id, pairing_id=pairing.id or 0, days=held
        )
        check_ins = (
            check_ins_of(
                session=session, team_id=team_id, rep_id=rep_id, limit=5, since=pairing.created_at
            )
            if pairing.accepted
            else []
        )
    plan = build_plan(facts, today)[0]
    pauses = tuple(
        PauseNote(p.starts_on, p.ends_on, p.source == "status", p.pairing_id is None)
        for p in sorted(rows[0].pauses, key=lambda p: p.starts_on, reverse=True)[:RECENT_PAUSES]
        if p.ends_on is None or p.ends_on > p.starts_on  # a pause resumed the day it began
    )
    return RepAgenda(plan, held, [check_in_facts(c) for c in check_ins], pauses, counted)


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
        # As the plan does: the rep's focus counts only once the rep accepted this manager.
        rep_ids = [pairing.rep_id] if pairing.accepted else []
        goal = active_goals_for(session=session, team_id=team_id, rep_ids=rep_ids)
    rep_goal = goal.get(pairing.rep_id)
    # The very questions the plan showed the manager this week, in the manager's zone.
    manager = look_up_person(services, team_id, manager_id)
    today = local_today(services.clock.now(), manager.timezone)
    questions = plan_questions(rep_goal.competency if rep_goal else None, pairing.rep_id, today)
    lines = "\n".join(f"• {q}" for q in questions)
    text = prompts.text("plans", "prep_dm", manager=manager_id, questions=lines)
    services.slack_for(team_id).chat_postMessage(channel=pairing.rep_id, text=text)
    return done("plans", "prep_sent", rep=pairing.rep_id)


def _rep_facts(
    session: Session,
    team_id: str,
    rows: list[PairingRow],
    today: date,
    *,
    now: datetime,
    zone: str | None,
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
    pairing_ids = [row.pairing.id or 0 for row in rows]
    agenda = open_agenda_for(session=session, team_id=team_id, pairing_ids=pairing_ids)
    field_days = field_days_for(session=session, team_id=team_id, pairing_ids=pairing_ids)
    tz = zone_for(zone)
    looks = calendars.outlooks_for(session, team_id, pairing_ids, now=now, zone=tz)
    from_calendar = calendars.calendar_held_ids(session, team_id, pairing_ids)
    return [
        RepFacts(
            pairing_id=row.pairing.id or 0,
            rep_id=row.pairing.rep_id,
            cadence_days=row.pairing.cadence_days,
            state=cadence_state(facts_of(row), today),
            last_held_on=row.last_held_on,
            goal=_goal(goals.get(row.pairing.rep_id)),
            latest_check_in=check_in_facts(latest[row.pairing.rep_id])
            if row.pairing.rep_id in latest
            else None,
            agenda=tuple(_agenda(item) for item in agenda[row.pairing.id or 0]),
            snoozed_until=row.pairing.snoozed_until,
            last_field_day=max(field_days.get(row.pairing.id or 0, []), default=None),
            next_one_on_one=_next_words(looks.get(row.pairing.id), now, tz),
            calendar_held_id=from_calendar.get(row.pairing.id),
        )
        for row in rows
    ]


def _next_words(look: CalendarOutlook | None, now: datetime, zone: ZoneInfo) -> str | None:
    if look is None or look.next_start is None:
        return None
    return describe_next(look.next_start, now=now, zone=zone)


def _started(rows: list[PairingRow], rep_id: str) -> datetime:
    return next(row.pairing.created_at for row in rows if row.pairing.rep_id == rep_id)


def _goal(goal: Goal | None) -> GoalFacts | None:
    if goal is None:
        return None
    return GoalFacts(goal.competency, goal.behaviour, goal.measure, goal.target_date)


def _agenda(item: AgendaItem) -> AgendaFacts:
    return AgendaFacts(item.competency, item.focus, tuple(item.questions.splitlines()))
