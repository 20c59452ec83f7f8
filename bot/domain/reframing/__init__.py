"""The offline reframer: read a manager's message the way a good sales coach would, then answer.

"great energy but you lost them the minute pricing came up, you just read the price sheet
off the slide" becomes one question that reinforces the energy and questions about the
moment pricing came up, what the price sheet was for, and how the rep would like to walk
a buyer through pricing next time. Statements inform; questions persuade.

The steps, one module each, in the order they run:

1. ``cleaning``: Slack markup, emoji, shouting and typos out;
2. ``language``: the rules engine reads English only;
3. ``evidence``: which competency and behaviour the message describes, if any;
4. ``situation`` and ``extraction``: what happened, in the manager's words (the
   behaviour, the moment, the counterpart, quotes, numbers, whether the call is to come);
5. ``triage``: what kind of message it is (``competencies.KINDS``);
6. ``composition``: the questions and the private note, from templates and those words;
7. ``scoring``: the quality gate every question passes (and every LLM answer).

Deterministic and fast: the same text always gets the same reply, and nothing here does
I/O beyond reading ``prompts/reframe/*.toml`` once. Every word is in those files.
"""

from __future__ import annotations

from dataclasses import replace

from bot.domain.reframing import cleaning, composition, evidence, extraction, language, triage
from bot.domain.reframing.competencies import (
    COMPETENCIES,
    KINDS,
    RULES_ENGINE,
    competency_label,
    competency_labels,
)
from bot.domain.reframing.result import Reframe
from bot.domain.reframing.situation import find_situation

__all__ = [
    "COMPETENCIES",
    "KINDS",
    "RULES_ENGINE",
    "Reframe",
    "competency_label",
    "competency_labels",
    "detect_competency",
    "extract_situation",
    "reads_english",
    "reframe_with_rules",
]


def reframe_with_rules(text: str) -> Reframe:
    """The rules engine's reply to ``text``: its kind, questions for the rep, a private note.

    Never raises on a ``str``. Every question passes the hard rules of ``scoring``.
    """
    cleaned = cleaning.clean(text)
    english = language.is_english(cleaned.text)
    tokens = cleaning.tokenize(cleaned.text)
    situation = find_situation(cleaned.text) if english else None
    if situation is not None and _quoted(tokens, situation.start, situation.end):
        situation = None  # 'open with "My name is Sam and…"': someone's words, not the account
    span = (situation.start, situation.end) if situation and situation.kind == "event" else None
    weighed = evidence.weigh(tokens, span, praise_emoji=triage.has_praise_emoji(cleaned))
    sarcastic = triage.is_sarcastic(cleaned, tokens)
    facts = extraction.extract(cleaned.text, tokens, weighed, situation, sarcastic=sarcastic)
    reading = triage.triage(cleaned, tokens, weighed, facts, english=english, sarcastic=sarcastic)
    growth_from = None
    if reading.kind == "mixed":
        # The growth area's skill, read in the growth part: "discovery was strong… but we've
        # got nothing on how they make decisions" is about the decision process.
        start = triage.growth_start(tokens)
        if start is not None:
            growth_from = tokens[start].start
            growth = evidence.from_token(weighed, start)
            if growth.competency is not None:
                weighed, reading = growth, replace(reading, competency=growth.competency)
    reframe = composition.compose(text, reading, weighed, facts, growth_from=growth_from)
    return composition.with_tone_note(reframe) if sarcastic else reframe


def _quoted(tokens: list[cleaning.Token], start: int, end: int) -> bool:
    """Whether every word between ``start`` and ``end`` is inside quotation marks."""
    inside = [t for t in tokens if t.kind == "word" and start <= t.start < end]
    return bool(inside) and all(t.quoted for t in inside)


def reads_english(text: str) -> bool:
    """Whether the rules engine reads ``text`` as English (it reads English only)."""
    return language.is_english(cleaning.clean(text).text)


def detect_competency(text: str) -> str:
    """The competency a text is mostly about, for goals: always an id.

    A goal always has a competency, so a text that names no skill gets the first one
    the taxonomy would ask a vague message about (``COMPETENCIES[1]``, discovery).
    """
    cleaned = cleaning.clean(text)
    tokens = cleaning.tokenize(cleaned.text)
    weighed = evidence.weigh(tokens)
    if weighed.competency is not None:
        return weighed.competency
    ranked = sorted(weighed.points.items(), key=lambda item: -item[1])
    return ranked[0][0] if ranked else COMPETENCIES[1]


def extract_situation(text: str) -> str | None:
    """The call, meeting, artefact, account or person the text names, if any.

    A clean noun phrase fit to put in a question: "the Acme call", "the QBR with Globex",
    "your demo to the CFO", "Globex". Slack mentions are the rep, so they are never one.
    """
    found = find_situation(cleaning.clean(text).text)
    return found.phrase if found else None
