"""A manager's calendar feed, read as 1:1s: which events are 1:1s with which rep, which of
them have been held, and which are booked.

Pure: the flow fetches the feed's bytes and passes ``now`` and the window to read. Parsing
is ``icalendar`` (RFC 5545, time zones, and Outlook's Windows zone names such as "Romance
Standard Time", which it maps to IANA zones itself), and recurrence is
``recurring-ical-events`` (RRULE, RDATE, EXDATE, and RECURRENCE-ID exceptions).

Decisions:

- **A window, not the whole history.** Only occurrences between ``start`` and ``end`` are
  read. A feed holds years of other meetings; single events outside the window are
  dropped from the text before parsing (the expensive step), while every event that
  recurs or is an exception to a recurrence is kept, because an exception moved out of
  the window must still hide its original occurrence.
- **A 1:1 with a rep** is an event whose people, leaving out the manager and rooms, are
  exactly that rep (by their Slack email), and which the rep has not declined; or, when a
  feed publishes no other attendees, one whose title names exactly one of the manager's
  reps and reads as a 1:1 ("1:1 Alex / Morgan", "Alex <> Morgan", "Morgan sync" does not).
  All-day events are never 1:1s (they are holidays and reminders).
- **Cancelled** (``STATUS:CANCELLED``, or Outlook's "Canceled:" title prefix) never counts.
- **The manager's word wins** for a whole series (``SeriesChoice``, keyed by a hash of the
  UID so the UID itself is never stored): confirmed for a rep, or "not a 1:1".
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

NOT_A_ONE_ON_ONE = 0  # a SeriesChoice's pairing id for "this series is not a 1:1"

_CANCELLED_PREFIX = re.compile(r"^\s*(?:canceled|cancelled|annulé|abgesagt)\s*:\s*", re.I)
# What makes a title read as a meeting of two: "1:1", "1-1", "1on1", "one on one", "<>",
# "/", "&", " x ", "+", "|", "and".
_ONE_ON_ONE_MARK = re.compile(
    r"(?:\b1\s*[:\-]\s*1\b|\b1\s*on\s*1\b|\bone[\s\-]on[\s\-]one\b|<>|/|&|\+|\||\bx\b|\band\b)",
    re.I,
)
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", re.UNICODE)
_UNFOLD = re.compile(rb"\r?\n[ \t]")


class FeedUnreadable(ValueError):
    """The bytes are not an iCalendar feed Coach can read."""


@dataclass(frozen=True)
class Attendee:
    email: str  # lower case; "" when the attendee has no mailto address
    declined: bool = False
    resource: bool = False  # a room or a resource, not a person


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event, its times aware and in UTC."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    title: str
    cancelled: bool = False
    attendees: tuple[Attendee, ...] = ()
    organizer: str = ""
    all_day: bool = False

    @property
    def series(self) -> str:
        return series_key(self.uid)


@dataclass(frozen=True)
class Identity:
    """Who someone is in a calendar: their Slack email and the names people call them by."""

    email: str | None
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class RepIdentity:
    pairing_id: int
    rep_id: str
    identity: Identity


@dataclass(frozen=True)
class Match:
    """An occurrence read as a 1:1 of one pairing; ``by`` is attendees, title or choice."""

    occurrence: Occurrence
    pairing_id: int
    by: str


def series_key(uid: str) -> str:
    """What Coach keeps of a series' UID: a hash, enough to recognise it again."""
    return hashlib.sha256(uid.encode("utf-8")).hexdigest()[:40]


def read_feed(
    data: bytes,
    *,
    start: datetime,
    end: datetime,
    mentions: Iterable[str] | None = None,
) -> list[Occurrence]:
    """Every occurrence that overlaps ``[start, end)``, cancelled ones included (marked).

    ``mentions`` (the reps' emails and names, when given) lets a single event that names
    none of them be skipped unread: it could never be one of their 1:1s.
    """
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise FeedUnreadable("not an iCalendar feed")
    needles = None if mentions is None else [m.lower().encode() for m in mentions if m]
    trimmed = _trim(data, start.date() - timedelta(days=2), end.date(), needles)
    try:
        calendar = icalendar.Calendar.from_ical(trimmed)
        if not isinstance(calendar, icalendar.Calendar):
            raise FeedUnreadable("not one calendar")
        query = recurring_ical_events.of(calendar, skip_bad_series=True)
        events = list(query.between(start, end))
    except (ValueError, recurring_ical_events.InvalidCalendar):
        # Not the parser's message: it quotes the feed, which is the manager's private data.
        raise FeedUnreadable("not a calendar Coach can read") from None
    return [occurrence for event in events if (occurrence := _occurrence(event)) is not None]


