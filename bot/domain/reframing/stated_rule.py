"""The expectation as the manager stated it, to say back in their own words.

"CRM hasnt been updated since tuesday. i need it current by friday noon every week, no
exceptions" states its rule; the note's example then says *that* rule ("I need it current
by Friday noon every week, no exceptions — …") instead of a generic one ("by the end of
each day") that contradicts it. The words that mark a rule are in
``prompts/reframe/notes.toml`` [stated_rule].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import prompts
from bot.domain.reframing.scoring import OBLIGATION_WORDS, judging_words

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+|\s/\s")
_CLAUSE = re.compile(r",\s*")
_HEADING = re.compile(r"^(?:[\w-]+\s*){1,3}:\s+")  # "CRM hygiene: …", "reminder: …"
_WORD = re.compile(r"[a-z0-9']+")
_MARKUP = frozenset('<>|$\\{}[]@"“”')
_CONTRACTION = re.compile(
    r"\b(can|don|won|isn|wasn|aren|weren|didn|doesn|hasn|haven|shouldn|couldn|wouldn)t\b",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b")
_PLS = re.compile(r"\bpls\b", re.IGNORECASE)
_SHOUTED = re.compile(r"\b[A-Z]{5,}\b")  # a shouted word; acronyms are shorter
_VAGUE = re.compile(r"\b(?:them|those)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _Markers:
    strong: re.Pattern[str]  # a rule for every time: "no exceptions", "comes through me"
    plain: re.Pattern[str]  # an obligation: "I need", "has to", "by Friday"
    observed: re.Pattern[str]  # what happened, not the rule: "I can't tell", "overdue"
    max_words: int


def stated_rule(text: str) -> str | None:
    """The sentence of ``text`` that states the rule, tidied to say aloud, or None.

    The sentence with the most marks of a rule wins (a later one on a tie: managers
    usually tell what happened, then the rule). Only its clauses that hold a mark are
    kept ("…, even the small ones" and "…, 6 of them are in the past" go), and nothing
    that insults, quotes someone or carries markup is said back.
    """
    markers = _markers()
    best: tuple[int, str] | None = None
    # The raw text, not the cleaned one: cleaning would turn "PTO needs to…" into "You
    # need to…" and "in DM" into "in dm"; only apostrophes and shouting are put right here.
    for sentence in _SENTENCE.split(text.strip()):
        sentence = _HEADING.sub("", sentence.strip()).strip(" .!")
        words = _WORD.findall(sentence.lower())
        if not 3 <= len(words) <= markers.max_words or set(sentence) & _MARKUP:
            continue
        if set(judging_words(sentence)) - OBLIGATION_WORDS:
            continue
        clauses = [c for c in _CLAUSE.split(sentence) if not markers.observed.search(c)]
        if not clauses or clauses[0] != _CLAUSE.split(sentence)[0]:
            continue  # the sentence opens with what happened: "Sending … was a big mistake"
        kept = [clauses[0]] + [
            c for c in clauses[1:] if _score(c, markers) and not c.lower().startswith("not ")
        ]
        rule = ", ".join(kept)
        if _VAGUE.search(rule):
            continue  # "update them before…": them who?
        score = _score(rule, markers)
        if score and len(rule.split()) >= 4 and (best is None or score >= best[0]):
            best = (score, rule)
    return _tidy(best[1]) if best else None


def _score(text: str, markers: _Markers) -> int:
    return 2 * len(markers.strong.findall(text)) + len(markers.plain.findall(text))


def _tidy(rule: str) -> str:
    if rule.isupper():
        rule = rule.lower()  # shouting, said calmly
    rule = _SHOUTED.sub(lambda m: m.group().lower(), rule)  # "BEFORE it goes out"
    rule = _PLS.sub("please", rule)
    rule = _CONTRACTION.sub(r"\1't", rule)
    rule = _WEEKDAY.sub(lambda m: m.group().capitalize(), rule)
    return rule[0].upper() + rule[1:]


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len)[::-1])
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])", re.IGNORECASE)


@cache
def _markers() -> _Markers:
    data = prompts.load("reframe/notes")["stated_rule"]
    return _Markers(
        strong=_pattern(data["strong"]),
        plain=_pattern(data["plain"]),
        observed=_pattern(data["observed"]),
        max_words=int(data["max_words"]),
    )
