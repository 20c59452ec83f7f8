"""A message written about the rep, read as one written to them.

Managers write "Luis kept talking over the buyer at the end of his demo" as often as "you
kept talking…". Every later step reads the rep as "you" (the behaviour is what *you* did),
so a message about the rep in the third person used to leave the rep's name in the
questions as if it were the customer's ("your conversations with Luis", asked of Luis).
Turning the rep's name and pronouns into "you" first lets the rest of the reframer read
both ways of writing alike.

Only a message that starts with the rep (a name that is not an English word, followed by
a verb; or "he"/"she") is turned: a message that starts with the customer ("Acme pushed
back") or the manager ("I listened to…") is left as it is. Words inside quotation marks
are someone's own words and are never changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import prompts

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_START = re.compile(
    r"^(?P<name>[A-Za-z][a-z]+(?:-[A-Z][a-z]+)?)(?P<possessive>['’]s?)?\s+(?P<next>[A-Za-z']+)"
)
_YOU = re.compile(r"\b(?:you|your|you're|youre|yours|yourself|u|ur)\b", re.IGNORECASE)
_LATER_SUBJECT = re.compile(
    r"(?:^|[.!?,;]\s*|\b(?:and|but|so|then|when)\s+)([A-Z][a-z]+)\s+([a-z']+)"
)
_PRONOUN_START = re.compile(
    r"^(?P<pronoun>he|she)\b(?P<contraction>['’](?:s|d|ll))?\s", re.IGNORECASE
)
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
_SENTENCE_END = re.compile(r"[.!?\n]\s*$")
# Words after which the rep's name is the subject of what follows: "… and Sam never asked".
_JOINS = frozenset({"and", "but", "because", "when", "then", "so", "if", "while", "until", "that"})
# Where a manager names the rep they watched or are writing about.
_WATCHED = re.compile(
    r"\b(?i:sat in (?:on|with)|listened (?:in )?(?:to|on)|shadowed|rode along with|watched|"
    r"reviewed|feedback (?:for|on|about)|notes on|thoughts on|(?:quick )?one (?:on|about)|"
    r"re:?|loved how|love how|loved the way|love the way|shout ?out to|props to|kudos to|"
    r"(?:great|nice|good|amazing) (?:job|work) (?:by|from)|proud of|"
    r"hats off to|(?:recognise|recognize) the work|congrats(?: to)?|congratulations(?: to)?|"
    r"well done|nice one|thanks|thank you|"
    r"good on)\s+(?P<name>[A-Z][a-z]+)(?:['’]s)?\b",
)
# "Quick one on Dev: he keeps…" → "he keeps…": a heading naming the rep goes.
_HEADING = re.compile(r"^(?:\w+\s+){0,4}?[A-Z][a-z]+\s*(?::|\s[-–—])\s*")
_COORDINATORS = frozenset({"and", "but", "or"})
_FORMS = {
    "he": {"he": "you", "him": "you", "his": "your", "himself": "yourself"},
    "she": {"she": "you", "her": "your", "hers": "yours", "herself": "yourself"},
}


@dataclass(frozen=True)
class _Rep:
    name: str | None  # "Luis", or None when the message starts with a pronoun
    pronoun: str | None  # "he" or "she": which pronouns are the rep's
    heading: int = 0  # characters of a heading naming the rep ("Quick one on Dev: "), cut


def to_second_person(text: str, english: frozenset[str]) -> str:
    """``text`` with the rep it starts with turned into "you" (see the module docstring).

    ``english`` is the common English words (cleaning's list): a word among them that
    starts a message ("Great call") is never a name."""
    rep = _rep(text, english)
    if rep is None:
        return text
    text = text[rep.heading :]
    pieces: list[str] = []
    last = 0
    for quoted in _QUOTED.finditer(text):
        pieces.append(_turn(text[last : quoted.start()], rep, at_start=last == 0))
        pieces.append(quoted.group())
        last = quoted.end()
    pieces.append(_turn(text[last:], rep, at_start=last == 0))
    return "".join(pieces)


def _rep(text: str, english: frozenset[str]) -> _Rep | None:
    rules = _rules()
    pronoun_start = _PRONOUN_START.match(text)
    if pronoun_start:
        return _Rep(name=None, pronoun=pronoun_start.group("pronoun").lower())
    return _rep_starting(text, english, rules) or _rep_watched(text, english, rules)


def _rep_starting(text: str, english: frozenset[str], rules: _Rules) -> _Rep | None:
    """ "Luis kept talking…", "Nick needs to…", "Priya's been late": the rep opens it."""
    start = _START.match(text)
    if not start:
        return None
    name, following = start.group("name"), start.group("next").lower()
    low = name.lower()
    if low in rules.not_names or low in english:
        return None
    unquoted = _QUOTED.sub(" ", text)
    if _YOU.search(unquoted):  # "Acme pushed back and you folded": already to the rep
        return None
    pronoun = _first_pronoun(text[start.end("name") :])
    if not name[0].isupper() and pronoun is None:  # "acme pushed back": which is it?
        return None
    if start.group("possessive"):
        # "Sam's been late" (a contraction) or "Sam's demo ran long" (the rep's, when a
        # pronoun says the message is about a person).
        contraction = start.group("possessive") in ("'s", "’s") and _contraction(following, rules)
        made = following in rules.rep_work  # "Omar's follow up email…": a rep's work
        return _Rep(name=name, pronoun=pronoun) if contraction or pronoun or made else None
    verb = following.replace("'", "")
    if not _verb_after_subject(verb, rules):
        return None
    if pronoun is None and verb not in rules.subject_verbs and not verb.endswith("ed"):
        return None  # "Pto requests need…": a plural noun, not the rep doing something
    if pronoun is None and _another_subject(unquoted, name, english, rules):
        return None  # "Acme pushed back on price and Sam folded": two names, no pronoun
    return _Rep(name=name, pronoun=pronoun)


def _rep_watched(text: str, english: frozenset[str], rules: _Rules) -> _Rep | None:
    """ "I sat in on Sam's call with Acme, he talked for 40 minutes": the person the manager
    watched, when a "he" or "she" after them says the message goes on about them."""
    unquoted = _QUOTED.sub(" ", text)
    if _YOU.search(unquoted):
        return None
    watched = _WATCHED.search(unquoted)
    if not watched:
        return None
    name = watched.group("name")
    if name.lower() in rules.not_names or name.lower() in english:
        return None
    pronoun = _first_pronoun(unquoted[watched.end() :])
    if not pronoun:
        return None
    heading = _HEADING.match(text)
    cut = heading.end() if heading and heading.end() >= watched.end() else 0
    return _Rep(name=name, pronoun=pronoun, heading=cut)


def _another_subject(text: str, name: str, english: frozenset[str], rules: _Rules) -> bool:
    """Whether the first sentence has a second name doing something: then which one is the
    rep cannot be told, and the message is left as written."""
    first = re.split(r"[.!?\n]", text, maxsplit=1)[0]
    for match in _LATER_SUBJECT.finditer(first, len(name)):
        other, verb = match.group(1), match.group(2).replace("'", "")
        low = other.lower()
        known = low in rules.not_names or low in english
        if other != name and not known and _verb_after_subject(verb, rules):
            return True
    return False


def _verb_after_subject(word: str, rules: _Rules) -> bool:
    if word in rules.subject_verbs:
        return True
    return (word.endswith("ed") and len(word) > 4) or (
        word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3
    )


def _first_pronoun(text: str) -> str | None:
    """Which of "he" and "she" the message uses first: the rep's, after the rep's name."""
    for match in _WORD.finditer(_QUOTED.sub(" ", text)):
        low = match.group().lower()
        for pronoun, forms in _FORMS.items():
            if low in forms or low.split("'")[0] == pronoun:
                return pronoun
    return None


def _turn(piece: str, rep: _Rep, *, at_start: bool) -> str:
    """The rep's name and pronouns in ``piece`` as "you", with the verbs after agreeing."""
    rules = _rules()
    forms = _FORMS.get(rep.pronoun or "", {})
    words = list(_WORD.finditer(piece))
    out: list[str] = []
    last = 0
    subject_at: int | None = None  # index in ``words`` of the last "you" made a subject
    sentence_subject = False  # this sentence has the rep as a subject
    for index, match in enumerate(words):
        raw = match.group()
        low = raw.lower().replace("’", "'")
        base, _, clitic = low.partition("'")
        following = words[index + 1].group().lower() if index + 1 < len(words) else ""
        replacement: str | None = None
        if sentence_subject and _SENTENCE_END.search(piece[: match.start()]):
            sentence_subject = False
        if rep.name and base == rep.name.lower() and (raw[0].isupper() or rep.name.islower()):
            replacement = _name_form(clitic, following, rules)
        elif base in forms and (not clitic or base in ("he", "she")):
            replacement = _pronoun_form(base, clitic, following, forms, rules, piece, match)
        elif subject_at is not None and _agrees(words, subject_at, index, rules):
            replacement = _base_form(low, rules)
        sentence_start = (at_start and match.start() == 0) or bool(
            _SENTENCE_END.search(piece[: match.start()])
        )
        if replacement is not None:
            if sentence_start:
                replacement = replacement[:1].upper() + replacement[1:]
            out.append(piece[last : match.start()])
            out.append(replacement)
            last = match.end()
        if replacement == "you" or replacement == "You":
            before = words[index - 1].group().lower() if index else ""
            subject = base in ("he", "she") or sentence_start or before in _JOINS
            subject_at = index if subject else None
            sentence_subject = sentence_subject or subject
        elif low in _COORDINATORS and sentence_subject and following in rules.adverbs:
            subject_at = index  # "you ask a question and then answers it": the same "you"
        elif subject_at is not None and not _is_adverb(low, rules):
            subject_at = None
    out.append(piece[last:])
    return "".join(out)


def _name_form(clitic: str, following: str, rules: _Rules) -> str:
    if clitic == "s" or clitic == "":
        if clitic == "s":
            return _contraction(following, rules) or "your"
        return "you"
    return "you" if clitic not in ("d", "ll") else f"you'{clitic}"


def _pronoun_form(
    base: str,
    clitic: str,
    following: str,
    forms: dict[str, str],
    rules: _Rules,
    piece: str,
    match: re.Match[str],
) -> str:
    if clitic == "s":
        return _contraction(following, rules) or "you're"
    if clitic in ("d", "ll"):
        return f"you'{clitic}"
    if base == "her":
        return "you" if (not following or following in rules.object_before) else "your"
    if base == "his" and (not following or piece[match.end() :].lstrip()[:1] in ".,!?;"):
        return "yours"
    return forms[base]


def _contraction(following: str, rules: _Rules) -> str | None:
    """ "'s" before "been" is "you've", before "late" "you're"; otherwise a possessive."""
    if following in rules.have_before or (following.endswith("ed") and len(following) > 4):
        return "you've"
    if following in rules.are_before or following.endswith("ing"):
        return "you're"
    return None


def _agrees(words: list[re.Match[str]], subject_at: int, index: int, rules: _Rules) -> bool:
    """Whether the word at ``index`` is the verb of the "you" at ``subject_at`` (only
    adverbs between them: "you never asks")."""
    between = [w.group().lower() for w in words[subject_at + 1 : index]]
    return all(_is_adverb(word, rules) for word in between)


def _is_adverb(word: str, rules: _Rules) -> bool:
    return word in rules.adverbs


def _base_form(low: str, rules: _Rules) -> str | None:
    """ "asks" → "ask", "tries" → "try", "pushes" → "push", "has" → "have"; None when the
    word is not a "he/she" verb form, so it stays as it is."""
    if low in rules.third_person:
        return rules.third_person[low]
    if (
        "'" in low
        or not low.endswith("s")
        or low.endswith(("ss", "us", "is", "'s"))
        or len(low) < 3
    ):
        return None
    if low in rules.adverbs:
        return None
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith(("shes", "ches", "xes", "zes", "sses", "oes")):
        return low[:-2]
    return low[:-1]


@dataclass(frozen=True)
class _Rules:
    not_names: frozenset[str]
    subject_verbs: frozenset[str]
    adverbs: frozenset[str]
    third_person: dict[str, str]
    object_before: frozenset[str]
    have_before: frozenset[str]
    are_before: frozenset[str]
    rep_work: frozenset[str]


@cache
def _rules() -> _Rules:
    data = prompts.load("reframe/perspective")
    return _Rules(
        not_names=frozenset(w.lower() for w in data["not_names"]),
        subject_verbs=frozenset(w.lower().replace("'", "") for w in data["subject_verbs"]),
        adverbs=frozenset(w.lower() for w in data["adverbs"]),
        third_person={k.lower(): v for k, v in data["third_person_verbs"].items()},
        object_before=frozenset(w.lower() for w in data["her"]["object_before"]),
        have_before=frozenset(w.lower() for w in data["contraction"]["have_before"]),
        are_before=frozenset(w.lower() for w in data["contraction"]["are_before"]),
        rep_work=frozenset(w.lower() for w in data["rep_work"]),
    )
