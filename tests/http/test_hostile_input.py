"""Whatever arrives, Coach answers calmly: 200 with a clear message (4xx for malformed
bodies), never a 500, never a half-stored row, never an echo that pings anyone."""

from __future__ import annotations

import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.flows.privacy import export
from slack_emulator import SlackEmulator
from tests.conftest import MANAGER, REP
from tests.support.running_coach import RunningCoach

SUBCOMMANDS = ["", "team", "team add", "team remove", "log", "plan", "goal", "goals",
               "reframe", "digest", "pause", "resume", "forget", "help"]  # fmt: skip
SLACK_MARKUP = ["<!channel>", "<!here>", "<!everyone>", "<@U123|x>", "<@", "<#C1|c>",
                "<https://evil.example|click>", "@alex", "2026-02-30", "9999-99-99",
                "every 0 days", "until", "me", "\u0000", "\u202e", "🙂", "&lt;", "`"]  # fmt: skip
texts = st.builds(
    lambda sub, parts: (sub + " " + " ".join(parts)).strip(),
    st.sampled_from(SUBCOMMANDS),
    st.lists(st.one_of(st.sampled_from(SLACK_MARKUP), st.text(max_size=40)), max_size=6),
)
HOSTILE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _state(coach: RunningCoach) -> str:
    data = export(coach.services, team_id="T0COACH", user_id=None)
    return json.dumps({k: data[k] for k in ("pairings", "goals", "check_ins")}, sort_keys=True)


@HOSTILE
@given(text=texts)
def test_any_command_text_gets_a_calm_private_answer(
    coach: RunningCoach, slack: SlackEmulator, text: str
) -> None:
    reply = coach.command(text, user=MANAGER)
    assert reply.status == 200
    body = reply.body.decode()
    for ping in ("<!channel>", "<!here>", "<!everyone>"):
        assert ping not in body
    for call in slack.calls_to("response_url"):
        for ping in ("<!channel>", "<!here>", "<!everyone>"):
            assert ping not in json.dumps(call.params)


@HOSTILE
@given(cadence=st.text(max_size=60))
def test_a_refused_team_add_stores_nothing(coach: RunningCoach, cadence: str) -> None:
    before = _state(coach)
    answer = coach.answer(f"team add <@{REP}> {cadence}", user=MANAGER)
    if "to accept you as their coach" in answer:
        coach.answer(f"team remove <@{REP}>", user=MANAGER)
    else:
        assert _state(coach) == before


def test_a_forty_thousand_character_goal_is_refused_and_not_stored(coach: RunningCoach) -> None:
    before = _state(coach)
    assert "280 characters" in coach.answer("goal " + "x" * 40_000, user=REP)
    assert _state(coach) == before


@HOSTILE
@given(text=st.one_of(st.text(max_size=200), st.sampled_from(SLACK_MARKUP)))
def test_any_message_event_is_acknowledged(coach: RunningCoach, text: str) -> None:
    event = {"type": "message", "channel": "C0GENERAL", "channel_type": "channel",
             "user": MANAGER, "text": "feedback " + text, "ts": "1764000000.000500"}  # fmt: skip
    assert coach.event(event).status == 200


def test_broken_bodies_get_a_4xx_not_a_500(coach: RunningCoach) -> None:
    for body, kind in [
        (b'{"type": "event_callback", "event": ', "application/json"),
        (b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        (b"", "application/json"),
    ]:
        status = coach.post_signed(body, content_type=kind).status
        assert 200 <= status < 500, (body, status)
    garbage = b"\xff\xfe\x00garbage"  # not even UTF-8: cannot be signed like Slack signs
    headers = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=0"}
    assert coach.request("POST", "/slack/events", garbage, headers).status == 401


def test_echoed_typos_cannot_ping_or_forge(coach: RunningCoach) -> None:
    answer = coach.answer(f"log <@{REP}> <!here>", user=MANAGER)
    assert "<!here>" not in answer
    reply = coach.command("<!channel> <@U999|boss>", user=MANAGER)
    assert "<!channel>" not in reply.body.decode()
