"""What "Add to Slack" costs per request and per sweep call, beside one SLACK_BOT_TOKEN.

    python benchmarks/installations.py [--requests 500] [--postgres URL]

Signed `/coach help` requests (answered in the ack) go straight into Coach's WSGI
application, in process, so the figures are Coach's own work: in OAuth mode each request
looks its workspace's installation up in the database and decrypts its token (Bolt's
authorize), where one-token mode has the token in memory. Then `slack_for(team)` as a
sweep calls it, from its 30-second cache and after it, and one locked token refresh
against the emulator (no latency). Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.util import setup_testing_defaults

from bot.installations import InstallationClients
from bot.settings import Settings, load_settings
from bot.web import EVENTS_PATH, build_wsgi
from bot.wiring import build_coach
from slack_emulator import SlackEmulator, payloads
from slack_emulator.payloads import Payloads, signed_headers
from storage.encryption import generate_key
from storage.schemas import private_schema

CLIENT_ID, CLIENT_SECRET = "1111.2222", "bench-secret"


def _settings(database_url: str, api_url: str, *, oauth: bool) -> Settings:
    values: dict[str, Any] = {
        "slack_signing_secret": payloads.SIGNING_SECRET,
        "slack_api_url": api_url,
        "database_url": database_url,
        "coach_log_level": "WARNING",
    }
    if oauth:
        values.update(
            slack_client_id=CLIENT_ID,
            slack_client_secret=CLIENT_SECRET,
            slack_state_secret="bench-state-secret",
            coach_encryption_key=generate_key(),
        )
    else:
        values["slack_bot_token"] = "xoxb-test-token"
    return load_settings(env_file=None, **values)


def _call(wsgi: Callable[..., Iterable[bytes]], method: str, path: str, **extra: Any) -> str:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "wsgi.input": io.BytesIO(extra.pop("body", b"")),
        **extra,
    }
    setup_testing_defaults(environ)
    status: list[str] = []
    body = b"".join(wsgi(environ, lambda s, h, *_: status.append(s)))
    return status[0] + "\n" + body.decode()


def _install(wsgi: Callable[..., Iterable[bytes]], slack: SlackEmulator) -> None:
    page = _call(wsgi, "GET", "/slack/install")
    state = page.split("state=", 1)[1].split("&", 1)[0]
    code = slack.install(slack.workspace, user_id="UMANAGER01", client_id=CLIENT_ID)
    landed = _call(
        wsgi,
        "GET",
        "/slack/oauth_redirect",
        QUERY_STRING=f"code={code}&state={state}",
        HTTP_COOKIE=f"slack-app-oauth-state={state}",
    )
    assert landed.startswith("200"), landed


def _help_ms(wsgi: Callable[..., Iterable[bytes]], count: int) -> list[float]:
    times = []
    for _ in range(count):
        body = Payloads().slash_command("help", user_id="UMANAGER01")
        headers = signed_headers(body)
        start = time.perf_counter()
        answer = _call(
            wsgi,
            "POST",
            EVENTS_PATH,
            body=body,
            CONTENT_TYPE=payloads.FORM,
            CONTENT_LENGTH=str(len(body)),
            HTTP_X_SLACK_REQUEST_TIMESTAMP=headers["X-Slack-Request-Timestamp"],
            HTTP_X_SLACK_SIGNATURE=headers["X-Slack-Signature"],
        )
        times.append((time.perf_counter() - start) * 1000)
        assert answer.startswith("200"), answer
    return times


def _row(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"| {name} | {statistics.median(times):.2f} | {p99:.2f} |"


def run(database_url: str, requests: int, label: str) -> list[str]:
    rows = []
    for oauth in (False, True):
        with SlackEmulator() as slack:
            slack.workspace.add_user("UMANAGER01", "morgan")
            slack.oauth.register_app(CLIENT_ID, CLIENT_SECRET)
            services, app = build_coach(_settings(database_url, slack.url, oauth=oauth))
            wsgi = build_wsgi(app, services)
            if oauth:
                _install(wsgi, slack)
            _help_ms(wsgi, 20)  # warm up
            mode = "Add to Slack" if oauth else "one SLACK_BOT_TOKEN"
            rows.append(_row(f"{label}: `/coach help`, {mode}", _help_ms(wsgi, requests)))
            if isinstance(services.clients, InstallationClients):
                rows += _client_rows(services.clients, slack, wsgi, label, requests)
            services.engine.dispose()
    return rows


def _client_rows(
    clients: InstallationClients,
    slack: SlackEmulator,
    wsgi: Callable[..., Iterable[bytes]],
    label: str,
    requests: int,
) -> list[str]:
    team = slack.workspace.team_id

    def looked_up() -> None:
        clients.forget(team)
        clients.client_for(team)

    clients.client_for(team)
    rows = [
        _row(
            f"{label}: `slack_for(team)`, cached",
            _timed(lambda: clients.client_for(team), requests),
        ),
        _row(f"{label}: `slack_for(team)`, looked up", _timed(looked_up, 200)),
    ]
    slack.oauth.token_lifetime = 60  # due at once: every lookup refreshes
    _install(wsgi, slack)
    rows.append(_row(f"{label}: `slack_for(team)` with a locked refresh", _timed(looked_up, 50)))
    return rows


def _timed(step: Callable[[], object], count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--postgres", help="a PostgreSQL URL; a private schema is used")
    args = parser.parse_args()
    print("| what | median ms | p99 ms |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for row in run(f"sqlite:///{tmp}/bench.db", args.requests, "SQLite"):
            print(row)
    if args.postgres:
        with private_schema(args.postgres, prefix="coach_bench") as url:
            for row in run(url, args.requests, "PostgreSQL"):
                print(row)


if __name__ == "__main__":
    main()
