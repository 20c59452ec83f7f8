"""The sandbox: the real Coach — Bolt app, flows, sweeps, database — against the emulator.

`Sandbox` builds the workspace (you as @morgan, reps @alex, @sam and @kim in four time
zones, #sales with Coach in it), builds Coach through the composition root with an
injected `SandboxClock`, and runs sandbox commands. What a person does becomes a signed
request to the real app (`requests.py`); what Coach does comes back from the emulator's
call record (`observe.py`) and is drawn as text (`render.py`). `wait` moves the clock and
runs the sweeps the scheduler would have run meanwhile (`travel.py`).
"""

from __future__ import annotations

import html
import re
import secrets
import tempfile
import textwrap
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, TextIO
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

import prompts
from bot import slack_ids
from bot.clock import SandboxClock
from bot.domain.checkins import WEEKDAY_NAMES
from bot.domain.feedback import is_feedback
from bot.flows.sweeps import run_sweep
from bot.install_pages import INSTALL_PATH, REDIRECT_PATH
from bot.sandbox import cast
from bot.sandbox.calendar_feed import SAMPLE, SampleCalendar, sample_feed
from bot.sandbox.cast import MANAGER, SALES_CHANNEL, SALES_CHANNEL_ID, Member
from bot.sandbox.commands import (
    As,
    Calls,
    Cancel,
    Click,
    Command,
    Comment,
    Help,
    Home,
    Install,
    People,
    Quit,
    Reply,
    Say,
    SetStatus,
    Shortcut,
    Slash,
    Submit,
    Wait,
    parse_line,
)
from bot.sandbox.forms import FormProblem, state_values
from bot.sandbox.observe import VISIBLE, Modal, Observer, Posted, Surface
from bot.sandbox.observe import Home as HomeView
from bot.sandbox.render import Button, Directory, Renderer
from bot.sandbox.requests import Answer, SlackRequests, Who
from bot.sandbox.travel import fire_times
from bot.scheduler import sweep_triggers
from bot.services import Services
from bot.settings import Settings, load_settings
from bot.web import build_wsgi
from bot.wiring import build_coach
from slack_emulator import SlackEmulator, Workspace
from storage.encryption import generate_key

QUIET = 0.15  # seconds with no new Slack call that mean Coach has finished a request
PATIENCE = 5.0  # the longest one request may keep the sandbox waiting
CALLS_SHOWN = 40
DRIFT = timedelta(minutes=1)  # real time between steps that a wait may ignore
CHECK_IN_BUTTONS = frozenset(
    {
        slack_ids.ACTION_CHECKIN_ON_TRACK,
        slack_ids.ACTION_CHECKIN_STUCK,
        slack_ids.ACTION_CHECKIN_ACHIEVED,
    }
)
SWEEP_WORDS = {
    "cadence": "cadence nudges",
    "checkins": "weekly check-ins",
    "digest": "weekly digest",
    "leaders": "leader summaries",
    "retention": "data retention",
    "calendars": "calendar feeds",
}
_MENTION = re.compile(r"(?<![\w<@])@(\w+)")
_CHANNEL = re.compile(r"(?<![\w<#&])#([\w-]+)")

HELP = """\
Sandbox commands (you are @morgan; the reps are @alex, @sam and @kim; @jordan directs
you and @riley, whose reps are @dev and @lee):
  /coach …                    a slash command, typed in #sales (start with /coach help)
  feedback …                  a message in #sales starting with "feedback": Coach reframes it
  say TEXT                    any other message in #sales
  dm TEXT                     a direct message to Coach
  reply: TEXT                 a reply in the thread of the latest check-in DM
  click N                     press button [N] of those last shown (or click LABEL)
  submit NAME=VALUE; …        fill in and submit the open modal; cancel closes it
                              (in /coach calendar's form, calendar_url=sample is
                              @morgan's sample calendar: a weekly 1:1 with @alex)
  shortcut                    "Reframe as coaching" on the latest message in #sales
  home                        open Coach's App Home
  status :emoji: TEXT         set your Slack status (status clear to clear it)
  as @NAME …                  do any of the above as someone else: as @alex /coach goals
  wait N minutes|hours|days|weeks
                              move the clock; nudges, check-ins and digests fall due,
                              each at its hour on its person's own clock: nudges on
                              weekdays at 09:00 the manager's time, the digest and each
                              manager's summary on Mondays at 09:00, a leader's on
                              Mondays at 10:00, check-ins on Wednesdays at 10:00 the
                              rep's time
  install [NAME]              add Coach to another workspace through "Add to Slack"
  people                      who is here, and their local time
  calls                       the Slack Web API calls behind the last step
  help, quit                  this list; leave (also exit or Ctrl-D)
Lines starting with # are comments."""


