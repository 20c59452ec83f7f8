"""When each manager–rep 1:1 is due, how far behind it is, and how the digest counts it.

Everything here is a pure function of its arguments: the clock is read by the caller and
passed in as ``now`` or ``today``, so the scheduler, the tests and ``coach try``'s time
travel all see the same answers. Dates are calendar days in the manager's time zone
(see :func:`local_today`); a cadence is a whole number of days.

Decisions that the rest of Coach relies on:

- **Pauses are exclusive of their end date.** ``pause @rep until 2026-03-10`` means paused
  through 2026-03-09 and back on cadence on 2026-03-10, and the cadence restarts from that
  day: the next 1:1 is due ``cadence_days`` later, so a long leave is never reported as
  overdue. ``resume`` ends a pause early by storing today as its end.
- **Every pause is kept** (``PauseSpan``: the commanded ones and the absences seen in a
  Slack status), so the streak can tell the weeks a pause covered from the weeks before
  it. On a given day, a span that has ended anchors the cadence at its end; a running
  span pauses the pairing; a span that starts later is not looked at yet.
- **The anchor is the last 1:1 held** whenever one is logged, even one held before the
  pairing started in Coach (a team adopting Coach logs its real history); the start date
  anchors only a pairing with no 1:1 logged. A pause ending later still restarts it.
- **Snoozes work the same way**: snoozed until D means no nudge before D. A snooze only
  silences nudges; the pairing still counts as behind in the digest.
- **Overdue periods**: day 1 to ``cadence_days`` after the due date is period 1, the next
  ``cadence_days`` days period 2, and so on. Each period of each anchor has its own
  ``period_key``, which the sent-message ledger uses so a nudge goes out once per period
  and a new 1:1 or the end of a pause starts fresh keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MIN_EVERY = 1
MAX_EVERY = 90
MAX_CADENCE_DAYS = MAX_EVERY * 7
WEEKLY, BIWEEKLY, MONTHLY = 7, 14, 30

_NAMED_CADENCES: dict[str, int] = {
    "daily": 1,
    "every day": 1,
    "weekly": WEEKLY,
    "every week": WEEKLY,
    "biweekly": BIWEEKLY,
    "bi-weekly": BIWEEKLY,
    "bi weekly": BIWEEKLY,
    "fortnightly": BIWEEKLY,
    "every other week": BIWEEKLY,
    "monthly": MONTHLY,
    "every month": MONTHLY,
}
_EVERY_N = re.compile(r"every ([0-9]+) (day|week)s?")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class CadenceError(ValueError):
    """A cadence the grammar does not accept; ``hint`` says why, for choosing a message.

    ``hint`` is one of ``"empty"``, ``"unknown"`` or ``"out_of_range"``: a code, not prose,
    because the words shown to people live in ``prompts/``.
    """

    def __init__(self, hint: str, text: str) -> None:
        super().__init__(f"{hint}: {text!r}")
        self.hint = hint
        self.text = text


class DateError(ValueError):
    """A date that is not ``YYYY-MM-DD`` (``hint="format"``) or is not on the calendar
    (``hint="impossible"``, e.g. 2026-02-30)."""

    def __init__(self, hint: str, text: str) -> None:
        super().__init__(f"{hint}: {text!r}")
        self.hint = hint
        self.text = text


def parse_cadence(text: str) -> int:
    """The cadence in days for what a manager typed after ``team add @rep``.

    Accepts, in any case and spacing: ``weekly``, ``biweekly``/``bi-weekly``/``fortnightly``/
    ``every other week``, ``monthly`` (30 days), ``every N days``, ``every N weeks`` with N
    from 1 to 90, and the singular forms (``every day``, ``daily``, ``every week``,
    ``every month``). ``every day`` is accepted because ``every 1 day`` already is and
    refusing the shorter spelling would only confuse; whether daily 1:1s are wise is the
    manager's call.
    """
    normalised = " ".join(text.lower().split())
    if not normalised:
        raise CadenceError("empty", text)
    if normalised in _NAMED_CADENCES:
        return _NAMED_CADENCES[normalised]
    match = _EVERY_N.fullmatch(normalised)
    if match is None:
        raise CadenceError("unknown", text)
    count = int(match.group(1))
    if not MIN_EVERY <= count <= MAX_EVERY:
        raise CadenceError("out_of_range", text)
    return count * (7 if match.group(2) == "week" else 1)


def describe_cadence(days: int) -> str:
    """The words for a stored cadence, in a form :func:`parse_cadence` reads back."""
    if days < 1:
        raise ValueError(f"a cadence is at least one day, not {days}")
    named = {1: "every day", WEEKLY: "weekly", BIWEEKLY: "biweekly", MONTHLY: "monthly"}
    if days in named:
        return named[days]
    if days % 7 == 0:
        return f"every {days // 7} weeks"
    return f"every {days} days"


def format_day(day: date) -> str:
    """A date as people read it in Slack: "Mon 2 Nov 2026"."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def parse_iso_date(text: str) -> date:
    """A ``YYYY-MM-DD`` date, and nothing looser: a slash or a missing zero is refused
    rather than guessed at, because a misread pause or 1:1 date is worse than a retry."""
    match = _ISO_DATE.fullmatch(text.strip())
    if match is None:
        raise DateError("format", text)
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise DateError("impossible", text) from None


