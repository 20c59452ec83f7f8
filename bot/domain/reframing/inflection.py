"""Turning a verb the manager used into the form a question needs.

"asked" → "asking" (what was left undone: "asking about budget"), "said" → "says" (the
next time a buyer says…), "let" → "letting". Irregular verbs are listed in
``prompts/reframe/extraction.toml``; regular ones follow the spelling rules, which need no
dictionary: a past form without its "-ed" ("rais", "stopp", "tri") already spells the
gerund and the third person ("raising", "stops", "tries").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import prompts

_VOWELS = frozenset("aeiou")
# Two-syllable verbs stressed at the end double their last letter ("committing").
_DOUBLING = frozenset(
    {"commit", "admit", "begin", "forget", "refer", "prefer", "occur", "control", "submit",
     "permit", "regret", "equip", "upset", "omit", "rebut", "compel", "expel", "propel"}
)  # fmt: skip
# Words ending in "-ed" that are not past verbs.
_NOT_PAST = frozenset(
    {"need", "feed", "speed", "seed", "bed", "red", "shed", "proceed", "exceed", "succeed",
     "indeed", "deed", "weed", "greed", "bleed", "breed", "hundred", "sacred", "naked", "wicked",
     "biased", "based", "related", "detailed", "interested", "excited", "tired", "worried",
     "scared", "used", "supposed", "frustrated", "confused",
     "wed", "fed", "led", "bred", "fled", "sled", "ted", "ed", "med", "ned", "zed"}
)  # fmt: skip


@dataclass(frozen=True)
class _Rules:
    base_of: dict[str, str]  # any irregular form → its base
    forms: dict[str, tuple[str, str, str]]  # base → (past, third, gerund)
    pasts: frozenset[str]


@cache
def _rules() -> _Rules:
    data = prompts.load("reframe/extraction")["irregular"]
    base_of: dict[str, str] = {}
    forms: dict[str, tuple[str, str, str]] = {}
    for base, (past, third, gerund) in data.items():
        forms[base] = (past, third, gerund)
        for form in (base, past, third, gerund):
            base_of.setdefault(form, base)
    base_of["were"] = "be"
    base_of["are"] = "be"
    base_of["am"] = "be"
    return _Rules(base_of, forms, frozenset(p for p, _, _ in forms.values()) | {"were"})


def is_past(word: str) -> bool:
    """ "asked", "said", "stopped": a verb in the past (a guess for regular verbs)."""
    low = word.lower()
    if low in _rules().pasts:
        return True
    return len(low) > 4 and low.endswith("ed") and low not in _NOT_PAST and not low.endswith("eed")


def is_gerund(word: str) -> bool:
    low = word.lower()
    return (
        len(low) > 4
        and low.endswith("ing")
        and low
        not in {
            "thing",
            "nothing",
            "something",
            "anything",
            "everything",
            "morning",
            "evening",
            "during",
            "pricing",
            "meeting",
            "string",
            "spring",
            "ceiling",
            "building",
            "earning",
            "warning",
        }
    )


def is_irregular_form(word: str) -> bool:
    return word.lower() in _rules().base_of


def gerund(word: str) -> str:
    """The -ing form of a verb in any form: "asked" → "asking", "let" → "letting"."""
    low = word.lower()
    rules = _rules()
    if low in rules.base_of:
        return rules.forms.get(rules.base_of[low], (low, low, low))[2]
    if low.endswith("ing"):
        return low
    if is_past(low):
        stem = _past_stem(low)
        if stem.endswith("i") and not stem.endswith("ai"):  # "tried" → "trying"
            return stem[:-1] + "ying"
        return stem + "ing"
    return _base_gerund(low)


def third_person(word: str) -> str:
    """The present "he/she/it" form: "said" → "says", "came" → "comes", "asked" → "asks"."""
    low = word.lower()
    rules = _rules()
    if low in rules.base_of:
        return rules.forms.get(rules.base_of[low], (low, low, low))[1]
    if is_past(low):
        stem = _past_stem(low)
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            stem = stem[:-1]  # "stopp" → "stop"
        if stem.endswith("i"):
            return stem[:-1] + "ies"
        if _lost_its_e(stem) or stem.endswith(("s", "x", "z", "ch", "sh")):
            return stem + "es"
        return stem + "s"
    return _base_third(low)


def present_of(word: str) -> str | None:
    """ "was" → "is", "were" → "are", "had" → "has", any other past → third person."""
    low = word.lower()
    if low == "was":
        return "is"
    if low == "were":
        return "are"
    if is_past(low):
        return third_person(low)
    return None


def _past_stem(low: str) -> str:
    return low[:-2] if low.endswith("ed") else low


def _lost_its_e(stem: str) -> bool:
    """ "rais", "clos", "chang", "argu", "negotiat": a past stem whose base ends in "e"."""
    if len(stem) < 3:
        return False
    last, before = stem[-1], stem[-2]
    return (
        last in "vcuz"
        or (last == "s" and before in _VOWELS)
        or (last == "g" and before in "nrd")
        or stem.endswith(("at", "id", "ud", "ut", "ir", "ur", "iz", "ys", "ok", "ot", "yp"))
        or (last == "l" and before not in _VOWELS and before not in "lr")
    )


def _base_gerund(low: str) -> str:
    if low.endswith("ie"):
        return low[:-2] + "ying"
    if low.endswith("e") and not low.endswith(("ee", "ye", "oe")) and len(low) > 2:
        return low[:-1] + "ing"
    if _doubles(low):
        return low + low[-1] + "ing"
    return low + "ing"


def _base_third(low: str) -> str:
    if low.endswith(("s", "x", "z", "ch", "sh", "o")):
        return low + "es"
    if low.endswith("y") and len(low) > 1 and low[-2] not in _VOWELS:
        return low[:-1] + "ies"
    return low + "s"


def _doubles(low: str) -> bool:
    """ "get" → "getting", "plan" → "planning", but "open" → "opening"."""
    if low in _DOUBLING:
        return True
    if len(low) < 3 or low[-1] in "wxy" or low[-1] in _VOWELS:
        return False
    if not (low[-2] in _VOWELS and low[-3] not in _VOWELS):
        return False
    return (
        sum(1 for i, c in enumerate(low) if c in _VOWELS and (i == 0 or low[i - 1] not in _VOWELS))
        == 1
    )
