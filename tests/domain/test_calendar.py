"""Reading calendar feeds as 1:1s, on real-world-shaped exports (tests/data/calendars/):
Google's (attendees, EXDATE, a cancelled and a moved occurrence, a declined one), Outlook's
(Windows zone names, no attendees, "Canceled:" titles) and a week where DST differs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import (
    NOT_A_ONE_ON_ONE,
    FeedUnreadable,
    Identity,
    Occurrence,
    RepIdentity,
    Slot,
    booked_within_cadence,
    format_slot,
    held_days,
    match_one_on_ones,
    names_of,
    read_feed,
    series_key,
    usual_slot,
)

DATA = Path(__file__).parent.parent / "data" / "calendars"
NY = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # Friday noon in New York
START, END = NOW - timedelta(days=90), NOW + timedelta(days=30)

MORGAN = Identity("morgan@example.com", names_of("morgan", "Morgan Manager"))
ALEX = RepIdentity(1, "UALEX", Identity("alex@example.com", names_of("alex", "Alex Rep")))
SAM = RepIdentity(2, "USAM", Identity("sam@example.com", names_of("sam", "Sam Rep")))


def feed(name: str) -> bytes:
    return (DATA / name).read_bytes()


def days_of(pairing_id: int, matches: list, zone: ZoneInfo) -> list[date]:
    return sorted(
        m.occurrence.starts_at.astimezone(zone).date()
        for m in matches
        if m.pairing_id == pairing_id
    )


def test_google_weekly_series_keeps_exdates_cancellations_and_moves() -> None:
    matches = match_one_on_ones(
        read_feed(feed("google_morgan.ics"), start=START, end=END), manager=MORGAN, reps=[ALEX]
    )
    alex = days_of(1, matches, NY)
    assert date(2026, 11, 3) not in alex  # EXDATE
    assert date(2026, 11, 10) not in alex  # STATUS:CANCELLED occurrence
    assert date(2026, 11, 17) not in alex and date(2026, 11, 18) in alex  # moved to Wednesday
    assert date(2026, 11, 24) in alex and date(2026, 10, 27) in alex
    assert all(m.by == "attendees" for m in matches)
    # The team sync, the customer call and the all-day offsite are not 1:1s.
    assert date(2026, 11, 19) not in alex


def test_a_rep_who_declined_an_occurrence_did_not_have_it() -> None:
    matches = match_one_on_ones(
        read_feed(feed("google_morgan.ics"), start=START, end=END), manager=MORGAN, reps=[ALEX, SAM]
    )
    sam = days_of(2, matches, NY)
    assert date(2026, 11, 11) in sam and date(2026, 11, 25) in sam
    assert date(2026, 11, 18) not in sam


def test_held_days_are_those_ended_by_now_in_the_managers_zone() -> None:
    matches = match_one_on_ones(
        read_feed(feed("google_morgan.ics"), start=START, end=END), manager=MORGAN, reps=[ALEX]
    )
    held = held_days(matches, now=NOW, zone=NY)[1]
    assert max(held) == date(2026, 11, 18)
    assert date(2026, 11, 24) not in held


def test_outlook_windows_zone_names_read_as_their_iana_zones() -> None:
    occurrences = read_feed(feed("outlook_morgan.ics"), start=START, end=END)
    one_on_one = [o for o in occurrences if o.title == "1:1 Alex / Morgan"]
    # 09:30 in Paris both sides of the switch to winter time on 25 October.
    assert {o.starts_at.astimezone(PARIS).time().isoformat() for o in one_on_one} == {"09:30:00"}
    utc_times = {o.starts_at.time().isoformat() for o in one_on_one}
    assert utc_times == {"07:30:00", "08:30:00"}
    sam = [o for o in occurrences if o.title == "Sam <> Morgan"]
    assert sam and {o.starts_at.astimezone(PARIS).hour for o in sam} == {14}


def test_outlook_titles_match_when_the_feed_publishes_no_attendees() -> None:
    matches = match_one_on_ones(
        read_feed(feed("outlook_morgan.ics"), start=START, end=END),
        manager=MORGAN,
        reps=[ALEX, SAM],
    )
    alex = days_of(1, matches, PARIS)
    assert date(2026, 11, 5) in alex and date(2026, 11, 19) in alex
    assert date(2026, 11, 12) not in alex  # "Canceled: 1:1 Alex / Morgan"
    assert date(2026, 11, 17) not in alex  # "Lunch with Alex" does not read as a 1:1
    assert days_of(2, matches, PARIS)[:2] == [date(2026, 10, 5), date(2026, 10, 19)]
    assert {m.by for m in matches} == {"title"}


def test_the_managers_choice_wins_for_the_whole_series() -> None:
    occurrences = read_feed(feed("outlook_morgan.ics"), start=START, end=END)
    alex_series = next(o.series for o in occurrences if o.title == "1:1 Alex / Morgan")
    sam_series = next(o.series for o in occurrences if o.title == "Sam <> Morgan")
    pipeline = next(o.series for o in occurrences if o.title == "Pipeline review")
    choices = {alex_series: NOT_A_ONE_ON_ONE, sam_series: ALEX.pairing_id, pipeline: 2}
    matches = match_one_on_ones(occurrences, manager=MORGAN, reps=[ALEX, SAM], choices=choices)
    assert not [m for m in matches if m.occurrence.series == alex_series]
    assert {m.pairing_id for m in matches if m.occurrence.series == sam_series} == {1}
    assert {m.pairing_id for m in matches if m.occurrence.series == pipeline} == {2}
    assert {m.by for m in matches} == {"choice"}


def test_the_dst_week_moves_an_evening_1_1_onto_another_day_for_the_manager() -> None:
    """19:30 in New York is past midnight in London, except in the week between Europe's
    and America's switch to winter time, when it is 23:30 the same day."""
    matches = match_one_on_ones(
        read_feed(feed("dst_week.ics"), start=START, end=END), manager=MORGAN, reps=[ALEX]
    )
    assert sorted(held_days(matches, now=NOW, zone=LONDON)[1]) == [
        date(2026, 10, 20),
        date(2026, 10, 26),
        date(2026, 11, 3),
        date(2026, 11, 10),
    ]
    assert usual_slot([m.occurrence.starts_at for m in matches], NY) == Slot(0, 19, 30)


