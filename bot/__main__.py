"""The ``coach`` command line: serve, scheduler, tick, reframe, db, keys,
manifest, env-example, try, export, insights, erase.

Exit statuses (README → Exit statuses): 0 done, 1 a sweep did not complete, 2 a setting
or argument to fix, 3 a dependency that does not answer, 4 nothing to export.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import TYPE_CHECKING

from bot.settings import Settings, SettingsError, load_settings
from bot.startup import EXIT_CONFIG, EXIT_UNREACHABLE, Unreachable
from storage.encryption import EncryptionKeyMissing, SecretUnreadable
from storage.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from bot.services import Services
    from bot.startup import SlackAuth

EXIT_USAGE = EXIT_CONFIG
EXIT_NOT_FOUND = 4  # coach export: Coach holds nothing for that workspace

DESCRIPTION = """\
Coach: a Slack bot that helps sales managers coach their reps instead of judging them.
Settings come from the environment or a .env file in the current directory (see
.env.example). Run coach COMMAND --help for one command's options."""

EXAMPLES = """\
examples:
  coach try                          the whole bot in this terminal, no Slack app needed
  coach db upgrade                   create or upgrade the database schema
  coach serve                        answer Slack (HTTP, or Socket Mode with SLACK_APP_TOKEN)
  coach tick --job cadence           send the nudges that are due now, once
  coach manifest --url https://coach.example.com
  coach env-example > .env           every setting with its default, to fill in
  coach export --team T0123ABCD --user U0123ABCD > data.json

exit statuses: 0 done, 1 a sweep did not complete, 2 a setting or argument to fix,
3 a database or Slack that does not answer, 4 nothing to export."""

TEAM_HELP = (
    "the workspace's Slack id, e.g. T0123ABCD (in Slack's web app, the part after /client/ "
    "in the address)"
)
USER_HELP = (
    "only what concerns this person (as rep or manager), e.g. U0123ABCD (their profile → ⋮ "
    "→ Copy member ID)"
)


class NothingToExport(Exception):
    """coach export was asked for a workspace Coach holds nothing about."""


Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except (SettingsError, EncryptionKeyMissing, SecretUnreadable) as error:
        return _fail(error, EXIT_CONFIG)
    except Unreachable as error:
        return _fail(error, EXIT_UNREACHABLE)
    except DatabaseUnavailable as error:
        return _fail(error, EXIT_CONFIG if error.configuration else EXIT_UNREACHABLE)
    except NothingToExport as error:
        return _fail(error, EXIT_NOT_FOUND)


def _fail(error: Exception, status: int) -> int:
    """One line naming what to fix; the traceback too, but only at COACH_LOG_LEVEL=DEBUG.
    With JSON logs the line is a JSON record too (request id ``-``), so a log pipeline
    reading stderr sees why the process stopped."""
    _say(str(error), level=logging.ERROR)
    if logging.getLogger().isEnabledFor(logging.DEBUG):
        logging.getLogger("bot.cli").debug("what failed", exc_info=error)
    return status


def _say(message: str, *, level: int) -> None:
    """A line for the operator on stderr: ``coach: …``, or a JSON record with JSON logs."""
    if _logs_are_json():
        logging.getLogger("bot.cli").log(level, "coach: %s", message)
    else:
        print(f"coach: {message}", file=sys.stderr)


def _logs_are_json() -> bool:
    """Whether stderr carries JSON: as configured, or, when the settings never loaded (the
    failure may be in them), as COACH_LOG_JSON asks in the environment."""
    from bot.logs import JsonLineFormatter, configure_logging

    handlers = logging.getLogger().handlers
    if handlers:
        return any(isinstance(handler.formatter, JsonLineFormatter) for handler in handlers)
    if os.environ.get("COACH_LOG_JSON", "").strip().lower() in {"1", "true", "yes", "on"}:
        configure_logging("INFO", as_json=True)
        return True
    return False


def _engine(settings: Settings) -> Engine:
    """An engine whose database has answered: one line (DatabaseUnavailable) if not."""
    from storage.db import check_database, make_engine

    engine = make_engine(settings.database_url)
    try:
        check_database(engine)
    except DatabaseUnavailable:
        engine.dispose()
        raise
    return engine


def _slack_auth(settings: Settings) -> SlackAuth:
    """auth.test the bot token: refused is one line and exit 2; unreachable is a warning,
    and the check goes on in the background (see bot.startup.SlackAuth)."""
    from bot.startup import SlackAuth, check_bot_token, warn_unreachable

    if settings.oauth_enabled:  # a token per workspace, none to check at start
        return SlackAuth(settings, state="not checked")
    problem = check_bot_token(settings)
    if problem is None:
        return SlackAuth(settings, state="ok")
    warn_unreachable(settings, problem)
    return SlackAuth(settings, state="unreachable")


