"""Forget me, export and retention: people's data is theirs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from bot import slack_ids
from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from slack_emulator import SlackEmulator
from storage.models import CheckIn, Goal, OneOnOne, Pairing, Pause, SentMessage
from storage.privacy import export_rows
from tests.conftest import MANAGER, OUTSIDER, REP, REP_2
from tests.support.running_coach import RunningCoach


def _count(coach: RunningCoach, model: type, **where: str) -> int:
    statement = select(func.count()).select_from(model)
    for name, value in where.items():
        statement = statement.where(getattr(model, name) == value)
    with Session(coach.services.engine) as session:
        return session.exec(statement).one()[0]


def _history(coach: RunningCoach) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.answer(f"team add <@{REP_2}>", user=MANAGER)
    coach.answer(f"log <@{REP}>", user=MANAGER)
    coach.answer("goal Ask about budget on every first call", user=REP)
    coach.answer("goal Send a recap after every demo", user=REP_2)
    goal = str(next(g for g in _goals(coach) if g.rep_id == REP).id)
    coach.press(slack_ids.ACTION_CHECKIN_STUCK, goal, user=REP)


def _goals(coach: RunningCoach) -> list[Goal]:
    with Session(coach.services.engine) as session:
        return [row[0] for row in session.exec(select(Goal)).all()]


def test_forget_me_asks_first_and_erases_nothing_until_confirmed(coach: RunningCoach) -> None:
    _history(coach)
    answer = coach.answer("forget me", user=REP)
    assert "can't be undone" in answer
    assert _count(coach, Goal, rep_id=REP) == 1
    assert "Nothing was erased" in coach.press(slack_ids.ACTION_FORGET_CANCEL, "keep", user=REP)
    assert _count(coach, Goal, rep_id=REP) == 1


def test_forget_me_erases_the_rep_and_nobody_else(coach: RunningCoach) -> None:
    _history(coach)
    assert "Done." in coach.press(slack_ids.ACTION_FORGET_CONFIRM, "me", user=REP)
    assert _count(coach, Goal, rep_id=REP) == 0
    assert _count(coach, CheckIn, rep_id=REP) == 0
    assert _count(coach, Pairing, rep_id=REP) == 0
    assert _count(coach, OneOnOne) == 0  # REP's were the only 1:1s
    assert _count(coach, Goal, rep_id=REP_2) == 1
    assert _count(coach, Pairing, rep_id=REP_2) == 1
    assert "Your team: 1 rep\n" in coach.answer("team", user=MANAGER)


def test_forget_me_as_a_manager_ends_their_pairings(coach: RunningCoach) -> None:
    _history(coach)
    answer = coach.press(slack_ids.ACTION_FORGET_CONFIRM, f"{REP}", user=MANAGER)
    assert "2 coaching pairings have ended" in answer
    assert _count(coach, Pairing) == 0 and _count(coach, OneOnOne) == 0
    assert "aren't coaching anyone" in coach.answer("team", user=MANAGER)
    assert _count(coach, Goal, rep_id=REP) == 1  # the reps' own goals stay theirs


@pytest.mark.slow  # starts a process
def test_export_writes_a_workspace_or_one_person_as_json(
    coach: RunningCoach, settings: object
) -> None:
    _history(coach)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_"))},
        "DATABASE_URL": coach.services.settings.database_url,
    }

    def export(*args: str) -> dict:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "export", "--team", "T0COACH", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    everything = export()
    assert len(everything["pairings"]) == 2 and len(everything["goals"]) == 2
    for kind, records in everything.items():  # every record of a kind lists its keys alike
        if isinstance(records, list) and records:
            assert len({tuple(record) for record in records}) == 1, kind
    assert list(everything["pairings"][0])[:3] == ["id", "team_id", "manager_id"]
    mine = export("--user", REP_2)
    assert [g["rep_id"] for g in mine["goals"]] == [REP_2]
    assert all(REP_2 in (p["rep_id"], p["manager_id"]) for p in mine["pairings"])
    assert export("--user", OUTSIDER)["goals"] == []


def _reply_to_a_check_in(coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock) -> None:
    coach.answer("goal Ask about budget on every first call", user=REP)
    clock.advance(timedelta(days=2, hours=2))
    run_sweep(coach.services, "checkins")
    dm = slack.dm_messages(REP)[-1]
    channel = slack.workspace.dm_channel_id(REP)
    coach.event(
        {"type": "message", "channel": channel, "channel_type": "im", "user": REP,
         "text": "Asked on three calls", "ts": "1764100000.000100", "thread_ts": dm["ts"]}
    )  # fmt: skip
    slack.wait_for("reactions.add")


def _notes(coach: RunningCoach) -> list[str | None]:
    with Session(coach.services.engine) as session:
        return [row[0].note for row in session.exec(select(CheckIn)).all()]


def test_old_check_in_words_are_cleared_after_the_retention_period(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _reply_to_a_check_in(coach, slack, clock)
    clock.advance(timedelta(days=366))
    run_sweep(coach.services, "retention")
    assert _notes(coach) == [None]


def test_retention_is_a_sweep_of_its_own(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _reply_to_a_check_in(coach, slack, clock)
    clock.advance(timedelta(days=366))
    run_sweep(coach.services, "checkins")
    assert _notes(coach) == ["Asked on three calls"]  # check-ins only send check-ins
    assert run_sweep(coach.services, "retention") == (True, "1 old check-in notes cleared")
    assert _notes(coach) == [None]
    assert run_sweep(coach.services, "retention") == (True, "0 old check-in notes cleared")


def _ledger_rows(coach: RunningCoach, channel: str) -> list[SentMessage]:
    with Session(coach.services.engine) as session:
        statement = select(SentMessage).where(SentMessage.channel_id == channel)
        return [row[0] for row in session.exec(statement).all()]


def test_forget_me_as_a_manager_leaves_no_row_naming_them(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.pair(MANAGER, REP)
    coach.answer(f"log <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=9))
    run_sweep(coach.services, "cadence")  # a nudge to the manager's DM
    manager_dm = slack.workspace.dm_channel_id(MANAGER)
    assert _ledger_rows(coach, manager_dm)
    coach.press(slack_ids.ACTION_FORGET_CONFIRM, "me", user=MANAGER)
    assert _count(coach, Pairing, manager_id=MANAGER) == 0
    assert _count(coach, OneOnOne, logged_by=MANAGER) == 0
    assert _ledger_rows(coach, manager_dm) == []


def test_an_erased_goals_id_is_never_given_to_a_new_goal(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    """On SQLite a new row took the highest free id, so a new goal inherited the erased
    one's ledger key ``goal:<id>`` and its check-in counted as already sent."""
    coach.answer("goal Ask about budget on every first call", user=REP)
    erased_id = _goals(coach)[0].id
    clock.advance(timedelta(days=2, hours=2))
    run_sweep(coach.services, "checkins")  # this week's check-in, in REP's DM
    rep_dm = slack.workspace.dm_channel_id(REP)
    assert len(_ledger_rows(coach, rep_dm)) == 1
    coach.press(slack_ids.ACTION_FORGET_CONFIRM, "me", user=REP)
    assert _ledger_rows(coach, rep_dm) == []
    # Wednesday 07:00 in Honolulu: a goal set now is checked in on at 10:00, this same week.
    slack.workspace.add_user("UHONOLULU1", "kai", tz="Pacific/Honolulu")
    coach.answer("goal Send a recap after every demo", user="UHONOLULU1")
    assert _goals(coach)[0].id != erased_id
    clock.advance(timedelta(hours=3, minutes=5))
    run_sweep(coach.services, "checkins")
    assert len(slack.dm_messages("UHONOLULU1")) == 1


def test_forget_me_erases_the_managers_own_pauses_and_their_reps_pauses(
    coach: RunningCoach,
) -> None:
    coach.pair(MANAGER, REP)
    coach.answer(f"pause <@{REP}> until 2026-12-20", user=MANAGER)
    coach.answer("pause me until 2026-12-24", user=MANAGER)
    assert _count(coach, Pause) == 2
    with Session(coach.services.engine) as session:
        exported = export_rows(session=session, team_id="T0COACH", user_id=MANAGER)
    assert len(exported["pauses"]) == 2
    coach.press(slack_ids.ACTION_FORGET_CONFIRM, "me", user=MANAGER)
    assert _count(coach, Pause) == 0
