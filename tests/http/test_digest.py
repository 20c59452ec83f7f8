"""The weekly digest: one post per channel per week; managers told when it can't be posted."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from slack_emulator import SlackEmulator
from tests.conftest import MANAGER, OUTSIDER, REP, REP_2
from tests.support.running_coach import RunningCoach

CHANNEL = "C0LEADS"


def _digests(slack: SlackEmulator, channel: str = CHANNEL) -> list:
    return [
        c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == channel and c.ok
    ]


def _tick(coach: RunningCoach) -> str:
    completed, summary = run_sweep(coach.services, "digest")
    assert completed
    return summary


def _two_managers(coach: RunningCoach, slack: SlackEmulator) -> None:
    slack.workspace.add_channel(CHANNEL, "sales-leads", members=[MANAGER, OUTSIDER])
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    coach.answer(f"team add <@{REP_2}> every 2 weeks", user=OUTSIDER)
    assert "Monday mornings" in coach.answer(f"digest <#{CHANNEL}|sales-leads>", user=MANAGER)
    coach.answer(f"digest <#{CHANNEL}>", user=OUTSIDER)


def test_digest_names_who_is_behind_and_thanks_who_is_on_cadence(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _two_managers(coach, slack)
    clock.advance(timedelta(days=9))  # weekly rep overdue, biweekly rep on cadence
    assert _tick(coach).startswith("1 digests posted")
    posts = _digests(slack)
    assert len(posts) == 1
    text = str(posts[0].params["blocks"])
    assert "*1 of 2* 1:1s are on cadence" in text
    assert f"<@{MANAGER}>: 1 of 1 behind" in text
    assert "Thank you for keeping every 1:1 on cadence" in text
    assert f"• <@{OUTSIDER}>" in text


def test_digest_is_posted_once_a_week(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _two_managers(coach, slack)
    _tick(coach)
    _tick(coach)
    assert len(_digests(slack)) == 1
    clock.advance(timedelta(days=7))
    _tick(coach)
    assert len(_digests(slack)) == 2


def test_paused_pairings_are_counted_as_paused_not_behind(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _two_managers(coach, slack)
    coach.answer(f"pause <@{REP}> until 2026-12-31", user=MANAGER)
    clock.advance(timedelta(days=9))
    _tick(coach)
    text = str(_digests(slack)[0].params["blocks"])
    assert "*1 of 1* 1:1s are on cadence" in text
    assert "1 more paused" in text
    assert "behind" not in text.replace("nobody_behind", "")


def test_manager_is_told_when_the_bot_is_not_in_a_private_channel(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    slack.workspace.add_channel("G0PRIVATE", "managers", members=[MANAGER], bot_is_member=False)
    slack.workspace.add_channel("C0PUBLIC", "leads", members=[MANAGER], bot_is_member=False)
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert "/invite @Coach" in coach.answer("digest <#C0PUBLIC>", user=MANAGER)
    _tick(coach)
    told = [c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == MANAGER]
    assert len(told) == 1
    assert "/invite @Coach" in told[0].params["text"]
    _tick(coach)  # the same week: not told twice
    assert (
        len([c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == MANAGER])
        == 1
    )


def test_digest_off_stops_it(coach: RunningCoach, slack: SlackEmulator) -> None:
    _two_managers(coach, slack)
    assert "digest is off" in coach.answer("digest off", user=MANAGER)
    assert "already off" in coach.answer("digest off", user=MANAGER)
    _tick(coach)
    assert f"<@{MANAGER}>" not in str(_digests(slack)[0].params["blocks"])


def test_digest_needs_a_team_and_a_channel(coach: RunningCoach) -> None:
    assert "Add a rep first" in coach.answer("digest <#C0GENERAL>", user=MANAGER)
    reply = coach.command("digest sales", user=MANAGER)
    assert "/coach digest #sales-leads" in reply.text


def test_a_digest_cannot_be_pointed_at_a_private_channel_its_manager_is_not_in(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    """The bot is in #exec (private); a manager who is not tries to send their team's
    standing there, where people they cannot see would read it."""
    slack.workspace.add_channel("C0EXEC", "exec", members=[OUTSIDER], is_private=True)
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    answer = coach.answer("digest <#C0EXEC|exec>", user=MANAGER)
    assert "you aren't in <#C0EXEC>" in answer
    clock.advance(timedelta(days=9))
    _tick(coach)
    assert _digests(slack, "C0EXEC") == []


def test_a_digest_is_not_posted_once_the_bot_is_let_into_a_channel_its_manager_is_not_in(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    slack.workspace.add_channel(
        "C0EXEC", "exec", members=[OUTSIDER], is_private=True, bot_is_member=False
    )
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert "I'm not in that channel yet" in coach.answer("digest <#C0EXEC>", user=MANAGER)
    slack.workspace.add_channel("C0EXEC", "exec", members=[OUTSIDER], is_private=True)
    clock.advance(timedelta(days=9))
    _tick(coach)
    assert _digests(slack, "C0EXEC") == []
    told = [
        c.params["text"]
        for c in slack.calls_to("chat.postMessage")
        if c.params["channel"] == MANAGER
    ]
    assert any("you aren't in <#C0EXEC>" in text for text in told)
