"""Reading "away" from a Slack status: words, emoji, and expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

import prompts
from bot.domain.presence import is_out_of_office

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "Vacationing",
        "On vacation until Monday",
        "holiday!",
        "OOO",
        "ooo till 3/12",
        "Out of office",
        "out  of   the office",
        "Out sick",
        "sick",
        "On leave",
        "Parental leave until June",
        "PTO",
        "pto today",
        "Annual leave",
        "🌴 back on the 14th",
        "back Monday :palm_tree:",
    ],
)
def test_away_words_mean_out(text: str) -> None:
    assert is_out_of_office(text, "", 0, NOW)


@pytest.mark.parametrize(
    "emoji",
    [
        ":palm_tree:",
        ":airplane:",
        ":beach_with_umbrella:",
        ":desert_island:",
        ":face_with_thermometer:",
        ":thermometer:",
        ":sick:",
        ":baby:",
        ":baby::skin-tone-3:",
        ":hospital:",
        ":PALM_TREE:",
        "palm_tree",
    ],
)
def test_away_emoji_mean_out(emoji: str) -> None:
    assert is_out_of_office("", emoji, 0, NOW)


@pytest.mark.parametrize(
    ("text", "emoji"),
    [
        ("", ""),
        ("In a meeting", ":spiral_calendar_pad:"),
        ("Working remotely", ":house_with_garden:"),
        ("Commuting", ":bus:"),
        ("Sickle cell research", ""),
        ("Reviewing the holidayinn deal", ""),
        ("Leave a message", ""),
        ("New laptop setup", ""),
        ("Cooool deal", ""),
        ("Focus time", ":headphones:"),
    ],
)
def test_ordinary_statuses_are_not_out(text: str, emoji: str) -> None:
    assert not is_out_of_office(text, emoji, 0, NOW)


def test_an_expired_status_is_not_out() -> None:
    expired = int((NOW - timedelta(minutes=1)).timestamp())
    assert not is_out_of_office("On vacation", ":palm_tree:", expired, NOW)


def test_a_status_that_expires_later_is_out() -> None:
    later = int((NOW + timedelta(days=3)).timestamp())
    assert is_out_of_office("On vacation", ":palm_tree:", later, NOW)


def test_expiry_is_compared_as_an_instant_whatever_the_zone() -> None:
    expires = int(NOW.timestamp()) + 60
    tokyo = NOW.astimezone(timezone(timedelta(hours=9)))
    assert is_out_of_office("OOO", "", expires, tokyo)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        is_out_of_office("OOO", "", 0, datetime(2026, 3, 10, 12))


def test_every_listed_sign_is_recognised() -> None:
    data = prompts.load("presence")
    for keyword in data["keywords"]:
        assert is_out_of_office(f"Status: {keyword.upper()} this week", "", 0, NOW), keyword
    for name in data["emoji"]:
        assert is_out_of_office("", f":{name}:", 0, NOW), name


@given(
    st.sampled_from(prompts.load("presence")["keywords"]),
    st.text(alphabet="bcxyz", min_size=1, max_size=5),
)
def test_keywords_inside_other_words_do_not_count(keyword: str, glued: str) -> None:
    assert not is_out_of_office(f"{glued}{keyword}{glued}", "", 0, NOW)
