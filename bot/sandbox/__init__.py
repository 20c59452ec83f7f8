"""`coach try`: the whole bot in a terminal, against a local stand-in for Slack.

The real Bolt app, flows, scheduler sweeps and database run against the emulator in
`slack_emulator/` (the same fake Slack the tests use), with a clock that `wait` moves
forward. `session.py` is the sandbox, `terminal.py` its prompt and script runner.
"""

from bot.sandbox.session import Sandbox, SandboxProblem
from bot.sandbox.terminal import run_interactive, run_script

__all__ = ["Sandbox", "SandboxProblem", "run_interactive", "run_script"]
