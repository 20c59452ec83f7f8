"""Coaching the coaches: how each manager below a leader coaches, as figures a leader reads.

Pure: the flows load the facts of the leader's tree in a fixed number of queries and pass
``today`` (in the leader's zone); nothing here knows Slack or SQL. Only counts and dates
come in: never a goal's words, a check-in's words or a feedback message.

Every figure is over whole weeks (Monday to Sunday), ending with the last full week, so it
reads the same all week and the weekly summary and ``/coach insights`` agree:

- **cadence kept**: of the 1:1s that fell due in the window, the share held on time. A 1:1
  falls due the cadence's length after the last one (or after the pairing began, or after a
  pause ended); it was on time when the next 1:1 came on or before that day. While a 1:1 is
  late, each further cadence length that passes is one more that fell due and was missed.
  Paused days never fall due.
- **longest gap**: the most days any one rep went between 1:1s, among gaps that ended in the
  window or are still open at its end (a pause restarts the count).
- **streak**: consecutive full weeks with no 1:1 overdue (as the digest counts it).
- **1:1s per rep** and **field days per rep**: held in the window, over the current reps.
- **reps with a focus**: reps who have chosen a focus goal of their own, now.
- **goals achieved**: goals the manager's reps marked achieved in the window.
- **check-ins answered**: of the weekly check-ins sent to the reps in the window, those the
  rep answered within the week.
- **asking rate**: of the feedback messages Coach turned into questions for the manager in
  the window, the share whose questions the manager sent to the rep or saved for a 1:1.
- **trend**: cadence kept in each of the last 12 weeks; its arrow compares the last 4
  weeks with the 8 before.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from bot.domain.cadence import (
    PairingFacts,
    PauseSpan,
    Status,
    cadence_state,
    week_start,
)
from bot.domain.plans import FIELD_DAY_WEEKS, PairingHistory, coaching_streak

SHORT_WEEKS, LONG_WEEKS = 4, 12
TREND_WEEKS = 12
# The arrow moves when the last 4 weeks differ from the 8 before by this many points.
TREND_STEP = 0.10
# Bright spot: cadence kept over 12 weeks at least this often, over at least this many 1:1s.
BRIGHT_CADENCE, BRIGHT_MIN_DUE = 0.85, 6
# A strength beyond cadence: half the reps chose a focus; most reframes became questions asked.
BRIGHT_FOCUS_SHARE = 0.5
BRIGHT_ASKING, BRIGHT_MIN_REFRAMES = 0.6, 3
# Time back: cadence kept under this share in each of the last this-many weeks.
SLIPPING_BELOW, SLIPPING_WEEKS = 0.75, 3
CHECK_IN_ANSWER_DAYS = 7


class Trend(StrEnum):
    UP = "up"
    DOWN = "down"
    STEADY = "steady"
    NEW = "new"  # not enough fell due yet to tell


class GoalStatus(StrEnum):
    """What a leader may know of a rep's goal: whether there is one. Never its words."""

    FOCUS = "focus"  # the rep has chosen a focus goal
    NONE = "none"  # no focus goal at the moment
    PENDING = "pending"  # the rep has not accepted this manager yet: nothing is shown


@dataclass(frozen=True)
class ReframeFact:
    """One feedback message Coach turned into questions for a manager: when, and whether
    the manager then asked (sent the questions to the rep or saved them for a 1:1)."""

    on: date
    asked: bool


@dataclass(frozen=True)
class PairingRecord:
    """One manager–rep pairing, as counts and dates only."""

    pairing_id: int
    rep_id: str
    cadence_days: int
    started_on: date
    held_on: tuple[date, ...] = ()
    pauses: tuple[PauseSpan, ...] = ()
    field_days: tuple[date, ...] = ()
    accepted: bool = True
    has_focus: bool = False
    goals_achieved_on: tuple[date, ...] = ()
    check_ins_sent_on: tuple[date, ...] = ()
    check_ins_answered_on: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        # Oldest first, whatever order they came in: answers are looked up by bisection.
        object.__setattr__(self, "check_ins_answered_on", tuple(sorted(self.check_ins_answered_on)))


@dataclass(frozen=True)
class ManagerRecord:
    manager_id: str
    pairings: tuple[PairingRecord, ...]
    reframes: tuple[ReframeFact, ...] = ()


