"""1:1s from a manager's calendar: connecting a feed, reading it, and what it counts for.

A read fetches the feed (``bot.calendar_fetch``: conditional, bounded, public addresses
only), matches its occurrences in a window to the manager's reps (``bot.domain.calendar``),
stores the matches (times and pairing only) and makes the calendar's held 1:1s exactly
those that ended (``storage.calendars.project_held``): a manual log wins for its day and a
"that didn't happen" is never counted again. A 304 still re-projects, so a 1:1 that ended
since the last read counts.

Reads happen hourly (the ``calendars`` sweep) and when the manager runs ``/coach plan``. A
feed that fails is told to its manager once (until it works again), never the address.

Decisions: the window is 8 weeks back (what a first connect counts as held) and 13 weeks
ahead (enough for the next booked 1:1 at any common cadence); a feed is stored only once it
was fetched and read as a calendar, so a mistyped or refused address leaves nothing behind;
disconnecting keeps the 1:1s already counted as held (they did happen).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

import prompts
from bot.blocks.calendar import build_series_question
from bot.blocks.escape import escape_mrkdwn
from bot.blocks.replies import Outcome, done, refused
from bot.calendar_fetch import (
    FeedFailed,
    FeedRefused,
    Fetched,
    check_address,
    fetch_feed,
    hint_of,
)
from bot.domain.cadence import format_day, zone_for
from bot.domain.calendar import (
    CalendarOutlook,
    FeedUnreadable,
    Identity,
    Match,
    RepIdentity,
    describe_next,
    format_slot,
    match_one_on_ones,
    names_of,
    outlook_of,
    read_feed,
)
from bot.flows.people import Person, look_up_people
from bot.services import Services
from storage.calendars import (
    MatchedEvent,
    answer_series,
    ask_series,
    calendar_one_on_one,
    claim_failure_notice,
    delete_feed,
    dismiss_day,
    events_for,
    events_of_manager,
    feeds_of_team,
    get_feed,
    latest_calendar_held,
    project_held,
    record_failure,
    record_read,
    replace_events,
    save_feed,
    series_choices,
)
from storage.db import session_scope
from storage.encryption import EncryptionKeyMissing, SecretUnreadable, require_cipher
from storage.pairings import managed_pairing, pairing_rows
from storage.workspaces import list_team_ids

logger = logging.getLogger(__name__)

WINDOW_BACK = timedelta(weeks=8)
WINDOW_AHEAD = timedelta(weeks=13)
# The sweep reads a feed again once its last read is this old (it runs hourly).
READ_EVERY = timedelta(minutes=50)


@dataclass
class ReadResult:
    """What one read did: how many 1:1s it matched and counted, or why it failed."""

    matched: int = 0
    added: int = 0
    removed: int = 0
    failure: str | None = None
    new_series: list[tuple[Match, str]] = field(default_factory=list)  # (match, rep id)


# --- connecting -----------------------------------------------------------------------


def can_store_secrets(services: Services) -> bool:
    return services.settings.cipher is not None


def check_typed_address(services: Services, typed: str) -> str | None:
    """The problem code with an address typed in the form (syntax only), or None."""
    try:
        check_address(typed, allow_loopback=_loopback(services))
    except FeedRefused as problem:
        return problem.code
    return None


def connect_calendar(services: Services, *, team_id: str, manager_id: str, typed: str) -> Outcome:
    """Fetch and read the feed first; only an address that gave a calendar is stored
    (encrypted), and what it found is said back with the host alone."""
    try:
        cipher = require_cipher(services.settings.cipher)
    except EncryptionKeyMissing:
        return refused("calendar", "no_key")
    allow = _loopback(services)
    try:
        url = check_address(typed, allow_loopback=allow)
        fetched = fetch_feed(url, allow_loopback=allow)
        read_feed(fetched.body, start=services.clock.now(), end=services.clock.now())
    except (FeedRefused, FeedFailed) as problem:
        return _connect_failed(problem.code, typed)
    except FeedUnreadable:
        return _connect_failed("not_a_calendar", typed)
    now = services.clock.now()
    with session_scope(services.engine) as session:
        save_feed(
            session=session,
            team_id=team_id,
            manager_id=manager_id,
            url_ciphertext=cipher.encrypt(url),
            url_hint=hint_of(url),
            now=now,
        )
    result = read_calendar(services, team_id=team_id, manager_id=manager_id, tell_failure=False)
    if result is not None and result.failure:
        return _connect_failed(result.failure, url)
    found = _found_words(services, team_id, manager_id)
    return done("calendar", "connected", host=escape_mrkdwn(hint_of(url)), found=found)


def _connect_failed(code: str, address: str) -> Outcome:
    """Why an address was not connected; nothing of it is kept, and only its host shown."""
    host = escape_mrkdwn(hint_of(address))
    reason = prompts.text("calendar", f"problems.{code}", host=host)
    return refused("calendar", "connect_failed", reason=reason)


def disconnect_calendar(services: Services, *, team_id: str, manager_id: str) -> Outcome:
    with session_scope(services.engine) as session:
        feed = get_feed(session=session, team_id=team_id, manager_id=manager_id)
        host = feed.url_hint if feed is not None else ""
        removed = delete_feed(session=session, team_id=team_id, manager_id=manager_id)
    if not removed:
        return done("calendar", "not_connected")
    return done("calendar", "disconnected", host=escape_mrkdwn(host))


def connected_hint(services: Services, *, team_id: str, manager_id: str) -> str | None:
    """The host of the connected feed ("calendar.google.com…"), or None."""
    with session_scope(services.engine) as session:
        feed = get_feed(session=session, team_id=team_id, manager_id=manager_id)
        return feed.url_hint if feed is not None else None


def _found_words(services: Services, team_id: str, manager_id: str) -> str:
    now = services.clock.now()
    people = look_up_people(services, team_id, [manager_id])
    zone = zone_for(people[manager_id].timezone if manager_id in people else None)
    with session_scope(services.engine) as session:
        rows = pairing_rows(session=session, team_id=team_id, manager_id=manager_id)
        looks = outlooks_for(session, team_id, [r.pairing.id for r in rows], now=now, zone=zone)
    lines = []
    for row in rows:
        look = looks.get(row.pairing.id)
        if look is not None and look.next_start is not None:
            when = describe_next(look.next_start, now=now, zone=zone)
            lines.append(prompts.text("calendar", "found_line", rep=row.pairing.rep_id, when=when))
    if not lines:
        return prompts.text("calendar", "found_none")
    return prompts.text("calendar", "found", lines="\n".join(lines))


# --- reading ------------------------------------------------------------------------------


def read_calendar(
    services: Services, *, team_id: str, manager_id: str, tell_failure: bool = True
) -> ReadResult | None:
    """Read the manager's feed now (None when they have none) and count what it says."""
    now = services.clock.now()
    with session_scope(services.engine) as session:
        feed = get_feed(session=session, team_id=team_id, manager_id=manager_id)
        if feed is None:
            return None
        ciphertext, etag, modified, matched_for = (
            feed.url_ciphertext,
            feed.etag,
            feed.last_modified,
            feed.matched_for,
        )
        rows = pairing_rows(session=session, team_id=team_id, manager_id=manager_id)
        choices = series_choices(session=session, team_id=team_id, manager_id=manager_id)
    people = look_up_people(
        services, team_id, [manager_id, *(r.pairing.rep_id for r in rows)], in_sweep=True
    )
    unknown = [uid for uid in (manager_id, *(r.pairing.rep_id for r in rows)) if uid not in people]
    if unknown:
        # Slack could not say who someone is just now: matching without their email would
        # drop their 1:1s, so this read waits for the next one.
        logger.info(
            "calendar read of %s in %s waits: %d people unknown", manager_id, team_id, len(unknown)
        )
        return ReadResult()
    manager = people.get(manager_id)
    zone = zone_for(manager.timezone if manager else None)
    reps = [
        RepIdentity(row.pairing.id, row.pairing.rep_id, _identity(people.get(row.pairing.rep_id)))
        for row in rows
    ]
    fingerprint = _fingerprint(_identity(manager), reps, choices)
    fresh = fingerprint != matched_for
    result = ReadResult()
    fetched: Fetched | None = None
    matches: list[Match] | None = None
    try:
        url = require_cipher(services.settings.cipher).decrypt(ciphertext)
        fetched = fetch_feed(
            url,
            etag=None if fresh else etag,
            last_modified=None if fresh else modified,
            allow_loopback=_loopback(services),
        )
        if not fetched.not_modified:
            occurrences = read_feed(
                fetched.body,
                start=now - WINDOW_BACK,
                end=now + WINDOW_AHEAD,
                mentions=_mentions(reps),
            )
            matches = match_one_on_ones(
                occurrences, manager=_identity(manager), reps=reps, choices=choices
            )
    except (FeedRefused, FeedFailed) as problem:
        result.failure = problem.code
    except FeedUnreadable:
        result.failure = "not_a_calendar"
    except (EncryptionKeyMissing, SecretUnreadable):
        result.failure = "no_key"
    if result.failure is not None:
        _failed(services, team_id, manager_id, result.failure, tell=tell_failure)
        return result
    if fetched is None:  # no failure means the fetch answered; this tells the type checker
        return result
    rep_of = {rep.pairing_id: rep.rep_id for rep in reps}
    with session_scope(services.engine) as session:
        feed = get_feed(session=session, team_id=team_id, manager_id=manager_id)
        if feed is None:
            return None  # disconnected while it was being read
        if matches is not None:
            replace_events(
                session=session,
                team_id=team_id,
                manager_id=manager_id,
                events=[_stored(match) for match in matches],
            )
            result.new_series = _series_to_ask(session, team_id, manager_id, matches, rep_of, now)
        record_read(
            session=session,
            feed=feed,
            now=now,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            matched_for=fingerprint,
        )
        session.flush()
        stored = events_of_manager(session=session, team_id=team_id, manager_id=manager_id)
        result.matched = len(stored)
        projection = project_held(
            session=session,
            team_id=team_id,
            manager_id=manager_id,
            wanted=_held(stored, now, zone),
            since=(now - WINDOW_BACK).astimezone(zone).date(),
            now=now,
        )
        result.added, result.removed = projection.added, projection.removed
    labels = {rep.pairing_id: _label(people.get(rep.rep_id), rep.rep_id) for rep in reps}
    for match, rep_id in result.new_series:
        others = [(pid, label) for pid, label in labels.items() if pid != match.pairing_id]
        _ask_about_series(services, team_id, manager_id, match, rep_id, zone, others)
    return result


