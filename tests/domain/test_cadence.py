"""Cadence date math: examples for the cases people ask about, properties for the rest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.domain.cadence import (
    MAX_CADENCE_DAYS,
    CadenceError,
    CadenceState,
    DateError,
    PairingFacts,
    PauseSpan,
    Status,
    cadence_state,
    describe_cadence,
    iso_week_key,
    local_today,
    may_need_nudge,
    parse_cadence,
    parse_iso_date,
    should_nudge,
    summarise_cadence,
    week_start,
)

DAY = timedelta(days=1)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
cadences = st.integers(min_value=1, max_value=MAX_CADENCE_DAYS)
short_cadences = st.integers(min_value=1, max_value=60)


def weekly(started_on: date, last_held_on: date | None = None, **kw: date | None) -> PairingFacts:
    return PairingFacts(cadence_days=7, started_on=started_on, last_held_on=last_held_on, **kw)


@st.composite
def pairings(draw: st.DrawFn, cadence: st.SearchStrategy[int] = cadences) -> PairingFacts:
    started_on = draw(dates)
    held = draw(st.none() | st.integers(0, 400).map(lambda n: started_on + n * DAY))
    paused = draw(st.none() | st.integers(-30, 400).map(lambda n: started_on + n * DAY))
    return PairingFacts(draw(cadence), started_on, held, paused_until=paused)


# parse_cadence / describe_cadence


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("weekly", 7),
        ("  WEEKLY ", 7),
        ("biweekly", 14),
        ("Bi-Weekly", 14),
        ("fortnightly", 14),
        ("monthly", 30),
        ("every 3 days", 3),
        ("every  2   Weeks", 14),
        ("every 1 week", 7),
        ("every day", 1),
        ("daily", 1),
        ("every 90 weeks", 630),
        ("every 90 days", 90),
    ],
)
def test_parse_cadence_accepts_the_grammar(text: str, days: int) -> None:
    assert parse_cadence(text) == days


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("hourly", "unknown"),
        ("every -3 days", "unknown"),
        ("every 2 months", "unknown"),
        ("every two weeks", "unknown"),
        ("every 0 days", "out_of_range"),
        ("every 91 weeks", "out_of_range"),
        ("every 99999999999999999999 days", "out_of_range"),
    ],
)
def test_parse_cadence_rejects_with_a_hint(text: str, hint: str) -> None:
    with pytest.raises(CadenceError) as caught:
        parse_cadence(text)
    assert caught.value.hint == hint
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (1, "every day"),
        (7, "weekly"),
        (14, "biweekly"),
        (30, "monthly"),
        (10, "every 10 days"),
        (21, "every 3 weeks"),
    ],
)
def test_describe_cadence(days: int, words: str) -> None:
    assert describe_cadence(days) == words


@given(st.integers(1, 90), st.sampled_from(["day", "days", "week", "weeks"]))
def test_parse_and_describe_round_trip(count: int, unit: str) -> None:
    days = parse_cadence(f"every {count} {unit}")
    assert parse_cadence(describe_cadence(days)) == days


def test_describe_cadence_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        describe_cadence(0)


# parse_iso_date


def test_parse_iso_date_accepts_only_iso() -> None:
    assert parse_iso_date(" 2028-02-29 ") == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("2026/02/01", "format"),
        ("2026-2-1", "format"),
        ("tomorrow", "format"),
        ("", "format"),
        ("2026-02-30", "impossible"),
        ("2027-02-29", "impossible"),
        ("2026-13-01", "impossible"),
        ("0000-01-01", "impossible"),
    ],
)
def test_parse_iso_date_rejects_with_a_hint(text: str, hint: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_iso_date(text)
    assert caught.value.hint == hint


@given(st.dates())
def test_parse_iso_date_round_trips(d: date) -> None:
    assert parse_iso_date(d.isoformat()) == d


# cadence_state: examples


def test_weekly_pairing_walks_through_every_status() -> None:
    facts = weekly(date(2026, 3, 2))
    assert cadence_state(facts, date(2026, 3, 8)).status is Status.ON_CADENCE
    assert cadence_state(facts, date(2026, 3, 9)).status is Status.DUE_TODAY
    day_after = cadence_state(facts, date(2026, 3, 10))
    assert (day_after.status, day_after.days_overdue, day_after.period) == (Status.OVERDUE, 1, 1)
    late = cadence_state(facts, date(2026, 3, 12))
    assert (late.status, late.days_overdue, late.period) == (Status.OVERDUE, 3, 1)
    assert late.period_key == "2026-03-02/1"
    assert cadence_state(facts, date(2026, 3, 17)).period == 2


def test_month_end_plus_thirty_days() -> None:
    monthly = PairingFacts(cadence_days=30, started_on=date(2026, 1, 31), last_held_on=None)
    assert cadence_state(monthly, date(2026, 1, 31)).next_due == date(2026, 3, 2)
    leap = PairingFacts(cadence_days=30, started_on=date(2028, 1, 31), last_held_on=None)
    assert cadence_state(leap, date(2028, 1, 31)).next_due == date(2028, 3, 1)


def test_leap_day_anchor() -> None:
    facts = weekly(date(2028, 1, 1), last_held_on=date(2028, 2, 29))
    state = cadence_state(facts, date(2028, 3, 7))
    assert (state.anchor, state.next_due, state.status) == (
        date(2028, 2, 29),
        date(2028, 3, 7),
        Status.DUE_TODAY,
    )
    monthly = PairingFacts(cadence_days=30, started_on=date(2028, 2, 29), last_held_on=None)
    assert cadence_state(monthly, date(2028, 3, 1)).next_due == date(2028, 3, 30)


def test_pause_until_a_date_is_back_on_that_date_and_restarts_the_cadence() -> None:
    facts = weekly(date(2026, 1, 5), paused_until=date(2026, 3, 10))
    assert cadence_state(facts, date(2026, 3, 9)).status is Status.PAUSED
    back = cadence_state(facts, date(2026, 3, 10))
    assert (back.status, back.anchor, back.next_due) == (
        Status.ON_CADENCE,
        date(2026, 3, 10),
        date(2026, 3, 17),
    )


def test_managers_own_pause_pauses_and_restarts_every_rep() -> None:
    facts = weekly(date(2026, 1, 5))
    until = date(2026, 2, 2)
    away = cadence_state(facts, date(2026, 1, 30), manager_paused_until=until)
    assert away.status is Status.PAUSED
    back = cadence_state(facts, date(2026, 2, 2), manager_paused_until=until)
    assert (back.status, back.anchor) == (Status.ON_CADENCE, until)


def test_status_out_of_office_pauses_without_moving_the_anchor() -> None:
    facts = weekly(date(2026, 1, 5))
    for flags in ({"rep_is_out": True}, {"manager_is_out": True}):
        state = cadence_state(facts, date(2026, 2, 1), **flags)
        assert (state.status, state.days_overdue, state.period) == (Status.PAUSED, 0, 0)
        assert state.anchor == date(2026, 1, 5)


def test_a_future_one_on_one_does_not_crash() -> None:
    facts = weekly(date(2026, 1, 5), last_held_on=date(2026, 6, 1))
    state = cadence_state(facts, date(2026, 2, 1))
    assert (state.status, state.days_overdue) == (Status.ON_CADENCE, 0)


def test_pairing_facts_refuse_impossible_cadences() -> None:
    for days in (0, -7, MAX_CADENCE_DAYS + 1):
        with pytest.raises(ValueError):
            PairingFacts(cadence_days=days, started_on=date(2026, 1, 1), last_held_on=None)


def test_snoozed_pairing_is_still_behind_but_not_nudged() -> None:
    today = date(2026, 3, 20)
    state = cadence_state(weekly(date(2026, 3, 2)), today)
    assert state.behind
    assert should_nudge(state, today, None)
    assert not should_nudge(state, today, today + 7 * DAY)
    assert should_nudge(state, today + 7 * DAY, today + 7 * DAY)


def test_paused_or_on_cadence_pairings_are_not_nudged() -> None:
    facts = weekly(date(2026, 3, 2), paused_until=date(2026, 4, 1))
    assert not should_nudge(cadence_state(facts, date(2026, 3, 20)), date(2026, 3, 20))
    due_today = date(2026, 3, 9)
    assert not should_nudge(cadence_state(weekly(date(2026, 3, 2)), due_today), due_today)


# cadence_state: properties


@given(pairings(), dates)
def test_next_due_is_anchor_plus_cadence(facts: PairingFacts, today: date) -> None:
    state = cadence_state(facts, today)
    assert state.next_due == state.anchor + facts.cadence_days * DAY
    assert state.anchor >= facts.started_on
    if facts.last_held_on:
        assert state.anchor >= facts.last_held_on


@given(pairings(), dates)
def test_status_and_days_overdue_agree(facts: PairingFacts, today: date) -> None:
    state = cadence_state(facts, today)
    if facts.paused_until and facts.paused_until > today:
        assert state.status is Status.PAUSED
        assert (state.days_overdue, state.period) == (0, 0)
        return
    late = (today - state.next_due).days
    assert state.days_overdue == max(0, late)
    expected = Status.OVERDUE if late > 0 else Status.DUE_TODAY if late == 0 else Status.ON_CADENCE
    assert state.status is expected
    assert (state.period > 0) == (state.status is Status.OVERDUE)
    assert state.period_key == f"{state.anchor.isoformat()}/{state.period}"


@given(pairings(), dates, st.none() | dates, st.none() | dates)
def test_the_sweeps_first_pass_agrees_with_the_full_state(
    facts: PairingFacts, today: date, snoozed_until: date | None, manager_paused: date | None
) -> None:
    facts = PairingFacts(
        facts.cadence_days,
        facts.started_on,
        facts.last_held_on,
        paused_until=facts.paused_until,
        snoozed_until=snoozed_until,
    )
    state = cadence_state(facts, today, manager_paused_until=manager_paused)
    assert may_need_nudge(facts, today, manager_paused_until=manager_paused) == should_nudge(
        state, today, snoozed_until
    )


@given(pairings(short_cadences))
def test_period_steps_up_by_one_every_cadence_once_overdue(facts: PairingFacts) -> None:
    first = cadence_state(facts, facts.started_on)
    due = first.next_due
    previous = 0
    for offset in range(1, 4 * facts.cadence_days + 1):
        state = cadence_state(facts, due + offset * DAY)
        assert (state.status, state.days_overdue) == (Status.OVERDUE, offset)
        assert state.period >= previous
        assert state.period == (offset - 1) // facts.cadence_days + 1
        if state.period != previous:
            assert (offset - 1) % facts.cadence_days == 0
        previous = state.period


@given(pairings(short_cadences), st.integers(0, 400))
def test_period_never_decreases_day_by_day(facts: PairingFacts, span: int) -> None:
    periods = [cadence_state(facts, facts.started_on + n * DAY).period for n in range(span)]
    assert periods == sorted(periods)


@given(pairings(), st.integers(1, 800))
def test_logging_a_one_on_one_gives_a_new_period_key(facts: PairingFacts, days_later: int) -> None:
    before_day = cadence_state(facts, facts.started_on).next_due + days_later * DAY
    before = cadence_state(facts, before_day)
    assume(before.status is Status.OVERDUE)
    logged = PairingFacts(facts.cadence_days, facts.started_on, before_day, facts.paused_until)
    for later in (0, facts.cadence_days + 1, 3 * facts.cadence_days):
        after = cadence_state(logged, before_day + later * DAY)
        assert after.period_key != before.period_key
        assert after.anchor == before_day


@given(pairings(), st.integers(0, 800))
def test_anchor_never_before_a_finished_pause(facts: PairingFacts, days_after: int) -> None:
    ended = facts.paused_until or facts.started_on
    state = cadence_state(facts, ended + days_after * DAY)
    assert state.anchor >= ended
    assert state.status is not Status.PAUSED


@given(pairings(), st.integers(-60, 400), st.integers(0, 800))
def test_manager_resume_restarts_the_cadence_from_that_day(
    facts: PairingFacts, back_offset: int, days_after: int
) -> None:
    back = facts.started_on + back_offset * DAY
    today = max(back, facts.paused_until or back) + days_after * DAY
    state = cadence_state(facts, today, manager_paused_until=back)
    assert state.anchor >= back
    assert state.status is not Status.PAUSED
    assert state.days_overdue <= max(0, (today - back).days - facts.cadence_days)


# local_today


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "instant", "expected"),
    [
        # New York springs forward 2026-03-08 at 02:00 and falls back 2026-11-01 at 02:00.
        ("America/New_York", "2026-03-08T04:59", date(2026, 3, 7)),
        ("America/New_York", "2026-03-08T05:00", date(2026, 3, 8)),
        ("America/New_York", "2026-03-09T03:59", date(2026, 3, 8)),
        ("America/New_York", "2026-03-09T04:00", date(2026, 3, 9)),
        ("America/New_York", "2026-11-01T03:59", date(2026, 10, 31)),
        ("America/New_York", "2026-11-01T04:00", date(2026, 11, 1)),
        ("America/New_York", "2026-11-02T04:59", date(2026, 11, 1)),
        ("America/New_York", "2026-11-02T05:00", date(2026, 11, 2)),
        # London: BST starts 2026-03-29, ends 2026-10-25.
        ("Europe/London", "2026-03-29T22:59", date(2026, 3, 29)),
        ("Europe/London", "2026-03-29T23:00", date(2026, 3, 30)),
        ("Europe/London", "2026-10-24T23:00", date(2026, 10, 25)),
        ("Europe/London", "2026-10-25T23:59", date(2026, 10, 25)),
        # Lord Howe moves its clocks by 30 minutes (+10:30 / +11:00).
        ("Australia/Lord_Howe", "2026-10-03T13:29", date(2026, 10, 3)),
        ("Australia/Lord_Howe", "2026-10-04T13:15", date(2026, 10, 5)),
        ("Australia/Lord_Howe", "2026-04-04T12:45", date(2026, 4, 4)),
        ("Australia/Lord_Howe", "2026-04-05T13:15", date(2026, 4, 5)),
        # Samoa skipped 2011-12-30 entirely when it crossed the date line.
        ("Pacific/Apia", "2011-12-30T09:59", date(2011, 12, 29)),
        ("Pacific/Apia", "2011-12-30T10:00", date(2011, 12, 31)),
        ("Asia/Kolkata", "2026-01-01T18:29", date(2026, 1, 1)),
        ("Asia/Kolkata", "2026-01-01T18:30", date(2026, 1, 2)),
        ("Pacific/Kiritimati", "2026-01-01T09:59", date(2026, 1, 1)),
        ("Pacific/Kiritimati", "2026-01-01T10:00", date(2026, 1, 2)),
    ],
)
def test_local_today_across_offsets_and_dst(zone: str, instant: str, expected: date) -> None:
    assert local_today(at(instant), zone) == expected


@given(st.integers(0, 48 * 60))
def test_apia_never_sees_the_skipped_day(minutes: int) -> None:
    instant = at("2011-12-29T00:00") + timedelta(minutes=minutes)
    assert local_today(instant, "Pacific/Apia") != date(2011, 12, 30)


instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
real_zones = st.sampled_from(
    [
        "America/New_York",
        "Europe/London",
        "Australia/Lord_Howe",
        "Pacific/Apia",
        "Asia/Kolkata",
        "Pacific/Kiritimati",
        "Pacific/Pago_Pago",
        "America/St_Johns",
    ]
)


@given(instants, real_zones, st.timezones())
def test_local_today_depends_only_on_the_instant(
    now: datetime, zone: str, shown_in: ZoneInfo
) -> None:
    assert local_today(now.astimezone(shown_in), zone) == local_today(now, zone)


@given(instants, real_zones, st.integers(0, 36 * 3600))
def test_local_today_moves_forward_at_most_a_day_or_two(
    now: datetime, zone: str, seconds: int
) -> None:
    earlier = local_today(now, zone)
    later = local_today(now + timedelta(seconds=seconds), zone)
    assert 0 <= (later - earlier).days <= 3
    assert abs((earlier - now.date()).days) <= 1


@pytest.mark.parametrize("zone", [None, "", "Not/AZone", "../etc/passwd", "America"])
def test_local_today_falls_back_to_utc(zone: str | None) -> None:
    assert local_today(at("2026-01-01T23:30"), zone) == date(2026, 1, 1)


def test_local_today_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        local_today(datetime(2026, 1, 1, 12), "UTC")


# weeks


@pytest.mark.parametrize(
    ("day", "key", "monday"),
    [
        (date(2026, 11, 26), "2026-W48", date(2026, 11, 23)),
        (date(2026, 12, 31), "2026-W53", date(2026, 12, 28)),
        (date(2027, 1, 1), "2026-W53", date(2026, 12, 28)),
        (date(2027, 1, 4), "2027-W01", date(2027, 1, 4)),
        (date(2020, 12, 31), "2020-W53", date(2020, 12, 28)),
        (date(2021, 1, 3), "2020-W53", date(2020, 12, 28)),
        (date(2025, 12, 29), "2026-W01", date(2025, 12, 29)),
    ],
)
def test_iso_week_key_around_year_ends(day: date, key: str, monday: date) -> None:
    assert iso_week_key(day) == key
    assert week_start(day) == monday


@given(dates)
def test_a_week_shares_one_key_from_its_monday(day: date) -> None:
    monday = week_start(day)
    assert monday.weekday() == 0 and 0 <= (day - monday).days < 7
    assert iso_week_key(day) == iso_week_key(monday)
    assert iso_week_key(monday - DAY) != iso_week_key(monday)


# digest counts


def state_with(status: Status) -> CadenceState:
    return CadenceState(date(2026, 1, 1), date(2026, 1, 8), 0, status, 0, "2026-01-01/0")


def test_summary_counts_due_today_as_on_cadence_and_paused_apart() -> None:
    statuses = [Status.ON_CADENCE, Status.DUE_TODAY, Status.OVERDUE, Status.OVERDUE, Status.PAUSED]
    summary = summarise_cadence(state_with(s) for s in statuses)
    assert (summary.total, summary.on_cadence, summary.behind, summary.paused) == (5, 2, 2, 1)


# The anchor: the last 1:1 held, even before the pairing started in Coach


def test_a_1_1_logged_from_before_the_start_is_the_anchor() -> None:
    # Added to Coach on 10 November; the last real 1:1 was on 20 October.
    facts = weekly(date(2026, 11, 10), date(2026, 10, 20))
    state = cadence_state(facts, date(2026, 11, 10))
    assert (state.anchor, state.next_due, state.status) == (
        date(2026, 10, 20),
        date(2026, 10, 27),
        Status.OVERDUE,
    )
    assert state.days_overdue == 14


def test_without_a_1_1_the_start_date_anchors_and_a_pause_still_restarts() -> None:
    assert cadence_state(weekly(date(2026, 11, 10)), date(2026, 11, 12)).anchor == date(
        2026, 11, 10
    )
    paused = weekly(date(2026, 11, 10), date(2026, 10, 20), paused_until=date(2026, 11, 20))
    assert cadence_state(paused, date(2026, 11, 23)).anchor == date(2026, 11, 20)


def test_every_pause_covers_only_its_own_days() -> None:
    spans = (PauseSpan(date(2026, 2, 2), date(2026, 2, 16)), PauseSpan(date(2026, 4, 1)))
    facts = PairingFacts(7, date(2026, 1, 5), date(2026, 1, 26), pauses=spans)
    # Before the first pause began, the missed week counts as missed.
    assert cadence_state(facts, date(2026, 2, 1)).status is Status.ON_CADENCE
    assert cadence_state(facts, date(2026, 2, 10)).status is Status.PAUSED
    # Back on the 16th: the cadence restarts from that day.
    back = cadence_state(facts, date(2026, 2, 20))
    assert (back.anchor, back.status) == (date(2026, 2, 16), Status.ON_CADENCE)
    # An absence seen in a status and not yet over pauses until it is seen to end.
    assert cadence_state(facts, date(2026, 5, 1)).status is Status.PAUSED
    assert not may_need_nudge(facts, date(2026, 5, 1))
