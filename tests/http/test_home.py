"""The App Home: team board for managers, focus page for reps, a start page for others."""

from __future__ import annotations

import json
from datetime import timedelta

from bot import slack_ids
from bot.clock import SandboxClock
from slack_emulator import SlackEmulator
from tests.conftest import MANAGER, OUTSIDER, REP, REP_2
from tests.support.running_coach import RunningCoach


def _open_home(coach: RunningCoach, slack: SlackEmulator, user: str) -> str:
    def for_user(call: object) -> bool:
        return call.params["user_id"] == user  # type: ignore[attr-defined]

    # Refreshes after earlier commands may still be on their way: let them land first.
    coach.settle()
    seen = len([c for c in slack.calls_to("views.publish") if for_user(c)])
    coach.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"})
    calls = slack.wait_for("views.publish", count=seen + 1, where=for_user)
    return json.dumps(calls[seen].params["view"], ensure_ascii=False)


def test_manager_sees_the_team_board(coach: RunningCoach, slack: SlackEmulator) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    home = _open_home(coach, slack, MANAGER)
    assert "Your team" in home and REP in home
    assert "Due this week" in home
    assert "coaching streak" in home
    assert "Your focus" not in home


def test_rep_sees_their_focus_and_check_ins(coach: RunningCoach, slack: SlackEmulator) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.answer("goal Summarise next steps at the end of every call", user=REP)
    home = _open_home(coach, slack, REP)
    assert "Your focus" in home and "Summarise next steps" in home
    assert "Choose a new focus" in home
    assert "Your team" not in home


def test_someone_who_is_both_sees_both(coach: RunningCoach, slack: SlackEmulator) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.answer(f"team add <@{REP_2}>", user=REP)  # a team lead coached by the manager
    home = _open_home(coach, slack, REP)
    assert "Your team" in home and "Your focus" in home


def test_someone_new_sees_how_to_start(coach: RunningCoach, slack: SlackEmulator) -> None:
    home = _open_home(coach, slack, OUTSIDER)
    assert "Welcome to Coach" in home
    assert "/coach team add @rep weekly" in home and "/coach goal" in home


def test_home_is_refreshed_after_a_change(coach: RunningCoach, slack: SlackEmulator) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    published = slack.wait_for("views.publish", where=lambda c: c.params["user_id"] == MANAGER)
    assert REP in json.dumps(published[-1].params["view"])


def test_after_a_snooze_the_board_says_was_due_and_snoozed(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=10))  # Thursday 3 Dec: due Mon 30 Nov, three days ago
    assert "until *Thu 10 Dec 2026*" in coach.press(
        slack_ids.ACTION_NUDGE_SNOOZE, _pairing_id(coach), user=MANAGER
    )
    home = _open_home(coach, slack, MANAGER)
    assert "overdue by 3 days · was due Mon 30 Nov 2026 · nudges snoozed until Thu 10 Dec" in home
    assert "next due Mon 30 Nov" not in home
    team = coach.answer("team", user=MANAGER)
    assert "was due Mon 30 Nov 2026 · nudges snoozed until Thu 10 Dec 2026" in team


def _pairing_id(coach: RunningCoach) -> str:
    with coach.services.engine.connect() as connection:
        return str(connection.exec_driver_sql("SELECT id FROM pairings").scalar())