def _sent_something(summary: str) -> bool:
    """Whether a sweep's one-line summary ("0 nudged to 0 managers, 0 failed") counts any."""
    return any(int(number) for number in re.findall(r"[0-9]+", summary))


class SandboxProblem(Exception):
    """Something the sandbox cannot do just now (no such button, no modal open…)."""


# The sandbox's app, as "Add to Slack" knows it (made up: only the emulator hears them).
CLIENT_ID = "1000000001.2000000002"


def sandbox_settings(database_url: str, api_url: str, secret: str, client_secret: str) -> Settings:
    """Every setting given explicitly: the machine's environment and any .env are ignored,
    so no SLACK_* or OPENAI_* variable is needed and none can leak in. Coach is installed
    by "Add to Slack" (so `install` can add it to another workspace); the tokens are
    stored under a key made for this session."""
    return load_settings(
        env_file=None,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=client_secret,
        slack_state_secret=secrets.token_hex(16),
        coach_encryption_key=generate_key(),
        slack_signing_secret=secret,
        slack_app_token=None,
        slack_api_url=api_url,
        database_url=database_url,
        openai_api_key=None,
        openai_base_url=None,
        port=3000,
        coach_web_workers=1,
        coach_web_threads=4,
        coach_listener_threads=8,
        coach_timezone=MANAGER.tz,  # only the nightly retention sweep keeps this clock
        coach_sweep_hour=9,
        coach_digest_weekday="mon",
        coach_checkin_weekday="wed",
        coach_checkin_hour=10,
        coach_log_level="WARNING",
        coach_log_json=False,
        # @morgan's sample calendar is served on loopback (bot/sandbox/calendar_feed.py):
        # the test-only switch lets Coach read it (the key above keeps its address).
        coach_calendar_allow_loopback_for_tests=True,
    )


def describe_moment(moment: datetime, member: Member = MANAGER) -> str:
    """A moment as the transcript says it: Mon 2 Nov 2026, 08:30 in New York."""
    local = moment.astimezone(ZoneInfo(member.tz))
    return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M} in {member.city}"


