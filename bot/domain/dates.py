"""The dates people type for a 1:1 they held: ``today``, ``yesterday``, ``tue``, ``last
thursday``, ``3 days ago``, ``Nov 20``, ``20/11``, ``2026-11-20``.

A small grammar rather than a general parser (dateparser and the like read hundreds of
forms in dozens of languages, and read a typo as some date rather than refusing it): every
form here is one a manager types after a meeting, each resolves to one day, and anything
else is refused with a message saying what to type. Babel supplies the two facts that
depend on the person: the month names and whether their locale writes the day or the
month first (``en-GB`` 20/11, ``en-US`` 11/20).

Every day is resolved against ``today`` in the manager's own time zone and, when no year
is given, to the latest such day on or before it: "Nov 20" typed in January is last
November, never next. An explicit future date is returned as typed, for the caller to
refuse with its own words. The end of a pause looks the other way (:func:`parse_day_ahead`):
``fri``, ``next monday``, ``in 2 weeks``, ``Jan 4``, ``4/1`` name the next such day.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_month_names

from bot.domain.cadence import DateError, parse_iso_date

_WEEKDAYS = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip
_AGO = re.compile(r"(\d{1,3}|a|an|one) (day|week)s? ago")
_IN = re.compile(r"in (\d{1,3}|a|an|one) (day|week)s?")
_NUMERIC = re.compile(r"(\d{1,4})[/.](\d{1,2})(?:[/.](\d{2,4}))?\.?")
_WORDS = re.compile(r"[a-z]+|\d+")
MAX_DAYS_AGO = 999


@cache
def _months() -> dict[str, int]:
    """English month names, wide and abbreviated (plus "sept"), from Babel's CLDR data."""
    names: dict[str, int] = {"sept": 9}
    for width in ("wide", "abbreviated"):
        for number, name in get_month_names(width, locale="en").items():
            names[name.lower().rstrip(".")] = number
    return names


@cache
def day_first(locale: str | None) -> bool:
    """Whether the locale writes the day before the month in a short date (CLDR)."""
    try:
        pattern = Locale.parse((locale or "en_US").replace("-", "_")).date_formats["short"]
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    text: str = pattern.pattern
    return text.find("d") < text.find("M")


def parse_day(text: str, today: date, *, locale: str | None = None) -> date:
    """The day ``text`` names, seen from ``today``; DateError("format") when it names none,
    DateError("impossible") for a day not on the calendar (31/11, Feb 30)."""
    cleaned = " ".join(text.lower().replace(",", " ").split())
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned)
    if not cleaned:
        raise DateError("format", text)
    if cleaned == "today":
        return today
    if cleaned == "yesterday":
        return today - timedelta(days=1)
    if cleaned in _WEEKDAYS:
        return today - timedelta(days=(today.weekday() - _WEEKDAYS[cleaned]) % 7)
    if cleaned.startswith("last ") and cleaned[5:] in _WEEKDAYS:
        back = (today.weekday() - _WEEKDAYS[cleaned[5:]]) % 7 or 7
        return today - timedelta(days=back)
    if match := _AGO.fullmatch(cleaned):
        return today - _ago(match.group(1), match.group(2), text)
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", cleaned):
        return parse_iso_date(cleaned)
    if match := _NUMERIC.fullmatch(cleaned):
        return _numeric(match, today, locale, text)
    return _named_month(cleaned, today, text)


def parse_day_ahead(text: str, today: date, *, locale: str | None = None) -> date:
    """The day ``text`` names as an end date, seen from ``today``: a weekday, a day without
    a year or ``in N days/weeks`` is the next such day after today; anything with a year,
    and ``today``, is returned as it is, for the caller to refuse if it is not ahead."""
    cleaned = " ".join(text.lower().replace(",", " ").split())
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned)
    weekday = cleaned.removeprefix("next ")
    if weekday in _WEEKDAYS:
        return today + timedelta(days=(_WEEKDAYS[weekday] - today.weekday() - 1) % 7 + 1)
    if match := _IN.fullmatch(cleaned):
        return today + _ago(match.group(1), match.group(2), text)
    day = parse_day(text, today, locale=locale)
    if day < today and not _has_year(cleaned):
        return _next_year(day, text)
    return day


def _has_year(cleaned: str) -> bool:
    """Whether a text :func:`parse_day` read names its year (so it is not moved on)."""
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", cleaned):
        return True
    if match := _NUMERIC.fullmatch(cleaned):
        return match.group(3) is not None
    return len(re.findall(r"[0-9]+", cleaned)) == 2


def _next_year(day: date, text: str) -> date:
    """The same day and month a year on (29 Feb: the next leap year's)."""
    for year in range(day.year + 1, day.year + 9):
        try:
            return day.replace(year=year)
        except ValueError:
            continue
    raise DateError("impossible", text)


def _ago(count: str, unit: str, text: str) -> timedelta:
    number = 1 if count in {"a", "an", "one"} else int(count)
    days = number * (7 if unit == "week" else 1)
    if days > MAX_DAYS_AGO:
        raise DateError("format", text)
    return timedelta(days=days)


def _numeric(match: re.Match[str], today: date, locale: str | None, text: str) -> date:
    first, second, year_text = match.groups()
    if len(first) == 4:  # 2026/11/20: year first, as ISO
        if year_text is None:
            raise DateError("format", text)
        return _on(int(first), int(second), int(year_text), text)
    a, b = int(first), int(second)
    day, month = (a, b) if day_first(locale) else (b, a)
    if month > 12 and day <= 12:
        day, month = month, day  # only one reading is a date: 20/11 can only be 20 Nov
    year = _year(year_text)
    return _on(year, month, day, text) if year else _latest(month, day, today, text)


def _named_month(cleaned: str, today: date, text: str) -> date:
    """``nov 20``, ``20 nov``, ``november 20 2026``, ``20 nov 26``."""
    words = _WORDS.findall(cleaned.replace(".", " "))
    months = _months()
    named = [w for w in words if w in months]
    numbers = [w for w in words if w.isdigit()]
    if len(named) != 1 or len(numbers) not in (1, 2) or len(words) != 1 + len(numbers):
        raise DateError("format", text)
    if len(numbers[0]) > 2 or (len(numbers) == 2 and words[-1] != numbers[1]):
        raise DateError("format", text)  # the day comes first, a year only last
    month, day = months[named[0]], int(numbers[0])
    year = _year(numbers[1] if len(numbers) == 2 else None)
    return _on(year, month, day, text) if year else _latest(month, day, today, text)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    return 2000 + year if year < 100 else year


def _on(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError("impossible", text) from None


def _latest(month: int, day: int, today: date, text: str) -> date:
    """The latest ``day month`` on or before today (29 Feb: the latest leap year's)."""
    for year in range(today.year, today.year - 8, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            if month == 2 and day == 29:
                continue
            raise DateError("impossible", text) from None
        if candidate <= today:
            return candidate
    raise DateError("impossible", text)
