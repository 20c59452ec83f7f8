"""The ``coach`` command line as an operator meets it: clear one-line errors, a manifest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.manifest import build_manifest

ROOT = Path(__file__).resolve().parent.parent


def run_coach(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("PORT", None)
    clean.pop("HOST", None)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        clean.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        cwd=cwd or ROOT,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "eighty"}, "PORT"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "HOST": "0.0.0.0:80"}, "HOST"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "DATABASE_URL": "mysql://db/coach"}, "DATABASE_URL"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_STATE_SECRET": "x"}, "SLACK_CLIENT_SECRET"),
        (
            {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "SLACK_STATE_SECRET": "x"},
            "COACH_ENCRYPTION_KEY",
        ),
    ],
)
@pytest.mark.slow  # starts a process
def test_bad_settings_get_one_line_and_exit_2(
    env: dict[str, str], named: str, tmp_path: Path
) -> None:
    result = run_coach("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.slow  # starts a process
def test_settings_are_read_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-dotenv\n")
    result = run_coach("serve", cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" in result.stderr  # the token was found; the secret was not


@pytest.mark.slow  # starts a process
def test_manifest_file_in_the_repo_matches_the_command() -> None:
    result = run_coach("manifest")
    assert result.returncode == 0
    assert json.loads(result.stdout) == json.loads((ROOT / "manifest.json").read_text())


@pytest.mark.slow  # starts a process
def test_the_add_to_slack_manifest_has_its_redirect_rotation_and_org_installs() -> None:
    manifest = build_manifest("https://coach.acme.io/", add_to_slack=True)
    assert manifest["oauth_config"]["redirect_urls"] == [
        "https://coach.acme.io/slack/oauth_redirect"
    ]
    assert manifest["settings"]["token_rotation_enabled"] is True
    assert manifest["settings"]["org_deploy_enabled"] is True
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"app_uninstalled", "tokens_revoked"} <= set(events)
    single = build_manifest("https://coach.acme.io/")
    assert {"app_uninstalled", "tokens_revoked"} <= set(
        single["settings"]["event_subscriptions"]["bot_events"]
    )
    assert "redirect_urls" not in single["oauth_config"]


def test_manifest_points_every_surface_at_the_given_url() -> None:
    manifest = json.loads(run_coach("manifest", "--url", "https://coach.acme.io/").stdout)
    endpoint = "https://coach.acme.io/slack/events"
    command = manifest["features"]["slash_commands"][0]
    assert command["command"] == "/coach"
    assert command["should_escape"] is True
    assert command["url"] == endpoint
    assert manifest["settings"]["interactivity"]["request_url"] == endpoint
    assert manifest["settings"]["event_subscriptions"]["request_url"] == endpoint
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "message.im",
        "message.channels",
        "message.groups",
        "app_uninstalled",
        "tokens_revoked",
    }
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    shortcut = manifest["features"]["shortcuts"][0]
    assert (shortcut["name"], shortcut["type"]) == ("Reframe as coaching", "message")
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "im:history", "im:write", "channels:history"} <= scopes
    assert {"groups:history", "users:read"} <= scopes


def test_manifest_is_the_same_object_the_code_builds() -> None:
    assert build_manifest()["display_information"]["name"] == "Coach"


@pytest.mark.slow  # starts a process
def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    result = run_coach("db", "upgrade", env={"DATABASE_URL": f"sqlite:///{tmp_path}/c.db"})
    assert result.returncode == 0, result.stderr
    assert "revision" in result.stdout
    assert (tmp_path / "c.db").exists()


@pytest.mark.slow  # starts a process
def test_tick_runs_every_sweep_or_the_one_job_named(tmp_path: Path) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "DATABASE_URL": f"sqlite:///{tmp_path}/c.db"}
    every = run_coach("tick", env=env, cwd=tmp_path)
    assert every.returncode == 0, every.stderr
    jobs = [part.split(":")[0] for part in every.stdout.strip().split("; ")]
    assert jobs == ["calendars", "cadence", "checkins", "digest", "leaders", "retention"]
    retention = run_coach("tick", "--job", "retention", env=env, cwd=tmp_path)
    assert retention.returncode == 0, retention.stderr
    assert retention.stdout.strip() == "retention: 0 old check-in notes cleared"
    unknown = run_coach("tick", "--job", "weekly", env=env, cwd=tmp_path)
    assert unknown.returncode == 2
    assert "retention" in unknown.stderr  # the error lists the jobs there are


@pytest.mark.slow  # starts a process
def test_python_dash_m_and_the_console_script_agree() -> None:
    result = run_coach("--help")
    assert result.returncode == 0
    for command in ("serve", "scheduler", "tick", "reframe", "db", "manifest", "try", "export"):
        assert command in result.stdout


@pytest.mark.slow  # starts a process
def test_reframe_prints_open_questions_and_a_focus(tmp_path: Path) -> None:
    result = run_coach("reframe", "you talked way too much on the Acme call", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    questions = [line for line in result.stdout.splitlines() if line.startswith("• ")]
    assert 2 <= len(questions) <= 4
    assert all(line.endswith("?") for line in questions)
    assert "Acme call" in result.stdout
    assert "Focus (Listening)" in result.stdout


@pytest.mark.slow  # starts a process
def test_reframe_json_has_the_public_shape(tmp_path: Path) -> None:
    result = run_coach("reframe", "--json", "your follow up after the demo was slow", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert set(data) == {"kind", "questions", "competency", "focus", "note", "engine"}
    assert data["kind"] == "coaching"
    assert data["competency"] == "follow_up"
    assert data["engine"] == "rules"


@pytest.mark.slow  # starts a process
def test_reframe_without_text_says_what_to_type(tmp_path: Path) -> None:
    result = run_coach("reframe", cwd=tmp_path)
    assert result.returncode == 2
    assert "coach reframe" in result.stdout


@pytest.mark.slow  # starts a process
def test_coach_erase_erases_a_workspace_at_once(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from storage.db import make_engine, session_scope
    from storage.migrate import upgrade
    from storage.workspaces import ensure_workspace, list_team_ids

    url = f"sqlite:///{tmp_path}/coach.db"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        for team_id in ("T0GONE", "T0STAYS"):
            ensure_workspace(session=session, team_id=team_id, now=datetime.now(UTC))
    result = run_coach("erase", "--team", "T0GONE", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "erased workspace T0GONE: 1 row"
    with session_scope(engine) as session:
        assert list_team_ids(session=session) == ["T0STAYS"]
    engine.dispose()


# -- help, version, manifest and export as an operator meets them ----------------------------


@pytest.mark.slow  # starts a process
def test_help_is_plain_text_with_examples_of_every_id() -> None:
    top = run_coach("--help")
    assert top.returncode == 0
    assert "``" not in top.stdout
    assert "coach tick --job cadence" in top.stdout
    assert "coach export --team T0123ABCD --user U0123ABCD" in top.stdout
    export = run_coach("export", "--help").stdout
    assert "T0123ABCD" in export and "U0123ABCD" in export
    tick = run_coach("tick", "--help").stdout
    assert "--job cadence" in tick and "retention" in tick


@pytest.mark.slow  # starts a process
def test_version_is_the_installed_package_version() -> None:
    from importlib.metadata import version

    result = run_coach("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"coach {version('coach')}"


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "http://coach.acme.io",
        "https://",
        "https://localhost:3000",
        "https://10.1.2.3",
        "https://coach",
        "https://coach.acme.io/?next=1",
        "https://user@coach.acme.io",
        "https://coach.acme.io:99999",
    ],
)
@pytest.mark.slow  # starts a process
def test_manifest_refuses_a_url_slack_would_refuse(url: str) -> None:
    result = run_coach("manifest", "--url", url)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("coach: --url ")


@pytest.mark.slow  # starts a process
def test_manifest_takes_a_path_and_port_behind_a_proxy_and_declares_its_schema() -> None:
    result = run_coach("manifest", "--url", "https://Coach.Acme.io:8443/slack-apps/coach/")
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    assert manifest["_metadata"] == {"major_version": 1, "minor_version": 1}
    endpoint = "https://Coach.Acme.io:8443/slack-apps/coach/slack/events"
    assert manifest["settings"]["event_subscriptions"]["request_url"] == endpoint


@pytest.mark.slow  # starts a process
def test_socket_mode_manifest_has_no_request_urls() -> None:
    result = run_coach("manifest", "--socket-mode")
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"] == {"is_enabled": True}
    assert "request_url" not in settings["event_subscriptions"]
    assert settings["event_subscriptions"]["bot_events"]
    assert "url" not in manifest["features"]["slash_commands"][0]
    assert "https://" not in result.stdout
    assert manifest["_metadata"]["major_version"] == 1
    both = run_coach("manifest", "--socket-mode", "--url", "https://coach.acme.io")
    assert both.returncode == 2


@pytest.mark.slow  # starts a process
@pytest.mark.parametrize("command", ["export", "insights"])
def test_export_of_an_unknown_team_is_one_line_exit_4_and_writes_nothing(
    tmp_path: Path, command: str
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/c.db"}
    assert run_coach("db", "upgrade", env=env).returncode == 0
    before = (tmp_path / "c.db").read_bytes()
    result = run_coach(command, "--team", "T0NOBODY", env=env, cwd=tmp_path)
    assert result.returncode == 4
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "T0NOBODY" in line and "--team" in line
    assert (tmp_path / "c.db").read_bytes() == before


@pytest.mark.slow  # starts a process
def test_export_migrates_nothing_it_says_to_upgrade_first(tmp_path: Path) -> None:
    import sqlite3

    sqlite3.connect(tmp_path / "empty.db").close()  # a database with no schema at all
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/empty.db"}
    result = run_coach("export", "--team", "T0123ABCD", env=env, cwd=tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "coach db upgrade" in line
    with sqlite3.connect(tmp_path / "empty.db") as db:
        assert db.execute("SELECT name FROM sqlite_master").fetchall() == []
    missing = run_coach(
        "export", "--team", "T0123ABCD", env={"DATABASE_URL": "sqlite:///nope.db"}, cwd=tmp_path
    )
    assert missing.returncode == 2
    assert not (tmp_path / "nope.db").exists()