def _trim(data: bytes, first: date, last: date, needles: list[bytes] | None) -> bytes:
    """The feed's text without the events that cannot matter, before the costly parse.

    A textual pass over the unfolded lines, one VEVENT block at a time. A series (RRULE or
    RDATE) is always kept. An exception to one (RECURRENCE-ID) is kept when it was, or now
    is, inside the window, since it hides or moves an occurrence there. A single event is
    kept when it starts inside the window and (given ``needles``) names one of them.
    """
    unfolded = _UNFOLD.sub(b"", data)
    lowered = unfolded.lower() if needles else unfolded
    low = first.strftime("%Y%m%d").encode()
    high = (last + timedelta(days=1)).strftime("%Y%m%d").encode()
    parts: list[bytes] = []
    position = 0
    while True:
        begin = unfolded.find(b"BEGIN:VEVENT", position)
        finish = unfolded.find(b"END:VEVENT", begin) if begin >= 0 else -1
        if finish < 0:
            parts.append(unfolded[position:])
            break
        finish += len(b"END:VEVENT")
        parts.append(unfolded[position:begin])
        block = unfolded[begin:finish]
        if _keep(block, low, high) and (
            not needles
            or b"\nRECURRENCE-ID" in block
            or b"\nRRULE" in block
            or b"\nRDATE" in block
            or _names_one_of(lowered[begin:finish], needles)
        ):
            parts.append(block)
        position = finish
    return b"".join(parts)


def _names_one_of(lowered: bytes, needles: list[bytes]) -> bool:
    """Whether a (lower-cased) event names one of the reps: an email anywhere (attendees,
    organizer), a name in its title (the only place a title match looks)."""
    at = lowered.find(b"\nsummary")
    summary = lowered[at : lowered.find(b"\n", at + 1)] if at >= 0 else b""
    return any(needle in (lowered if b"@" in needle else summary) for needle in needles)


def _keep(block: bytes, low: bytes, high: bytes) -> bool:
    if b"\nRRULE" in block or b"\nRDATE" in block or b"THISANDFUTURE" in block:
        return True
    days = [_day_of(block, b"\nDTSTART"), _day_of(block, b"\nRECURRENCE-ID")]
    known = [day for day in days if day is not None]
    return not known or any(low <= day <= high for day in known)


def _day_of(block: bytes, name: bytes) -> bytes | None:
    """The YYYYMMDD of a property's value ("DTSTART;TZID=…:20261103T150000")."""
    at = block.find(name)
    if at < 0:
        return None
    colon = block.find(b":", at)
    value = block[colon + 1 : colon + 9] if colon >= 0 else b""
    return value if len(value) == 8 and value.isdigit() else None


def _occurrence(event: icalendar.cal.Component) -> Occurrence | None:
    start = event.get("DTSTART")
    if start is None:
        return None
    starts = start.dt
    end_prop = event.get("DTEND")
    all_day = not isinstance(starts, datetime)
    if all_day:
        return Occurrence(
            uid=str(event.get("UID", "")),
            starts_at=_aware(starts),
            ends_at=_aware(starts),
            title="",
            all_day=True,
        )
    if end_prop is not None:
        ends = end_prop.dt
    elif event.get("DURATION") is not None:
        ends = starts + event.get("DURATION").dt
    else:
        ends = starts
    title = str(event.get("SUMMARY", "") or "")
    status = str(event.get("STATUS", "") or "").upper()
    return Occurrence(
        uid=str(event.get("UID", "") or ""),
        starts_at=_aware(starts),
        ends_at=_aware(ends) if isinstance(ends, datetime) else _aware(starts),
        title=title,
        cancelled=status == "CANCELLED" or _CANCELLED_PREFIX.match(title) is not None,
        attendees=tuple(_attendees(event)),
        organizer=_email(event.get("ORGANIZER")),
        all_day=False,
    )


