"""A manager builds their team: add, list, remove, leave, with clear refusals."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from slack_emulator import SlackEmulator
from storage.models import Pairing
from tests.conftest import MANAGER, OUTSIDER, REP, REP_2
from tests.support.running_coach import RunningCoach


def _pairings(coach: RunningCoach) -> int:
    with Session(coach.services.engine) as session:
        return session.exec(select(func.count()).select_from(Pairing)).one()[0]


def test_adding_a_rep_confirms_and_tells_the_rep(coach: RunningCoach, slack: SlackEmulator) -> None:
    answer = coach.answer(f"team add <@{REP}|alex>", user=MANAGER)
    assert f"I've asked <@{REP}> to accept you as their coach, with 1:1s weekly" in answer
    assert "Mon 30 Nov 2026" in answer  # first 1:1 due a week after today, New York time
    dm = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == REP)[0]
    text = dm.params["text"]
    assert f"<@{MANAGER}> would like to coach you" in text
    assert "nothing you wrote before" in text
    assert "/coach team leave" in text
    assert "with 1:1s weekly." in text
    buttons = [e["text"]["text"] for e in dm.params["blocks"][1]["elements"]]
    assert buttons == ["Accept", "Decline"]


def test_the_rep_hears_an_every_n_days_cadence_in_plain_words(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    coach.answer(f"team add <@{REP}> every 10 days", user=MANAGER)
    dm = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == REP)[0]
    assert "would like to coach you in Coach, with 1:1s every 10 days." in dm.params["text"]


def test_cadence_words_are_understood(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}> every 2 weeks", user=MANAGER)
    coach.answer(f"team add <@{REP_2}> monthly", user=MANAGER)
    listing = coach.answer("team", user=MANAGER)
    assert "biweekly" in listing
    assert "monthly" in listing


def test_a_rep_has_one_manager(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    answer = coach.answer(f"team add <@{REP}>", user=OUTSIDER)
    assert f"already coached by <@{MANAGER}>" in answer
    assert _pairings(coach) == 1


def test_adding_yourself_is_refused(coach: RunningCoach) -> None:
    answer = coach.answer(f"team add <@{MANAGER}>", user=MANAGER)
    assert "can't add yourself" in answer
    assert _pairings(coach) == 0


def test_bad_cadence_says_what_to_type_and_stores_nothing(coach: RunningCoach) -> None:
    for cadence in ("every 91 days", "every 0 weeks", "sometimes", "every two weeks"):
        answer = coach.answer(f"team add <@{REP}> {cadence}", user=MANAGER)
        assert "didn't understand the cadence" in answer
        assert "every 3 weeks" in answer
    assert _pairings(coach) == 0


def test_unknown_person_is_refused(coach: RunningCoach) -> None:
    answer = coach.answer("team add <@UNOBODY42>", user=MANAGER)
    assert "isn't an active person" in answer
    assert _pairings(coach) == 0


def test_team_lists_reps_with_status(coach: RunningCoach, clock) -> None:
    from datetime import timedelta

    coach.answer(f"team add <@{REP}> weekly", user=MANAGER)
    coach.answer(f"team add <@{REP_2}> every 10 days", user=MANAGER)
    clock.advance(timedelta(days=9))
    listing = coach.answer("team", user=MANAGER)
    assert "2 reps" in listing
    assert "overdue by 2 days" in listing
    assert "no 1:1 logged yet" in listing
    assert listing.index(REP) < listing.index(REP_2)  # most overdue first


def test_empty_team_says_how_to_start(coach: RunningCoach) -> None:
    assert "/coach team add @rep weekly" in coach.answer("team", user=MANAGER)


def test_removing_a_rep_keeps_history_and_frees_them(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.answer(f"log <@{REP}>", user=MANAGER)
    assert "no longer on your team" in coach.answer(f"team remove <@{REP}>", user=MANAGER)
    assert _pairings(coach) == 1  # ended, not deleted
    assert "to accept you as their coach" in coach.answer(f"team add <@{REP}>", user=OUTSIDER)


def test_only_the_manager_can_remove_a_rep(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert "isn't on your team" in coach.answer(f"team remove <@{REP}>", user=OUTSIDER)
    assert "Your team: 1 rep\n" in coach.answer("team", user=MANAGER)


def test_a_rep_can_leave_and_the_manager_is_told(coach: RunningCoach, slack: SlackEmulator) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert f"left <@{MANAGER}>'s team" in coach.answer("team leave", user=REP)
    told = slack.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == MANAGER)
    assert f"<@{REP}> left your team" in told[0].params["text"]
    assert "nothing to leave" in coach.answer("team leave", user=REP)


def test_teams_do_not_cross_workspaces(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    other = coach.answer("team", user=MANAGER, team="T0OTHER")
    assert "aren't coaching anyone" in other