class Sandbox:
    """One sandbox session; use as a context manager so its database is thrown away."""

    def __init__(
        self,
        out: TextIO,
        *,
        database_url: str | None = None,
        color: bool = False,
        width: int = 88,
    ) -> None:
        self.out = out
        self._database_url = database_url
        self._color, self._width = color, width
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.emulator: SlackEmulator | None = None
        self.calendar: SampleCalendar | None = None
        self.services: Services | None = None
        self.buttons: list[Button] = []
        self.clock = SandboxClock(start=cast.START.astimezone(UTC))
        # The clock also ticks in real time between steps; waits land on the start plus the
        # waits so far, so a transcript reads the same on a fast machine and a slow one.
        self._nominal = cast.START.astimezone(UTC)

    # --- life cycle --------------------------------------------------------------------

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Slack stand-in, settings, database and app; all undone if any step fails."""
        try:
            self._start()
        except BaseException:
            self.close()
            raise

    def _start(self) -> None:
        url = self._database_url or self._throwaway_database()
        self.workspace = Workspace(
            team_id=cast.TEAM_ID,
            team_name=cast.TEAM_NAME,
            bot_token="xoxb-sandbox-" + secrets.token_hex(12),
            clock=lambda: self.clock.now().timestamp(),
        )
        _populate(self.workspace)
        self.emulator = SlackEmulator(self.workspace).start()
        alex = cast.REPS[0]
        self.calendar = SampleCalendar(
            sample_feed(cast.START, manager=MANAGER.name, rep=alex.name, rep_name=alex.real_name)
        )
        secret, client_secret = secrets.token_hex(16), secrets.token_hex(16)
        self.emulator.oauth.register_app(CLIENT_ID, client_secret)
        # Tokens that never expire: the sandbox's clock jumps days ahead, while slack_sdk
        # judges a rotating token's expiry on the machine's own clock.
        self.emulator.oauth.rotating = False
        settings = sandbox_settings(url, self.emulator.url, secret, client_secret)
        self.services, app = build_coach(settings, clock=self.clock)
        self.requests = SlackRequests(
            build_wsgi(app, self.services),
            signing_secret=secret,
            team_id=cast.TEAM_ID,
            team_domain=cast.TEAM_DOMAIN,
            app_id=self.workspace.app_id,
            bot_user_id=self.workspace.bot_user_id,
            clock=lambda: self.clock.now().timestamp(),
        )
        self.renderer = Renderer(_directory(self.workspace), width=self._width, color=self._color)
        self._add_to_slack(self.workspace)
        self.observer = Observer(self.workspace)
        self.observer.skip()
        self._triggers = sweep_triggers(self.services)

    def _throwaway_database(self) -> str:
        self._tmp = tempfile.TemporaryDirectory(prefix="coach-try-")
        return f"sqlite:///{self._tmp.name}/coach.db"

    def close(self) -> None:
        """Stop the Slack stand-in and throw away the database (unless --db named one)."""
        if self.services is not None:
            self.services.engine.dispose()
            self.services = None
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None
        if self.calendar is not None:
            self.calendar.stop()
            self.calendar = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    @property
    def _services(self) -> Services:
        if self.services is None:
            raise RuntimeError("the sandbox is not running; use it as a context manager")
        return self.services

    @property
    def database_path(self) -> str | None:
        """The throwaway database's directory while the sandbox runs (None with --db)."""
        return self._tmp.name if self._tmp is not None else None

    # --- running commands --------------------------------------------------------------

    def run_line(self, line: str) -> bool:
        """Parse and run one line; False once the person asked to quit."""
        return self.run(parse_line(line))

    def run(self, command: Command) -> bool:
        """Run one command; False once the person asked to quit."""
        if isinstance(command, Quit):
            return False
        if isinstance(command, Comment):
            return True
        session: dict[type, Callable[[Any], None]] = {
            Help: lambda _: self._say_plain(HELP),
            People: lambda _: self._people(),
            Calls: lambda _: self._calls(),
            Install: self._install,
        }
        if type(command) in session:
            session[type(command)](command)
            return True
        previous = list(self.observer.step_calls)
        self.observer.step_calls.clear()
        try:
            if isinstance(command, Wait):
                self._wait(command)
            elif isinstance(command, As):
                self._act(_member(command.name), command.action)
            else:
                self._act(MANAGER, command)
        except SandboxProblem:
            if not self.observer.step_calls:  # nothing happened: `calls` keeps the last step
                self.observer.step_calls[:] = previous
            raise
        return True

    def _act(self, member: Member, action: Any) -> None:
        actions: dict[type, Callable[[Member, Any], None]] = {
            Slash: self._slash,
            Say: self._message,
            Reply: self._reply,
            Submit: self._submit,
            Cancel: lambda m, _: self._cancel(m),
            Shortcut: lambda m, _: self._shortcut(m),
            Home: lambda m, _: self._home(m),
            SetStatus: self._status,
        }
        if isinstance(action, Click):
            self._click(member, action)
        else:
            actions[type(action)](member, action)

    # --- another workspace -------------------------------------------------------------

    def _install(self, command: Install) -> None:
        """A second workspace, with the same people, adds Coach through Add to Slack: the
        real install page, Slack's consent (the emulator's), and the real redirect."""
        assert self.emulator is not None
        team_id = f"T0SANDBOX{len(self.emulator.workspaces) + 1}"
        workspace = self.emulator.add_workspace(team_id, command.name)
        _populate(workspace)
        page = self._add_to_slack(workspace)
        heading, body = _page_words(page.body.decode("utf-8"))
        self._say_plain(
            prompts.text("sandbox", "installed", heading=heading, body=body, team=team_id)
        )

    def _add_to_slack(self, workspace: Workspace) -> Answer:
        """You open /slack/install, press Add to Slack, approve, and land on the redirect."""
        assert self.emulator is not None
        page = self.requests.browse(INSTALL_PATH)
        found = re.search(r'href="([^"]+)"', page.body.decode("utf-8"))
        if page.status != 200 or found is None:
            raise SandboxProblem("The Add to Slack page did not open.")
        state = parse_qs(urlsplit(html.unescape(found[1])).query)["state"][0]
        code = self.emulator.install(workspace, user_id=MANAGER.user_id, client_id=CLIENT_ID)
        cookie = f"slack-app-oauth-state={state}"
        landed = self.requests.browse(
            REDIRECT_PATH, urlencode({"code": code, "state": state}), cookie=cookie
        )
        if landed.status != 200:
            raise SandboxProblem(
                f"Add to Slack did not complete: {_page_words(landed.body.decode())[0]}"
            )
        return landed

    # --- what a person does ------------------------------------------------------------

    def _slash(self, member: Member, command: Slash) -> None:
        target = (SALES_CHANNEL_ID, member.user_id)
        start = len(self.workspace.calls)
        answer = self.requests.slash_command(
            _who(member),
            self._escape(command.text, for_command=True),
            channel=(SALES_CHANNEL_ID, SALES_CHANNEL),
            response_url=self._response_url(*target),
            trigger_id=self.workspace.new_trigger_id(member.user_id),
        )
        acked = _acked_message(answer, target)
        self._settle(start, expect=acked is None)
        self._show(target, first=[acked] if acked else [])

    def _message(self, member: Member, say: Say) -> None:
        text = self._escape(say.text, for_command=False)
        channel = self.workspace.dm_channel_id(member.user_id) if say.in_dm else SALES_CHANNEL_ID
        posted = self.workspace.post_as_user(channel, member.user_id, text)
        event = _message_event(member, posted, im=say.in_dm)
        self._send_event(event, expect=say.in_dm or is_feedback(text))

    def _reply(self, member: Member, reply: Reply) -> None:
        dm = self.workspace.dm_channel_id(member.user_id)
        check_in = self._latest_check_in(member, dm)
        text = self._escape(reply.text, for_command=False)
        posted = self.workspace.post_as_user(dm, member.user_id, text, thread_ts=check_in["ts"])
        event = _message_event(member, posted, im=True)
        event.update(thread_ts=check_in["ts"], parent_user_id=self.workspace.bot_user_id)
        self._send_event(event, expect=True)

    def _latest_check_in(self, member: Member, dm: str) -> dict[str, Any]:
        for message in reversed(self.workspace.messages_in(dm)):
            if message["user"] == self.workspace.bot_user_id and _has_button(
                message, CHECK_IN_BUTTONS
            ):
                return message
        settings = self._services.settings
        day = WEEKDAY_NAMES[settings.coach_checkin_weekday]
        when = f"{day}s at {settings.coach_checkin_hour}:00"
        raise SandboxProblem(
            f"There's no check-in in @{member.name}'s DMs yet. Reps with a focus goal get one "
            f"on {when} their time: `wait` until then."
        )

    def _click(self, member: Member, click: Click) -> None:
        button = self._find_button(member, click)
        if button.viewer not in (None, member.user_id):
            owner = self.renderer.directory.user(button.viewer)
            raise SandboxProblem(
                f"Button [{button.number}] “{button.label}” was shown to {owner} only, so only "
                f"they can press it: `as {owner} click {button.number}`."
            )
        self._press(member, button)

    def _find_button(self, member: Member, click: Click) -> Button:
        if not self.buttons:
            raise SandboxProblem("No buttons have been shown yet.")
        if click.number is not None:
            if click.number > len(self.buttons):
                raise SandboxProblem(
                    f"There's no button [{click.number}]: the buttons last shown are "
                    f"[1] to [{len(self.buttons)}]."
                )
            return self.buttons[click.number - 1]
        named = [b for b in self.buttons if b.label.lower() == (click.label or "").lower()]
        mine = [b for b in named if b.viewer in (None, member.user_id)]
        if not named:
            labels = ", ".join(f"“{b.label}”" for b in self.buttons)
            raise SandboxProblem(f"No button says “{click.label}”. The buttons: {labels}.")
        return (mine or named)[0]

    def _press(self, member: Member, button: Button) -> None:
        surface = button.surface
        element = button.element
        action = {
            "type": "button",
            "action_id": element.get("action_id"),
            "block_id": button.block_id,
            "text": element.get("text"),
            "value": element.get("value"),
            **({"style": element["style"]} if element.get("style") else {}),
        }
        target = (surface.channel, member.user_id) if isinstance(surface, Posted) else None
        start = len(self.workspace.calls)
        _checked(
            self.requests.block_actions(
                _who(member),
                action,
                trigger_id=self.workspace.new_trigger_id(member.user_id),
                **self._button_context(surface, member),
            )
        )
        self._settle(start, expect=True)
        self._show(target)

    def _button_context(self, surface: Posted | Modal | HomeView, member: Member) -> dict[str, Any]:
        """What Slack sends about where a pressed button was."""
        if isinstance(surface, Posted):
            return {
                "container": {
                    "type": "message",
                    "message_ts": surface.ts,
                    "channel_id": surface.channel,
                    "is_ephemeral": surface.ephemeral,
                },
                "channel": {"id": surface.channel, "name": self._channel_name(surface.channel)},
                "message": None if surface.ephemeral else surface.message,
                "response_url": self._response_url(surface.channel, member.user_id),
            }
        view = self._current_view(surface)
        return {"container": {"type": "view", "view_id": view["id"]}, "view": view}

    def _current_view(self, surface: Modal | HomeView) -> dict[str, Any]:
        if isinstance(surface, HomeView):
            return self.workspace.home_view(surface.viewer) or surface.view
        opened = [v for v in self.workspace.open_views() if v["id"] == surface.view["id"]]
        if not opened:
            raise SandboxProblem("That modal is closed now, so its buttons can't be pressed.")
        return opened[0]

    def _submit(self, member: Member, submit: Submit) -> None:
        view = self._open_modal(member)
        typed = dict(submit.values)
        if typed.get(slack_ids.BLOCK_CALENDAR_URL) == SAMPLE and self.calendar is not None:
            typed[slack_ids.BLOCK_CALENDAR_URL] = self.calendar.url  # @morgan's sample feed
        try:
            values = state_values(view, typed, self._find_user)
        except FormProblem as problem:
            raise SandboxProblem(str(problem)) from None
        start = len(self.workspace.calls)
        answer = _checked(
            self.requests.view_submission(
                _who(member), view, values, self.workspace.new_trigger_id(member.user_id)
            )
        )
        ack = answer.json()
        if ack.get("response_action") == "errors":
            self._form_errors(view, ack.get("errors") or {})
            return
        self.workspace.close_view(view["id"])
        self._settle(start, expect=True)
        self._show(None)

    def _form_errors(self, view: dict[str, Any], errors: dict[str, str]) -> None:
        lines = [f"  ⚠ “{_title(view)}” is still open; Coach marked a field:"]
        for name, message in errors.items():
            text = f"{name}: {self.renderer.inline(str(message))}"
            lines.append(
                textwrap.fill(text, self._width, initial_indent="    ", subsequent_indent="      ")
            )
        self._say_plain("\n".join(lines))

    def _cancel(self, member: Member) -> None:
        view = self._open_modal(member)
        self.workspace.close_view(view["id"])
        self._say_plain(f"  (@{member.name} closed “{_title(view)}” without saving.)")

    def _open_modal(self, member: Member) -> dict[str, Any]:
        views = self.workspace.open_views(member.user_id)
        if not views:
            raise SandboxProblem(
                f"@{member.name} has no modal open. `/coach goal` with no text opens one."
            )
        return views[-1]

    def _shortcut(self, member: Member) -> None:
        people = [
            m
            for m in self.workspace.messages_in(SALES_CHANNEL_ID)
            if m["user"] != self.workspace.bot_user_id
        ]
        if not people:
            raise SandboxProblem("Nobody has written in #sales yet: `say …` first.")
        target = (SALES_CHANNEL_ID, member.user_id)
        start = len(self.workspace.calls)
        _checked(
            self.requests.message_shortcut(
                _who(member),
                people[-1],
                channel=(SALES_CHANNEL_ID, SALES_CHANNEL),
                response_url=self._response_url(*target),
                trigger_id=self.workspace.new_trigger_id(member.user_id),
            )
        )
        self._settle(start, expect=True)
        self._show(target)

    def _home(self, member: Member) -> None:
        event = {
            "type": "app_home_opened",
            "user": member.user_id,
            "channel": self.workspace.dm_channel_id(member.user_id),
            "tab": "home",
        }
        start = len(self.workspace.calls)
        _checked(self.requests.event(event))
        self._settle(start, expect=True)
        self._show(None, homes_of=member.user_id)

    def _status(self, member: Member, status: SetStatus) -> None:
        self.workspace.set_status(member.user_id, status.text, status.emoji)
        shown = self.renderer.inline(f"{status.emoji} {status.text}".strip())
        if shown:
            note = f"@{member.name}'s Slack status is now “{shown}”."
        else:
            note = f"@{member.name}'s Slack status is clear."
        self._say_plain(f"  ({note} Coach reads statuses through users.info, cached an hour.)")

    def _send_event(self, event: dict[str, Any], *, expect: bool) -> None:
        start = len(self.workspace.calls)
        _checked(self.requests.event(event))
        self._settle(start, expect=expect)
        self._show(None)

    # --- time travel -------------------------------------------------------------------

    def _wait(self, wait: Wait) -> None:
        until = self._wait_base() + wait.delta
        step_buttons: list[Button] = []
        runs = shown = 0
        for moment, names in fire_times(self._triggers, self.clock.now(), until):
            self._travel_to(moment)
            runs += len(names)
            shown += self._run_sweeps(moment, names, step_buttons)
        self._travel_to(until)
        self._nominal = until
        if step_buttons:
            self.buttons = step_buttons
        if not shown:
            self._say_plain(f"  (The scheduler's sweeps ran {runs} times; nothing was due.)")
        self._say_plain(f"  ⏩ It's now {describe_moment(until)}.")

    def _run_sweeps(self, moment: datetime, names: list[str], step_buttons: list[Button]) -> bool:
        """Run the sweeps due at `moment` and show what they sent, numbering buttons on
        from those shown earlier in the same wait; False when nothing was sent."""
        results = [(name, *self._sweep(name)) for name in names]
        problems = [
            f"  ⚠ the {name} sweep stopped: {summary}" for name, ok, summary in results if not ok
        ]
        surfaces = self._visible(self.observer.collect(target=None))
        if not (surfaces or problems):
            return False
        # The scheduler wakes several sweeps at once; name those that sent something.
        names = [name for name, ok, summary in results if not ok or _sent_something(summary)]
        text, buttons = self.renderer.render(
            surfaces, when=moment, first_number=len(step_buttons) + 1
        )
        step_buttons.extend(buttons)
        sweeps = " + ".join(SWEEP_WORDS.get(name, name) for name in names)
        heading = f"  ⏰ {describe_moment(moment)} · {sweeps}"
        self._say_plain("\n".join([heading, *problems, text]).rstrip())
        return True

    def _wait_base(self) -> datetime:
        """Where a wait counts from: the last nominal time, unless someone has spent real
        time at the prompt since (then now, so `wait 1 day` is a day from now)."""
        now = self.clock.now()
        return self._nominal if now - self._nominal < DRIFT else now

    def now_line(self) -> str:
        return f"It's now {describe_moment(self.clock.now())}."

    def _sweep(self, name: str) -> tuple[bool, str]:
        return run_sweep(self._services, name)

    def _travel_to(self, moment: datetime) -> None:
        ahead = moment - self.clock.now()
        if ahead.total_seconds() > 0:
            self.clock.advance(ahead)

    # --- seeing what Coach did ---------------------------------------------------------

    def _settle(self, start: int, *, expect: bool) -> None:
        """Wait for the work Coach does after its ack: first (when a reply is certain)
        for something visible, then until no Slack call has arrived for QUIET seconds."""
        deadline = time.monotonic() + PATIENCE
        while expect and not self._visible_since(start) and time.monotonic() < deadline:
            time.sleep(0.01)
        seen, quiet_since = len(self.workspace.calls), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.02)
            count = len(self.workspace.calls)
            if count != seen:
                seen, quiet_since = count, time.monotonic()
            elif time.monotonic() - quiet_since >= QUIET:
                return

    def _visible_since(self, start: int) -> bool:
        return any(call.method in VISIBLE for call in self.workspace.calls[start:])

    def _show(
        self,
        target: tuple[str, str] | None,
        *,
        first: list[Surface] | None = None,
        homes_of: str | None = None,
    ) -> None:
        collected = self.observer.collect(target=target)
        surfaces = [*(first or []), *self._visible(collected, homes_of=homes_of)]
        text, buttons = self.renderer.render(surfaces)
        if buttons:
            self.buttons = buttons
        self._say_plain(text or "  (Coach has nothing to say to that.)")

    def _visible(self, surfaces: list[Surface], *, homes_of: str | None = None) -> list[Surface]:
        """App Home refreshes happen after most commands; they are shown only on `home`."""
        homes = [s for s in surfaces if isinstance(s, HomeView) and s.viewer == homes_of]
        rest = [s for s in surfaces if not isinstance(s, HomeView)]
        return rest + homes[-1:]

    def _people(self) -> None:
        now = self.clock.now()
        lines = [f"  {cast.TEAM_NAME}: everyone is in #sales, and so is Coach."]
        for member in cast.EVERYONE:
            you = " (you)" if member is MANAGER else ""
            lines.append(
                f"  @{member.name:<7} {member.real_name:<13} {member.role + you:<26} "
                f"{describe_moment(now, member)}"
            )
        self._say_plain("\n".join(lines))

    def _calls(self) -> None:
        calls = self.observer.step_calls
        if not calls:
            self._say_plain("  (The last step made no Slack Web API calls.)")
            return
        lines = [prompts.plural("sandbox", "calls", len(calls))]
        for call in calls[:CALLS_SHOWN]:
            params = call.params
            channel, user = params.get("channel"), params.get("user") or params.get("user_id")
            place = self.renderer.place(str(channel)) if channel else ""
            place = place or (self.renderer.directory.user(str(user)) if user else "")
            outcome = "ok" if call.ok else (call.error or f"HTTP {call.status}")
            lines.append(f"    {call.method:<20} {place:<24} {outcome}")
        if len(calls) > CALLS_SHOWN:
            lines.append(f"    …and {len(calls) - CALLS_SHOWN} more")
        self._say_plain("\n".join(lines))

    def _say_plain(self, text: str) -> None:
        self.out.write(text.rstrip() + "\n")
        self.out.flush()

    # --- helpers -----------------------------------------------------------------------

    def _response_url(self, channel: str, user_id: str) -> str:
        assert self.emulator is not None
        return self.emulator.response_url(channel, user_id)

    def _escape(self, text: str, *, for_command: bool) -> str:
        """What Slack sends for typed text: & < > escaped, @names and #channels as ids."""
        escaped = html.escape(text, quote=False)

        def user(match: re.Match[str]) -> str:
            member = cast.member_named(match.group(1))
            if member is None:
                return match.group(0)
            label = f"|{member.name}" if for_command else ""
            return f"<@{member.user_id}{label}>"

        def channel(match: re.Match[str]) -> str:
            if match.group(1).lower() != SALES_CHANNEL:
                return match.group(0)
            return f"<#{SALES_CHANNEL_ID}|{SALES_CHANNEL}>"

        return _CHANNEL.sub(channel, _MENTION.sub(user, escaped))

    def _find_user(self, name: str) -> str | None:
        member = cast.member_named(name)
        return member.user_id if member else None

    def _channel_name(self, channel_id: str) -> str:
        return SALES_CHANNEL if channel_id == SALES_CHANNEL_ID else "directmessage"

    def banner(self, *, interactive: bool) -> None:
        *others, last = (f"@{r.name} ({r.city})" for r in cast.REPS)
        about = (
            "Coach sandbox: the real Coach app, database and scheduler, against a stand-in "
            "for Slack. Nothing here reaches the real Slack. "
            f"You are @{MANAGER.name}, a {MANAGER.role} in {MANAGER.city}; your reps are "
            f"{', '.join(others)} and {last}. @{cast.DIRECTOR.name} "
            f"({cast.DIRECTOR.city}) directs you and @{cast.OTHER_MANAGER.name} "
            f"({cast.OTHER_MANAGER.city}), whose reps are "
            f"{' and '.join('@' + r.name for r in cast.OTHER_REPS)}. "
            "Everyone is in #sales, and so is Coach."
        )
        lines = [
            textwrap.fill(about, self._width),
            f"Sandbox time: {describe_moment(self.clock.now())}.",
        ]
        if interactive:
            lines += [
                "",
                "Try:  /coach team add @alex weekly",
                "      as @alex /coach goal Ask three discovery questions before every demo",
                "      feedback for @alex: you talked way too much on the Acme call",
                "      wait 9 days",
                "`help` lists every sandbox command; `quit` leaves.",
            ]
        self._say_plain("\n".join(lines))


