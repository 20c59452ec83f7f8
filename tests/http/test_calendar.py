"""1:1s from the calendar, end to end: the real app over HTTP, Slack's emulator, and a local
feed server serving real-world-shaped exports (tests/data/calendars/). The feed server is
on loopback, which only the test-only COACH_CALENDAR_ALLOW_LOOPBACK_FOR_TESTS admits."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from bot import slack_ids
from bot.clock import SandboxClock
from bot.flows.sweeps import run_sweep
from slack_emulator import SlackEmulator
from slack_emulator.payloads import Payloads
from storage.encryption import Cipher, generate_key
from storage.models import CalendarEvent, CalendarFeed, OneOnOne, Pairing
from storage.secret_columns import rotate_all
from tests.conftest import MANAGER, REP, REP_2, make_settings
from tests.support.feed_server import FeedServer, serve_feeds
from tests.support.running_coach import RunningCoach

DATA = Path(__file__).parent.parent / "data" / "calendars"
GOOGLE = (DATA / "google_morgan.ics").read_bytes()
OUTLOOK = (DATA / "outlook_morgan.ics").read_bytes()
SECRET_PATH = "/calendar/ical/morgan%40example.com/private-0a1b2c3d4e5f/basic.ics"


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with serve_feeds() as server:
        server.feeds[SECRET_PATH] = GOOGLE
        yield server


@pytest.fixture
def coach(database_url: str, slack: SlackEmulator, clock: SandboxClock) -> Iterator[RunningCoach]:
    settings = make_settings(
        database_url,
        slack.url,
        coach_encryption_key=generate_key(),
        coach_calendar_allow_loopback_for_tests=True,
    )
    running = RunningCoach(settings, slack=slack, clock=clock)
    try:
        yield running
    finally:
        running.close()


def _connect(coach: RunningCoach, slack: SlackEmulator, url: str) -> str:
    """Submit the calendar form as the manager; the DM that follows."""
    seen = len(slack.calls_to("chat.postMessage"))
    values = {
        slack_ids.BLOCK_CALENDAR_URL: {
            slack_ids.ACTION_CALENDAR_URL: {"type": "plain_text_input", "value": url}
        }
    }
    reply = coach.submit(slack_ids.VIEW_CALENDAR, values, user=MANAGER)
    assert reply.status == 200 and not reply.body, reply
    coach.settle()
    sent = [c for c in slack.calls_to("chat.postMessage")[seen:] if c.params["channel"] == MANAGER]
    return "\n".join(str(c.params.get("text")) for c in sent)


def _paired(coach: RunningCoach) -> None:
    coach.pair(MANAGER, REP)
    coach.pair(MANAGER, REP_2)


def _held(coach: RunningCoach, rep: str) -> list[tuple[str, str]]:
    with Session(coach.services.engine) as session:
        rows = session.exec(select(OneOnOne).order_by(col(OneOnOne.held_on))).all()
        pairings = session.exec(select(Pairing).where(Pairing.rep_id == rep)).all()
        pairing_ids = {p.id for p in pairings}
        return [(r.held_on.isoformat(), r.source) for r in rows if r.pairing_id in pairing_ids]


def _plan(coach: RunningCoach) -> dict:
    return coach.answer_params("plan", user=MANAGER)


def test_the_command_opens_the_form_with_where_to_find_the_address(
    coach: RunningCoach, slack: SlackEmulator
) -> None:
    reply = coach.command("calendar", user=MANAGER)
    assert reply.status == 200
    opened = slack.wait_for("views.open")[0].params["view"]
    text = str(opened)
    assert opened["callback_id"] == slack_ids.VIEW_CALENDAR
    assert "Secret address in iCal format" in text and "Publish a calendar" in text


def test_google_feed_counts_held_1_1s_and_shows_the_next(
    coach: RunningCoach, slack: SlackEmulator, feeds: FeedServer
) -> None:
    _paired(coach)
    told = _connect(coach, slack, feeds.url(SECRET_PATH))
    assert "Your calendar is connected (127.0.0.1…)" in told
    assert f"<@{REP}>: next 1:1 Tue 3 pm" in told
    assert "private-0a1b2c3d4e5f" not in str(slack.calls)  # the secret never reaches Slack
    held = _held(coach, REP)
    days = [day for day, _ in held]
    assert {source for _, source in held} == {"calendar"}
    assert "2026-11-18" in days  # the occurrence moved from Tue 17 to Wed 18
    assert "2026-11-17" not in days
    assert "2026-11-10" not in days  # cancelled
    assert "2026-11-03" not in days  # EXDATE
    assert "2026-11-24" not in days  # booked, not yet held
    sam = [day for day, _ in _held(coach, REP_2)]
    assert "2026-11-18" not in sam and "2026-11-11" in sam  # Sam declined the 18th
    plan = str(_plan(coach))
    assert "last 1:1 Wed 18 Nov 2026 (from your calendar) · next 1:1 Tue 3 pm" in plan
    assert "next 1:1 Wed 10 am" in plan
    with Session(coach.services.engine) as session:
        feed = session.exec(select(CalendarFeed)).one()
    assert "private" not in feed.url_ciphertext and feed.url_hint == "127.0.0.1…"
    agenda = coach.answer(f"plan <@{REP}>", user=MANAGER)
    assert "Wed 18 Nov 2026 (from your calendar), Tue 27 Oct 2026 (from your calendar)" in agenda


def test_the_feed_is_read_again_conditionally_and_a_1_1_that_ended_counts(
    coach: RunningCoach, slack: SlackEmulator, feeds: FeedServer, clock: SandboxClock
) -> None:
    _paired(coach)
    _connect(coach, slack, feeds.url(SECRET_PATH))
    clock.advance(timedelta(days=1, hours=6))  # Tuesday 16:00 in New York: it has ended
    plan = str(_plan(coach))
    assert "last 1:1 Tue 24 Nov 2026 (from your calendar)" in plan
    assert feeds.requests[-1][1].get("If-None-Match") == feeds.etag(SECRET_PATH)


def test_a_booked_1_1_holds_the_nudge_back_and_none_booked_offers_the_usual_slot(
    coach: RunningCoach, slack: SlackEmulator, feeds: FeedServer, clock: SandboxClock
) -> None:
    # Sam's series ended after the 11th: nothing booked with Sam. Alex's runs on.
    feeds.feeds[SECRET_PATH] = GOOGLE.replace(
        b"RRULE:FREQ=WEEKLY;BYDAY=WE", b"RRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20261112T000000Z"
    )
    _paired(coach)
    _connect(coach, slack, feeds.url(SECRET_PATH))
    # Monday 30 Nov, 09:10 in New York: Sam's last 1:1 was 11 Nov, long overdue.
    clock.advance(timedelta(days=6, hours=23, minutes=10))
    seen = len(slack.calls_to("chat.postMessage"))
    assert run_sweep(coach.services, "calendars")[0]
    completed, summary = run_sweep(coach.services, "cadence")
    assert completed and summary.startswith("1 nudged"), summary
    nudge = str(slack.calls_to("chat.postMessage")[seen:])
    assert f"Nothing is booked with <@{REP_2}> yet. Your usual slot is *Wed 10 am*" in nudge
    assert REP not in nudge.replace(REP_2, "")


def test_without_the_calendar_the_same_pairing_is_nudged(
    coach: RunningCoach, slack: SlackEmulator, feeds: FeedServer, clock: SandboxClock
) -> None:
    """The control for the test above: Alex's 1:1 is booked Tuesday, so with the calendar
    Alex is not nudged; disconnected, the calendar's bookings no longer hold nudges back."""
    _paired(coach)
    _connect(coach, slack, feeds.url(SECRET_PATH))
    coach.answer("calendar off", user=MANAGER)
    clock.advance(timedelta(days=13, hours=23, minutes=10))  # Mon 7 Dec, 09:10 New York
    completed, summary = run_sweep(coach.services, "cadence")
    assert completed and summary.startswith("2 nudged"), summary


