"""The quality gate: whether a reframe may be shown, and how good it is among those that may.

One checker for both engines: the rules engine checks its own questions with it, every
LLM answer goes through it before it is used, and the evaluation scores with it.

Hard rules reject. Every question is open (it starts like "What", "How", "Which"… and
cannot be answered yes or no), free of judgement ("you should", "failed", "but"…) and
well formed (no markup, no template leftovers, not the manager's message copied back);
the number of questions fits the kind (2–4 for coaching; one for an expectation; none for
a message in another language); the kind is one of ``KINDS`` and the competency one of
``COMPETENCIES`` or None; a kind that needs a private note has one, free of judgement.

Soft qualities are scored, never a reason to reject: a question that looks forward, one
that hands the choice to the rep, the situation the message named carried back, and
questions that carry the manager's own words. An engine prefers the answer that scores
higher; a good LLM answer is never thrown away for missing one of them.

The word lists live in ``prompts/reframe/quality.toml``. Matching ignores case and works
on whole words, so "but" is caught and "button" and "budget" are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from types import MappingProxyType

import prompts
from bot.domain.reframing.competencies import COMPETENCIES, KINDS
from bot.domain.reframing.links import foreign_links

# The range for a coaching reply; other kinds have their own in quality.toml [counts].
MIN_QUESTIONS = 2
MAX_QUESTIONS = 4
MAX_QUESTION_CHARS = 300


@dataclass(frozen=True)
class QuestionCheck:
    """How one question measures up."""

    text: str
    open: bool  # ends with "?", starts like What/How/Which…, not a yes/no question
    non_judging: bool
    well_formed: bool  # no markup or template leftovers, not too long
    forward: bool
    ownership: bool
    judging_words: tuple[str, ...]  # what made it judging, as written


@dataclass(frozen=True)
class QualityReport:
    """How a whole reframe measures up: ``passes`` (hard rules) and ``score`` (soft)."""

    questions: tuple[QuestionCheck, ...]
    competency: str | None
    kind: str
    count_ok: bool
    all_open_and_non_judging: bool
    all_well_formed: bool
    not_a_copy: bool  # no question is the manager's message handed back unchanged
    kind_known: bool
    competency_known: bool  # one of COMPETENCIES, or None
    note_ok: bool  # present when the kind needs one, and free of judgement
    has_forward: bool
    has_ownership: bool
    situation_carried: bool  # True when there was no situation to carry
    relevant: bool  # a question carries one of the given key words (True when none given)
    competency_ok: bool  # known, and the expected one when an expectation was given
    # Links and mentions the manager's message does not hold (bare domains such as
    # "evil.example" too, which Slack links by itself): see links.py.
    foreign_links: tuple[str, ...] = ()

    @property
    def passes(self) -> bool:
        """The hard rules: every one must hold for the reframe to be shown."""
        return (
            self.count_ok
            and self.all_open_and_non_judging
            and self.all_well_formed
            and self.not_a_copy
            and self.kind_known
            and self.competency_known
            and self.note_ok
            and not self.foreign_links
        )

    @property
    def sendable(self) -> bool:
        """The hard rules on the questions alone: what a button may send to a rep.

        The private note stays with the manager, so it is not asked for here; at least
        one question is, since there is nothing to send otherwise.
        """
        return (
            bool(self.questions)
            and self.count_ok
            and self.all_open_and_non_judging
            and self.all_well_formed
            and self.kind_known
            and self.competency_known
            and not self.foreign_links
        )

    @property
    def score(self) -> float:
        """The soft qualities, 0 to 1: higher is better; never a reason to refuse."""
        if not self.questions:
            return 1.0
        flags = (self.has_forward, self.has_ownership, self.situation_carried, self.relevant)
        return sum(flags) / len(flags)

    def hard_problems(self) -> tuple[str, ...]:
        """The names of the hard rules broken (never the words): for logs."""
        return tuple(
            name
            for name, met in (
                ("question_count", self.count_ok),
                ("open_and_non_judging", self.all_open_and_non_judging),
                ("well_formed", self.all_well_formed),
                ("copy_of_message", self.not_a_copy),
                ("kind", self.kind_known),
                ("competency", self.competency_known),
                ("note", self.note_ok),
                ("foreign_link", not self.foreign_links),
            )
            if not met
        )

    def problems(self) -> tuple[str, ...]:
        """Plain-English reasons the reframe falls short, hard rules first."""
        found: list[str] = []
        low, high = question_range(self.kind)
        if not self.count_ok:
            found.append(f"needs {low}–{high} questions, has {len(self.questions)}")
        for check in self.questions:
            if not check.open:
                found.append(f"not an open question: {check.text!r}")
            if not check.non_judging:
                found.append(f"judging ({', '.join(check.judging_words)}): {check.text!r}")
            if not check.well_formed:
                found.append(f"not well formed: {check.text!r}")
        if not self.not_a_copy:
            found.append("a question is the message copied back")
        if not self.kind_known:
            found.append(f"unknown kind {self.kind!r}")
        if not self.competency_known:
            found.append(f"unknown competency {self.competency!r}")
        elif not self.competency_ok:
            found.append(f"competency {self.competency!r} is not the expected one")
        if not self.note_ok:
            found.append(f"the {self.kind} kind needs a private note free of judgement")
        if self.foreign_links:
            found.append(f"links the message did not hold: {', '.join(self.foreign_links)}")
        if self.questions and not self.has_forward:
            found.append("soft: no question looks forward (next time, will, try, plan)")
        if self.questions and not self.has_ownership:
            found.append("soft: no question hands the choice to the rep")
        if not self.situation_carried:
            found.append("soft: no question mentions the situation the message named")
        if not self.relevant:
            found.append("soft: no question carries the manager's key words")
        return tuple(found)


def check_reframe(
    questions: Iterable[str],
    competency: str | None,
    *,
    kind: str = "coaching",
    note: str | None = None,
    situation: str | None = None,
    message: str | None = None,
    keywords: Iterable[str] = (),
    expected_competency: str | None = None,
    english: bool = True,
) -> QualityReport:
    """Measure a reframe against the rules of a good coaching reply.

    ``message`` is the manager's text (a question may not be it, copied back, unless the
    kind is ``already_coaching``); ``keywords`` are words a relevant question carries, as
    case-insensitive word prefixes. ``english=False`` measures questions written in
    another language (the LLM answers in the message's own): the word lists are English,
    so a question there need only be one well-formed sentence ending in "?".
    """
    texts = tuple(questions)
    checks = tuple(
        check_question(text) if english else _check_other_language(text) for text in texts
    )
    known = competency is None or competency in COMPETENCIES
    kind_known = kind in KINDS
    low, high = question_range(kind) if kind_known else (MIN_QUESTIONS, MAX_QUESTIONS)
    copied = (
        message is not None
        and kind != "already_coaching"
        and any(_same_words(text, message) for text in texts)
    )
    wanted = tuple(keywords)
    return QualityReport(
        questions=checks,
        competency=competency,
        kind=kind,
        count_ok=low <= len(checks) <= high,
        all_open_and_non_judging=all(c.open and c.non_judging for c in checks),
        all_well_formed=all(c.well_formed for c in checks),
        not_a_copy=not copied,
        kind_known=kind_known,
        competency_known=known,
        note_ok=_note_ok(kind, note),
        has_forward=any(c.forward for c in checks),
        has_ownership=any(c.ownership for c in checks),
        situation_carried=situation is None or not texts or carries_situation(texts, situation),
        relevant=not wanted or not texts or carries_keywords(texts, wanted),
        competency_ok=known and (expected_competency is None or competency == expected_competency),
        foreign_links=foreign_links((*texts, note or ""), message) if message is not None else (),
    )


@lru_cache(maxsize=8_192)
def check_question(text: str) -> QuestionCheck:
    """Measure one question (remembered: the bank's questions come back often)."""
    lists = _lists()
    normal = _normalise(text)
    judging = judging_words(normal)
    return QuestionCheck(
        text=text,
        open=_is_open(normal, lists),
        non_judging=not judging,
        well_formed=_well_formed(normal),
        forward=lists.forward.search(normal) is not None,
        ownership=lists.ownership.search(normal) is not None,
        judging_words=judging,
    )


@lru_cache(maxsize=8_192)
def hard_rules_hold(text: str) -> bool:
    """Open, free of judgement and well formed: the hard rules alone, without the soft
    qualities ``check_question`` also measures (the offline reframer's own gate)."""
    normal = _normalise(text)
    return _well_formed(normal) and _is_open(normal, _lists()) and not judging_words(normal)


def _check_other_language(text: str) -> QuestionCheck:
    normal = _normalise(text).strip()
    asks = normal.endswith("?") and normal.count("?") == 1 and "\n" not in normal
    return QuestionCheck(
        text=text,
        open=asks,
        non_judging=True,  # the judging words are English; not measurable here
        well_formed=bool(normal)
        and len(normal) <= MAX_QUESTION_CHARS
        and not _MARKUP.search(normal),
        forward=True,
        ownership=True,
        judging_words=(),
    )


def judging_words(text: str) -> tuple[str, ...]:
    """The judging words and phrases in ``text``, as written ("you should", "but")."""
    lists = _lists()
    normal = _normalise(text)
    if not _might_judge(normal, lists):
        return ()
    low = normal.lower()
    if "need" in low or "have to" in low or "has to" in low:
        normal = lists.not_judging.sub(" ", normal)  # "what would you need to see"
    return tuple(m.group() for m in lists.judging.finditer(normal))


def _might_judge(text: str, lists: _Lists) -> bool:
    """A quick look before the long pattern: does any word start a judging phrase?"""
    firsts, stems = lists.judging_firsts, lists.judging_stems
    return any(w in firsts or w.startswith(stems) for w in _ANY_WORD.findall(text.lower()))


def question_range(kind: str) -> tuple[int, int]:
    """How many questions a reply of this kind has, at least and at most."""
    low, high = _lists().counts.get(kind, (MIN_QUESTIONS, MAX_QUESTIONS))
    return low, high


def needs_note(kind: str) -> bool:
    """Whether a reply of this kind must carry a private note to the manager."""
    return kind in _lists().note_kinds


_DETERMINERS = frozenset({"the", "your", "our", "their", "a", "an", "this", "that", "my"})
_SIGNIFICANT = re.compile(r"[^\W_]+")


def carries_situation(questions: Iterable[str], situation: str) -> bool:
    """True when one question contains every significant word of ``situation``.

    "the QBR with Globex" is carried by "…in your QBR with Globex?"; "the", "your" and
    case don't matter, and "follow-up" matches "follow up".
    """
    wanted = _words(situation) - _DETERMINERS
    if not wanted:
        return True
    return any(wanted <= _words(question) for question in questions)


def carries_keywords(questions: Iterable[str], keywords: Iterable[str]) -> bool:
    """True when a question has a word starting with one of ``keywords`` (any case).

    A keyword of several words ("price sheet") must appear as those words in order.
    """
    patterns = [_prefix_pattern(k) for k in keywords if k.strip()]
    return any(p.search(_normalise(q)) for q in questions for p in patterns)


def _words(text: str) -> set[str]:
    return set(_SIGNIFICANT.findall(_normalise(text).lower().replace("'", "")))


@cache
def _prefix_pattern(keyword: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in keyword.lower().replace("-", " ").split()]
    body = r"[\w'-]*[\s-]+".join(parts)
    return re.compile(rf"(?<![\w]){body}", re.IGNORECASE)


def _same_words(question: str, message: str) -> bool:
    a = _SIGNIFICANT.findall(_normalise(question).lower())
    b = _SIGNIFICANT.findall(_normalise(message).lower())
    return len(a) > 3 and a == b


def _note_ok(kind: str, note: str | None) -> bool:
    if note is None or not note.strip():
        return kind not in _lists().note_kinds
    found = set(judging_words(note))
    if kind == "expectation":
        found -= OBLIGATION_WORDS  # an expectation is a "must", stated plainly
    return not found


# Words of obligation that judge in a question to the rep, but that an expectation the
# manager states out loud is made of ("anything non-standard has to come through me").
OBLIGATION_WORDS = frozenset({"but", "need to", "needs to", "must", "have to", "has to"})


# --- the word lists, compiled once ------------------------------------------------------


@dataclass(frozen=True)
class _Lists:
    open_starters: frozenset[str]
    closed_starters: frozenset[str]
    max_lead_in_words: int
    judging: re.Pattern[str]
    judging_firsts: frozenset[str]  # the first words of the judging phrases
    judging_stems: tuple[str, ...]  # and the stems ("fail*") that may start one
    not_judging: re.Pattern[str]  # hypotheticals that only hold a judging word
    forward: re.Pattern[str]
    ownership: re.Pattern[str]
    counts: Mapping[str, tuple[int, int]]
    note_kinds: frozenset[str]
    ungrounding: frozenset[str]  # words every reply and message share: they ground nothing


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    """Whole-word, case-insensitive alternation; "word*" takes any ending."""
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        parts = phrase.lower().replace("’", "'").split()
        if not parts:
            continue
        pieces = [re.escape(p[:-1]) + r"[\w']*" if p.endswith("*") else re.escape(p) for p in parts]
        alternatives.append(r"\s+".join(pieces))
    body = "|".join(alternatives) or r"(?!)"
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])", re.IGNORECASE)