def zone_for(tz_name: str | None) -> ZoneInfo:
    """The IANA zone called ``tz_name``; UTC when it is empty or unknown, because a
    manager with an odd profile should still get nudges, a few hours early or late."""
    if not tz_name:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


def local_today(now: datetime, tz_name: str | None) -> date:
    """The calendar date it is at instant ``now`` for someone in ``tz_name``.

    ``now`` must be timezone-aware: a naive datetime has no single instant, and guessing
    one is how a 1:1 ends up overdue a day early.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(zone_for(tz_name)).date()


def iso_week_key(d: date) -> str:
    """``"2026-W48"``: the ISO year and week, the ledger key for once-a-week messages."""
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(d: date) -> date:
    """The Monday of ``d``'s ISO week."""
    return d - timedelta(days=d.weekday())


class Status(StrEnum):
    """Where a pairing stands today. Values are stable text, safe to store or show."""

    ON_CADENCE = "on_cadence"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    PAUSED = "paused"


@dataclass(frozen=True)
class PauseSpan:
    """A time someone was away: from ``starts_on`` up to ``ends_on`` (exclusive), or still
    away (``ends_on`` None: an absence seen in a Slack status, not yet seen to end)."""

    starts_on: date
    ends_on: date | None = None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)


@dataclass(frozen=True)
class PairingFacts:
    """What storage knows about one manager–rep pairing, as plain values.

    ``paused_until`` and ``snoozed_until`` are exclusive end dates (see the module
    docstring); a past ``paused_until`` is kept because it still anchors the cadence.
    """

    cadence_days: int
    started_on: date
    last_held_on: date | None
    paused_until: date | None = None
    snoozed_until: date | None = None
    # Every pause of the rep's and of the manager's own, as far as storage keeps them.
    pauses: tuple[PauseSpan, ...] = ()

    def __post_init__(self) -> None:
        if not 1 <= self.cadence_days <= MAX_CADENCE_DAYS:
            raise ValueError(f"cadence_days must be 1..{MAX_CADENCE_DAYS}, not {self.cadence_days}")


@dataclass(frozen=True)
class CadenceState:
    """A pairing's standing on one day.

    ``days_overdue`` and ``period`` are 0 unless the status is OVERDUE. ``period_key``
    names "this overdue period since this anchor", so it is the same every day of a
    period and different after a 1:1, a pause ending, or a period rolling over.
    """

    anchor: date
    next_due: date
    days_overdue: int
    status: Status
    period: int
    period_key: str

    @property
    def behind(self) -> bool:
        """Whether the digest counts this pairing as behind (snoozed or not)."""
        return self.status is Status.OVERDUE


def cadence_anchor(
    facts: PairingFacts, today: date | None = None, *, manager_paused_until: date | None = None
) -> date:
    """The day the cadence counts from on ``today``: the last 1:1 held (the start date
    when none is logged), moved later by the end of any pause that began by ``today``.

    A pause that is still running already sits in the future, so the answer is the day
    the cadence will restart, which is also what ``next_due`` should count from.
    """
    base = facts.last_held_on if facts.last_held_on is not None else facts.started_on
    candidates = [base, facts.paused_until, manager_paused_until]
    candidates.extend(
        span.ends_on
        for span in facts.pauses
        if span.ends_on is not None and (today is None or span.starts_on <= today)
    )
    return max(d for d in candidates if d is not None)


def is_paused(
    facts: PairingFacts, today: date, *, manager_paused_until: date | None = None
) -> bool:
    """Whether a pause (stored, or an absence seen in a status) covers ``today``."""
    ends = (facts.paused_until, manager_paused_until)
    if any(end is not None and end > today for end in ends):
        return True
    return any(span.covers(today) for span in facts.pauses)


