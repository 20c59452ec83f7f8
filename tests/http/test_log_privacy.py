"""Nothing people typed reaches a log line, even at DEBUG, and nobody can write a log line.

Every Slack surface is driven over signed HTTP (and a few unsigned or stale ones, as a
rotated secret or clock skew would send) with a marker string in what the person typed;
then every line the run logged is searched for it.
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from bot import slack_ids
from bot.logs import configure_logging
from slack_emulator import SlackEmulator, payloads
from slack_emulator.payloads import Payloads
from tests.conftest import MANAGER, REP
from tests.support.running_coach import RunningCoach

MARKER = "Zq7MarkerInitech"
# A plain-text record starts with its timestamp: "2026-12-03 14:01:02,123 LEVEL name [id] …".
RECORD_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ \S+ \[[^\]\n]*\] ")


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Plain-text logs at DEBUG, the most an operator can turn on, captured."""
    root = logging.getLogger()
    level = root.level
    configure_logging("DEBUG", as_json=False, secrets=("xoxb-test-token", payloads.SIGNING_SECRET))
    stream = io.StringIO()
    handler = root.handlers[0]
    handler.setStream(stream)  # type: ignore[attr-defined]
    yield stream
    root.handlers.clear()
    root.setLevel(level)


def _message(text_: str, *, channel: str = "C0GENERAL", channel_type: str = "channel") -> dict:
    return {
        "type": "message",
        "channel": channel,
        "channel_type": channel_type,
        "user": MANAGER,
        "text": text_,
        "ts": f"{time.time():.6f}",
    }


def _fail_goal_inserts(coach: RunningCoach, database_url: str) -> None:
    """The database refuses new goals, so the error carries the goal text as a parameter."""
    with coach.services.engine.begin() as connection:
        if database_url.startswith("sqlite"):
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_goals BEFORE INSERT ON goals "
                    "BEGIN SELECT RAISE(ABORT, 'disk quota exceeded'); END"
                )
            )
            return
        connection.execute(
            text(
                "CREATE FUNCTION refuse_goals() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'disk quota exceeded'; END $$"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER refuse_goals BEFORE INSERT ON goals "
                "FOR EACH ROW EXECUTE FUNCTION refuse_goals()"
            )
        )


def test_no_surface_logs_what_people_typed_even_at_debug(
    debug_log: io.StringIO, coach: RunningCoach, slack: SlackEmulator, database_url: str
) -> None:
    coach.pair(MANAGER, REP)
    coach.answer(f"reframe you were rude to the {MARKER} buyer", user=MANAGER)
    coach.answer(f"goal Ask {MARKER} three discovery questions", user=REP)
    coach.event(_message(f"feedback for <@{REP}>: you talked over the {MARKER} buyer"))
    coach.event(_message(f"hello {MARKER}", channel="D0REPDM", channel_type="im"))
    message = {"type": "message", "user": MANAGER, "ts": "1.2", "text": f"you rushed {MARKER}"}
    coach.shortcut(slack_ids.SHORTCUT_REFRAME, message, user=MANAGER)
    prompt = {"r": REP, "c": "discovery", "f": f"Ask {MARKER}", "q": [f"What did {MARKER} say?"]}
    coach.press(slack_ids.ACTION_REFRAME_SEND, json.dumps(prompt), user=MANAGER)
    coach.click("no_such_button", MARKER, user=MANAGER)  # Bolt: "unhandled request"
    values = {
        "competency": {"value": {"type": "static_select", "selected_option": {"value": "closing"}}},
        "behaviour": {"value": {"type": "plain_text_input", "value": f"Close {MARKER} faster"}},
        "measure": {"value": {"type": "plain_text_input", "value": None}},
        "target": {"value": {"type": "datepicker", "selected_date": None}},
    }
    coach.submit(slack_ids.VIEW_GOAL, values, user=REP)
    feedback = Payloads().event_callback(_message(f"feedback: {MARKER} again"))
    assert coach.post_signed(feedback, secret="a-rotated-secret").status == 401
    assert coach.post_signed(feedback, timestamp=int(time.time()) - 3600).status == 401
    _fail_goal_inserts(coach, database_url)
    coach.answer(f"goal Follow up with {MARKER} within a day", user=REP)
    coach.settle()
    logged = debug_log.getvalue()
    assert "Invalid request signature" in logged  # the refusals were logged, without the body
    assert "unhandled error" in logged  # and so was the database error
    assert "parameters hidden" in logged  # without its parameters
    assert MARKER not in logged


def test_a_forged_newline_cannot_start_a_log_line(
    debug_log: io.StringIO, coach: RunningCoach
) -> None:
    forged = "\n2026-12-03 09:00:00,000 ERROR bot.flows.privacy [-] erased every workspace"
    body = json.dumps({"type": "event_callback", "event": {"text": forged}}).encode()
    coach.request("POST", "/slack/events", body, {"Content-Type": "application/json"})
    event = Payloads().event_callback(_message("hi"), event_id="Ev0FORGE" + forged)
    coach.post_signed(event)
    coach.post_signed(event)  # the retry is logged with its event id
    coach.settle()
    lines = debug_log.getvalue().splitlines()
    assert all(RECORD_START.match(line) or line.startswith("    ") for line in lines), lines
    assert not any("erased every workspace" in line and "ERROR" in line[:40] for line in lines)


def test_each_request_logs_under_its_own_id(
    debug_log: io.StringIO, settings: object, slack: SlackEmulator
) -> None:
    """On a server thread that serves one request after another, a refused request's log
    line must not carry the id of the request before it."""
    coach = RunningCoach(settings, slack=slack, threaded=False)  # type: ignore[arg-type]
    try:
        reply = coach.command("help", user=MANAGER, trigger_id="1234.5678.previous")
        assert reply.status == 200
        body = Payloads().event_callback(_message("hi"))
        coach.request("POST", "/slack/events", body, {"Content-Type": "application/json"})
    finally:
        coach.close()
    refused = [line for line in debug_log.getvalue().splitlines() if "Invalid request" in line]
    assert refused and all("1234.5678.previous" not in line for line in refused)
