"""``/coach plan``: everything a manager needs before their 1:1s, in one private message."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import event

from bot import slack_ids
from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from slack_emulator import SlackEmulator
from tests.conftest import MANAGER, OUTSIDER, REP, REP_2
from tests.support.running_coach import RunningCoach

REP_3 = "UREP000003"


def _plan_blocks(coach: RunningCoach, slack: SlackEmulator, text: str = "plan") -> str:
    return json.dumps(coach.answer_params(text, user=MANAGER)["blocks"], ensure_ascii=False)


def _three_reps(coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock) -> None:
    slack.workspace.add_user(REP_3, "kim", tz="Asia/Singapore")
    coach.pair(MANAGER, REP)  # will be overdue
    coach.pair(MANAGER, REP_2, "every 2 weeks")  # on cadence, has a goal
    coach.pair(MANAGER, REP_3, "monthly")  # never met, on cadence
    coach.answer("goal Let the buyer talk more than I do on discovery calls", user=REP_2)
    clock.advance(timedelta(days=9))
    coach.answer(f"log <@{REP_2}>", user=MANAGER)
    with coach.services.engine.connect() as connection:
        goal_id = connection.exec_driver_sql("SELECT id FROM goals").scalar()
    coach.press(slack_ids.ACTION_CHECKIN_ON_TRACK, str(goal_id), user=REP_2)


def test_plan_names_every_rep_most_overdue_first_with_goal_and_check_in(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _three_reps(coach, slack, clock)
    seen = len(slack.calls_to("response_url"))
    started = time.perf_counter()
    reply = coach.command("plan", user=MANAGER)
    assert reply.status == 200 and time.perf_counter() - started < 3
    plan = json.dumps(
        slack.wait_for("response_url", count=seen + 1)[seen].params["blocks"], ensure_ascii=False
    )
    assert plan.index(REP) < plan.index(REP_2) and plan.index(REP) < plan.index(REP_3)
    assert "overdue by 2 days" in plan
    assert "Let the buyer talk more than I do on discovery calls" in plan
    assert "Latest check-in" in plan and "on track" in plan
    assert "Questions to ask" in plan
    assert "sit in on one of" in plan and "not a big deal" in plan
    assert "Log 1:1 today" in plan and "Send prep questions" in plan and "Full agenda" in plan


def test_plan_with_no_reps_says_how_to_start(coach: RunningCoach, slack: SlackEmulator) -> None:
    assert "/coach team add @rep weekly" in _plan_blocks(coach, slack)


def test_plan_for_forty_reps_pages_within_block_kit_limits(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    reps = [f"UBIG{n:06d}" for n in range(40)]
    for n, rep in enumerate(reps):
        slack.workspace.add_user(rep, f"rep{n}", tz="America/Chicago")
        coach.pair(MANAGER, rep)
    coach.answer("plan", user=MANAGER)
    first = slack.calls_to("response_url")[-1].params["blocks"]
    assert len(first) <= 50
    assert "Reps 1–12 of 40" in json.dumps(first, ensure_ascii=False)
    pager = first[-1]["elements"][0]
    seen = len(slack.calls_to("response_url"))
    coach.click(pager["action_id"], pager["value"], user=MANAGER)
    second = slack.wait_for("response_url", count=seen + 1)[seen].params
    assert second["replace_original"] is True
    assert "Reps 13–24 of 40" in json.dumps(second["blocks"], ensure_ascii=False)


def test_plan_costs_the_same_queries_for_three_reps_or_forty(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    statements: list[str] = []
    event.listen(coach.services.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    added = 0

    def add(rep: str) -> None:
        nonlocal added
        coach.pair(MANAGER, rep)
        added += 1
        # Let the App Home refreshes that follow each add and accept finish before anything
        # is counted.
        slack.wait_for("views.publish", count=2 * added)

    def count_plan() -> int:
        coach.answer("plan", user=MANAGER)  # warm the people cache
        statements.clear()
        coach.answer("plan", user=MANAGER)
        return len(statements)

    for rep in (REP, REP_2, "UREP000003"):
        slack.workspace.add_user(rep, rep.lower())
        add(rep)
    few = count_plan()
    for n in range(37):
        slack.workspace.add_user(f"UMORE{n:05d}", f"more{n}")
        add(f"UMORE{n:05d}")
    assert count_plan() == few


def test_full_agenda_for_one_rep_and_log_marks_it_covered(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _three_reps(coach, slack, clock)
    coach.event(
        {
            "type": "message",
            "channel": "C0GENERAL",
            "channel_type": "channel",
            "user": MANAGER,
            "text": f"feedback for <@{REP_2}>: you rushed the pricing slide on the Globex call",
            "ts": "1764000000.000200",
        }
    )
    reframe = slack.wait_for("chat.postEphemeral")[0].params["blocks"]
    add = next(
        e for b in reframe if b["type"] == "actions" for e in b["elements"]
        if e["action_id"] == slack_ids.ACTION_REFRAME_AGENDA
    )  # fmt: skip
    coach.press(add["action_id"], add["value"], user=MANAGER)
    agenda = _plan_blocks(coach, slack, f"plan <@{REP_2}>")
    assert "Full agenda for your 1:1" in agenda
    assert "Globex" in agenda
    assert "Last 1:1s" in agenda and "Recent check-ins" in agenda
    coach.answer(f"log <@{REP_2}>", user=MANAGER)
    assert "nothing yet" in _plan_blocks(coach, slack, f"plan <@{REP_2}>")


def test_plan_for_someone_elses_rep_is_refused(coach: RunningCoach, slack: SlackEmulator) -> None:
    coach.pair(MANAGER, REP)
    coach.answer("goal Ask for the next step on every call", user=REP)
    refused = coach.answer(f"plan <@{REP}>", user=OUTSIDER)
    assert "Only <@" in refused
    assert "next step" not in refused
    assert "Only <@" in coach.answer(f"plan <@{MANAGER}>", user=REP)


def test_send_prep_questions_dms_the_rep(coach: RunningCoach, slack: SlackEmulator) -> None:
    coach.pair(MANAGER, REP)
    coach.answer("plan", user=MANAGER)
    blocks = slack.calls_to("response_url")[-1].params["blocks"]
    prep = next(
        e for b in blocks if b["type"] == "actions" for e in b["elements"]
        if e["action_id"] == slack_ids.ACTION_PLAN_PREP
    )  # fmt: skip
    assert "Sent <@" in coach.press(prep["action_id"], prep["value"], user=MANAGER)
    dm = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == REP][-1]
    assert "looking forward to your next 1:1" in dm.params["text"]
    assert "isn't on your team" in coach.press(prep["action_id"], prep["value"], user=OUTSIDER)


@pytest.mark.parametrize("accepted", [True, False], ids=["accepted", "awaiting-accept"])
def test_prep_questions_are_the_ones_the_plan_showed(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock, accepted: bool
) -> None:
    # Sunday 29 Nov, 22:00 in New York but Monday 03:00 UTC: the plan's week is New York's.
    clock.advance(timedelta(days=6, hours=12))
    if accepted:  # the plan shows the rep's focus, and its questions
        coach.pair(MANAGER, REP)
    else:  # the plan shows only name and cadence, and general questions
        coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.answer("goal Ask three discovery questions before every demo", user=REP)
    params = coach.answer_params("plan", user=MANAGER)
    shown = json.dumps(params["blocks"], ensure_ascii=False)
    assert ("Ask three discovery questions" in shown) is accepted
    prep = next(
        e for b in params["blocks"] if b["type"] == "actions" for e in b["elements"]
        if e["action_id"] == slack_ids.ACTION_PLAN_PREP
    )  # fmt: skip
    coach.press(prep["action_id"], prep["value"], user=MANAGER)
    dm = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == REP][-1]
    sent = [line.removeprefix("• ") for line in dm.params["text"].splitlines() if line[:2] == "• "]
    assert len(sent) == 3
    for question in sent:
        assert json.dumps(question, ensure_ascii=False)[1:-1] in shown


def test_the_streak_is_not_claimed_above_an_overdue_1_1(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    clock.advance(timedelta(days=7))
    coach.answer(f"log <@{REP}>", user=MANAGER)  # Monday 30 Nov: the week ended on cadence
    clock.advance(timedelta(days=9))  # Wednesday 9 Dec: two days overdue
    plan = _plan_blocks(coach, slack)
    assert "overdue by 2 days" in plan
    # The weeks ending 29 Nov and 6 Dec were kept, but today's slip is not hidden.
    assert "with every 1:1 on cadence" not in plan
    assert f"Your *2-week* coaching streak is waiting on a catch-up with <@{REP}>" in plan
    coach.answer(f"log <@{REP}>", user=MANAGER)
    assert "Coaching streak: *2 weeks* with every 1:1 on cadence." in _plan_blocks(coach, slack)


def test_the_full_agenda_lists_every_pause(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.answer(f"pause <@{REP}> until 2026-11-30", user=MANAGER)
    clock.advance(timedelta(days=14))  # Monday 7 December
    coach.answer("pause me until 2026-12-10", user=MANAGER)
    slack.workspace.set_status(REP, status_text="Out sick")
    clock.advance(timedelta(days=11))  # Friday 18 December: due the 17th, and away
    run_sweep(coach.services, "cadence")
    agenda = _plan_blocks(coach, slack, f"plan <@{REP}>")
    assert "*Pauses:*" in agenda
    assert "• since Fri 18 Dec 2026: away, by their Slack status" in agenda
    assert "• Mon 7 Dec 2026 until Thu 10 Dec 2026: your own leave" in agenda
    assert "• Mon 23 Nov 2026 until Mon 30 Nov 2026: paused" in agenda
    assert agenda.index("since Fri 18 Dec") < agenda.index("Mon 23 Nov 2026 until")