def test_single_events_outside_the_window_are_not_read() -> None:
    occurrences = read_feed(feed("google_morgan.ics"), start=START, end=END)
    assert not [o for o in occurrences if o.uid == "long-ago@google.com"]


def test_something_that_is_not_a_calendar_is_refused() -> None:
    with pytest.raises(FeedUnreadable):
        read_feed(b"<html>Sign in</html>", start=START, end=END)


def test_a_1_1_booked_within_one_cadence_counts_as_booked() -> None:
    today = date(2026, 11, 20)
    assert booked_within_cadence(date(2026, 11, 24), today, 7)
    assert not booked_within_cadence(date(2026, 12, 24), today, 7)
    assert not booked_within_cadence(None, today, 7)


def test_slots_read_as_people_say_them() -> None:
    assert format_slot(Slot(3, 15, 0)) == "Thu 3 pm"
    assert format_slot(Slot(1, 9, 30)) == "Tue 9:30 am"
    assert format_slot(datetime(2026, 11, 24, 0, 15)) == "Tue 12:15 am"


def test_the_series_is_kept_as_a_hash_not_the_uid() -> None:
    key = series_key("5l2k3j4h5g6f7d8s9a0q1w2e3r@google.com")
    assert len(key) == 40 and "google" not in key


def test_a_title_naming_two_reps_is_not_a_1_1() -> None:
    event = Occurrence("u", NOW, NOW + timedelta(minutes=30), "Alex / Sam / Morgan")
    assert match_one_on_ones([event], manager=MORGAN, reps=[ALEX, SAM]) == []


@pytest.mark.parametrize("name", ["google_morgan.ics", "outlook_morgan.ics", "dst_week.ics"])
def test_skipping_events_that_name_no_rep_changes_no_match(name: str) -> None:
    mentions = ["alex@example.com", "sam@example.com", *ALEX.identity.names, *SAM.identity.names]
    every = read_feed(feed(name), start=START, end=END)
    named = read_feed(feed(name), start=START, end=END, mentions=mentions)
    assert len(named) <= len(every)
    assert match_one_on_ones(named, manager=MORGAN, reps=[ALEX, SAM]) == match_one_on_ones(
        every, manager=MORGAN, reps=[ALEX, SAM]
    )
