"""A focus goal: one behaviour in the rep's words, a target date within a year, or a reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import prompts
from bot.domain.goals import (
    MAX_BEHAVIOUR,
    MAX_MEASURE,
    GoalDraft,
    GoalProblem,
    draft_goal,
)
from bot.domain.reframing import COMPETENCIES

TODAY = date(2026, 3, 14)


def draft(
    behaviour: str = "Ask three discovery questions before every demo",
    *,
    competency: str = "discovery",
    measure: str | None = None,
    target_date: date | None = None,
    today: date = TODAY,
) -> GoalDraft:
    return draft_goal(
        competency=competency,
        behaviour=behaviour,
        measure=measure,
        target_date=target_date,
        today=today,
        competencies=COMPETENCIES,
    )


def problem_of(**kwargs: object) -> tuple[str, str]:
    with pytest.raises(GoalProblem) as caught:
        draft(**kwargs)  # type: ignore[arg-type]
    return caught.value.field, caught.value.reason


def test_a_goal_without_a_date_is_due_in_thirty_days() -> None:
    goal = draft()
    assert goal == GoalDraft(
        competency="discovery",
        behaviour="Ask three discovery questions before every demo",
        measure=None,
        target_date=date(2026, 4, 13),
    )


def test_the_reps_words_are_kept_with_stray_spaces_and_line_breaks_tidied() -> None:
    goal = draft("  Pause   after\neach question ", measure="\tThe buyer  talks more\n")
    assert goal.behaviour == "Pause after each question"
    assert goal.measure == "The buyer talks more"


def test_a_blank_measure_is_no_measure() -> None:
    assert draft(measure="   \n").measure is None
    assert draft(measure="").measure is None


def test_a_skill_not_in_the_list_is_refused() -> None:
    assert problem_of(competency="juggling") == ("competency", "unknown")
    assert problem_of(competency="Discovery") == ("competency", "unknown")


@pytest.mark.parametrize("competency", COMPETENCIES)
def test_every_listed_skill_can_be_chosen(competency: str) -> None:
    assert draft(competency=competency).competency == competency


@pytest.mark.parametrize("behaviour", ["", "   ", "\n\t"])
def test_a_goal_needs_a_behaviour(behaviour: str) -> None:
    assert problem_of(behaviour=behaviour) == ("behaviour", "empty")


def test_a_behaviour_may_use_every_allowed_character_but_not_one_more() -> None:
    assert len(draft("x" * MAX_BEHAVIOUR).behaviour) == MAX_BEHAVIOUR
    assert problem_of(behaviour="x" * (MAX_BEHAVIOUR + 1)) == ("behaviour", "too_long")


def test_spaces_that_get_tidied_away_do_not_count_against_the_limit() -> None:
    typed = "   ".join(["word"] * 56)  # 389 characters typed, 279 once tidied
    assert len(typed) > MAX_BEHAVIOUR
    assert len(draft(typed).behaviour) == 279


def test_a_measure_has_the_same_kind_of_limit() -> None:
    assert draft(measure="m" * MAX_MEASURE).measure == "m" * MAX_MEASURE
    assert problem_of(measure="m" * (MAX_MEASURE + 1)) == ("measure", "too_long")


def test_a_target_date_can_be_today_but_not_in_the_past() -> None:
    assert draft(target_date=TODAY).target_date == TODAY
    assert problem_of(target_date=date(2026, 3, 13)) == ("target_date", "past")


def test_a_target_date_can_be_a_year_away_but_not_further() -> None:
    # 366 days, so a goal set on 14 March 2026 may run to 15 March 2027.
    assert draft(target_date=date(2027, 3, 15)).target_date == date(2027, 3, 15)
    assert problem_of(target_date=date(2027, 3, 16)) == ("target_date", "too_far")


def test_a_goal_set_on_a_leap_day_may_run_to_the_first_of_march_next_year() -> None:
    leap_day = date(2028, 2, 29)
    assert draft(target_date=date(2029, 3, 1), today=leap_day).target_date == date(2029, 3, 1)
    assert problem_of(target_date=date(2029, 3, 2), today=leap_day) == ("target_date", "too_far")


def test_the_first_problem_in_the_form_is_the_one_reported() -> None:
    everything_wrong = {
        "behaviour": "",
        "measure": "m" * (MAX_MEASURE + 1),
        "target_date": date(2020, 1, 1),
    }
    assert problem_of(competency="juggling", **everything_wrong) == ("competency", "unknown")
    assert problem_of(**everything_wrong) == ("behaviour", "empty")
    everything_wrong["behaviour"] = "Listen more"
    assert problem_of(**everything_wrong) == ("measure", "too_long")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"competency": "juggling"},
        {"behaviour": ""},
        {"behaviour": "x" * (MAX_BEHAVIOUR + 1)},
        {"measure": "m" * (MAX_MEASURE + 1)},
        {"target_date": date(2026, 3, 13)},
        {"target_date": date(2030, 1, 1)},
    ],
)
def test_every_problem_has_a_message_to_show(kwargs: dict[str, object]) -> None:
    field, reason = problem_of(**kwargs)
    message = prompts.text("goals", f"problems.{field}_{reason}", max=MAX_BEHAVIOUR)
    assert message and "$" not in message


def test_a_goal_problem_is_a_value_error_naming_its_field() -> None:
    with pytest.raises(ValueError, match="target_date: past"):
        draft(target_date=date(2026, 1, 1))


@given(
    st.sampled_from(COMPETENCIES),
    st.text(),
    st.none() | st.text(),
    st.none() | st.integers(-400, 800).map(lambda n: TODAY + timedelta(days=n)),
)
def test_any_accepted_goal_is_tidy_and_due_within_a_year(
    competency: str, behaviour: str, measure: str | None, target: date | None
) -> None:
    try:
        goal = draft(behaviour, competency=competency, measure=measure, target_date=target)
    except GoalProblem as problem:
        assert prompts.text("goals", f"problems.{problem.field}_{problem.reason}", max=1)
        return
    assert 0 < len(goal.behaviour) <= MAX_BEHAVIOUR
    assert goal.behaviour == " ".join(behaviour.split())
    assert goal.measure is None or 0 < len(goal.measure) <= MAX_MEASURE
    assert TODAY <= goal.target_date <= TODAY + timedelta(days=366)
