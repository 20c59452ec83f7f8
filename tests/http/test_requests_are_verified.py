"""Every request must carry Slack's signature; anything else gets 401 and changes nothing."""

from __future__ import annotations

import time

from sqlalchemy import func, select
from sqlmodel import Session

from slack_emulator import SlackEmulator, payloads
from slack_emulator.payloads import Payloads
from storage.models import ProcessedEvent
from tests.conftest import MANAGER
from tests.support.running_coach import RunningCoach


def _events_recorded(coach: RunningCoach) -> int:
    with Session(coach.services.engine) as session:
        return session.exec(select(func.count()).select_from(ProcessedEvent)).one()[0]


def _message_event() -> bytes:
    event = {"type": "message", "channel": "D0DM", "user": MANAGER, "text": "hi", "ts": "1.1"}
    return Payloads().event_callback(event, event_id="Ev0UNSIGNED")


def test_unsigned_request_is_rejected(coach: RunningCoach, slack: SlackEmulator) -> None:
    body = _message_event()
    reply = coach.request("POST", "/slack/events", body, {"Content-Type": "application/json"})
    assert reply.status == 401
    assert _events_recorded(coach) == 0
    assert slack.calls == []


def test_wrong_secret_is_rejected(coach: RunningCoach, slack: SlackEmulator) -> None:
    reply = coach.post_signed(_message_event(), secret="not-the-signing-secret")
    assert reply.status == 401
    assert _events_recorded(coach) == 0


def test_stale_timestamp_is_rejected(coach: RunningCoach) -> None:
    six_minutes_ago = int(time.time()) - 6 * 60
    reply = coach.post_signed(_message_event(), timestamp=six_minutes_ago)
    assert reply.status == 401
    assert _events_recorded(coach) == 0


def test_slash_command_with_wrong_secret_gets_no_answer(coach: RunningCoach) -> None:
    body = Payloads().slash_command("help", user_id=MANAGER)
    reply = coach.post_signed(body, secret="forged")
    assert reply.status == 401
    assert "/coach team" not in reply.body.decode()


def test_non_numeric_timestamp_is_rejected_not_crashed(coach: RunningCoach) -> None:
    reply = coach.post_signed(Payloads().slash_command("help", user_id=MANAGER), timestamp="abc")
    assert reply.status == 401


def test_forged_ssl_check_is_rejected(coach: RunningCoach) -> None:
    body = b"ssl_check=1&token=forged"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert coach.request("POST", "/slack/events", body, headers).status == 401


def test_signed_ssl_check_is_answered(coach: RunningCoach) -> None:
    reply = coach.post_signed(b"ssl_check=1&token=legacy-verification-token")
    assert reply.status == 200


def test_url_verification_echoes_the_challenge(coach: RunningCoach) -> None:
    reply = coach.post_signed(payloads.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3g"))
    assert reply.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3g" in reply.body.decode()


def test_retried_event_is_recorded_once(coach: RunningCoach) -> None:
    event = {"type": "app_mention", "channel": "C0GENERAL", "user": MANAGER, "ts": "2.2"}
    body = Payloads().event_callback(event, event_id="Ev0RETRIED1")
    first = coach.post_signed(body)
    retry = coach.post_signed(body)
    assert (first.status, retry.status) == (200, 200)
    assert _events_recorded(coach) == 1
