"""``.env.example``, written from ``Settings``: every setting, its default and what it means.

``coach env-example`` prints it (an installed Coach has no checkout to copy it from), and
the repository's ``.env.example`` is that output (tests/test_env_example.py keeps the two
equal). A setting added to ``Settings`` needs a line in ``MEANINGS`` below; the test names
the variable that lacks one.
"""

from __future__ import annotations

import textwrap

from bot.settings import Settings

# The variable → what it is for, grouped as an operator meets them. Defaults are read from
# Settings, never written here.
SECTIONS: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "Slack (README → Slack app setup)",
        {
            "SLACK_BOT_TOKEN": "Required. The Bot User OAuth Token (xoxb-…) from OAuth & "
            "Permissions; checked with Slack (auth.test) at start.",
            "SLACK_SIGNING_SECRET": "Required in HTTP mode. Basic Information → App "
            "Credentials → Signing Secret; every request is verified with it.",
            "SLACK_APP_TOKEN": "An app-level token (xapp-…) with connections:write. When set, "
            "coach serve connects over Socket Mode and needs no public URL.",
            "SLACK_API_URL": "Slack's Web API base URL, for GovSlack or a proxy (ends in "
            "/api/). Unset: Slack's own.",
        },
    ),
    (
        "Add to Slack: installs into many workspaces (README → Many workspaces); set all "
        "three instead of SLACK_BOT_TOKEN, with COACH_ENCRYPTION_KEY",
        {
            "SLACK_CLIENT_ID": "Basic Information → App Credentials → Client ID.",
            "SLACK_CLIENT_SECRET": "Basic Information → App Credentials → Client Secret.",
            "SLACK_STATE_SECRET": "A long random string that signs each install link "
            "(for example the output of `coach keys new`).",
            "COACH_UNINSTALL_GRACE_DAYS": "Days a workspace's data is kept after Coach is "
            "uninstalled from it, so a reinstall finds it (0 erases at the next night).",
            "COACH_TOKEN_REFRESH_MINUTES": "Rotating tokens are refreshed when they expire "
            "within this many minutes.",
        },
    ),
    (
        "Database and the reframer's model",
        {
            "DATABASE_URL": "SQLAlchemy URL: SQLite for one machine, PostgreSQL "
            "(postgresql://user:password@host/db) for several processes or machines.",
            "OPENAI_API_KEY": "Turns on the LLM reframer (any OpenAI-compatible server). "
            "Unset: the offline rules reframer.",
            "OPENAI_BASE_URL": "The OpenAI-compatible server's base URL. Unset: OpenAI's own.",
            "COACH_OPENAI_MODEL": "The model the LLM reframer asks.",
            "COACH_ENCRYPTION_KEY": "Keys for secrets stored at rest, from `coach keys new`, "
            "comma-separated: the first encrypts, all decrypt (`coach keys rotate`).",
        },
    ),
    (
        "Serving",
        {
            "HOST": "The address coach serve listens on: every interface (a container), "
            "or 127.0.0.1 behind a reverse proxy on the same machine.",
            "PORT": "The HTTP port (POST /slack/events, GET /healthz); in Socket Mode, "
            "/healthz only.",
            "COACH_WEB_WORKERS": "gunicorn worker processes.",
            "COACH_WEB_THREADS": "Threads per worker that answer a request once it is read "
            "whole (also the database pool size).",
            "COACH_LISTENER_THREADS": "Bolt's listener threads, and the threads that build "
            "answers after an ack.",
            "COACH_AFTER_ACK_QUEUE": "Answers that may wait for an after-ack thread; past "
            'it people are told "Coach is busy, try again in a minute".',
            "COACH_GRACEFUL_TIMEOUT": "Seconds a stop may take; keep your platform's stop "
            "timeout above it.",
        },
    ),
    (
        "When messages arrive: each person at these hours on their own clock (the time "
        "zone in their Slack profile)",
        {
            "COACH_SWEEP_HOUR": "Local hour of nudges (weekdays), the channel digest and "
            "each manager's weekly summary.",
            "COACH_DIGEST_WEEKDAY": "Day of the digest and of each manager's summary (mon, "
            "tue… in the zone of the manager who chose the channel first).",
            "COACH_CHECKIN_WEEKDAY": "Day of reps' weekly goal check-ins, in each rep's zone.",
            "COACH_CHECKIN_HOUR": "Local hour of reps' weekly goal check-ins.",
            "COACH_TIMEZONE": "The clock of the nightly retention sweep (03:15) only; "
            "nothing people receive keeps it.",
            "COACH_CHECKIN_RETENTION_DAYS": "Check-in words older than this many days are "
            "cleared nightly (0 keeps them).",
        },
    ),
    (
        "How fast a sweep sends (README → What is guaranteed)",
        {
            "COACH_SWEEP_WORKSPACES": "Workspaces a sweep works on at once, each with its "
            "own token and pacer.",
            "COACH_SWEEP_SENDS": "Messages in flight at once per workspace: also the most a "
            "kill -9 can leave sent but unconfirmed.",
        },
    ),
    (
        "Logs",
        {
            "COACH_LOG_LEVEL": "DEBUG, INFO, WARNING, ERROR or CRITICAL.",
            "COACH_LOG_JSON": "true: one JSON object per line on stderr, with a request id.",
        },
    ),
    (
        "Tests only: never set in production",
        {
            "COACH_CALENDAR_ALLOW_LOOPBACK_FOR_TESTS": "true lets calendar feeds be read from "
            "127.0.0.0/8 and ::1 (over http too), for the tests and coach try. In "
            "production it would point an address a user typed at the server's own "
            "loopback services.",
        },
    ),
)

# Shown uncommented, with a value to replace: the two settings HTTP mode cannot start
# without (Slack refuses the placeholders at start, with one line naming them).
PLACEHOLDERS = {
    "SLACK_BOT_TOKEN": "xoxb-your-bot-token",
    "SLACK_SIGNING_SECRET": "your-signing-secret",
}

HEADER = """\
# Coach's settings: copy to .env (read from the directory you run coach in) and fill in.
# Every setting is here with its default; the environment overrides this file.
# Written by `coach env-example` from bot/settings.py (README → Configuration)."""


def meanings() -> dict[str, str]:
    """Every documented variable and what it means."""
    return {name: meaning for _, section in SECTIONS for name, meaning in section.items()}


def setting_names() -> list[str]:
    """The environment variable of every Settings field."""
    return [name.upper() for name in Settings.model_fields]


def default_of(name: str) -> str:
    """The default as it would be written in .env (unset is empty)."""
    value = Settings.model_fields[name.lower()].default
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render() -> str:
    """The text of .env.example."""
    blocks = [HEADER]
    for title, section in SECTIONS:
        lines = textwrap.wrap(f"--- {title} ---", 88, initial_indent="# ", subsequent_indent="# ")
        for name, meaning in section.items():
            lines += textwrap.wrap(meaning, 88, initial_indent="# ", subsequent_indent="# ")
            if name in PLACEHOLDERS:
                lines.append(f"{name}={PLACEHOLDERS[name]}")
            else:
                lines.append(f"# {name}={default_of(name)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
