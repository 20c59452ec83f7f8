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
    assert jobs == ["calendars", "cadence", "checkins", "digest", "retention"]
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
