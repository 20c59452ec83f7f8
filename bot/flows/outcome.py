"""What a flow tells its listener: which message to show (a key in prompts/) and with what."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Outcome:
    """``key`` names a message in ``prompts/<prompt_file>.toml``; ``values`` fill it in.

    Values are already safe to show in Slack (mentions built by us, user text escaped).
    """

    prompt_file: str
    key: str
    values: dict[str, str] = field(default_factory=dict)
    ok: bool = True


def refused(prompt_file: str, key: str, **values: str) -> Outcome:
    return Outcome(prompt_file, key, dict(values), ok=False)


def done(prompt_file: str, key: str, **values: str) -> Outcome:
    return Outcome(prompt_file, key, dict(values), ok=True)