def _held(events: list[MatchedEvent], now: datetime, zone: ZoneInfo) -> dict[int, set[date]]:
    days: dict[int, set[date]] = {}
    for event in events:
        if event.ends_at <= now:
            days.setdefault(event.pairing_id, set()).add(event.starts_at.astimezone(zone).date())
    return days


def _stored(match: Match) -> MatchedEvent:
    o = match.occurrence
    return MatchedEvent(match.pairing_id, o.series, match.by, o.starts_at, o.ends_at)


def _series_to_ask(
    session: Session,
    team_id: str,
    manager_id: str,
    matches: list[Match],
    rep_of: dict[int, str],
    now: datetime,
) -> list[tuple[Match, str]]:
    """Series matched by their title alone that the manager was never asked about: each is
    asked once (claimed here, so two processes cannot both ask)."""
    first: dict[str, Match] = {}
    for match in matches:
        if match.by == "title" and match.occurrence.series not in first:
            first[match.occurrence.series] = match
    return [
        (match, rep_of[match.pairing_id])
        for series, match in first.items()
        if ask_series(
            session=session, team_id=team_id, manager_id=manager_id, series=series, now=now
        )
    ]


def _label(person: Person | None, user_id: str) -> str:
    """A rep as a menu option names them (plain text: no mentions there)."""
    if person is None:
        return user_id
    return person.real_name or person.display_name or user_id


