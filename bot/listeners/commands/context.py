"""Who typed a ``/coach`` command, where, and the trigger that lets us open a modal."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommandContext:
    team_id: str
    user_id: str
    trigger_id: str
