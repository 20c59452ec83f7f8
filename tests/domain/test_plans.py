"""The 1:1 plan and the coaching streak, on real calendar dates.

The streak is what a manager sees as "Coaching streak: N weeks with every 1:1 on cadence":
consecutive full weeks (Monday to Sunday, the last one ending before today's week) in
which no pairing was overdue on the Sunday.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from types import FrameType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import prompts
from bot.domain.cadence import PairingFacts, PauseSpan, Status, cadence_state
from bot.domain.plans import (
    SUGGESTED_QUESTIONS,
    GoalFacts,
    PairingHistory,
    RepFacts,
    build_plan,
    coaching_streak,
    suggested_questions,
)
from bot.domain.reframing import COMPETENCIES

WEEK = timedelta(weeks=1)
# Wednesday 1 April 2026: the last full week ended on Sunday 29 March.
APRIL_1 = date(2026, 4, 1)


def every_week(first: date, last: date, *, skip: tuple[date, ...] = ()) -> tuple[date, ...]:
    """Weekly 1:1 dates from ``first`` to ``last`` inclusive, leaving out ``skip``."""
    days = []
    day = first
    while day <= last:
        if day not in skip:
            days.append(day)
        day += WEEK
    return tuple(days)


def weekly(
    started_on: date, held_on: tuple[date, ...], paused_until: date | None = None
) -> PairingHistory:
    return PairingHistory(
        cadence_days=7, started_on=started_on, held_on=held_on, paused_until=paused_until
    )


# Mondays 5 January to 30 March 2026: thirteen weekly 1:1s, twelve full weeks by 1 April.
MONDAYS = every_week(date(2026, 1, 5), date(2026, 3, 30))


def mondays_but(missed: date) -> tuple[date, ...]:
    return tuple(day for day in MONDAYS if day != missed)


# The streak: on cadence


def test_a_manager_with_no_reps_has_no_streak() -> None:
    assert coaching_streak([], APRIL_1) == 0


def test_weekly_1_1s_count_every_full_week_since_the_rep_was_added() -> None:
    assert coaching_streak([weekly(date(2026, 1, 5), MONDAYS)], APRIL_1) == 12


def test_the_week_in_progress_does_not_count_yet() -> None:
    history = [weekly(date(2026, 1, 5), (date(2026, 1, 5),))]
    assert coaching_streak(history, date(2026, 1, 11)) == 0  # Sunday: the week is not over
    assert coaching_streak(history, date(2026, 1, 12)) == 1  # Monday: it is


def test_being_late_this_week_does_not_take_away_last_weeks_streak() -> None:
    # The 1:1 due on Monday 30 March has not happened by Wednesday 1 April.
    history = [weekly(date(2026, 1, 5), MONDAYS[:-1])]
    assert coaching_streak(history, APRIL_1) == 12


def test_a_biweekly_rep_needs_no_1_1_in_the_weeks_between() -> None:
    every_other = MONDAYS[::2]
    history = [PairingHistory(cadence_days=14, started_on=date(2026, 1, 5), held_on=every_other)]
    assert coaching_streak(history, APRIL_1) == 12


def test_the_streak_counts_at_most_a_year() -> None:
    two_years = every_week(date(2024, 4, 1), date(2026, 3, 30))
    assert coaching_streak([weekly(date(2024, 4, 1), two_years)], APRIL_1) == 52


# The streak: gaps


def test_a_missed_1_1_breaks_the_streak_and_it_counts_again_from_the_next() -> None:
    # No 1:1 on Monday 16 February: overdue from the 17th, still overdue on Sunday the
    # 22nd; the next one on the 23rd starts a new streak: weeks ending 1 to 29 March.
    history = [weekly(date(2026, 1, 5), mondays_but(date(2026, 2, 16)))]
    assert coaching_streak(history, APRIL_1) == 5


def test_a_late_1_1_caught_up_before_sunday_keeps_the_week() -> None:
    # Due Monday 9 March, held Thursday 12 March: back on cadence by that Sunday.
    late = tuple(date(2026, 3, 12) if d == date(2026, 3, 9) else d for d in MONDAYS)
    assert coaching_streak([weekly(date(2026, 1, 5), late)], APRIL_1) == 12


def test_one_rep_behind_breaks_the_streak_for_the_manager() -> None:
    on_time = weekly(date(2026, 1, 5), MONDAYS)
    behind = weekly(date(2026, 1, 5), mondays_but(date(2026, 3, 16)))
    assert coaching_streak([on_time, behind], APRIL_1) == 1  # only the week ending 29 March


def test_a_rep_added_later_does_not_shorten_the_weeks_before_they_joined() -> None:
    first = weekly(date(2026, 1, 5), MONDAYS)
    joined_in_march = weekly(date(2026, 3, 4), every_week(date(2026, 3, 4), date(2026, 3, 25)))
    assert coaching_streak([first, joined_in_march], APRIL_1) == 12


def test_a_rep_added_this_week_is_not_late_yet() -> None:
    first = weekly(date(2026, 1, 5), MONDAYS)
    added_on_tuesday = weekly(date(2026, 3, 31), ())
    assert coaching_streak([first, added_on_tuesday], APRIL_1) == 12


def test_a_rep_never_met_breaks_the_streak_once_their_first_1_1_is_overdue() -> None:
    never_met = weekly(date(2026, 3, 2), ())  # due 9 March, overdue on Sunday 15 March
    assert coaching_streak([never_met], date(2026, 3, 11)) == 1
    assert coaching_streak([never_met], date(2026, 3, 18)) == 0


# The streak: pauses


def test_a_rep_on_leave_now_does_not_break_the_streak() -> None:
    # Last met Monday 16 March, on leave until 10 April.
    history = [weekly(date(2026, 1, 5), MONDAYS[:11], paused_until=date(2026, 4, 10))]
    assert coaching_streak(history, APRIL_1) == 12


def test_weeks_a_rep_was_paused_do_not_break_the_streak() -> None:
    # Met until 2 February, paused until Monday 2 March, met again from 9 March: the
    # cadence restarts at the end of the pause, so nothing was due during the leave.
    before = every_week(date(2026, 1, 5), date(2026, 2, 2))
    after = every_week(date(2026, 3, 9), date(2026, 3, 30))
    history = [weekly(date(2026, 1, 5), before + after, paused_until=date(2026, 3, 2))]
    assert coaching_streak(history, APRIL_1) == 12


def test_after_a_pause_the_next_1_1_is_due_one_cadence_later() -> None:
    # Paused until Monday 2 March and not met since: due 9 March, overdue by Sunday 15.
    history = [weekly(date(2026, 1, 5), MONDAYS[:5], paused_until=date(2026, 3, 2))]
    assert coaching_streak(history, date(2026, 3, 11)) == 9  # weeks ending 11 Jan to 8 Mar
    assert coaching_streak(history, date(2026, 3, 18)) == 0


def test_pausing_a_rep_today_does_not_rewrite_the_weeks_already_missed() -> None:
    missed_in_february = mondays_but(date(2026, 2, 16))
    assert coaching_streak([weekly(date(2026, 1, 5), missed_in_february)], APRIL_1) == 5
    # With every pause kept, today's pause covers only the days from today.
    paused_today = PairingHistory(
        cadence_days=7,
        started_on=date(2026, 1, 5),
        held_on=missed_in_february,
        pauses=(PauseSpan(APRIL_1, date(2026, 4, 10)),),
    )
    assert coaching_streak([paused_today], APRIL_1) == 5


def test_the_managers_own_leave_does_not_break_the_streak() -> None:
    # Met every Monday until 2 March, on leave until Monday 23 March, met again on the 23rd
    # and 30th. cadence_state agrees every Sunday was paused or on cadence.
    held = (*MONDAYS[:9], date(2026, 3, 23), date(2026, 3, 30))
    leave_ends = date(2026, 3, 23)
    for sunday in (date(2026, 3, 8), date(2026, 3, 15), date(2026, 3, 22), date(2026, 3, 29)):
        last = max(d for d in held if d <= sunday)
        facts = PairingFacts(7, date(2026, 1, 5), last)
        state = cadence_state(facts, sunday, manager_paused_until=leave_ends)
        assert state.status is not Status.OVERDUE
    # The manager's own leave, from the day after the 2 March 1:1, is in the history too.
    history = PairingHistory(
        cadence_days=7,
        started_on=date(2026, 1, 5),
        held_on=held,
        pauses=(PauseSpan(date(2026, 3, 3), leave_ends),),
    )
    assert coaching_streak([history], APRIL_1) == 12


# The streak: month and year ends


def test_monthly_1_1s_on_the_first_keep_the_streak_through_31_day_months() -> None:
    # "monthly" is 30 days; in 2026 every 31-day gap is made up before the Sunday that
    # would see it (1 February and 1 November are Sundays, 31 May is due that Sunday).
    firsts = tuple(date(2026, month, 1) for month in range(1, 13))
    history = [PairingHistory(cadence_days=30, started_on=date(2026, 1, 1), held_on=firsts)]
    assert coaching_streak(history, date(2026, 12, 2)) == 48  # weeks ending 4 Jan to 29 Nov


def test_monthly_means_thirty_days_so_the_31st_of_january_is_due_on_2_march() -> None:
    started = date(2026, 1, 31)
    on_time = PairingHistory(30, started, (started, date(2026, 3, 2)))
    a_week_late = PairingHistory(30, started, (started, date(2026, 3, 9)))
    assert coaching_streak([on_time], date(2026, 3, 11)) == 6  # weeks ending 1 Feb to 8 Mar
    assert coaching_streak([a_week_late], date(2026, 3, 11)) == 0  # overdue on Sunday 8 March


def test_weekly_1_1s_across_new_year_keep_the_streak() -> None:
    held = every_week(date(2026, 11, 30), date(2027, 1, 11))
    assert coaching_streak([weekly(date(2026, 11, 30), held)], date(2027, 1, 13)) == 6


def test_skipping_the_1_1_between_christmas_and_new_year_breaks_the_streak() -> None:
    held = every_week(date(2026, 11, 30), date(2027, 1, 11), skip=(date(2026, 12, 28),))
    assert coaching_streak([weekly(date(2026, 11, 30), held)], date(2027, 1, 13)) == 1


# The plan


def rep(
    rep_id: str,
    *,
    last_held_on: date | None,
    today: date = APRIL_1,
    competency: str | None = None,
    paused_until: date | None = None,
) -> RepFacts:
    facts = PairingFacts(7, date(2026, 1, 5), last_held_on, paused_until=paused_until)
    goal = GoalFacts(competency, "Ask one more question", None, None) if competency else None
    return RepFacts(
        pairing_id=1,
        rep_id=rep_id,
        cadence_days=7,
        state=cadence_state(facts, today),
        last_held_on=last_held_on,
        goal=goal,
        latest_check_in=None,
        agenda=(),
    )


def bank_questions(competency: str) -> set[str]:
    """Every question under a competency's tables in the behaviour bank (the plan draws on it)."""

    def strings(node: Any) -> Iterator[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, list):
            for item in node:
                yield from strings(item)
        elif isinstance(node, dict):
            for value in node.values():
                yield from strings(value)

    return set(strings(prompts.load("reframe/bank")[competency]))