def _ask_about_series(
    services: Services,
    team_id: str,
    manager_id: str,
    match: Match,
    rep_id: str,
    zone: ZoneInfo,
    others: list[tuple[int, str]],
) -> None:
    text, blocks = build_series_question(
        others=others,
        series=match.occurrence.series,
        pairing_id=match.pairing_id,
        rep_id=rep_id,
        title=escape_mrkdwn(match.occurrence.title[:120]),
        slot=format_slot(match.occurrence.starts_at.astimezone(zone)),
    )
    services.slack_for(team_id).chat_postMessage(channel=manager_id, text=text, blocks=blocks)


def _failed(services: Services, team_id: str, manager_id: str, failure: str, *, tell: bool) -> None:
    """Keep why it failed; tell the manager once (whichever process wins the claim)."""
    now = services.clock.now()
    logger.info("calendar feed of %s in %s could not be read (%s)", manager_id, team_id, failure)
    with session_scope(services.engine) as session:
        feed = get_feed(session=session, team_id=team_id, manager_id=manager_id)
        if feed is None:
            return
        host = feed.url_hint
        record_failure(session=session, feed=feed, failure=failure, now=now)
        session.flush()
        first = tell and claim_failure_notice(
            session=session, team_id=team_id, manager_id=manager_id, now=now
        )
    if first:
        reason = prompts.text("calendar", f"problems.{failure}", host=escape_mrkdwn(host))
        text = prompts.text("calendar", "failing", host=escape_mrkdwn(host), reason=reason)
        services.slack_for(team_id).chat_postMessage(channel=manager_id, text=text)


