"""/coach insights over signed HTTP: a leader sees the managers below them, as counts; never
anyone outside their tree, never a rep's goal or words; forget me leaves every figure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine

from bot import slack_ids
from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from slack_emulator import SlackEmulator
from tests.conftest import MANAGER, OUTSIDER, REP, REP_2
from tests.support.running_coach import RunningCoach

DIRECTOR = "UDIRECTOR1"
MANAGER_2 = "UMANAGER02"
REP_3 = "UREP000003"
PEER_MANAGER = "UPEERMGR01"  # below OUTSIDER, another leader
PEER_REP = "UPEERREP01"
GOAL_WORDS = "Ask two open questions before every demo"
NOTE_WORDS = "the procurement lead finally opened up"


@pytest.fixture
def org(coach: RunningCoach, slack: SlackEmulator) -> Iterator[RunningCoach]:
    """Jordan directs Morgan and Riley; Olli leads another tree. Monday 23 November."""
    workspace = slack.workspace
    workspace.add_user(DIRECTOR, "jordan", real_name="Jordan Director", tz="America/Los_Angeles")
    workspace.add_user(MANAGER_2, "riley", real_name="Riley Manager", tz="Europe/London")
    workspace.add_user(REP_3, "casey", real_name="Casey Rep", tz="Europe/London")
    workspace.add_user(PEER_MANAGER, "pat", real_name="Pat Peer", tz="Asia/Tokyo")
    workspace.add_user(PEER_REP, "kim", real_name="Kim Rep", tz="Asia/Tokyo")
    coach.pair(DIRECTOR, MANAGER, "biweekly")
    coach.pair(DIRECTOR, MANAGER_2, "biweekly")
    coach.pair(MANAGER, REP)
    coach.pair(MANAGER, REP_2)
    coach.pair(MANAGER_2, REP_3)
    coach.pair(OUTSIDER, PEER_MANAGER)
    coach.pair(PEER_MANAGER, PEER_REP)
    yield coach


def _blocks(coach: RunningCoach, text: str, user: str) -> str:
    return json.dumps(coach.answer_params(text, user=user))


def test_a_leader_sees_each_manager_below_them_and_no_one_else(
    org: RunningCoach, clock: SandboxClock
) -> None:
    clock.advance(timedelta(days=7))
    org.answer(f"log <@{REP}>", user=MANAGER)  # Mon 30 Nov: on time
    clock.advance(timedelta(days=7))  # Mon 7 Dec: REP_2's 1:1s of 30 Nov was missed
    answer = org.answer("insights", user=DIRECTOR)
    assert "How your managers are coaching" in answer and "Only you see this" in answer
    assert f"<@{MANAGER}>" in answer and f"<@{MANAGER_2}>" in answer
    for outside in (PEER_MANAGER, OUTSIDER, PEER_REP):
        assert outside not in answer
    assert "cadence kept *50%*" in answer  # Morgan: 1 of 2 due on 30 Nov
    assert "cadence kept *0%*" in answer  # Riley: REP_3's 30 Nov missed


def test_a_leader_cannot_open_a_manager_outside_their_tree(org: RunningCoach) -> None:
    for who in (PEER_MANAGER, REP, OUTSIDER):
        answer = org.answer(f"insights <@{who}>", user=DIRECTOR)
        assert "isn't one of the managers below you" in answer
        assert "Cadence kept" not in answer
    assert "Cadence kept" in org.answer(f"insights <@{MANAGER}>", user=DIRECTOR)


def test_a_manager_cannot_see_their_peers(org: RunningCoach) -> None:
    assert "Insights are for leaders" in org.answer("insights", user=MANAGER)
    assert "isn't one of the managers below you" in org.answer(
        f"insights <@{MANAGER_2}>", user=MANAGER
    )
    # Olli leads Pat, and sees Pat alone.
    answer = org.answer("insights", user=OUTSIDER)
    assert PEER_MANAGER in answer and MANAGER not in answer and MANAGER_2 not in answer


def test_the_leader_sees_goal_status_never_goal_or_check_in_words(
    org: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    org.answer(f"goal {GOAL_WORDS}", user=REP)
    clock.advance(timedelta(days=2, hours=2))  # Wednesday: the check-in goes out
    assert run_sweep(org.services, "checkins")[0]
    dm = slack.dm_messages(REP)[-1]
    channel = slack.workspace.dm_channel_id(REP)
    reply = slack.workspace.post_as_user(channel, REP, NOTE_WORDS, thread_ts=dm["ts"])
    org.event(
        {
            "type": "message",
            "channel": channel,
            "channel_type": "im",
            "user": REP,
            "text": reply["text"],
            "ts": reply["ts"],
            "thread_ts": dm["ts"],
        }
    )
    slack.wait_for("reactions.add")
    clock.advance(timedelta(days=5))
    detail = _blocks(org, f"insights <@{MANAGER}>", DIRECTOR)
    assert f"<@{REP}>" in detail and "has a focus" in detail
    assert f"<@{REP_2}>" in detail and "no focus chosen yet" in detail
    assert "Check-ins answered: 1 of 1" in detail
    overview = _blocks(org, "insights", DIRECTOR)
    for words in (GOAL_WORDS, NOTE_WORDS, "open questions", "procurement", "discovery"):
        assert words not in detail and words not in overview
    # The manager still sees it: it is between rep and manager.
    assert NOTE_WORDS in _blocks(org, f"plan <@{REP}>", MANAGER)


def test_forget_me_removes_a_person_from_every_figure(
    org: RunningCoach, clock: SandboxClock
) -> None:
    org.answer(f"log <@{REP_2}>", user=MANAGER)
    org.answer(f"log <@{REP_2}> field day", user=MANAGER)
    clock.advance(timedelta(days=8))
    assert f"<@{REP_2}>" in org.answer(f"insights <@{MANAGER}>", user=DIRECTOR)
    assert "Done." in org.press(slack_ids.ACTION_FORGET_CONFIRM, "me", user=REP_2)
    detail = org.answer(f"insights <@{MANAGER}>", user=DIRECTOR)
    assert REP_2 not in detail and "· 1 rep" in detail
    assert "Field days per rep: 0.0 · 0.0" in detail
    # A manager who asks to be forgotten leaves the leader's view altogether.
    assert "Done." in org.press(slack_ids.ACTION_FORGET_CONFIRM, "me", user=MANAGER)
    answer = org.answer("insights", user=DIRECTOR)
    assert MANAGER not in answer and MANAGER_2 in answer


def test_the_asking_rate_counts_questions_sent_or_saved_never_the_words(
    org: RunningCoach, clock: SandboxClock
) -> None:
    feedback = f"feedback for <@{REP}>: you talked over the buyer and never asked about budget"
    reply = org.answer_params(f"reframe {feedback}", user=MANAGER)
    send = next(
        element
        for block in reply["blocks"]
        for element in block.get("elements") or []
        if element.get("action_id") == slack_ids.ACTION_REFRAME_SEND
    )
    assert "Sent" in org.press(slack_ids.ACTION_REFRAME_SEND, send["value"], user=MANAGER)
    org.press(slack_ids.ACTION_REFRAME_SEND, send["value"], user=MANAGER)  # counted once
    org.answer("reframe you never follow up on time", user=MANAGER)  # offered, not asked
    clock.advance(timedelta(days=14))
    answer = org.answer("insights", user=DIRECTOR)
    assert "asking 1 of 2" in answer
    assert "budget" not in answer and "talked over" not in answer


def test_a_field_day_is_noted_against_the_reps_focus(
    org: RunningCoach, clock: SandboxClock
) -> None:
    org.answer(f"goal {GOAL_WORDS}", user=REP)
    answer = org.answer(f"log <@{REP}> field day yesterday", user=MANAGER)
    assert "Field day with" in answer and "Sun 22 Nov 2026" in answer
    assert "doesn't count as one" in answer
    assert "haven't chosen a focus" in org.answer(f"log <@{REP_2}> field day", user=MANAGER)
    assert "isn't on your team" in org.answer(f"log <@{REP_3}> field day", user=MANAGER)
    assert "in the future" in org.answer(f"log <@{REP}> field day 2026-11-24", user=MANAGER)
    clock.advance(timedelta(days=7))
    detail = org.answer(f"insights <@{MANAGER}>", user=DIRECTOR)
    assert f"<@{REP}>" in detail and "1 field day" in detail


def test_the_plan_and_the_nudge_suggest_a_field_day_after_six_weeks_without(
    org: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    org.answer(f"goal {GOAL_WORDS}", user=REP)
    assert f"none with <@{REP}> in six weeks" in org.answer(f"plan <@{REP}>", user=MANAGER)
    org.answer(f"log <@{REP}> field day", user=MANAGER)
    plan = org.answer(f"plan <@{REP}>", user=MANAGER)
    assert "Last field day: Mon 23 Nov 2026" in plan and "none with" not in plan
    clock.advance(timedelta(days=8))  # Tuesday 1 December, 10:00 in New York: both overdue
    assert run_sweep(org.services, "cadence")[0]
    nudge = next(
        c
        for c in slack.calls_to("chat.postMessage")
        if c.params.get("channel") == MANAGER and "catch-up" in c.params.get("text", "")
    )
    text = json.dumps(nudge.params["blocks"])
    assert f"since a field day with <@{REP_2}>" in text
    assert f"since a field day with <@{REP}>" not in text


def test_the_leaders_app_home_has_the_insights_section(
    org: RunningCoach, slack: SlackEmulator
) -> None:
    org.answer(f"goal {GOAL_WORDS}", user=REP)

    def for_user(user: str) -> str:
        org.settle()
        seen = len([c for c in slack.calls_to("views.publish") if c.params["user_id"] == user])
        org.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home"})
        calls = slack.wait_for(
            "views.publish", count=seen + 1, where=lambda c: c.params["user_id"] == user
        )
        return json.dumps(calls[seen].params["view"], ensure_ascii=False)

    home = for_user(DIRECTOR)
    assert "Your managers' coaching" in home and "Your team" in home
    assert f"<@{MANAGER}>" in home and f"<@{MANAGER_2}>" in home
    assert PEER_MANAGER not in home and GOAL_WORDS not in home
    assert "Your managers' coaching" not in for_user(MANAGER)


def test_the_leader_summary_comes_weekly_at_their_morning_with_the_chart(
    org: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    org.answer(f"goal {GOAL_WORDS}", user=REP)
    org.answer(f"log <@{REP}>", user=MANAGER)

    def summaries() -> list:
        return [
            m
            for m in slack.dm_messages(DIRECTOR)
            if "Your managers' coaching week" in m.get("text", "")
            or "Your managers' coaching week" in json.dumps(m.get("blocks") or [])
        ]

    clock.advance(timedelta(days=7, hours=2))  # Monday 30 Nov, 09:00 in Los Angeles
    assert run_sweep(org.services, "leaders") == (
        True,
        "0 leader summaries sent, 0 charts uploaded",
    )
    clock.advance(timedelta(hours=1))  # 10:00 there: an hour after the managers' nudges
    assert run_sweep(org.services, "leaders") == (
        True,
        "1 leader summaries sent, 1 charts uploaded",
    )
    assert run_sweep(org.services, "leaders")[1].startswith("0 leader summaries sent, 0 charts")
    assert len(summaries()) == 1
    shared = [m for m in slack.dm_messages(DIRECTOR) if m.get("files")]
    assert len(shared) == 1 and shared[0]["files"][0]["mimetype"] == "image/png"
    assert slack.calls_to("upload")[0].params["bytes"] > 1000
    received = json.dumps(slack.dm_messages(DIRECTOR))
    for words in (GOAL_WORDS, "open questions"):
        assert words not in received
    assert (
        "In words, cadence kept week by week" in received
    )  # the chart's figures, for anyone who can't see it
    clock.advance(timedelta(days=7))
    run_sweep(org.services, "leaders")
    assert len(summaries()) == 2


def test_coach_insights_prints_the_figures_as_csv_and_export_holds_their_facts(
    org: RunningCoach,
    clock: SandboxClock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.__main__ import main

    org.answer(f"goal {GOAL_WORDS}", user=REP)
    org.answer(f"log <@{REP}> field day", user=MANAGER)
    clock.advance(timedelta(days=7))
    org.answer(f"log <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=7))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    capsys.readouterr()
    with time_machine.travel(clock.now(), tick=False):  # the CLI reads the system clock
        assert main(["insights", "--team", "T0COACH", "--leader", DIRECTOR, "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    assert [row["manager_id"] for row in rows] == [MANAGER, MANAGER_2]
    morgan = rows[0]
    assert (morgan["reps"], morgan["reps_with_focus"], morgan["field_days_12w"]) == ("2", "1", "1")
    assert (morgan["due_4w"], morgan["kept_4w"]) == ("2", "1")
    assert "bright" not in lines[0] and "time" not in lines[0]
    assert GOAL_WORDS not in "\n".join(lines)
    with time_machine.travel(clock.now(), tick=False):
        assert main(["insights", "--team", "T0COACH"]) == 0
    managers = {row["manager_id"] for row in json.loads(capsys.readouterr().out)}
    assert managers == {DIRECTOR, MANAGER, MANAGER_2, OUTSIDER, PEER_MANAGER}
    assert main(["export", "--team", "T0COACH", "--user", MANAGER]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert len(exported["field_days"]) == 1 and exported["field_days"][0]["competency"]
    assert "reframe_counts" in exported and "check_ins_sent" in exported