def _settings(args: argparse.Namespace, *required: str) -> Settings:
    settings = load_settings()
    settings.require(*required)
    from bot.logs import configure_logging

    configure_logging(
        settings.coach_log_level,
        as_json=settings.coach_log_json,
        verbose=args.verbose,
        secrets=(
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.openai_api_key,
            settings.slack_client_secret,
            settings.slack_state_secret,
        ),
    )
    return settings


def _serve(args: argparse.Namespace) -> int:
    settings = _settings(args, "SLACK_BOT_TOKEN")
    if not settings.socket_mode:
        settings.require("SLACK_SIGNING_SECRET")
    from bot.server import serve_http, serve_socket_mode
    from bot.startup import check_app_token
    from storage.migrate import upgrade

    engine = _engine(settings)
    try:
        # Slack's verdict before the migrations: a refused token writes nothing.
        if settings.socket_mode:
            check_app_token(settings)  # no connection, no Socket Mode: this one is fatal
        slack_auth = _slack_auth(settings)
        upgrade(engine)
    finally:
        engine.dispose()
    if settings.socket_mode:
        _exit_on_sigterm()
        serve_socket_mode(
            settings, run_scheduler=not args.no_scheduler, slack_state=slack_auth.state
        )
    else:
        serve_http(settings, run_scheduler=not args.no_scheduler, slack_state=slack_auth.state)
    return 0


def _scheduler(args: argparse.Namespace) -> int:
    settings = _settings(args, "SLACK_BOT_TOKEN")
    from bot.scheduler import build_scheduler
    from bot.wiring import build_coach

    _engine(settings).dispose()
    _slack_auth(settings)
    services, _ = build_coach(settings)
    _exit_on_sigterm()
    scheduler = build_scheduler(services, background=False)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=True)
    return 0


def _tick(args: argparse.Namespace) -> int:
    settings = _settings(args, "SLACK_BOT_TOKEN")
    from bot.flows.sweeps import SWEEPS, run_sweep

    names = [args.job] if args.job else list(SWEEPS)
    from bot.wiring import build_coach

    _engine(settings).dispose()
    services, _ = build_coach(settings)
    results = [(name, *run_sweep(services, name)) for name in names]
    print("; ".join(f"{name}: {summary}" for name, _, summary in results))
    return 0 if all(completed for _, completed, _ in results) else 1


def _reframe(args: argparse.Namespace) -> int:
    text = " ".join(args.text).strip()
    if not text:
        print("coach: give the feedback to reframe, e.g. coach reframe 'you talk too much'")
        return EXIT_USAGE
    from bot.domain.reframing import competency_label
    from bot.reframer import build_reframer

    reframe = build_reframer(_settings(args)).reframe(text)
    if args.json:
        print(json.dumps(reframe.to_json_dict(), indent=2, ensure_ascii=False))
        return 0
    print(f"Read as: {reframe.kind}")
    if reframe.note:
        print(f"\nJust for you: {reframe.note}")
    if reframe.questions:
        print()
    for question in reframe.questions:
        print(f"• {question}")
    if reframe.questions:
        label = f" ({competency_label(reframe.competency)})" if reframe.competency else ""
        print(f"\nFocus{label}: {reframe.focus}")
    return 0


def _db(args: argparse.Namespace) -> int:
    settings = _settings(args)
    from storage.migrate import current_revision, upgrade

    engine = _engine(settings)
    upgrade(engine)
    print(f"database is at revision {current_revision(engine)}")
    engine.dispose()
    return 0


def _keys(args: argparse.Namespace) -> int:
    from storage.encryption import generate_key, require_cipher

    if args.keys_command == "new":
        print(generate_key())
        return 0
    settings = _settings(args)
    from sqlmodel import Session

    from storage.migrate import upgrade
    from storage.secret_columns import rotate_all

    cipher = require_cipher(settings.cipher)
    engine = _engine(settings)
    upgrade(engine)
    with Session(engine) as session:
        counts = rotate_all(session=session, cipher=cipher)
        session.commit()
    engine.dispose()
    total = sum(counts.values())
    detail = ", ".join(f"{name}: {count}" for name, count in counts.items()) or "none stored"
    print(f"re-encrypted {total} secret(s) under the first key ({detail})")
    return 0


def _manifest(args: argparse.Namespace) -> int:
    from bot.manifest import PLACEHOLDER_URL, BadUrl, build_manifest, public_url

    if args.socket_mode and args.add_to_slack:
        return _fail(
            BadUrl("--add-to-slack needs --url (its OAuth redirect), not --socket-mode"), EXIT_USAGE
        )
    if args.socket_mode:
        manifest = build_manifest(None, socket_mode=True)
    else:
        try:
            url = public_url(args.url) if args.url is not None else PLACEHOLDER_URL
        except BadUrl as error:
            return _fail(BadUrl(f"--url {error}"), EXIT_USAGE)
        manifest = build_manifest(url, add_to_slack=args.add_to_slack)
    print(json.dumps(manifest, indent=2))
    return 0


