"""How Coach is deployed: the image's install steps, compose's wiring, the lock, HOST.

Docker cannot build or pull here, so the image is exercised the only honest way left:
the Dockerfile's own install commands, read from the Dockerfile, run in a clean virtual
environment on a copy of what its COPY lines copy, then ``coach db upgrade`` and
``coach serve`` from that environment against PostgreSQL, and ``/healthz`` answers.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from slack_emulator import SlackEmulator, payloads
from storage.schemas import private_schema
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parent.parent
VENV = "/opt/coach"  # where the Dockerfile builds its virtual environment


def _dockerfile_build_stage() -> list[str]:
    """The instructions of the Dockerfile's first (build) stage, continuations joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    stages = [i for i, line in enumerate(lines) if line.startswith("FROM ")]
    return lines[stages[0] + 1 : stages[1]]


def _image_install_commands() -> list[list[str]]:
    """The build stage's RUN commands, as argument lists."""
    return [line.split()[1:] for line in _dockerfile_build_stage() if line.startswith("RUN ")]


def _image_sources() -> list[str]:
    """What the build stage copies into the image from the checkout."""
    sources: list[str] = []
    for line in _dockerfile_build_stage():
        if line.startswith("COPY ") and "--from" not in line:
            sources += line.split()[1:-1]
    return sources


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthz(url: str, timeout: float = 1) -> int:
    with urllib.request.urlopen(url + "/healthz", timeout=timeout) as reply:
        return int(reply.status)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise AssertionError(f"coach serve exited with {process.returncode}:\n{output}")
        try:
            if _healthz(url) == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("coach serve never answered /healthz with 200")


def _serve_env(database_url: str, slack: SlackEmulator, host: str, port: int) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACH_"))}
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DATABASE_URL", "HOST", "PORT"):
        keep.pop(name, None)
    return {
        **keep,
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": payloads.SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": database_url,
        "HOST": host,
        "PORT": str(port),
        "COACH_WEB_WORKERS": "1",
    }


def _stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
        raise


# -- compose.yaml and the Procfile -----------------------------------------------------------


def test_compose_migrates_once_then_starts_web_and_clock_on_postgresql() -> None:
    services = _compose()["services"]
    assert set(services) == {"db", "release", "web", "clock"}
    assert services["release"]["command"] == ["coach", "db", "upgrade"]
    assert services["release"]["restart"] == "no"
    assert services["web"]["command"] == ["coach", "serve", "--no-scheduler"]
    assert services["clock"]["command"] == ["coach", "scheduler"]
    assert services["release"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "clock"):
        after = services[name]["depends_on"]
        assert after["release"]["condition"] == "service_completed_successfully"
        assert after["db"]["condition"] == "service_healthy"
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql://")
        # Docker's stop timeout above the graceful timeout, so a stop drains first.
        assert int(services[name]["stop_grace_period"].removesuffix("s")) > 20


def test_compose_keeps_postgresql_on_a_volume_and_checks_both_health() -> None:
    compose = _compose()
    db = compose["services"]["db"]
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    assert "pg_isready" in db["healthcheck"]["test"]
    web = compose["services"]["web"]
    check = " ".join(web["healthcheck"]["test"])
    port = web["environment"]["PORT"]
    assert f"http://127.0.0.1:{port}/healthz" in check
    assert web["environment"]["HOST"] == "0.0.0.0"
    assert any(mapping.endswith(f":{port}") for mapping in web["ports"])


def test_procfile_runs_the_same_three_processes_as_compose() -> None:
    services = _compose()["services"]
    procfile = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert set(procfile) == {"release", "web", "clock"}
    for name, command in procfile.items():
        assert command.split() == services[name]["command"]


# -- the lock file and the image ---------------------------------------------------------------


def _locked(lock: str = "requirements.lock") -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", text, re.M)
    }


def _assert_pins_within_floors(lock: str, requirements: list[str]) -> None:
    locked = _locked(lock)
    for line in requirements:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name == "coach":  # dev = ["coach[test]", …]: the project itself
            continue
        assert name in locked, f"{name} is not in {lock}: refresh it (README → Dependencies)"
        assert requirement.specifier.contains(locked[name]), f"{name}=={locked[name]} {line}"
        for extra in requirement.extras:  # psycopg[binary] → psycopg-binary
            assert canonicalize_name(f"{name}-{extra}") in locked
    # Hashed, so pip installs it in hash-checking mode: what was locked is what runs.
    assert "--hash=sha256:" in (ROOT / lock).read_text()


