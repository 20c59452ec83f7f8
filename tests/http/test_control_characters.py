"""A NUL byte or another control character in what someone types is removed at the edge,
and an event counts as handled only once its work is done: Slack's retry of an event
whose work failed does the work."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text
from sqlmodel import Session

from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from slack_emulator import SlackEmulator
from storage.models import CheckIn, Goal
from tests.conftest import MANAGER, REP
from tests.support.running_coach import RunningCoach


def _notes(coach: RunningCoach) -> list[str]:
    with Session(coach.services.engine) as session:
        rows = session.exec(select(CheckIn.note).where(CheckIn.status == "note")).all()
    return [row[0] for row in rows]


def _reply_event(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock, words: str
) -> dict:
    """The rep's reply in the thread of this week's check-in DM."""
    coach.pair(MANAGER, REP)
    coach.answer("goal Ask three discovery questions before every demo", user=REP)
    clock.advance(timedelta(days=2, hours=2))
    run_sweep(coach.services, "checkins")
    dm = slack.dm_messages(REP)[-1]
    channel = slack.workspace.dm_channel_id(REP)
    reply = slack.workspace.post_as_user(channel, REP, "placeholder", thread_ts=dm["ts"])
    return {
        "type": "message",
        "channel": channel,
        "channel_type": "im",
        "user": REP,
        "text": words,
        "ts": reply["ts"],
        "thread_ts": dm["ts"],
    }


def test_a_check_in_reply_with_a_nul_byte_is_recorded_without_it(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock
) -> None:
    event = _reply_event(coach, slack, clock, "Tried it\x00 twice; the\x1b[31m CFO opened up")
    assert coach.event(event, event_id="Ev0NULNOTE1").status == 200
    slack.wait_for("reactions.add")
    assert _notes(coach) == ["Tried it twice; the[31m CFO opened up"]


def test_a_goal_typed_with_a_nul_byte_is_saved_without_it(coach: RunningCoach) -> None:
    answer = coach.answer("goal Ask\x00 three discovery questions\x07 before every demo", user=REP)
    assert "went wrong" not in answer
    with Session(coach.services.engine) as session:
        goals = [row[0] for row in session.exec(select(Goal.behaviour)).all()]
    assert goals == ["Ask three discovery questions before every demo"]


def test_a_goal_form_with_control_characters_is_saved_without_them(
    coach: RunningCoach,
) -> None:
    value = "value"
    values = {
        "competency": {value: {"type": "static_select", "selected_option": {"value": "closing"}}},
        "behaviour": {value: {"type": "plain_text_input", "value": "Ask for\x00 the close"}},
        "measure": {value: {"type": "plain_text_input", "value": None}},
        "target": {value: {"type": "datepicker", "selected_date": None}},
    }
    assert coach.submit("goal_modal", values, user=REP).status == 200
    coach.settle()
    with Session(coach.services.engine) as session:
        assert session.exec(select(Goal.behaviour)).one()[0] == "Ask for the close"


def test_a_retry_of_a_reply_whose_work_failed_is_recorded(
    coach: RunningCoach, slack: SlackEmulator, clock: SandboxClock, database_url: str
) -> None:
    event = _reply_event(coach, slack, clock, "Tried it on two demos")
    _refuse_check_ins(coach, database_url, refuse=True)
    assert coach.event(event, event_id="Ev0FAILONCE").status == 200
    coach.settle()
    assert _notes(coach) == []
    _refuse_check_ins(coach, database_url, refuse=False)
    assert coach.event(event, event_id="Ev0FAILONCE").status == 200  # Slack's retry
    slack.wait_for("reactions.add")
    assert _notes(coach) == ["Tried it on two demos"]
    coach.event(event, event_id="Ev0FAILONCE")  # and a retry after that changes nothing
    coach.settle()
    assert _notes(coach) == ["Tried it on two demos"]


def test_a_retry_of_feedback_whose_reply_failed_is_answered(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    event = {
        "type": "message",
        "channel": "C0GENERAL",
        "channel_type": "channel",
        "user": MANAGER,
        "text": "feedback: you talked over the buyer on the demo",
        "ts": "1764000000.000700",
    }
    slack.workspace.fail_next("chat.postEphemeral", "internal_error")
    coach.event(event, event_id="Ev0FEEDFAIL")
    coach.settle()
    coach.event(event, event_id="Ev0FEEDFAIL")  # Slack's retry
    coach.settle()
    answered = [c for c in slack.calls_to("chat.postEphemeral") if c.ok]
    assert len(answered) == 1


def _refuse_check_ins(coach: RunningCoach, database_url: str, *, refuse: bool) -> None:
    """The database refuses new check-ins (a full disk, a failover) until told otherwise."""
    with coach.services.engine.begin() as connection:
        if database_url.startswith("sqlite"):
            statement = (
                "CREATE TRIGGER refuse_check_ins BEFORE INSERT ON check_ins "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
                if refuse
                else "DROP TRIGGER refuse_check_ins"
            )
            connection.execute(text(statement))
            return
        if refuse:
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_check_ins() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_check_ins BEFORE INSERT ON check_ins "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_check_ins()"
                )
            )
        else:
            connection.execute(text("DROP TRIGGER refuse_check_ins ON check_ins"))