def test_a_manual_log_wins_for_its_day_and_that_didnt_happen_undoes_one(
    coach: RunningCoach, slack: SlackEmulator, feeds: FeedServer
) -> None:
    _paired(coach)
    _connect(coach, slack, feeds.url(SECRET_PATH))
    undo = _undo_value(_plan(coach), REP)
    answer = coach.press(slack_ids.ACTION_CALENDAR_UNDO, undo, user=MANAGER)
    assert "the 1:1 with" in answer and "Wed 18 Nov 2026 no longer counts" in answer
    plan = str(_plan(coach))  # reads the feed again: the day stays undone
    assert "last 1:1 Tue 27 Oct 2026 (from your calendar)" in plan
    assert ("2026-11-18", "calendar") not in _held(coach, REP)
    coach.answer(f"log <@{REP}> 2026-10-27", user=MANAGER)
    assert ("2026-10-27", "manual") in _held(coach, REP)
    assert ("2026-10-27", "calendar") not in _held(coach, REP)
    _plan(coach)
    assert ("2026-10-27", "calendar") not in _held(coach, REP)
    # Someone else's button value is only a claim.
    assert "nothing to undo" in coach.press(slack_ids.ACTION_CALENDAR_UNDO, undo, user=REP)


def _undo_value(plan: dict, rep: str) -> str:
    """The value of "That didn't happen" on the rep's card (the section just above it)."""
    above = ""
    for block in plan.get("blocks") or []:
        if block.get("type") == "section":
            above = str(block.get("text"))
        for element in block.get("elements") or []:
            if element.get("action_id") == slack_ids.ACTION_CALENDAR_UNDO and f"<@{rep}>" in above:
                return str(element["value"])
    raise AssertionError("no 'That didn't happen' button on the rep's card")