def _page_words(page: str) -> tuple[str, str]:
    """The heading and first paragraph of an HTML page, as plain text."""
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S)
    body = re.search(r"<p>(.*?)</p>", page, re.S)
    return (
        html.unescape(heading[1]) if heading else "",
        html.unescape(body[1]) if body else "",
    )


def _populate(workspace: Workspace) -> None:
    for member in cast.EVERYONE:
        workspace.add_user(member.user_id, member.name, real_name=member.real_name, tz=member.tz)
    people = [member.user_id for member in cast.EVERYONE]
    workspace.add_channel(SALES_CHANNEL_ID, SALES_CHANNEL, members=people)
    for member in cast.EVERYONE:
        workspace.dm_channel_id(member.user_id)


def _directory(workspace: Workspace) -> Directory:
    return Directory(
        users={user_id: user.name for user_id, user in workspace.users.items()},
        channels={SALES_CHANNEL_ID: SALES_CHANNEL},
        dms={workspace.dm_channel_id(m.user_id): m.user_id for m in cast.EVERYONE},
        # Your own zone is in every ⏰ heading; the reps' local times are worth adding.
        zones={m.user_id: (m.tz, m.city) for m in cast.EVERYONE if m is not MANAGER},
    )


def _member(name: str) -> Member:
    member = cast.member_named(name)
    if member is None:
        raise SandboxProblem(f"There's nobody called @{name} here.")
    return member


