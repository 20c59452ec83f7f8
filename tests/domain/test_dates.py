"""The dates a manager types for a 1:1 held: words, weekdays, months, locale order."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.cadence import DateError, local_today
from bot.domain.dates import day_first, parse_day, parse_day_ahead

# Thursday 3 December 2026.
THU = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("today", THU),
        ("Yesterday", date(2026, 12, 2)),
        ("tue", date(2026, 12, 1)),
        ("Tuesday", date(2026, 12, 1)),
        ("thu", THU),  # this Thursday is today
        ("last thursday", date(2026, 11, 26)),
        ("last fri", date(2026, 11, 27)),
        ("3 days ago", date(2026, 11, 30)),
        ("a week ago", date(2026, 11, 26)),
        ("2 weeks ago", date(2026, 11, 19)),
        ("Nov 20", date(2026, 11, 20)),
        ("20 Nov", date(2026, 11, 20)),
        ("November 20th", date(2026, 11, 20)),
        ("nov. 20, 2025", date(2025, 11, 20)),
        ("Dec 25", date(2025, 12, 25)),  # no year: the last one, never the next
        ("2026-11-20", date(2026, 11, 20)),
        ("20/11", date(2026, 11, 20)),  # only one reading is a date
    ],
)
def test_what_people_type_names_one_past_day(typed: str, meant: date) -> None:
    assert parse_day(typed, THU, locale="en-US") == meant


def test_a_slashed_date_follows_the_managers_locale() -> None:
    assert parse_day("12/1", THU, locale="en-GB") == date(2026, 1, 12)  # 12 January
    assert parse_day("12/1", THU, locale="en-US") == date(2026, 12, 1)  # 1 December
    assert parse_day("1/11/2026", THU, locale="en-GB") == date(2026, 11, 1)
    assert day_first("de-DE") and day_first("en-IN") and not day_first("en-US")


@pytest.mark.parametrize("typed", ["soon", "next tuesday", "thu 3", "11/20/2026/1", "", "nov"])
def test_anything_else_is_refused_rather_than_guessed(typed: str) -> None:
    with pytest.raises(DateError) as error:
        parse_day(typed, THU)
    assert error.value.hint == "format"


@pytest.mark.parametrize("typed", ["31/11", "Feb 30", "2026-02-30"])
def test_a_day_not_on_the_calendar_says_so(typed: str) -> None:
    with pytest.raises(DateError) as error:
        parse_day(typed, THU, locale="en-GB")
    assert error.value.hint == "impossible"


def test_the_29th_of_february_is_the_latest_leap_day() -> None:
    assert parse_day("29 Feb", THU) == date(2024, 2, 29)


@given(
    st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["today", "yesterday", "mon", "last sun", "9 days ago", "Jan 31", "31/12"]),
)
def test_words_without_a_year_never_name_a_future_day(today: date, typed: str) -> None:
    day = parse_day(typed, today, locale="en-GB")
    assert day <= today and today - day < timedelta(days=366)


@time_machine.travel(datetime.fromisoformat("2026-12-03T03:30:00+00:00"), tick=False)
def test_yesterday_is_the_managers_yesterday() -> None:
    # 03:30 UTC on Thursday: still Wednesday evening in New York, Thursday in Auckland.
    now = datetime.now().astimezone()
    new_york = local_today(now, "America/New_York")
    auckland = local_today(now, "Pacific/Auckland")
    assert parse_day("yesterday", new_york) == date(2026, 12, 1)
    assert parse_day("yesterday", auckland) == date(2026, 12, 2)
    assert parse_day("wed", new_york) == date(2026, 12, 2)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("fri", date(2026, 12, 4)),
        ("thu", date(2026, 12, 10)),  # today is Thursday: the next one
        ("next monday", date(2026, 12, 7)),
        ("in 2 weeks", date(2026, 12, 17)),
        ("Jan 4", date(2027, 1, 4)),
        ("4/1", date(2027, 1, 4)),  # en-GB: day first
        ("Nov 20", date(2027, 11, 20)),  # no year: the next one
        ("20 Nov 2026", date(2026, 11, 20)),  # a year given is kept, to be refused
        ("2026-12-31", date(2026, 12, 31)),
    ],
)
def test_a_pause_end_names_the_next_such_day(typed: str, meant: date) -> None:
    assert parse_day_ahead(typed, THU, locale="en-GB") == meant