@dataclass(frozen=True)
class Window:
    """Whole weeks: from Monday ``start`` through Sunday ``end``."""

    weeks: int
    start: date
    end: date

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def window(today: date, weeks: int) -> Window:
    """The ``weeks`` full weeks before the week of ``today``."""
    end = week_start(today) - timedelta(days=1)
    return Window(weeks, end - timedelta(days=7 * weeks - 1), end)


@dataclass(frozen=True)
class Due:
    """A 1:1 that fell due on ``on``, and whether it was held by then."""

    on: date
    kept: bool


@dataclass(frozen=True)
class Gap:
    """Days between two 1:1s with one rep (``closed`` False: still waiting at the end)."""

    start: date
    end: date
    closed: bool

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def walk_cadence(record: PairingRecord, until: date) -> tuple[list[Due], list[Gap]]:
    """Every 1:1 that fell due up to ``until``, kept or not, and the gaps between 1:1s."""
    cadence = timedelta(days=record.cadence_days)
    held = sorted({d for d in record.held_on if d <= until})
    before = [d for d in held if d <= record.started_on]
    since = before[-1] if before else record.started_on  # the search starts after this day
    anchor = since  # the last reset: a 1:1, the start, or a pause's end
    due = since + cadence
    pauses = sorted(record.pauses, key=lambda span: span.starts_on)
    dues: list[Due] = []
    gaps: list[Gap] = []
    while due <= until:
        next_held = next((d for d in held if d > since), None)
        pause = next(
            (
                span
                for span in pauses
                if span.starts_on <= due and (span.ends_on is None or span.ends_on > since)
            ),
            None,
        )
        if (
            next_held is not None
            and next_held <= due
            and (pause is None or next_held < pause.starts_on)
        ):
            dues.append(Due(due, kept=True))
            gaps.append(Gap(anchor, next_held, closed=True))
            anchor = since = next_held
            due = since + cadence
        elif pause is not None:
            if anchor < pause.starts_on:
                gaps.append(Gap(anchor, pause.starts_on, closed=True))
            if pause.ends_on is None:
                return dues, gaps  # still away: nothing falls due
            anchor = since = max(since, pause.ends_on)
            due = since + cadence
        else:
            dues.append(Due(due, kept=False))
            if next_held is not None and next_held <= due:
                gaps.append(Gap(anchor, next_held, closed=True))
                anchor = next_held
            since = due
            due = due + cadence
    closing = next((d for d in held if d > since), None)
    if closing is not None and closing <= until:
        gaps.append(Gap(anchor, closing, closed=True))
        anchor = closing
    if anchor < until:
        gaps.append(Gap(anchor, until, closed=False))
    return dues, gaps


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class WindowFigures:
    """One manager's figures over one window."""

    weeks: int
    reps: int
    due: int
    kept: int
    longest_gap_days: int | None
    one_on_ones: int
    field_days: int
    goals_achieved: int
    check_ins_sent: int
    check_ins_answered: int
    reframed: int
    asked: int

    @property
    def cadence_kept(self) -> float | None:
        return _share(self.kept, self.due)

    @property
    def asking_rate(self) -> float | None:
        return _share(self.asked, self.reframed)

    @property
    def one_on_ones_per_rep(self) -> float | None:
        return self.one_on_ones / self.reps if self.reps else None

    @property
    def field_days_per_rep(self) -> float | None:
        return self.field_days / self.reps if self.reps else None


@dataclass(frozen=True)
class RepInsight:
    """One rep as a leader may see them: cadence and whether there is a focus, no words."""

    rep_id: str
    cadence_days: int
    status: Status
    one_on_ones: int  # in the long window
    field_days: int  # in the long window
    last_field_day: date | None
    goal: GoalStatus
    goals_achieved: int  # in the long window
    check_ins_sent: int
    check_ins_answered: int
    field_day_due: bool  # none in FIELD_DAY_WEEKS weeks


@dataclass(frozen=True)
class ManagerInsight:
    manager_id: str
    reps: int
    reps_with_focus: int
    streak: int
    short: WindowFigures
    long: WindowFigures
    trend: tuple[float | None, ...]  # cadence kept per week, oldest first
    direction: Trend
    rep_lines: tuple[RepInsight, ...] = field(default=())
    strengths: tuple[str, ...] = ()  # "cadence", "focus", "asking": set for a bright spot
    needs_time: bool = False

    @property
    def bright_spot(self) -> bool:
        return "cadence" in self.strengths


