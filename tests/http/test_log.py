"""``/coach log @rep [date]``: a 1:1 held, on a real past date, for one of my reps."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from storage.models import OneOnOne
from tests.conftest import MANAGER, OUTSIDER, REP
from tests.support.running_coach import RunningCoach


def _held(coach: RunningCoach) -> int:
    with Session(coach.services.engine) as session:
        return session.exec(select(func.count()).select_from(OneOnOne)).one()[0]


def test_log_defaults_to_today_in_the_managers_zone(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    answer = coach.answer(f"log <@{REP}|alex>", user=MANAGER)
    assert "Logged your 1:1" in answer
    assert "Mon 23 Nov 2026" in answer
    assert "Mon 30 Nov 2026" in answer  # next one due a week later
    assert _held(coach) == 1


def test_log_on_a_past_date(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert "Fri 20 Nov 2026" in coach.answer(f"log <@{REP}> 2026-11-20", user=MANAGER)


def test_future_impossible_and_malformed_dates_store_nothing(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert "in the future" in coach.answer(f"log <@{REP}> 2026-11-24", user=MANAGER)
    assert "isn't on the calendar" in coach.answer(f"log <@{REP}> 2026-02-30", user=MANAGER)
    assert "YYYY-MM-DD" in coach.answer(f"log <@{REP}> 20/11/2026", user=MANAGER)
    assert "YYYY-MM-DD" in coach.answer(f"log <@{REP}> yesterday", user=MANAGER)
    assert _held(coach) == 0


def test_only_my_reps_can_be_logged(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert "isn't on your team" in coach.answer(f"log <@{REP}>", user=OUTSIDER)
    assert _held(coach) == 0


def test_log_needs_a_mention(coach: RunningCoach) -> None:
    reply = coach.command("log alex", user=MANAGER)
    assert "/coach log @rep" in reply.text