def _identity(person: Person | None) -> Identity:
    if person is None:
        return Identity(None)
    return Identity(person.email, names_of(person.display_name, person.real_name))


def _mentions(reps: list[RepIdentity]) -> list[str]:
    """What a single event must name to possibly be a 1:1 with one of these reps."""
    found: list[str] = []
    for rep in reps:
        found.extend(name for name in (rep.identity.email, *rep.identity.names) if name)
    return found


def _fingerprint(manager: Identity, reps: list[RepIdentity], choices: dict[str, int]) -> str:
    """What the stored matches depend on: when any of it changes, read the feed whole."""
    parts = [repr(manager), *sorted(repr(rep) for rep in reps), repr(sorted(choices.items()))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:64]


def _loopback(services: Services) -> bool:
    return services.settings.coach_calendar_allow_loopback_for_tests


def run_calendar_sweep(services: Services) -> str:
    """Read every feed not read in the last hour; one line: how many, how many failed."""
    now = services.clock.now()
    read = failed = 0
    with session_scope(services.engine) as session:
        team_ids = list_team_ids(session=session)
    for team_id in team_ids:
        with session_scope(services.engine) as session:
            managers = feeds_of_team(session=session, team_id=team_id, read_before=now - READ_EVERY)
        for manager_id in managers:
            result = read_calendar(services, team_id=team_id, manager_id=manager_id)
            read += 1
            failed += 1 if result is not None and result.failure else 0
    return f"{read} calendars read, {failed} failed"


# --- what the calendar says, for the plan, the Home and the nudges ------------------------


def outlooks_for(
    session: Session, team_id: str, pairing_ids: list[int], *, now: datetime, zone: ZoneInfo
) -> dict[int, CalendarOutlook]:
    """Each pairing's next booked 1:1 and usual slot, from the stored matches (no fetch)."""
    events = events_for(session=session, team_id=team_id, pairing_ids=pairing_ids)
    return {
        pairing_id: outlook_of(((e.starts_at, e.ends_at) for e in found), now=now, zone=zone)
        for pairing_id, found in events.items()
        if found
    }


def calendar_held_ids(session: Session, team_id: str, pairing_ids: list[int]) -> dict[int, int]:
    """Pairing → the id of its latest 1:1 when that one came from the calendar."""
    held = latest_calendar_held(session=session, team_id=team_id, pairing_ids=pairing_ids)
    return {pairing_id: row.id or 0 for pairing_id, row in held.items()}


# --- the manager's corrections ----------------------------------------------------------------


def undo_calendar_one_on_one(
    services: Services, *, team_id: str, manager_id: str, one_on_one_id: int
) -> Outcome:
    """ "That didn't happen": the calendar's 1:1 goes and its day is never counted again."""
    now = services.clock.now()
    with session_scope(services.engine) as session:
        held = calendar_one_on_one(session=session, team_id=team_id, one_on_one_id=one_on_one_id)
        pairing = (
            managed_pairing(
                session=session, team_id=team_id, manager_id=manager_id, pairing_id=held.pairing_id
            )
            if held is not None
            else None
        )
        if held is None or pairing is None:
            return refused("calendar", "undo_gone")
        day = held.held_on
        dismiss_day(session=session, team_id=team_id, pairing_id=pairing.id or 0, day=day, now=now)
        session.delete(held)
        rep_id = pairing.rep_id
    return done("calendar", "undone", rep=rep_id, date=format_day(day))


def answer_series_question(
    services: Services, *, team_id: str, manager_id: str, series: str, pairing_id: int | None
) -> Outcome:
    """The manager's word on a series, kept for every occurrence; the feed is read again at
    once so the plan and the cadence follow it."""
    now = services.clock.now()
    with session_scope(services.engine) as session:
        rep_id = ""
        if pairing_id is not None:
            pairing = managed_pairing(
                session=session, team_id=team_id, manager_id=manager_id, pairing_id=pairing_id
            )
            if pairing is None:
                return refused("calendar", "series_not_yours")
            rep_id = pairing.rep_id
        answer_series(
            session=session,
            team_id=team_id,
            manager_id=manager_id,
            series=series,
            pairing_id=pairing_id,
            now=now,
        )
    read_calendar(services, team_id=team_id, manager_id=manager_id)
    if pairing_id is None:
        return done("calendar", "series_not_one_on_one")
    return done("calendar", "series_confirmed", rep=rep_id)
