"""What a reframe is: the questions for the rep, and what the manager is told privately."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reframe:
    """Question-led coaching prompts for one message, and how the message was read.

    ``questions`` are for the rep (the manager may send them as they are). ``kind`` is one
    of ``KINDS``: how the message was read. ``note`` is for the manager only: why this is
    not (only) coaching and what to do instead — None when the questions say it all.
    ``competency`` is None when no skill applies (an expectation, a vague message).
    A kind may answer with a note and no questions at all (``other_language`` does).
    """

    questions: tuple[str, ...]
    competency: str | None
    focus: str
    engine: str
    kind: str = "coaching"
    note: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "questions": list(self.questions),
            "competency": self.competency,
            "focus": self.focus,
            "note": self.note,
            "engine": self.engine,
        }
