"""Step 2: is the message in English? The rules engine reads English only.

A message mostly in another script, or whose words are mostly another language's common
words, is answered with a private note rather than questions the engine cannot ground
(the LLM engine, when configured, answers in the message's own language). The words are
in ``prompts/reframe/language.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import prompts
from bot.domain.reframing.cleaning import english_words

_WORD = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN = re.compile(r"(?![\x00-\u024f\u1e00-\u1eff])[^\W\d_]")


@dataclass(frozen=True)
class _Rules:
    foreign: frozenset[str]
    english: frozenset[str]
    min_foreign: int
    max_non_latin: float


def is_english(text: str) -> bool:
    """Whether ``text`` (a cleaned message) reads as English; empty text does."""
    rules = _rules()
    ascii_only = text.isascii()
    if not ascii_only:
        letters = len(_LETTER.findall(text))
        if letters and len(_NON_LATIN.findall(text)) > rules.max_non_latin * letters:
            return False
    words = _WORD.findall(text.lower())
    foreign_words = rules.foreign.intersection(words)
    if not foreign_words and ascii_only:
        return True  # the common case: no word of another language, no accents
    english = foreign = 0
    for word in words:
        if word in rules.english:
            english += 1
        elif word in foreign_words or (not ascii_only and any(c in _ACCENTED for c in word)):
            foreign += 1
    return not (foreign >= rules.min_foreign and foreign > english)


_ACCENTED = frozenset("àâäãáçéèêëíîïñóôöõúûüßœæ")


@cache
def _rules() -> _Rules:
    data = prompts.load("reframe/language")
    foreign = frozenset(w.lower() for w in data["foreign_words"])
    return _Rules(
        foreign=foreign,
        english=english_words() - foreign,
        min_foreign=int(data["min_foreign_words"]),
        max_non_latin=float(data["max_non_latin_share"]),
    )