def _aware(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if value.tzinfo is None:  # a "floating" time: read as UTC, the only honest guess
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _attendees(event: icalendar.cal.Component) -> Iterable[Attendee]:
    found = event.get("ATTENDEE")
    if found is None:
        return
    for attendee in found if isinstance(found, list) else [found]:
        params = getattr(attendee, "params", {})
        cutype = str(params.get("CUTYPE", "INDIVIDUAL")).upper()
        yield Attendee(
            email=_email(attendee),
            declined=str(params.get("PARTSTAT", "")).upper() == "DECLINED",
            resource=cutype in {"ROOM", "RESOURCE"},
        )


def _email(value: object) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.strip().lower() if "@" in text else ""


def match_one_on_ones(
    occurrences: Iterable[Occurrence],
    *,
    manager: Identity,
    reps: Sequence[RepIdentity],
    choices: Mapping[str, int] | None = None,
) -> list[Match]:
    """The occurrences that are 1:1s with one of ``reps``, each with its pairing."""
    choices = choices or {}
    by_pairing = {rep.pairing_id: rep for rep in reps}
    matches: list[Match] = []
    for occurrence in occurrences:
        if occurrence.cancelled or occurrence.all_day:
            continue
        chosen = choices.get(occurrence.series)
        if chosen is not None:
            rep = by_pairing.get(chosen)
            if rep is not None and not _declined_by(occurrence, rep.identity):
                matches.append(Match(occurrence, rep.pairing_id, "choice"))
            continue
        found = _match(occurrence, manager, reps)
        if found is not None:
            matches.append(found)
    return matches


def _match(occurrence: Occurrence, manager: Identity, reps: Sequence[RepIdentity]) -> Match | None:
    own = (manager.email or "").lower()
    people = {
        a.email for a in occurrence.attendees if not a.resource and a.email and a.email != own
    }
    if occurrence.organizer and occurrence.organizer != own:
        people.add(occurrence.organizer)
    if people:
        if len(people) != 1:
            return None
        (other,) = people
        for rep in reps:
            if rep.identity.email and rep.identity.email.lower() == other:
                if _declined_by(occurrence, rep.identity):
                    return None
                return Match(occurrence, rep.pairing_id, "attendees")
        return None
    return _match_title(occurrence, manager, reps)


def _match_title(
    occurrence: Occurrence, manager: Identity, reps: Sequence[RepIdentity]
) -> Match | None:
    title = _CANCELLED_PREFIX.sub("", occurrence.title)
    words = {word.lower() for word in _WORD.findall(title)}
    named = [rep for rep in reps if _names_in(rep.identity, words)]
    if len(named) != 1:
        return None
    reads_as_pair = _ONE_ON_ONE_MARK.search(title) is not None or _names_in(manager, words)
    return Match(occurrence, named[0].pairing_id, "title") if reads_as_pair else None


def _names_in(identity: Identity, words: set[str]) -> bool:
    return any(name.lower() in words for name in identity.names if name)


def _declined_by(occurrence: Occurrence, identity: Identity) -> bool:
    email = (identity.email or "").lower()
    return bool(email) and any(a.email == email and a.declined for a in occurrence.attendees)


def names_of(*candidates: str | None) -> tuple[str, ...]:
    """The names a title may call someone by: each given name, and its first word."""
    names: list[str] = []
    for candidate in candidates:
        if not candidate:
            continue
        for word in _WORD.findall(candidate)[:1]:
            if len(word) >= 2 and word.lower() not in names:
                names.append(word.lower())
    return tuple(names)


@dataclass(frozen=True)
class Slot:
    """A weekly time: "Thu 3 pm"."""

    weekday: int  # Monday 0
    hour: int
    minute: int


def usual_slot(starts: Iterable[datetime], zone: ZoneInfo) -> Slot | None:
    """The weekday and time most of these 1:1s started at, in the manager's zone."""
    counted = Counter(
        Slot(local.weekday(), local.hour, local.minute)
        for local in (start.astimezone(zone) for start in starts)
    )
    if not counted:
        return None
    return max(counted.items(), key=lambda item: (item[1], -item[0].weekday))[0]


def held_days(matches: Iterable[Match], *, now: datetime, zone: ZoneInfo) -> dict[int, set[date]]:
    """The days (in the manager's zone) each pairing's matched 1:1s ended by ``now``."""
    days: dict[int, set[date]] = {}
    for match in matches:
        if match.occurrence.ends_at <= now:
            days.setdefault(match.pairing_id, set()).add(
                match.occurrence.starts_at.astimezone(zone).date()
            )
    return days


def booked_within_cadence(next_start: date | None, today: date, cadence_days: int) -> bool:
    """Whether a 1:1 is booked soon enough that a nudge would only nag: within one cadence
    from today."""
    return next_start is not None and today <= next_start <= today + timedelta(days=cadence_days)


def format_slot(moment: datetime | Slot) -> str:
    """ "Thu 3 pm", "Tue 9:30 am": a weekday and a time, as people say them."""
    if isinstance(moment, Slot):
        weekday, hour, minute = moment.weekday, moment.hour, moment.minute
    else:
        weekday, hour, minute = moment.weekday(), moment.hour, moment.minute
    day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[weekday]
    suffix = "am" if hour < 12 else "pm"
    twelve = hour % 12 or 12
    clock = f"{twelve}" if minute == 0 else f"{twelve}:{minute:02d}"
    return f"{day} {clock} {suffix}"


@dataclass(frozen=True)
class CalendarOutlook:
    """What a pairing's matched 1:1s say now: the next one booked, and the usual slot."""

    next_start: datetime | None = None  # aware
    usual: Slot | None = None


def outlook_of(
    spans: Iterable[tuple[datetime, datetime]], *, now: datetime, zone: ZoneInfo
) -> CalendarOutlook:
    """From ``(starts_at, ends_at)`` pairs: the first one not yet started, and the slot most
    of them took (past and booked alike: both say when this 1:1 usually is)."""
    ordered = sorted(spans)
    upcoming = next((start for start, _ in ordered if start > now), None)
    return CalendarOutlook(upcoming, usual_slot((start for start, _ in ordered), zone))


def describe_next(start: datetime, *, now: datetime, zone: ZoneInfo) -> str:
    """ "Thu 3 pm" within the coming week, "Thu 3 Dec, 3 pm" further out (in ``zone``)."""
    local = start.astimezone(zone)
    words = format_slot(local)
    if (local.date() - now.astimezone(zone).date()).days < 7:
        return words
    day, clock = words.split(" ", 1)
    return f"{day} {local.day} {local:%b}, {clock}"
