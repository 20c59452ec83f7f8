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


def _dms(slack: SlackEmulator, user: str) -> list:
    return [
        c for c in slack.calls_to("chat.postMessage") if c.params.get("channel") == user and c.ok
    ]


def test_the_channel_celebrates_and_names_no_one_behind(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _two_managers(coach, slack)
    # Monday 7 December, 10:00 in New York: the weekly rep is a week overdue, the
    # biweekly one due today.
    clock.advance(timedelta(days=14))
    assert _tick(coach).startswith("1 digests posted")
    posts = _digests(slack)
    assert len(posts) == 1
    text = str(posts[0].params["blocks"])
    assert "*1 of 2* 1:1s are on cadence" in text
    assert "Thank you for keeping every 1:1 on cadence" in text
    assert f"• <@{OUTSIDER}>" in text
    assert MANAGER not in text and REP not in text
    for judging in ("behind", "nudge for", "overdue"):
        assert judging not in text.lower()
    # Who is behind is said to that manager alone.
    summary = str(_dms(slack, MANAGER)[-1].params["blocks"])
    assert "only you see this" in summary
    assert f"<@{REP}>: overdue by 7 days" in summary
    assert "*1 of 2* 1:1s" not in summary and "*0 of 1* of your 1:1s" in summary


def test_on_day_one_the_digest_says_the_cadence_has_just_started(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    _two_managers(coach, slack)  # Monday 23 November, 10:00 in New York
    _tick(coach)
    text = str(_digests(slack)[0].params["blocks"])
    assert "has just started" in text and "Mon 30 Nov 2026" in text
    assert "Thank you" not in text and "of 2" not in text
    summary = str(_dms(slack, MANAGER)[-1].params["blocks"])
    assert "Your coaching cadence has just started" in summary


def test_digest_is_posted_once_a_week(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _two_managers(coach, slack)
    _tick(coach)
    _tick(coach)
    assert len(_digests(slack)) == 1
    clock.advance(timedelta(days=2))  # Wednesday: not the digest's day
    _tick(coach)
    assert len(_digests(slack)) == 1
    clock.advance(timedelta(days=5))
    _tick(coach)
    assert len(_digests(slack)) == 2


def test_paused_pairings_are_counted_as_paused_not_behind(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _two_managers(coach, slack)
    coach.answer(f"pause <@{REP}> until 2026-12-31", user=MANAGER)
    clock.advance(timedelta(days=14))
    _tick(coach)
    text = str(_digests(slack)[0].params["blocks"])
    assert "*1 of 1* 1:1s are on cadence" in text
    assert "1 more is paused" in text


def test_manager_is_told_when_the_bot_is_not_in_a_private_channel(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    slack.workspace.add_channel("G0PRIVATE", "managers", members=[MANAGER], bot_is_member=False)
    slack.workspace.add_channel("C0PUBLIC", "leads", members=[MANAGER], bot_is_member=False)
    coach.answer(f"team add <@{REP}>", user=MANAGER)
    assert "/invite @Coach" in coach.answer("digest <#C0PUBLIC>", user=MANAGER)
    _tick(coach)

    def told() -> list:
        return [c for c in _dms(slack, MANAGER) if "/invite @Coach" in c.params["text"]]

    assert len(told()) == 1
    _tick(coach)  # the same week: not told twice
    assert len(told()) == 1


def test_digest_off_stops_it(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _two_managers(coach, slack)
    assert "digest is off" in coach.answer("digest off", user=MANAGER)
    assert "already off" in coach.answer("digest off", user=MANAGER)
    # The channel now keeps its other manager's clock: Monday 09:00 in Tokyo.
    clock.advance(timedelta(days=6, hours=9))
    _tick(coach)
    assert f"<@{MANAGER}>" not in str(_digests(slack)[0].params["blocks"])
    assert _dms(slack, MANAGER) == []


def test_each_digest_keeps_its_owners_hour_and_each_summary_its_managers(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    _two_managers(coach, slack)
    clock.advance(timedelta(days=6, hours=9))  # Monday 30 Nov 00:00 UTC: 09:00 in Tokyo
    _tick(coach)
    assert _digests(slack) == []  # the channel keeps New York's clock: Sunday, 19:00
    assert len(_dms(slack, OUTSIDER)) == 1  # Tokyo's manager hears at nine, their time
    assert _dms(slack, MANAGER) == []
    clock.advance(timedelta(hours=13, minutes=30))  # 08:30 in New York
    _tick(coach)
    assert _digests(slack) == []
    clock.advance(timedelta(minutes=30))  # 09:00 in New York
    _tick(coach)
    assert len(_digests(slack)) == 1 and len(_dms(slack, MANAGER)) == 1
    assert len(_dms(slack, OUTSIDER)) == 1
    # After Monday's window the half-hourly sweep asks Slack nothing: the zones it knows
    # say it is nobody's digest hour.
    clock.advance(timedelta(hours=9))  # Monday 18:00 in New York, Tuesday 08:00 in Tokyo
    slack.clear_calls()
    for _ in range(10):
        clock.advance(timedelta(hours=5))
        _tick(coach)
    assert slack.calls_to("users.info") == [] and _digests(slack) == []


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
    clock.advance(timedelta(days=7))  # Monday 30 November, 10:00 in New York: digest time
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
    clock.advance(timedelta(days=7))  # Monday 30 November, 10:00 in New York: digest time
    _tick(coach)
    assert _digests(slack, "C0EXEC") == []
    told = [
        c.params["text"]
        for c in slack.calls_to("chat.postMessage")
        if c.params["channel"] == MANAGER
    ]
    assert any("you aren't in <#C0EXEC>" in text for text in told)
