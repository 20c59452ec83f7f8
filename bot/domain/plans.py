"""The 1:1 plan: what a manager needs to coach each rep, assembled from plain facts.

Pure: the flows load the facts (in a constant number of queries) and pass ``today``; the
Block Kit builders render the result. Suggested questions come from the same question
bank as the reframer and rotate week by week, so a plan never goes stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import prompts
from bot.domain.cadence import (
    CadenceState,
    PairingFacts,
    PauseSpan,
    Status,
    cadence_state,
    week_start,
)

SUGGESTED_QUESTIONS = 3
# A field day (observing the rep's routine calls) is suggested after this many weeks without.
FIELD_DAY_WEEKS = 6
STREAK_WEEKS_CHECKED = 52
_STAGES = ("reality", "options", "will", "support")


@dataclass(frozen=True)
class GoalFacts:
    competency: str
    behaviour: str
    measure: str | None
    target_date: date | None


@dataclass(frozen=True)
class CheckInFacts:
    on: date
    status: str
    note: str | None


@dataclass(frozen=True)
class AgendaFacts:
    competency: str
    focus: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class RepFacts:
    pairing_id: int
    rep_id: str
    cadence_days: int
    state: CadenceState
    last_held_on: date | None
    goal: GoalFacts | None
    latest_check_in: CheckInFacts | None
    agenda: tuple[AgendaFacts, ...]
    snoozed_until: date | None = None
    last_field_day: date | None = None
    # From the manager's calendar (issue 19): the next 1:1 booked, in words ("Thu 3 pm"),
    # and the id of the latest 1:1 held when the calendar counted it (for "that didn't
    # happen").
    next_one_on_one: str | None = None
    calendar_held_id: int | None = None


@dataclass(frozen=True)
class RepPlan:
    facts: RepFacts
    questions: tuple[str, ...]
    observe: bool  # suggest sitting in on a routine call to watch the focus behaviour
    # No field day in the last six weeks: the plan suggests one.
    field_day_due: bool = False


@dataclass(frozen=True)
class TeamPlan:
    """``/coach plan`` and the App Home board: every rep's plan and the manager's streak."""

    today: date
    reps: list[RepPlan]
    streak: int

    @property
    def overdue_now(self) -> list[str]:
        """Reps whose 1:1 is overdue today: while any is, the streak is not shown as kept."""
        return [rep.facts.rep_id for rep in self.reps if rep.facts.state.status is Status.OVERDUE]


@dataclass(frozen=True)
class PauseNote:
    """One stretch of the pause history, as the full agenda lists it."""

    starts_on: date
    ends_on: date | None  # None: away by a Slack status, not yet seen back
    by_status: bool
    managers_own: bool


@dataclass(frozen=True)
class RepAgenda:
    """``/coach plan @rep``: one rep's plan with their recent 1:1s, check-ins and pauses."""

    plan: RepPlan
    recent_one_on_ones: list[date]
    recent_check_ins: list[CheckInFacts]
    pauses: tuple[PauseNote, ...] = ()
    from_calendar: frozenset[date] = frozenset()  # which of those 1:1s the calendar counted


def build_plan(reps: Iterable[RepFacts], today: date) -> list[RepPlan]:
    """One plan per rep, most overdue first, then soonest due."""
    ordered = sorted(reps, key=lambda r: (-r.state.days_overdue, r.state.next_due, r.rep_id))
    return [
        RepPlan(
            facts=rep,
            questions=plan_questions(rep.goal.competency if rep.goal else None, rep.rep_id, today),
            observe=rep.goal is not None and rep.state.status is not Status.PAUSED,
            field_day_due=rep.last_field_day is None
            or rep.last_field_day <= today - timedelta(weeks=FIELD_DAY_WEEKS),
        )
        for rep in ordered
    ]


def plan_questions(competency: str | None, rep_id: str, today: date) -> tuple[str, ...]:
    """The questions the plan shows for a rep this week (``today`` in the manager's zone),
    and the very ones *Send prep questions* sends the rep."""
    return suggested_questions(competency, seed=f"{rep_id}:{week_start(today).isoformat()}")


def suggested_questions(
    competency: str | None, *, seed: str, count: int = SUGGESTED_QUESTIONS
) -> tuple[str, ...]:
    """A few bank questions for the competency, a different selection each week."""
    pool = _question_pool(competency or "general") or _question_pool("general")
    # Ranking every question by a hash of (seed, question) is a stable shuffle: the same
    # week gets the same questions, and any count up to the whole pool is reachable.
    ranked = sorted(
        pool, key=lambda question: hashlib.sha256(f"{seed}|{question}".encode()).digest()
    )
    return tuple(ranked[:count])


@cache
def _question_pool(competency: str) -> tuple[str, ...]:
    """Every situation-free question for a competency (its behaviours included)."""
    bank = prompts.load("reframe/bank")  # the behaviour bank (prompts/reframe/bank.toml)
    table = bank.get(competency)
    if not isinstance(table, dict):
        return ()
    tables = [table, *(value for value in table.values() if isinstance(value, dict))]
    questions: list[str] = []
    for part in tables:
        for stage in _STAGES:
            for question in part.get(stage, []):
                if "$" not in question and question not in questions:
                    questions.append(question)
    return tuple(questions)


@dataclass(frozen=True)
class PairingHistory:
    """What the streak needs of one pairing: its terms and every 1:1 held in the window."""

    cadence_days: int
    started_on: date
    held_on: tuple[date, ...]
    paused_until: date | None = None  # a pause whose start is unknown: covers all before
    # Every pause of the rep's and of the manager's own, each covering only its own days.
    pauses: tuple[PauseSpan, ...] = ()


def coaching_streak(histories: Iterable[PairingHistory], today: date) -> int:
    """Consecutive weeks, ending with the last full week, in which no 1:1 was overdue.

    A week counts when every pairing that existed by its Sunday was on cadence (or paused)
    that Sunday. A manager with no reps has no streak.
    """
    pairings = list(histories)
    if not pairings:
        return 0
    streak = 0
    sunday = week_start(today) - timedelta(days=1)
    for _ in range(STREAK_WEEKS_CHECKED):
        existing = [p for p in pairings if p.started_on <= sunday]
        if not existing or any(_overdue_on(p, sunday) for p in existing):
            break
        streak += 1
        sunday -= timedelta(days=7)
    return streak


def _overdue_on(history: PairingHistory, day: date) -> bool:
    held = [d for d in history.held_on if d <= day]
    facts = PairingFacts(
        cadence_days=history.cadence_days,
        started_on=history.started_on,
        last_held_on=held[-1] if held else None,
        paused_until=history.paused_until,
        pauses=history.pauses,
    )
    return cadence_state(facts, day).status is Status.OVERDUE
