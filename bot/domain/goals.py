"""What makes a focus goal valid: one behaviour, in words a rep chose, with a sensible date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.plans import CheckInFacts

MAX_BEHAVIOUR = 280
MAX_MEASURE = 280
DEFAULT_TARGET = timedelta(days=30)
LONGEST_TARGET = timedelta(days=366)


@dataclass(frozen=True)
class GoalDraft:
    competency: str
    behaviour: str
    measure: str | None
    target_date: date


@dataclass(frozen=True)
class FocusGoal:
    """A stored goal as the rep and their manager see it (``status``: active, achieved,
    dropped)."""

    id: int
    competency: str
    behaviour: str
    measure: str | None
    target_date: date | None
    status: str
    set_on: date
    closed_on: date | None = None


@dataclass(frozen=True)
class GoalSaved:
    """A goal just set or edited; ``replaced`` when it took an earlier focus's place."""

    goal: FocusGoal
    replaced: bool
    manager_id: str | None


@dataclass(frozen=True)
class GoalsOverview:
    """``/coach goals`` and the rep's App Home: the focus, earlier goals, recent check-ins."""

    active: FocusGoal | None
    history: list[FocusGoal]
    check_ins: list[CheckInFacts]


def default_target(today: date) -> date:
    """The target date a goal gets when the rep names none (the modal's prefill too)."""
    return today + DEFAULT_TARGET


class GoalProblem(ValueError):
    """``field`` is behaviour / measure / target_date / competency; ``reason`` keys a message."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def draft_goal(
    *,
    competency: str,
    behaviour: str,
    measure: str | None,
    target_date: date | None,
    today: date,
    competencies: tuple[str, ...],
) -> GoalDraft:
    """A clean draft, or the first problem found (nothing is stored half-way)."""
    behaviour = " ".join(behaviour.split())
    measure = " ".join((measure or "").split()) or None
    if competency not in competencies:
        raise GoalProblem("competency", "unknown")
    if not behaviour:
        raise GoalProblem("behaviour", "empty")
    if len(behaviour) > MAX_BEHAVIOUR:
        raise GoalProblem("behaviour", "too_long")
    if measure is not None and len(measure) > MAX_MEASURE:
        raise GoalProblem("measure", "too_long")
    target = target_date or default_target(today)
    if target < today:
        raise GoalProblem("target_date", "past")
    if target > today + LONGEST_TARGET:
        raise GoalProblem("target_date", "too_far")
    return GoalDraft(competency, behaviour, measure, target)