def _who(member: Member) -> Who:
    return Who(member.user_id, member.name)


def _checked(answer: Answer) -> Answer:
    """The answer, if Coach accepted the request (anything but 200 is worth saying)."""
    if answer.status != 200:
        raise SandboxProblem(f"Coach answered the request with HTTP {answer.status}.")
    return answer


def _acked_message(answer: Answer, target: tuple[str, str]) -> Posted | None:
    """A reply that rode on the ack itself (help, usage mistakes): Slack shows it to the
    person who typed the command, only to them."""
    body = _checked(answer).json()
    if not (body.get("text") or body.get("blocks")):
        return None
    return Posted(
        channel=target[0],
        viewer=target[1],
        ts="",
        text=str(body.get("text") or ""),
        blocks=list(body.get("blocks") or []),
        ephemeral=True,
    )


def _message_event(member: Member, posted: dict[str, Any], *, im: bool) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": posted["channel"],
        "channel_type": "im" if im else "channel",
        "user": member.user_id,
        "text": posted["text"],
        "ts": posted["ts"],
        "team": cast.TEAM_ID,
    }


def _has_button(message: dict[str, Any], action_ids: frozenset[str]) -> bool:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if isinstance(element, dict) and element.get("action_id") in action_ids:
                return True
    return False


def _title(view: dict[str, Any]) -> str:
    title = view.get("title")
    return str(title.get("text", "")) if isinstance(title, dict) else "the modal"