def test_outlook_titles_are_matched_and_the_manager_is_asked_once_per_series(
    coach: RunningCoach, slack: SlackEmulator, feeds: FeedServer
) -> None:
    feeds.feeds[SECRET_PATH] = OUTLOOK
    slack.workspace.add_user(MANAGER, "morgan", real_name="Morgan Manager", tz="Europe/Paris")
    _paired(coach)
    _connect(coach, slack, feeds.url(SECRET_PATH))
    questions = [
        c for c in slack.calls_to("chat.postMessage") if "as your 1:1 with" in str(c.params["text"])
    ]
    assert len(questions) == 2  # "1:1 Alex / Morgan" and "Sam <> Morgan"
    alex_question = next(q for q in questions if REP in q.params["text"])
    assert "*1:1 Alex / Morgan* (Thu 9:30 am) in your calendar" in alex_question.params["text"]
    assert "2026-11-12" not in [d for d, _ in _held(coach, REP)]  # "Canceled: …"
    assert "2026-11-19" in [d for d, _ in _held(coach, REP)]
    sam_question = next(q for q in questions if REP_2 in q.params["text"])
    corrected = _option(sam_question, "Alex Rep")
    answer = _pick(coach, slack, corrected)
    assert f"your 1:1s with <@{REP}>" in answer
    assert "2026-11-16" in [d for d, _ in _held(coach, REP)]  # Sam's Mondays, now Alex's
    assert _held(coach, REP_2) == []
    no = _button(alex_question, slack_ids.ACTION_CALENDAR_SERIES_NO)
    answer = coach.press(slack_ids.ACTION_CALENDAR_SERIES_NO, no, user=MANAGER)
    assert "isn't a 1:1" in answer
    assert "2026-11-19" not in [d for d, _ in _held(coach, REP)]
    _plan(coach)  # read again: not asked again, and the answers hold
    assert "2026-11-19" not in [d for d, _ in _held(coach, REP)]
    assert "2026-11-16" in [d for d, _ in _held(coach, REP)]
    again = [
        c for c in slack.calls_to("chat.postMessage") if "as your 1:1 with" in str(c.params["text"])
    ]
    assert len(again) == 2


def _pick(coach: RunningCoach, slack: SlackEmulator, value: str) -> str:
    """Choose an option of "It's with someone else" as the manager; the answer."""
    seen = len(slack.calls_to("response_url"))
    select_menu = {
        "type": "static_select",
        "action_id": slack_ids.ACTION_CALENDAR_SERIES_PICK,
        "block_id": "series",
        "selected_option": {"value": value},
    }
    body = Payloads().block_actions(
        select_menu, user_id=MANAGER, response_url=slack.response_url("D0CLICK", MANAGER)
    )
    assert coach.post_signed(body).status == 200
    return str(slack.wait_for("response_url", count=seen + 1)[seen].params)


def _option(call: object, label: str) -> str:
    for block in call.params.get("blocks") or []:  # type: ignore[attr-defined]
        for element in block.get("elements") or []:
            for option in element.get("options") or []:
                if option["text"]["text"] == label:
                    return str(option["value"])
    raise AssertionError(f"no option {label}")


def _button(call: object, action_id: str) -> str:
    for block in call.params.get("blocks") or []:  # type: ignore[attr-defined]
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button")