def _figures(
    manager: ManagerRecord, walks: dict[int, tuple[list[Due], list[Gap]]], span: Window
) -> WindowFigures:
    dues = [d for p in manager.pairings for d in walks[p.pairing_id][0] if span.holds(d.on)]
    gaps = [
        g.days
        for p in manager.pairings
        for g in walks[p.pairing_id][1]
        if g.end >= span.start and g.end <= span.end
    ]
    sent = answered = 0
    for pairing in manager.pairings:
        asks = [d for d in pairing.check_ins_sent_on if span.holds(d)]
        sent += len(asks)
        answered += sum(1 for ask in asks if _answered(ask, pairing.check_ins_answered_on))
    reframes = [r for r in manager.reframes if span.holds(r.on)]
    return WindowFigures(
        weeks=span.weeks,
        reps=len(manager.pairings),
        due=len(dues),
        kept=sum(1 for d in dues if d.kept),
        longest_gap_days=max(gaps) if gaps else None,
        one_on_ones=sum(1 for p in manager.pairings for d in set(p.held_on) if span.holds(d)),
        field_days=sum(1 for p in manager.pairings for d in p.field_days if span.holds(d)),
        goals_achieved=sum(
            1 for p in manager.pairings for d in p.goals_achieved_on if span.holds(d)
        ),
        check_ins_sent=sent,
        check_ins_answered=answered,
        reframed=len(reframes),
        asked=sum(1 for r in reframes if r.asked),
    )


def _answered(asked_on: date, answers: Sequence[date]) -> bool:
    """Whether an answer came within the week after the ask (``answers`` sorted)."""
    first = bisect_left(answers, asked_on)
    return first < len(answers) and answers[first] < asked_on + timedelta(days=CHECK_IN_ANSWER_DAYS)


def weekly_trend(
    manager: ManagerRecord, walks: dict[int, tuple[list[Due], list[Gap]]], today: date
) -> tuple[float | None, ...]:
    """Cadence kept in each of the last TREND_WEEKS full weeks, oldest first (None: nothing
    fell due that week)."""
    first = window(today, TREND_WEEKS).start
    due = [0] * TREND_WEEKS
    kept = [0] * TREND_WEEKS
    for pairing in manager.pairings:
        for item in walks[pairing.pairing_id][0]:
            week = (item.on - first).days // 7
            if 0 <= week < TREND_WEEKS:
                due[week] += 1
                kept[week] += item.kept
    return tuple(_share(k, d) for k, d in zip(kept, due, strict=True))


def trend_direction(
    manager: ManagerRecord, walks: dict[int, tuple[list[Due], list[Gap]]], today: date
) -> Trend:
    """The last 4 weeks' cadence kept against the 8 weeks before them."""
    recent = window(today, SHORT_WEEKS)
    earlier = Window(
        LONG_WEEKS - SHORT_WEEKS, window(today, LONG_WEEKS).start, recent.start - timedelta(1)
    )
    shares = []
    for span in (recent, earlier):
        dues = [d for p in manager.pairings for d in walks[p.pairing_id][0] if span.holds(d.on)]
        shares.append(_share(sum(1 for d in dues if d.kept), len(dues)))
    now, before = shares
    if now is None or before is None:
        return Trend.NEW
    if now - before >= TREND_STEP - 1e-9:
        return Trend.UP
    if before - now >= TREND_STEP - 1e-9:
        return Trend.DOWN
    return Trend.STEADY


def _streak(manager: ManagerRecord, today: date) -> int:
    return coaching_streak(
        (
            PairingHistory(
                cadence_days=p.cadence_days,
                started_on=p.started_on,
                held_on=tuple(sorted(set(p.held_on))),
                pauses=p.pauses,
            )
            for p in manager.pairings
        ),
        today,
    )


def _status_today(record: PairingRecord, today: date) -> Status:
    held = [d for d in record.held_on if d <= today]
    facts = PairingFacts(
        cadence_days=record.cadence_days,
        started_on=record.started_on,
        last_held_on=max(held) if held else None,
        pauses=record.pauses,
    )
    return cadence_state(facts, today).status


def field_day_due(field_days: Iterable[date], today: date) -> bool:
    """Whether the plan should suggest a field day: none in the last FIELD_DAY_WEEKS weeks."""
    since = today - timedelta(weeks=FIELD_DAY_WEEKS)
    return not any(since < day <= today for day in field_days)