def cadence_state(
    facts: PairingFacts,
    today: date,
    *,
    rep_is_out: bool = False,
    manager_is_out: bool = False,
    manager_paused_until: date | None = None,
) -> CadenceState:
    """The pairing's standing on ``today`` (a date in the manager's zone).

    Someone whose Slack status says they are out counts as PAUSED at once; the sweeps
    also record the absence as a ``PauseSpan``, so its end restarts the cadence.
    """
    anchor = cadence_anchor(facts, today, manager_paused_until=manager_paused_until)
    next_due = anchor + timedelta(days=facts.cadence_days)
    paused = is_paused(facts, today, manager_paused_until=manager_paused_until)
    if paused or rep_is_out or manager_is_out:
        return _state(anchor, next_due, Status.PAUSED, days_overdue=0, cadence=facts.cadence_days)
    days_overdue = max(0, (today - next_due).days)
    if days_overdue:
        status = Status.OVERDUE
    else:
        status = Status.DUE_TODAY if today == next_due else Status.ON_CADENCE
    return _state(anchor, next_due, status, days_overdue=days_overdue, cadence=facts.cadence_days)


def _state(
    anchor: date, next_due: date, status: Status, *, days_overdue: int, cadence: int
) -> CadenceState:
    period = -(-days_overdue // cadence)  # ceiling division, exact for any int
    return CadenceState(
        anchor=anchor,
        next_due=next_due,
        days_overdue=days_overdue,
        status=status,
        period=period,
        period_key=f"{anchor.isoformat()}/{period}",
    )


def has_come_due(facts: PairingFacts, today: date) -> bool:
    """Whether the pairing has been tested yet: a 1:1 was logged, or the first one's due
    day has come. On day one nobody has kept a cadence, so nobody is thanked for it."""
    first_due = facts.started_on + timedelta(days=facts.cadence_days)
    return facts.last_held_on is not None or today >= first_due


def should_nudge(state: CadenceState, today: date, snoozed_until: date | None = None) -> bool:
    """Whether the manager should get a nudge today: overdue (so neither paused nor out)
    and not snoozed. Once-per-period is the ledger's job, keyed on ``state.period_key``."""
    return state.status is Status.OVERDUE and not is_snoozed(snoozed_until, today)


def is_snoozed(snoozed_until: date | None, today: date) -> bool:
    return snoozed_until is not None and today < snoozed_until


def may_need_nudge(
    facts: PairingFacts, today: date, *, manager_paused_until: date | None = None
) -> bool:
    """``should_nudge`` for someone not out of office, without building the whole state.

    A sweep asks this of every pairing in the workspace before anyone's time zone or
    status is known; 100,000 full states cost most of a second. A running pause with an
    end moves the anchor past today; an open absence is tested for.
    """
    if any(span.ends_on is None and span.starts_on <= today for span in facts.pauses):
        return False
    anchor = cadence_anchor(facts, today, manager_paused_until=manager_paused_until)
    overdue = today > anchor + timedelta(days=facts.cadence_days)
    return overdue and not is_snoozed(facts.snoozed_until, today)


@dataclass(frozen=True)
class CadenceSummary:
    """Counts for a digest headline such as "3 of 8 1:1s are behind".

    ``on_cadence`` includes pairings due today: they are not late yet.
    """

    total: int
    on_cadence: int
    behind: int
    paused: int


def summarise_cadence(states: Iterable[CadenceState]) -> CadenceSummary:
    """Count pairings by standing; paused ones are neither on cadence nor behind."""
    counts = dict.fromkeys(Status, 0)
    for state in states:
        counts[state.status] += 1
    return CadenceSummary(
        total=sum(counts.values()),
        on_cadence=counts[Status.ON_CADENCE] + counts[Status.DUE_TODAY],
        behind=counts[Status.OVERDUE],
        paused=counts[Status.PAUSED],
    )


@dataclass(frozen=True)
class TeamLine:
    """One rep as ``/coach team`` lists them: cadence, last 1:1 and standing today."""

    rep_id: str
    cadence: str
    last_held_on: date | None
    state: CadenceState
    snoozed_until: date | None = None  # shown only while it is still ahead
    pending: bool = False  # the rep has not accepted this manager yet


@dataclass(frozen=True)
class NudgeItem:
    """One rep whose 1:1 slipped, as the manager's nudge lists them."""

    pairing_id: int
    rep_id: str
    days_overdue: int
    last_held_on: date | None
    started_on: date
    # No field day (observing the rep's routine calls) in the last six weeks.
    field_day_due: bool = False
    # The manager's usual slot with this rep, read from their calendar ("Thu 3 pm"), when
    # nothing is booked: the nudge offers it.
    usual_slot: str | None = None