def test_the_lock_pins_every_dependency_within_its_floor() -> None:
    """Raising a floor in pyproject.toml without refreshing the lock fails here."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    _assert_pins_within_floors("requirements.lock", project["dependencies"])


def test_the_test_lock_pins_the_runtime_and_the_test_extra_within_their_floors() -> None:
    """CI installs requirements-test.lock: every runtime dependency and every test tool,
    each within its floor, and every runtime package at the image's own version."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    test_extra = project["optional-dependencies"]["test"]
    _assert_pins_within_floors("requirements-test.lock", project["dependencies"] + test_extra)
    image, tested = _locked("requirements.lock"), _locked("requirements-test.lock")
    moved = {
        name: (pin, tested.get(name)) for name, pin in image.items() if tested.get(name) != pin
    }
    assert not moved, f"the locks disagree (image, tests): {moved}; refresh both, in order"


def test_ci_runs_the_readmes_test_command_from_the_test_lock() -> None:
    """The README promises its Quickstart test command is what CI runs."""
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = next(line for line in ci.splitlines() if line.startswith("python3 -m venv .venv &&"))
    assert "pip install -r requirements-test.lock" in command
    assert f"```sh\n{command}\n```" in readme
    checks = ci[ci.index(command) :]
    for tool in (".venv/bin/ruff check .", ".venv/bin/ruff format --check .", ".venv/bin/mypy"):
        assert f"\n{tool}\n" in checks, f"{tool} is not run by .ci/run after the install"


def test_the_image_installs_the_lock_then_coach_without_dependencies() -> None:
    assert _image_install_commands() == [
        ["python", "-m", "venv", VENV],
        [f"{VENV}/bin/pip", "install", "-r", "requirements.lock"],
        [f"{VENV}/bin/pip", "install", "--no-deps", "."],
    ]
    ignored = (ROOT / ".dockerignore").read_text().split()
    for source in _image_sources():
        assert f"!{source.rstrip('/')}" in ignored or f"!{source.rstrip('/')}/" in ignored


@pytest.fixture
def image_venv(tmp_path: Path) -> Iterator[Path]:
    """The image's build stage, step for step, in a clean virtual environment: only what
    the Dockerfile copies, the lock installed first, then Coach with no dependencies."""
    source = tmp_path / "src"
    source.mkdir()
    for name in _image_sources():
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(origin, source / name)
    venv = tmp_path / "venv"
    for command in _image_install_commands():
        argv = [part.replace(VENV, str(venv)) for part in command]
        if argv[0] == "python":
            argv[0] = sys.executable
        env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_CACHE_DIR": "1"}
        env.pop("VIRTUAL_ENV", None)
        done = subprocess.run(argv, cwd=source, env=env, capture_output=True, timeout=240)
        assert done.returncode == 0, done.stderr.decode()[-3000:]
    yield venv


@pytest.mark.slow  # builds a virtual environment from the lock and starts a server
def test_what_the_image_runs_migrates_postgresql_and_serves_healthz(
    image_venv: Path, slack: SlackEmulator, tmp_path: Path
) -> None:
    if not PG_URL:
        pytest.skip("COACH_TEST_DATABASE_URL is not set")
    coach = str(image_venv / "bin" / "coach")
    checked = subprocess.run(
        [str(image_venv / "bin" / "pip"), "check"], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout
    work = tmp_path / "home"  # the image's WORKDIR: no checkout, no .env
    work.mkdir()
    with private_schema(PG_URL, prefix="coach_image") as database_url:
        port = _free_port()
        env = _serve_env(database_url, slack, "127.0.0.1", port)
        release = subprocess.run(
            [coach, "db", "upgrade"], env=env, cwd=work, capture_output=True, timeout=60
        )
        assert release.returncode == 0, release.stderr.decode()
        web = subprocess.Popen(
            [coach, "serve", "--no-scheduler"],
            env=env,
            cwd=work,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_healthy(f"http://127.0.0.1:{port}", web)
        finally:
            assert _stop(web) == 0


# -- HOST ------------------------------------------------------------------------------------


@pytest.mark.slow  # starts a server
def test_host_is_the_only_address_coach_serve_listens_on(
    slack: SlackEmulator, tmp_path: Path
) -> None:
    """127.0.0.2 is loopback too on Linux: answered there, refused on 127.0.0.1."""
    if not sys.platform.startswith("linux"):
        pytest.skip("127.0.0.2 is a loopback address on Linux only")
    port = _free_port()
    env = _serve_env(f"sqlite:///{tmp_path}/coach.db", slack, "127.0.0.2", port)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--no-scheduler"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(f"http://127.0.0.2:{port}", process)
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
    finally:
        assert _stop(process) == 0