def _env_example(args: argparse.Namespace) -> int:
    from bot.env_example import render

    sys.stdout.write(render())
    return 0


def _try(args: argparse.Namespace) -> int:
    """The sandbox needs no .env and no SLACK_* or OPENAI_* variable: it builds its own
    settings, so it is the one command that works on a fresh machine."""
    from bot.logs import configure_logging
    from bot.sandbox import run_interactive, run_script

    configure_logging("WARNING")
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):  # a terminal that can't draw ╭ or 🟢 gets a ?
            stream.reconfigure(errors="replace")
    if args.script:
        return run_script(args.script, sys.stdout, sys.stderr, database_url=args.db)
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return run_interactive(sys.stdout, database_url=args.db, color=color)


def _read_only_services(args: argparse.Namespace, settings: Settings, what: str) -> Services:
    """Services for a command that only reads (export, insights): no migration runs, so it
    never changes the database it reads; a schema not at the migration head, or a team
    Coach holds nothing about, is one line (exit 2, exit 4)."""
    from bot.flows.privacy import workspace_known
    from bot.wiring import build_services
    from storage.migrate import current_revision, head_revision

    _no_sqlite_file_to_create(settings)
    engine = _engine(settings)
    try:
        revision, head = current_revision(engine), head_revision()
    finally:
        engine.dispose()
    if revision != head:
        raise SettingsError(
            f"DATABASE_URL: the database's schema is at revision {revision or 'none'}, not "
            f"{head}: run coach db upgrade first ({what} reads only, it migrates nothing)."
        )
    services = build_services(settings)
    if not workspace_known(services, team_id=args.team):
        services.engine.dispose()
        raise NothingToExport(
            f"nothing to {what}: Coach holds no data for workspace {args.team} "
            "(check --team: a Slack team id like T0123ABCD)"
        )
    return services


def _export(args: argparse.Namespace) -> int:
    """Read-only (see _read_only_services)."""
    settings = _settings(args)
    from bot.flows.privacy import export, holds_anything

    services = _read_only_services(args, settings, "export")
    try:
        data = export(services, team_id=args.team, user_id=args.user)
    finally:
        services.engine.dispose()
    if args.user is not None and not holds_anything(data):
        _say(f"{args.team} holds nothing about {args.user}", level=logging.WARNING)
    print(json.dumps(data, indent=2, ensure_ascii=False))
    return 0


def _insights(args: argparse.Namespace) -> int:
    """The leaders' figures for a workspace (or one leader's tree) as JSON or CSV, dated
    in COACH_TIMEZONE; no Slack call is needed."""
    import csv

    settings = _settings(args)
    from bot.domain.cadence import local_today
    from bot.flows.insights import figure_rows, insights_for, workspace_insights

    services = _read_only_services(args, settings, "report")
    try:
        today = local_today(services.clock.now(), settings.coach_timezone)
        if args.leader:
            found = insights_for(services, team_id=args.team, leader_id=args.leader, today=today)
        else:
            found = workspace_insights(services, team_id=args.team, today=today)
        rows = figure_rows(found)
    finally:
        services.engine.dispose()
    if not args.csv:
        print(json.dumps(rows, indent=2))
        return 0
    if rows:
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return 0


def _erase(args: argparse.Namespace) -> int:
    """A workspace's data, erased at once (as the grace period after an uninstall ends)."""
    settings = _settings(args)
    from bot.flows.installs import erase_now
    from bot.wiring import build_services
    from storage.migrate import upgrade

    _engine(settings).dispose()
    services = build_services(settings)
    upgrade(services.engine)
    rows = erase_now(services, team_id=args.team)
    services.engine.dispose()
    print(f"erased workspace {args.team}: {rows} row{'' if rows == 1 else 's'}")
    return 0


def _no_sqlite_file_to_create(settings: Settings) -> None:
    """Opening a SQLite file that is not there creates it: a read-only command says so."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    database = url.database or ""
    if (
        url.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and not database.startswith("file:")
        and not Path(database).exists()
    ):
        raise SettingsError(
            f"DATABASE_URL: there is no SQLite database at {database}; fix DATABASE_URL."
        )


def _exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so ``finally`` blocks shut the scheduler down cleanly."""

    def _raise(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _raise)