def test_a_failing_feed_is_told_once_privately_without_the_address(
    coach: RunningCoach,
    slack: SlackEmulator,
    feeds: FeedServer,
    clock: SandboxClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    _paired(coach)
    _connect(coach, slack, feeds.url(SECRET_PATH))
    feeds.status[SECRET_PATH] = 500
    for _ in range(3):
        clock.advance(timedelta(hours=1))
        assert run_sweep(coach.services, "calendars")[1] == "1 calendars read, 1 failed"
    told = [c for c in slack.calls_to("chat.postMessage") if "couldn't read" in c.params["text"]]
    assert len(told) == 1 and told[0].params["channel"] == MANAGER
    assert "127.0.0.1…" in told[0].params["text"]
    del feeds.status[SECRET_PATH]
    clock.advance(timedelta(hours=1))
    assert run_sweep(coach.services, "calendars")[1] == "1 calendars read, 0 failed"
    feeds.status[SECRET_PATH] = 404
    clock.advance(timedelta(hours=1))
    run_sweep(coach.services, "calendars")
    told = [c for c in slack.calls_to("chat.postMessage") if "couldn't read" in c.params["text"]]
    assert len(told) == 2  # failing again after it worked is news again
    assert "private-0a1b2c3d4e5f" not in caplog.text
    assert "private-0a1b2c3d4e5f" not in str(slack.calls)


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("https://10.0.0.1/cal.ics", "points inside a private network"),
        ("https://169.254.169.254/latest/meta-data", "points inside a private network"),
        ("https://[fd00:ec2::254]/cal.ics", "points inside a private network"),
    ],
)
def test_an_address_inside_the_network_is_refused_and_nothing_kept(
    coach: RunningCoach, slack: SlackEmulator, address: str, said: str
) -> None:
    told = _connect(coach, slack, address)
    assert said in told
    with Session(coach.services.engine) as session:
        assert session.exec(select(CalendarFeed)).all() == []


def test_a_mistyped_address_gets_an_inline_error(coach: RunningCoach) -> None:
    values = {
        slack_ids.BLOCK_CALENDAR_URL: {
            slack_ids.ACTION_CALENDAR_URL: {
                "type": "plain_text_input",
                "value": "http://calendar.google.com/x/basic.ics",
            }
        }
    }
    reply = coach.submit(slack_ids.VIEW_CALENDAR, values, user=MANAGER)
    assert reply.json["response_action"] == "errors"
    assert "https://" in reply.json["errors"][slack_ids.BLOCK_CALENDAR_URL]


def test_without_an_encryption_key_no_address_is_taken(
    database_url: str, slack: SlackEmulator, clock: SandboxClock
) -> None:
    settings = make_settings(database_url, slack.url, coach_calendar_allow_loopback_for_tests=True)
    running = RunningCoach(settings, slack=slack, clock=clock)
    try:
        answer = running.answer("calendar", user=MANAGER)
        assert "COACH_ENCRYPTION_KEY" in answer
        assert slack.calls_to("views.open") == []
    finally:
        running.close()


def test_off_disconnects_and_forget_me_erases_the_address(
    coach: RunningCoach, slack: SlackEmulator, feeds: FeedServer
) -> None:
    _paired(coach)
    _connect(coach, slack, feeds.url(SECRET_PATH))
    assert "Disconnected your calendar (127.0.0.1…)" in coach.answer("calendar off", user=MANAGER)
    assert "no calendar connected" in coach.answer("calendar off", user=MANAGER)
    _connect(coach, slack, feeds.url(SECRET_PATH))
    coach.press(slack_ids.ACTION_FORGET_CONFIRM, "confirm", user=MANAGER)
    coach.settle()
    with Session(coach.services.engine) as session:
        assert session.exec(select(CalendarFeed)).all() == []
        assert session.exec(select(CalendarEvent)).all() == []


def test_the_home_shows_the_next_1_1(
    coach: RunningCoach, slack: SlackEmulator, feeds: FeedServer
) -> None:
    _paired(coach)
    _connect(coach, slack, feeds.url(SECRET_PATH))
    homes = [c for c in slack.calls_to("views.publish") if c.params.get("user_id") == MANAGER]
    assert "next 1:1 Tue 3 pm" in str(homes[-1].params["view"])


def test_key_rotation_re_encrypts_feed_addresses_and_reads_go_on(
    coach: RunningCoach, slack: SlackEmulator, feeds: FeedServer, clock: SandboxClock
) -> None:
    _paired(coach)
    _connect(coach, slack, feeds.url(SECRET_PATH))
    old = coach.services.settings.coach_encryption_key or ""
    new = generate_key()
    both = Cipher([new, old])
    with Session(coach.services.engine) as session:
        assert rotate_all(session=session, cipher=both)["calendar feed addresses"] == 1
        session.commit()
    with Session(coach.services.engine) as session:
        stored = session.exec(select(CalendarFeed)).one().url_ciphertext
    assert Cipher([new]).decrypt(stored) == feeds.url(SECRET_PATH)


def test_a_read_while_slack_cannot_say_who_someone_is_keeps_what_was_counted(
    coach: RunningCoach, slack: SlackEmulator, feeds: FeedServer, clock: SandboxClock
) -> None:
    _paired(coach)
    _connect(coach, slack, feeds.url(SECRET_PATH))
    before = _held(coach, REP)
    clock.advance(timedelta(hours=2))  # the people cache is stale: users.info is asked
    slack.workspace.fail_next("users.info", "internal_error", times=10)
    assert run_sweep(coach.services, "calendars")[0]
    assert _held(coach, REP) == before and before