def test_the_plan_puts_the_most_overdue_rep_first_then_the_soonest_due() -> None:
    reps = [
        rep("U0SOON", last_held_on=date(2026, 3, 26)),  # due 2 April
        rep("U0PAUSED", last_held_on=date(2026, 3, 2), paused_until=date(2026, 4, 20)),
        rep("U0LATE", last_held_on=date(2026, 3, 23)),  # 2 days overdue
        rep("U0LATER", last_held_on=date(2026, 3, 9)),  # 16 days overdue
        rep("U0TODAY", last_held_on=date(2026, 3, 25)),  # due today
    ]
    order = [plan.facts.rep_id for plan in build_plan(reps, APRIL_1)]
    assert order == ["U0LATER", "U0LATE", "U0TODAY", "U0SOON", "U0PAUSED"]


def test_observing_a_call_is_suggested_for_a_rep_with_a_focus_goal() -> None:
    (plan,) = build_plan(
        [rep("U0ANN", last_held_on=date(2026, 3, 30), competency="listening")], APRIL_1
    )
    assert plan.observe


def test_no_observation_is_suggested_without_a_goal_or_while_the_rep_is_away() -> None:
    no_goal = rep("U0ANN", last_held_on=date(2026, 3, 30))
    away = rep(
        "U0BOB",
        last_held_on=date(2026, 3, 30),
        competency="closing",
        paused_until=date(2026, 4, 20),
    )
    assert [plan.observe for plan in build_plan([no_goal, away], APRIL_1)] == [False, False]


