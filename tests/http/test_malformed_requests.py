"""Malformed requests: the signature is checked first (401), then the shape (400); never a
500. Replays the review's bodies, then mutates every field of each payload Slack sends."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest

from slack_emulator import payloads
from slack_emulator.payloads import FORM, JSON, Payloads
from tests.conftest import MANAGER
from tests.support.running_coach import RunningCoach

BAD_VALUES: list[Any] = [None, "s", [], 1, {}]


@pytest.mark.parametrize("body", [b"[]", b"null", b"1", b'"s"', b"payload=%7B%7D", b"a=b"])
def test_unsigned_odd_bodies_get_401(coach: RunningCoach, body: bytes) -> None:
    headers = {"Content-Type": JSON}
    assert coach.request("POST", "/slack/events", body, headers).status == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"[]", JSON),
        (b"null", JSON),
        (b"payload=%7B%7D", JSON),  # a form labelled JSON
        (b"a=b&c", FORM),
        (b"payload=null", FORM),
        (b"[" * 5000 + b"]" * 5000, JSON),
        (json.dumps({"type": "event_callback", "event": "s"}).encode(), JSON),
        (urlencode({"payload": json.dumps({"type": "view_submission", "view": None})}), FORM),
        # A presser with no id: every listener reads it, so it is refused at the door.
        (
            urlencode(
                {
                    "payload": json.dumps(
                        {
                            "type": "message_action",
                            "user": {},
                            "team": {"id": "T1"},
                            "channel": {"id": "C1"},
                            "message": {"text": "hi"},
                        }
                    )
                }
            ),
            FORM,
        ),
        (
            urlencode(
                {
                    "payload": json.dumps(
                        {"type": "shortcut", "user": {"id": ""}, "team": {"id": "T1"}}
                    )
                }
            ),
            FORM,
        ),
    ],
)
def test_signed_bodies_that_are_not_slacks_shape_get_400(
    coach: RunningCoach, body: bytes | str, content_type: str
) -> None:
    raw = body.encode() if isinstance(body, str) else body
    assert coach.post_signed(raw, content_type=content_type).status == 400


def _payload(form: bytes) -> dict[str, Any]:
    return json.loads(parse_qs(form.decode())["payload"][0])


def _slack_bodies(response_url: str) -> dict[str, tuple[dict[str, Any], bool]]:
    """One genuine body of each kind, and whether it travels as JSON (events) or a form.

    Answers go to the emulator's ``response_url``, as Slack's would reach Slack: with a
    host that does not resolve, every accepted mutation's answer waits out slack_sdk's
    connection retry on the after-ack pool, and the test measures DNS, not the app."""
    p = Payloads()
    event = {"type": "message", "user": MANAGER, "text": "hi", "channel": "D1", "ts": "1.1"}
    message = {"type": "message", "user": MANAGER, "text": "you rushed it", "ts": "1.2"}
    return {
        "event": (json.loads(p.event_callback(event)), True),
        "button": (
            _payload(
                p.button_press("plan_log_today", "1", user_id=MANAGER, response_url=response_url)
            ),
            False,
        ),
        "submit": (
            _payload(p.view_submission(payloads.modal("goal_modal"), {}, user_id=MANAGER)),
            False,
        ),
        "shortcut": (
            _payload(
                p.message_shortcut(
                    "reframe_as_coaching", message, user_id=MANAGER, response_url=response_url
                )
            ),
            False,
        ),
    }


def _mutations(body: dict[str, Any]) -> list[dict[str, Any]]:
    """``body`` with each field, and each field of its objects and first list item, set to
    each of BAD_VALUES in turn."""
    found = []
    for key, value in body.items():
        found += [{**body, key: bad} for bad in BAD_VALUES]
        inner = value[0] if isinstance(value, list) and value else value
        if isinstance(inner, dict):
            for sub in inner:
                for bad in BAD_VALUES:
                    copy = json.loads(json.dumps(body))
                    target = copy[key][0] if isinstance(value, list) else copy[key]
                    target[sub] = bad
                    found.append(copy)
    return found


@pytest.mark.parametrize("kind", ["event", "button", "submit", "shortcut"])
def test_no_mutation_of_a_slack_payload_gets_a_500(coach: RunningCoach, kind: str) -> None:
    assert coach.slack is not None
    body, as_json = _slack_bodies(coach.slack.response_url("C0GENERAL", MANAGER))[kind]
    failures = []
    for mutated in _mutations(body):
        raw = json.dumps(mutated) if as_json else urlencode({"payload": json.dumps(mutated)})
        status = coach.post_signed(raw.encode()).status
        if status >= 500:
            failures.append((status, mutated))
    coach.settle()
    assert failures == []


def test_slacks_own_odd_shapes_are_accepted(coach: RunningCoach) -> None:
    """A message with a link unfurl carries attachments whose ``id`` and ``ts`` are numbers;
    the shape check reads only what Bolt and Coach read, so such messages still work."""
    unfurl = {"id": 1, "ts": 1732377600, "title": "Acme", "from_url": "https://acme.example"}
    message = {
        "type": "message",
        "user": MANAGER,
        "text": "you rushed the demo",
        "ts": "1732377600.000300",
        "attachments": [unfurl],
    }
    body = Payloads().message_shortcut("reframe_as_coaching", message, user_id=MANAGER)
    assert coach.post_signed(body).status == 200
    event = {**message, "channel": "C0GENERAL", "channel_type": "channel"}
    assert coach.post_signed(Payloads().event_callback(event)).status == 200
    coach.settle()