def _rep_line(record: PairingRecord, span: Window, today: date) -> RepInsight:
    sent = [d for d in record.check_ins_sent_on if span.holds(d)]
    if not record.accepted:
        goal = GoalStatus.PENDING
    else:
        goal = GoalStatus.FOCUS if record.has_focus else GoalStatus.NONE
    shown = record.accepted  # before the rep accepts, their goal facts stay theirs
    return RepInsight(
        rep_id=record.rep_id,
        cadence_days=record.cadence_days,
        status=_status_today(record, today),
        one_on_ones=sum(1 for d in set(record.held_on) if span.holds(d)),
        field_days=sum(1 for d in record.field_days if span.holds(d)),
        last_field_day=max(record.field_days, default=None),
        goal=goal,
        goals_achieved=sum(1 for d in record.goals_achieved_on if span.holds(d)) if shown else 0,
        check_ins_sent=len(sent) if shown else 0,
        check_ins_answered=sum(1 for d in sent if _answered(d, record.check_ins_answered_on))
        if shown
        else 0,
        field_day_due=field_day_due(record.field_days, today),
    )


def manager_insight(manager: ManagerRecord, today: date) -> ManagerInsight:
    """Every figure for one manager, seen from ``today`` (the leader's date)."""
    until = window(today, 1).end
    walks = {p.pairing_id: walk_cadence(p, until) for p in manager.pairings}
    short = _figures(manager, walks, window(today, SHORT_WEEKS))
    long = _figures(manager, walks, window(today, LONG_WEEKS))
    trend = weekly_trend(manager, walks, today)
    with_focus = sum(1 for p in manager.pairings if p.accepted and p.has_focus)
    insight = ManagerInsight(
        manager_id=manager.manager_id,
        reps=len(manager.pairings),
        reps_with_focus=with_focus,
        streak=_streak(manager, today),
        short=short,
        long=long,
        trend=trend,
        direction=trend_direction(manager, walks, today),
        rep_lines=tuple(
            sorted(
                (_rep_line(p, window(today, LONG_WEEKS), today) for p in manager.pairings),
                key=lambda line: line.rep_id,
            )
        ),
    )
    return _judge(insight)


def _judge(insight: ManagerInsight) -> ManagerInsight:
    """Bright spot (what is worth learning from them) and time back (several weeks running
    of missed 1:1s). Neither is a rank: each manager is read against the practice alone."""
    strengths: list[str] = []
    kept = insight.long.cadence_kept
    if kept is not None and insight.long.due >= BRIGHT_MIN_DUE and kept >= BRIGHT_CADENCE:
        strengths.append("cadence")
        if insight.reps and insight.reps_with_focus / insight.reps >= BRIGHT_FOCUS_SHARE:
            strengths.append("focus")
        rate = insight.long.asking_rate
        if (
            rate is not None
            and insight.long.reframed >= BRIGHT_MIN_REFRAMES
            and rate >= BRIGHT_ASKING
        ):
            strengths.append("asking")
    recent = insight.trend[-SLIPPING_WEEKS:]
    slipping = len(recent) == SLIPPING_WEEKS and all(
        point is not None and point < SLIPPING_BELOW for point in recent
    )
    return replace(insight, strengths=tuple(strengths), needs_time=slipping)


def leader_tree(edges: Iterable[tuple[str, str]], leader_id: str) -> list[str]:
    """The managers below ``leader_id``, to any depth: people who are someone's rep in the
    leader's tree and coach reps of their own. ``edges`` are (manager, rep) pairings; a loop
    in old data is walked once. Breadth first, so nearer managers come first."""
    reps_of: dict[str, list[str]] = {}
    for manager, rep in edges:
        reps_of.setdefault(manager, []).append(rep)
    found: list[str] = []
    seen = {leader_id}
    frontier = [leader_id]
    while frontier:
        following: list[str] = []
        for person in frontier:
            for rep in sorted(reps_of.get(person, [])):
                if rep in seen:
                    continue
                seen.add(rep)
                if reps_of.get(rep):
                    found.append(rep)
                    following.append(rep)
        frontier = following
    return found


@dataclass(frozen=True)
class LeaderInsights:
    """What a leader sees: each manager below them, the bright spots and who needs time."""

    leader_id: str
    today: date
    managers: tuple[ManagerInsight, ...]

    @property
    def bright_spots(self) -> list[ManagerInsight]:
        return [m for m in self.managers if m.bright_spot]

    @property
    def needing_time(self) -> list[ManagerInsight]:
        return [m for m in self.managers if m.needs_time]


def leader_insights(
    leader_id: str, managers: Iterable[ManagerRecord], today: date
) -> LeaderInsights:
    """Insights for each manager, in the order given (the tree's, never a ranking)."""
    return LeaderInsights(
        leader_id, today, tuple(manager_insight(manager, today) for manager in managers)
    )