@pytest.mark.parametrize("competency", COMPETENCIES)
def test_the_plan_asks_questions_about_the_reps_focus(competency: str) -> None:
    (plan,) = build_plan(
        [rep("U0ANN", last_held_on=date(2026, 3, 30), competency=competency)], APRIL_1
    )
    assert len(plan.questions) == SUGGESTED_QUESTIONS
    assert set(plan.questions) <= bank_questions(competency)


def test_a_rep_without_a_goal_gets_general_coaching_questions() -> None:
    (plan,) = build_plan([rep("U0ANN", last_held_on=date(2026, 3, 30))], APRIL_1)
    assert len(plan.questions) == SUGGESTED_QUESTIONS
    assert set(plan.questions) <= bank_questions("general")


def test_a_goal_in_a_skill_the_bank_does_not_know_gets_general_questions() -> None:
    questions = suggested_questions("juggling", seed="U0ANN:2026-03-30")
    assert set(questions) <= bank_questions("general")


def test_the_questions_stay_the_same_all_week_and_change_from_week_to_week() -> None:
    def questions_on(day: date) -> tuple[str, ...]:
        last = day - timedelta(days=2)
        (plan,) = build_plan(
            [rep("U0ANN", last_held_on=last, today=day, competency="discovery")], day
        )
        return plan.questions

    monday, sunday = date(2026, 3, 30), date(2026, 4, 5)
    assert questions_on(monday) == questions_on(sunday)
    weeks = {questions_on(monday + n * WEEK) for n in range(6)}
    assert len(weeks) >= 5


@given(st.sampled_from((*COMPETENCIES, None)), st.text(), st.integers(1, SUGGESTED_QUESTIONS))
def test_suggested_questions_are_distinct_and_ready_to_read(
    competency: str | None, seed: str, count: int
) -> None:
    questions = suggested_questions(competency, seed=seed, count=count)
    assert len(questions) == count
    assert len(set(questions)) == count
    assert not any("$" in question for question in questions)


class TookTooLong(Exception):
    pass


@contextmanager
def at_most(seconds: float) -> Iterator[None]:
    """Interrupt the block if it runs longer than ``seconds`` (a hang becomes a failure)."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise TookTooLong

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_asking_for_twenty_questions_returns_twenty_different_ones() -> None:
    with at_most(0.5):
        questions = suggested_questions("discovery", seed="s0", count=20)
    assert len(set(questions)) == 20
    assert set(questions) <= bank_questions("discovery")
