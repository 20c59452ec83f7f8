"""`coach try` in a terminal: an interactive prompt, or a script run as a transcript.

A script is checked in full before anything runs, so a typo fails at once with its line
number (exit 2). A line that reads fine but cannot be done when its turn comes (a button
that never appeared, a check-in that never arrived) stops the script with exit 1: the
transcript would no longer show what it claims to.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TextIO

from bot.sandbox.cast import MANAGER
from bot.sandbox.commands import Command, Comment, LineError, parse_line
from bot.sandbox.session import Sandbox, SandboxProblem

PROMPT = f"{MANAGER.name}> "
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def run_script(path: str, out: TextIO, err: TextIO, *, database_url: str | None = None) -> int:
    """Run every line of the script at `path`, printing the transcript to `out`."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        err.write(f"coach try: can't read the script {path}: {error.strerror or error}\n")
        return EXIT_USAGE
    try:
        commands = [(number, line, _parse(path, number, line)) for number, line in _numbered(lines)]
    except LineError as error:
        err.write(f"coach try: {error}\n")
        return EXIT_USAGE
    with Sandbox(out, database_url=database_url) as sandbox:
        sandbox.banner(interactive=False)
        previous: Command | None = None
        for number, line, command in commands:
            try:
                if not _run_script_line(sandbox, out, line, command, previous):
                    break
            except SandboxProblem as problem:
                out.write(f"  {problem}\n")
                err.write(f"coach try: {path}, line {number}: {problem}\n")
                return EXIT_FAILED
            previous = command
        out.write(f"\n(End of the script. {_farewell(database_url)})\n")
    return EXIT_OK


def _numbered(lines: list[str]) -> list[tuple[int, str]]:
    return [(number, line.rstrip()) for number, line in enumerate(lines, 1)]


def _parse(path: str, number: int, line: str) -> Command:
    try:
        return parse_line(line)
    except LineError as error:
        raise LineError(f"{path}, line {number}: {error} (the line: {line.strip()!r})") from None


def _run_script_line(
    sandbox: Sandbox, out: TextIO, line: str, command: Command, previous: Command | None
) -> bool:
    """Echo the line as if typed at the prompt, then run it. Comments are the script's
    narration: printed as they are, a run of them as one paragraph."""
    if isinstance(command, Comment):
        if command.text:
            starts_paragraph = not (isinstance(previous, Comment) and previous.text)
            out.write(("\n" if starts_paragraph else "") + command.text + "\n")
        return True
    out.write(f"\n{PROMPT}{line.strip()}\n")
    out.flush()
    return sandbox.run(command)


def run_interactive(out: TextIO, *, database_url: str | None = None, color: bool = False) -> int:
    """Read lines with input() until quit, exit or end of input."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (arrow keys and history for input())
    with Sandbox(out, database_url=database_url, color=color) as sandbox:
        sandbox.banner(interactive=True)
        while True:
            try:
                line = input(PROMPT)
            except (EOFError, KeyboardInterrupt):
                out.write("\n")
                break
            try:
                if not sandbox.run_line(line):
                    break
            except (LineError, SandboxProblem) as problem:
                out.write(f"  {problem}\n")
            except KeyboardInterrupt:  # Ctrl-C stops a long `wait` where it got to
                out.write(f"\n  (Interrupted. {sandbox.now_line()})\n")
            out.write("\n" if line.strip() else "")
        out.write(f"Bye. {_farewell(database_url)}\n")
    return EXIT_OK


def _farewell(database_url: str | None) -> str:
    if database_url is None:
        return "The sandbox and its throwaway database are gone."
    return "The sandbox is gone; what Coach stored is still in the --db database."
