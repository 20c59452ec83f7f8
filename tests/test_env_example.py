""".env.example lists every setting with its default and meaning, and stays in step with
``Settings``: a setting added without a line in bot/env_example.py fails here by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.env_example import PLACEHOLDERS, meanings, render, setting_names
from bot.settings import Settings, load_settings
from tests.test_cli import run_coach

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_says_what_it_means() -> None:
    documented = meanings()
    missing = [name for name in setting_names() if name not in documented]
    assert not missing, (
        f"{', '.join(missing)}: in Settings (bot/settings.py) but not in .env.example. Add "
        "a line saying what it means to SECTIONS in bot/env_example.py, then run "
        "`coach env-example > .env.example`."
    )


def test_nothing_is_documented_that_is_not_a_setting() -> None:
    stale = [name for name in meanings() if name not in setting_names()]
    assert not stale, f"{', '.join(stale)}: in bot/env_example.py but not a Settings field"


def test_the_file_in_the_repo_is_what_the_command_writes() -> None:
    written = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in setting_names():
        assert f"{name}=" in written, (
            f"{name} is missing from .env.example: run `coach env-example > .env.example`"
        )
    assert written == render(), ".env.example is stale: run `coach env-example > .env.example`"


def test_every_default_shown_is_the_default_and_parses(tmp_path: Path) -> None:
    """Uncomment every line: the settings are exactly the defaults (placeholders aside)."""
    lines = [line.removeprefix("# ") for line in render().splitlines()]
    assignments = [line for line in lines if line.split("=")[0] in setting_names()]
    assert len(assignments) == len(setting_names())
    env = tmp_path / ".env"
    env.write_text("\n".join(assignments) + "\n", encoding="utf-8")
    loaded = load_settings(env_file=str(env), slack_bot_token="xoxb-1")
    defaults = Settings.model_construct()
    for field in Settings.model_fields:
        if field.upper() in PLACEHOLDERS:
            continue
        assert getattr(loaded, field) == getattr(defaults, field), field


@pytest.mark.slow  # starts a process
def test_coach_env_example_prints_the_file(tmp_path: Path) -> None:
    result = run_coach("env-example", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / ".env.example").read_text(encoding="utf-8")
