"""`coach try`: the real bot in a terminal, against the emulator, with time travel.

The scripted month runs as a newcomer would run it (a subprocess, no SLACK_* or OPENAI_*
variable, no .env); the interpreter's own behaviour is tested in-process.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.sandbox import Sandbox, SandboxProblem, run_interactive, run_script
from bot.sandbox.commands import As, Click, LineError, Wait, parse_line
from bot.sandbox.observe import Posted
from bot.sandbox.render import Directory, Renderer
from bot.sandbox.travel import fire_times

ROOT = Path(__file__).resolve().parents[1]
FIRST_MONTH = ROOT / "examples" / "first-month.txt"
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The scripted month's transcript, run from an empty directory with a bare env."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
    env.pop("DATABASE_URL", None)
    env["PYTHONIOENCODING"] = "utf-8"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "try", "--script", str(FIRST_MONTH)],
        cwd=tmp_path_factory.mktemp("fresh"),
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(io.StringIO()) as running:
        yield running


def _said(sandbox: Sandbox, line: str) -> str:
    """Run one line and return what it printed."""
    out = sandbox.out
    assert isinstance(out, io.StringIO)
    start = out.tell()
    sandbox.run_line(line)
    return out.getvalue()[start:]


# --- the scripted month ---------------------------------------------------------------


@pytest.mark.slow  # starts a process
def test_first_month_shows_a_nudge(transcript: str) -> None:
    assert "⏰ Tue 10 Nov 2026, 09:00 in New York · cadence nudges" in transcript
    assert "╭─ Coach · DM to @morgan" in transcript
    assert "*Time for a catch-up?*" in transcript
    assert "[1] Log 1:1 held   [2] Snooze a week" in transcript
    assert "Logged your 1:1 with @sam on *Thu 12 Nov 2026*" in transcript  # clicked


@pytest.mark.slow  # starts a process
def test_first_month_shows_a_private_reframe(transcript: str) -> None:
    assert "feedback for @kim: you talked way too much" in transcript
    assert "╭─ Coach · to @morgan only · in #sales\n  │ Here's a coaching version" in transcript
    assert "[1] Send to the rep   [2] Add to our next 1:1   [3] Dismiss" in transcript
    assert "@morgan would like to explore this with you in your next 1:1" in transcript


@pytest.mark.slow  # starts a process
def test_first_month_shows_goals_set_by_text_and_by_modal(transcript: str) -> None:
    assert "Your focus is set: *Ask three discovery questions before every demo*" in transcript
    assert "Modal “Your focus goal” · opened for @sam" in transcript
    assert "✎ competency = one of: Prospecting" in transcript
    assert "Your focus is set: *Let the buyer finish before I answer* (Listening)" in transcript


@pytest.mark.slow  # starts a process
def test_first_month_shows_check_ins_at_each_reps_local_hour(transcript: str) -> None:
    assert "DM to @sam · Wed 10:05 in London" in transcript
    assert "DM to @alex · Wed 10:05 in Chicago" in transcript
    assert "How did your focus go this week?" in transcript
    assert "[4] On track   [5] Stuck   [6] Achieved" in transcript


@pytest.mark.slow  # starts a process
def test_first_month_records_a_threaded_reply(transcript: str) -> None:
    assert "Coach reacted ✅ to @alex's reply in the thread." in transcript
    plan = transcript.split("morgan> /coach plan", 1)[1]
    assert "note: “Tried it on two demos. The CFO opened up about budget" in plan


@pytest.mark.slow  # starts a process
def test_first_month_posts_the_digest_in_the_channel(transcript: str) -> None:
    assert "╭─ Coach · in #sales · everyone in the channel sees it" in transcript
    assert "*Coaching cadence, week of Mon 16 Nov 2026*" in transcript
    week_3 = transcript.split("*Coaching cadence, week of Mon 16 Nov 2026*", 1)[1]
    channel, private = week_3.split("╭─ Coach · DM to @morgan", 1)
    assert "*2 of 3* 1:1s are on cadence this week." in channel
    assert "@morgan" not in channel and "behind" not in channel
    assert "*Worth a catch-up this week* (only you see this):" in private
    assert "• @alex: overdue by 4 days" in private
    assert transcript.rstrip().endswith("The sandbox and its throwaway database are gone.)")


# --- the interpreter ------------------------------------------------------------------


def test_help_lists_the_sandbox_commands(sandbox: Sandbox) -> None:
    shown = _said(sandbox, "help")
    for command in ("/coach", "feedback", "reply:", "click N", "submit", "home", "as @NAME"):
        assert command in shown
    assert "wait N minutes|hours|days|weeks" in shown


def test_install_adds_coach_to_a_second_workspace_through_add_to_slack(
    sandbox: Sandbox,
) -> None:
    shown = _said(sandbox, "install Acme Two")
    assert "Add to Slack page" in shown
    assert "Coach is in Acme Two" in shown
    assert "/coach help" in shown
    clients = sandbox._services.clients
    assert clients is not None and clients.team_ids() == ["T0SANDBOX", "T0SANDBOX2"]
    # Your own workspace goes on as before.
    assert "/coach team add" in _said(sandbox, "/coach help")


def test_unknown_command_gets_a_helpful_line() -> None:
    with pytest.raises(LineError, match=r"I don't know `wiat`\. Type `help`"):
        parse_line("wiat 3 days")
    with pytest.raises(LineError, match="Only /coach is installed"):
        parse_line("/remind me later")
    with pytest.raises(LineError, match="nobody called @bob"):
        parse_line("as @bob /coach goals")


def test_lines_parse_into_sandbox_commands() -> None:
    assert parse_line("click 2") == Click(number=2)
    assert parse_line("as @sam click Stuck") == As("sam", Click(label="Stuck"))
    wait = parse_line("wait 1 week 2 days")
    assert isinstance(wait, Wait) and wait.delta == timedelta(days=9)


def test_click_presses_a_numbered_button_through_the_real_app(sandbox: Sandbox) -> None:
    _said(sandbox, "/coach team add @alex weekly")
    plan = _said(sandbox, "/coach plan")
    assert "[1] Log 1:1 today   [2] Send prep questions   [3] Full agenda" in plan
    assert "Logged your 1:1 with @alex on *Mon 2 Nov 2026*" in _said(sandbox, "click 1")
    assert sandbox.emulator is not None
    assert sandbox.emulator.calls_to("response_url")[-1].ok
    with pytest.raises(SandboxProblem, match=r"no button \[9\]"):
        sandbox.run_line("click 9")


def test_a_button_shown_to_someone_else_needs_as(sandbox: Sandbox) -> None:
    _said(sandbox, "as @alex /coach goal Ask three discovery questions before every demo")
    with pytest.raises(SandboxProblem, match=r"`as @alex click 2`"):
        sandbox.run_line("click 2")
    assert "Congratulations" in _said(sandbox, "as @alex click 2")


def test_replying_needs_a_check_in_to_reply_to(sandbox: Sandbox) -> None:
    with pytest.raises(SandboxProblem, match="no check-in in @alex's DMs yet"):
        sandbox.run_line("as @alex reply: it went well")


def test_wait_moves_the_clock_and_runs_what_fell_due(sandbox: Sandbox) -> None:
    _said(sandbox, "/coach team add @alex every 1 day")  # Monday: due Tuesday
    before = _said(sandbox, "wait 2 days")  # to Wednesday 08:30, before the 09:00 sweep
    assert "nudges" not in before
    assert "It's now Wed 4 Nov 2026, 08:30 in New York." in before
    shown = _said(sandbox, "wait 1 hour")
    assert "⏰ Wed 4 Nov 2026, 09:00 in New York · cadence nudges" in shown
    assert "*@alex* · due 1 day ago" in shown
    assert "It's now Wed 4 Nov 2026, 09:30 in New York." in shown


def test_the_sandbox_reads_days_as_people_type_them_and_counts_from_the_last_1_1(
    sandbox: Sandbox,
) -> None:
    _said(sandbox, "/coach team add @kim weekly")  # Monday 2 November, New York
    assert "on *Sun 1 Nov 2026*" in _said(sandbox, "/coach log @kim yesterday")
    earlier = _said(sandbox, "/coach log @kim Oct 20")
    # The latest 1:1 held still anchors the cadence: due a week after 1 November.
    assert "on *Tue 20 Oct 2026*" in earlier and "due by *Sun 8 Nov" in earlier


def test_a_nudge_waits_for_nine_on_the_managers_own_clock(sandbox: Sandbox) -> None:
    _said(sandbox, "/coach team add @alex every 1 day")  # Monday 08:30 in New York
    night = _said(sandbox, "wait 1 day 15 hours")  # Tuesday 23:30: overdue, but night
    assert "Time for a catch-up" not in night
    morning = _said(sandbox, "wait 10 hours")
    assert "⏰ Wed 4 Nov 2026, 09:00 in New York · cadence nudges" in morning


def test_the_throwaway_database_is_removed() -> None:
    with Sandbox(io.StringIO()) as running:
        directory = running.database_path
        assert directory is not None and Path(directory, "coach.db").exists()
    assert not Path(directory).exists()


def test_interactive_mode_reads_lines_until_quit(monkeypatch: pytest.MonkeyPatch) -> None:
    typed = iter(["wiat 3 days", "/coach team add @kim", "quit"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(typed))
    out = io.StringIO()
    assert run_interactive(out) == 0
    shown = out.getvalue()
    assert "I don't know `wiat`" in shown
    assert "I've asked @kim to accept you as their coach, with 1:1s weekly" in shown
    assert shown.rstrip().endswith("Bye. The sandbox and its throwaway database are gone.")


def test_a_script_line_that_does_not_parse_fails_before_anything_runs(tmp_path: Path) -> None:
    script = tmp_path / "typo.txt"
    script.write_text("/coach team add @alex\nwiat 3 days\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_script(str(script), out, err) == 2
    assert "typo.txt, line 2: I don't know `wiat`" in err.getvalue()
    assert out.getvalue() == ""


def test_a_script_step_that_cannot_happen_fails_with_its_line(tmp_path: Path) -> None:
    script = tmp_path / "early.txt"
    script.write_text("# too soon\nas @alex reply: done\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_script(str(script), out, err) == 1
    assert "early.txt, line 2: There's no check-in" in err.getvalue()


# --- time travel and rendering, on their own ------------------------------------------


def test_fire_times_follow_the_scheduler_triggers() -> None:
    triggers = {
        "cadence": CronTrigger(day_of_week="mon-fri", hour=9, timezone=NEW_YORK),
        "checkins": CronTrigger(minute=5, timezone=NEW_YORK),
    }
    start = datetime(2026, 11, 2, 8, 30, tzinfo=NEW_YORK)
    moments = list(fire_times(triggers, start, start + timedelta(hours=2)))
    assert [(m.strftime("%H:%M"), names) for m, names in moments] == [
        ("09:00", ["cadence"]),
        ("09:05", ["checkins"]),
        ("10:05", ["checkins"]),
    ]


def test_block_kit_is_rendered_with_names_and_numbered_buttons() -> None:
    renderer = Renderer(Directory(users={"U0ALEX": "alex"}, channels={"C0SALES": "sales"}))
    posted = Posted(
        channel="C0SALES",
        viewer="U0ALEX",
        ts="1.0",
        text="",
        ephemeral=True,
        blocks=[
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "Hi <@U0ALEX> &amp; <#C0SALES>"},
            },
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": "Yes"}},
                    {"type": "button", "text": {"type": "plain_text", "text": "No"}},
                ],
            },
        ],
    )
    text, buttons = renderer.render([posted], first_number=4)
    assert "╭─ Coach · to @alex only · in #sales" in text
    assert "│ Hi @alex & #sales" in text
    assert "│ [4] Yes   [5] No" in text
    assert [(b.number, b.label, b.viewer) for b in buttons] == [
        (4, "Yes", "U0ALEX"),
        (5, "No", "U0ALEX"),
    ]


LEADERS_QUARTER = ROOT / "examples" / "a-quarter-for-leaders.txt"


@pytest.mark.slow  # starts a process and travels ten weeks
def test_the_leaders_quarter_shows_a_bright_spot_time_back_the_summary_and_a_field_day() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
    env.pop("DATABASE_URL", None)
    env["PYTHONIOENCODING"] = "utf-8"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "try", "--script", str(LEADERS_QUARTER)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=400,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Field day with @alex on" in out
    assert "╭─ Coach · DM to @jordan · Mon 10:00 in Denver" in out
    assert "*Your managers' coaching week*" in out
    assert "📎 coaching-trend.png · PNG image" in out
    assert "*Bright spots, worth learning from*\n  │ • @morgan: kept 100%" in out
    assert "• @riley: fewer 1:1s have happened on time" in out
    for words in ("Ask three discovery questions", "jumped to the demo"):
        assert words not in out.split("as @jordan /coach insights")[-1]


def test_morgans_sample_calendar_keeps_the_cadence_without_a_log(sandbox: Sandbox) -> None:
    """The sample feed: a weekly Tuesday 1:1 with @alex, one cancelled, one moved to the
    Wednesday; connected through the real form, it counts the moved one and the next."""
    _said(sandbox, "/coach team add @alex weekly")
    _said(sandbox, "as @alex click Accept")
    assert "Connect your calendar" in _said(sandbox, "/coach calendar")
    connected = _said(sandbox, "submit calendar_url=sample")
    assert "Your calendar is connected (127.0.0.1…)" in connected
    assert "@alex: next 1:1 Tue 10 am" in connected
    plan = _said(sandbox, "/coach plan")
    assert "last 1:1 Wed 28 Oct 2026 (from your calendar)" in plan
    assert "That didn't" in plan
    later = _said(sandbox, "wait 2 days")
    assert "Time for a catch-up" not in later
    assert "last 1:1 Tue 3 Nov 2026 (from your calendar)" in _said(sandbox, "/coach plan")