class _SweepNames:
    """``--job``'s choices: the names in ``flows.sweeps.SWEEPS``, looked up only when
    argparse checks a ``--job`` or prints help, because importing the flows would add half a
    second to every other command."""

    def __iter__(self) -> Iterator[str]:
        from bot.flows.sweeps import SWEEPS

        return iter(SWEEPS)

    def __contains__(self, name: object) -> bool:
        return name in set(self)


_VERBOSE = "also log each migration step (Alembic's INFO lines)"


def _version() -> str:
    """The installed package's version (pyproject.toml), as pip reports it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("coach")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach",
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"coach {_version()}")
    parser.add_argument("-v", "--verbose", action="store_true", help=_VERBOSE)
    # -v after the command too (coach db upgrade -v); SUPPRESS keeps a -v given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=_VERBOSE
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve", parents=[common], help="answer Slack over HTTP (or Socket Mode)"
    )
    serve.add_argument("--no-scheduler", action="store_true", help="leave sweeps to a clock")
    serve.set_defaults(handler=_serve)

    scheduler = commands.add_parser(
        "scheduler", parents=[common], help="run the sweeps on schedule, alone"
    )
    scheduler.set_defaults(handler=_scheduler)

    tick = commands.add_parser("tick", parents=[common], help="run the sweeps once, now")
    tick.add_argument(
        "--job",
        choices=_SweepNames(),
        metavar="JOB",
        help="run only this sweep, e.g. --job cadence; one of %(choices)s (default: all)",
    )
    tick.set_defaults(handler=_tick)

    reframe = commands.add_parser(
        "reframe", parents=[common], help="print coaching questions for feedback"
    )
    reframe.add_argument("--json", action="store_true", help="print JSON")
    reframe.add_argument("text", nargs="*", help="the feedback text")
    reframe.set_defaults(handler=_reframe)

    db = commands.add_parser("db", parents=[common], help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", parents=[common], help="apply migrations").set_defaults(
        handler=_db
    )

    keys = commands.add_parser(
        "keys", parents=[common], help="encryption keys for secrets stored at rest"
    )
    keys_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    keys_commands.add_parser(
        "new", parents=[common], help="print a fresh key for COACH_ENCRYPTION_KEY"
    ).set_defaults(handler=_keys)
    keys_commands.add_parser(
        "rotate", parents=[common], help="re-encrypt every stored secret with the first key"
    ).set_defaults(handler=_keys)

    manifest = commands.add_parser(
        "manifest", parents=[common], help="print the Slack app manifest (JSON)"
    )
    where = manifest.add_mutually_exclusive_group()
    where.add_argument(
        "--url",
        help="the public https address Slack reaches this deployment at, e.g. "
        "https://coach.example.com (every surface at /slack/events; default: a placeholder, "
        "as in manifest.json)",
    )
    where.add_argument(
        "--socket-mode",
        action="store_true",
        help="a Socket Mode app instead: no request URLs, Coach connects out with SLACK_APP_TOKEN",
    )
    manifest.add_argument(
        "--add-to-slack",
        action="store_true",
        help="for installs into many workspaces by OAuth (redirect URL, token rotation, Grid)",
    )
    manifest.set_defaults(handler=_manifest)

    env_example = commands.add_parser(
        "env-example",
        parents=[common],
        help="print a .env with every setting, its default and meaning",
    )
    env_example.set_defaults(handler=_env_example)

    sandbox = commands.add_parser(
        "try", parents=[common], help="the whole bot in a terminal, no Slack needed"
    )
    sandbox.add_argument("--script", help="run a scripted session and print the transcript")
    sandbox.add_argument("--db", help="database URL (default: a throwaway SQLite file)")
    sandbox.set_defaults(handler=_try)

    export = commands.add_parser(
        "export", parents=[common], help="a workspace's or a person's data as JSON"
    )
    export.add_argument("--team", required=True, metavar="TEAM_ID", help=TEAM_HELP)
    export.add_argument("--user", metavar="USER_ID", help=USER_HELP)
    export.set_defaults(handler=_export)

    insights = commands.add_parser(
        "insights",
        parents=[common],
        help="how each manager coaches (a leader's figures), as JSON or CSV",
    )
    insights.add_argument("--team", required=True, metavar="TEAM_ID", help=TEAM_HELP)
    insights.add_argument(
        "--leader", metavar="USER_ID", help="only the managers below this leader, e.g. U0123ABCD"
    )
    insights.add_argument("--csv", action="store_true", help="CSV, for a spreadsheet")
    insights.set_defaults(handler=_insights)

    erase = commands.add_parser("erase", parents=[common], help="erase a workspace's data now")
    erase.add_argument("--team", required=True, metavar="TEAM_ID", help=TEAM_HELP)
    erase.set_defaults(handler=_erase)
    return parser


if __name__ == "__main__":
    sys.exit(main())