@cache
def _lists() -> _Lists:
    data = prompts.load("reframe/quality")
    counts = {kind: (int(low), int(high)) for kind, (low, high) in data["counts"].items()}
    unknown = set(counts) - set(KINDS)
    if unknown:
        raise ValueError(f"prompts/reframe/quality.toml [counts]: unknown kinds {unknown}")
    return _Lists(
        open_starters=frozenset(w.lower() for w in data["open_starters"]),
        closed_starters=frozenset(w.lower() for w in data["closed_starters"]),
        max_lead_in_words=int(data["max_lead_in_words"]),
        judging=_pattern(data["judging"]),
        judging_firsts=frozenset(
            p.split()[0].lower().replace("’", "'")
            for p in data["judging"]
            if not p.split()[0].endswith("*")
        ),
        judging_stems=tuple(
            p.split()[0].lower()[:-1] for p in data["judging"] if p.split()[0].endswith("*")
        ),
        not_judging=_pattern(data.get("not_judging", [])),
        forward=_pattern(data["forward"]),
        ownership=_pattern(data["ownership"]),
        counts=MappingProxyType(counts),
        note_kinds=frozenset(data["note_kinds"]),
        ungrounding=frozenset(w.lower() for w in data["ungrounding"]),
    )


def _normalise(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'")


_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_ANY_WORD = re.compile(r"[\w']+")
_QUESTION = re.compile(r"[^?]*\?")
_CLAUSE_BREAK = re.compile(r"[,;:—–]|\s-\s")
_LEAD_IN_BREAK = re.compile(r"[,:—–]|\s-\s")
_CONJUNCTIONS = frozenset({"and", "or", "so", "then"})
_TRAILING = " \t\r\n\"'”’)*_"
_MARKUP = re.compile(r"[<>|$\\{}\[\]]|https?://|\bwww\.|:[a-z0-9_+-]+:|@\w")


def _well_formed(text: str) -> bool:
    stripped = text.strip()
    return (
        0 < len(stripped) <= MAX_QUESTION_CHARS
        and _MARKUP.search(stripped) is None
        and "\n" not in stripped
        and not stripped[0].islower()
    )


def _is_open(text: str, lists: _Lists) -> bool:
    """Ends with "?" and every question in it is open rather than yes/no."""
    text = text.strip().rstrip(_TRAILING).strip()
    if not text.endswith("?"):
        return False
    questions = _QUESTION.findall(text)
    return bool(questions) and all(_is_open_question(q, lists) for q in questions)


def _is_open_question(question: str, lists: _Lists) -> bool:
    words = _WORD.findall(question.lower())
    while len(words) > 1 and words[0] in _CONJUNCTIONS:
        words = words[1:]  # "And what's one question you could ask instead?"
    if not words:
        return False
    first = words[0]
    if first in lists.closed_starters:
        return False
    if first not in lists.open_starters:
        # A short lead-in, then the open question: "Looking back at the demo, what…?",
        # "Thinking about the Pemberton call — when did you…?"
        brk = _LEAD_IN_BREAK.search(question)
        if brk is None:
            return False
        lead_in, rest = question[: brk.start()], question[brk.end() :]
        rest_words = _WORD.findall(rest.lower())
        if len(_WORD.findall(lead_in.lower())) > lists.max_lead_in_words:
            return False
        if not rest_words or rest_words[0] not in lists.open_starters:
            return False
    # "What do you think, did it work?" ends as a yes/no question.
    last_clause = _WORD.findall(_CLAUSE_BREAK.split(question)[-1].lower())
    while last_clause and last_clause[0] in _CONJUNCTIONS:
        last_clause = last_clause[1:]
    return not (last_clause and last_clause[0] in lists.closed_starters)


def _stem(word: str) -> str:
    """A crude stem, enough to match "discounting" with "discount" and "asks" with "asked"."""
    word = word.removesuffix("'s")
    return word[:5] if len(word) > 5 else word.rstrip("s")


def stems(text: str) -> frozenset[str]:
    """The stems of the content words of ``text``."""
    ungrounding = _lists().ungrounding
    return frozenset(
        _stem(w) for w in _WORD.findall(text.lower()) if len(w) > 3 and w not in ungrounding
    )
