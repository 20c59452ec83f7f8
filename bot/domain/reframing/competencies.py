"""The ids everyone shares: competencies (with goals) and kinds of message (with every surface).

Nothing here reads a message; it only names things. Labels are data in
``prompts/reframe/taxonomy.toml`` so a sales leader can rename a skill without touching code.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

import prompts

# Shared with goals; the order is the order competencies are listed to people.
COMPETENCIES: tuple[str, ...] = (
    "prospecting",
    "discovery",
    "listening",
    "qualification",
    "presentation",
    "objection_handling",
    "negotiation",
    "closing",
    "follow_up",
    "pipeline_management",
    "time_management",
)

# What kind of message the manager wrote, read before anything is asked (see
# ../shared/PRODUCT.md): each kind is answered the way a coach would answer it.
KINDS: tuple[str, ...] = (
    "coaching",  # a coachable behaviour: question-led coaching, grounded in what happened
    "praise",  # reinforcement: what made it work, where else to use it
    "mixed",  # praise and a growth area: one reinforcing question, then the growth area
    "results",  # KPI or numbers only: a performance-management conversation
    "expectation",  # conduct or admin: state it plainly and kindly
    "team_selling",  # the manager plans to take over a call
    "already_coaching",  # the text already is a good coaching question
    "too_vague",  # ask the manager for the call and the moment
    "other_language",  # the rules engine reads English
)

RULES_ENGINE = "rules"


@cache
def _labels() -> Mapping[str, str]:
    competencies = prompts.load("reframe/taxonomy")["competency"]
    if tuple(competencies) != COMPETENCIES:
        raise ValueError(
            "prompts/reframe/taxonomy.toml must define exactly these competencies, in order: "
            + ", ".join(COMPETENCIES)
        )
    return MappingProxyType({c: competencies[c]["label"] for c in COMPETENCIES})


def competency_labels() -> Mapping[str, str]:
    """Friendly names for the competency ids, in ``COMPETENCIES`` order."""
    return _labels()


def competency_label(competency: str | None) -> str:
    """The friendly name of a competency id ("objection_handling" → "Handling objections").

    ``None`` (no skill applies, as for a vague or admin message) gets the taxonomy's
    ``none_label``, so a surface can always print something.
    """
    if competency is None:
        return str(prompts.load("reframe/taxonomy")["none_label"])
    return _labels().get(competency, competency.replace("_", " ").capitalize())
