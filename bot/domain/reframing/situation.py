"""Step 4a: the situation a message names, as a clean noun phrase fit for a question.

"the Acme call", "the QBR with Globex", "your demo to the CFO", "Globex", "their IT lead".
Slack mentions are the rep, so they are never one; judgement around the phrase is left out
("the disastrous Acme call" → "the Acme call"). The words are in
``prompts/reframe/situation.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from types import MappingProxyType

import prompts
from bot.domain.reframing.scoring import judging_words

_MAX_SITUATION_CHARS = 80
_MAX_SITUATION_WORDS = 10


@dataclass(frozen=True)
class Situation:
    phrase: str
    preposition: str  # how a question puts it in a sentence: "on", "in", "with"…
    start: int  # character span in the cleaned text
    end: int
    score: float
    kind: str  # "event" (a meeting or artefact), "person" or "account"

    @property
    def on_phrase(self) -> str:
        """ "on the Acme call", "in the pricing deck", "in your conversation with the CFO"."""
        return f"{self.preposition} {self.phrase}"


@dataclass(frozen=True)
class _Rules:
    heads: Mapping[str, str]  # head word → preposition
    not_after_head: frozenset[str]
    head_pairs: Mapping[tuple[str, str], str]
    determiners: frozenset[str]
    weak_determiners: frozenset[str]
    modifiers: frozenset[str]
    skip: frozenset[str]
    breaks: frozenset[str]
    roles: frozenset[str]
    generic_roles: frozenset[str]
    subject_verbs: frozenset[str]
    name_prepositions: frozenset[str]
    not_names: frozenset[str]
    greetings: frozenset[str]
    person_preposition: str
    account_preposition: str


@cache
def _rules() -> _Rules:
    situation = prompts.load("reframe/situation")
    heads: dict[str, str] = {}
    head_pairs: dict[tuple[str, str], str] = {}
    for preposition, words in situation["heads"].items():
        for word in words:
            parts = word.lower().split()
            if len(parts) == 1:
                heads[parts[0]] = preposition
            elif len(parts) == 2:
                head_pairs[parts[0], parts[1]] = preposition
    return _Rules(
        heads=MappingProxyType(heads),
        head_pairs=MappingProxyType(head_pairs),
        not_after_head=_lower_set(situation["not_after_head"]),
        determiners=_lower_set(situation["determiners"]),
        weak_determiners=_lower_set(situation["weak_determiners"]),
        modifiers=_lower_set(situation["modifiers"]),
        skip=_lower_set(situation["skip"]),
        breaks=_lower_set(situation["breaks"]),
        roles=_lower_set(situation["roles"]),
        generic_roles=_lower_set(situation["generic_roles"]),
        subject_verbs=_lower_set(situation["subject_verbs"]),
        name_prepositions=_lower_set(situation["name_prepositions"]),
        not_names=_lower_set(situation["not_names"]),
        greetings=_lower_set(situation["greetings"]),
        person_preposition=situation["person_preposition"],
        account_preposition=situation["account_preposition"],
    )


def _lower_set(words: list[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


def roles() -> frozenset[str]:
    """Words that name a person by role ("CFO", "lead", "champion")."""
    return _rules().roles


def heads() -> frozenset[str]:
    """Words that name a meeting or an artefact ("call", "demo", "deck")."""
    return frozenset(_rules().heads)


def not_names() -> frozenset[str]:
    """Capitalised words that are not accounts or people."""
    return _rules().not_names


@dataclass(slots=True)  # made for every word of every message: slots keep it cheap
class _Word:
    raw: str
    low: str
    start: int
    end: int
    punct: bool


# Words, marks, and new lines (an emoji becomes one: "Acme 🎉 For the next one").
_SITUATION_TOKEN = re.compile(r"[^\W_](?:[\w&'’.-]*[^\W_])?|[^\w\s]|\n")
_SENTENCE_END = frozenset(".!?;:\n")
_POSSESSIVE_TIME = frozenset({"morning's", "afternoon's", "evening's", "week's", "month's"})
_TIME_LEAD_IN = frozenset({"this", "last", "next", "yesterday", "today", "tomorrow"})
_LOWER_DETERMINERS = frozenset({"the", "your", "our", "their", "this", "that", "last", "next"})
_PREPOSITIONS_BEFORE_THING = frozenset(
    {"on", "in", "during", "at", "from", "after", "before", "for", "about"}
)


def _situation_words(text: str) -> list[_Word]:
    words = []
    for m in _SITUATION_TOKEN.finditer(text):
        raw = m.group().replace("’", "'")
        words.append(_Word(raw, raw.lower(), m.start(), m.end(), not raw[0].isalnum()))
    return words


def _is_name(word: _Word, rules: _Rules) -> bool:
    raw = word.raw
    return (
        not word.punct
        and raw[0].isupper()
        and not raw.endswith("'s")
        and word.low not in rules.not_names
        and word.low not in rules.determiners
    )


def _sentence_start(words: list[_Word], i: int) -> bool:
    return i == 0 or (words[i - 1].punct and words[i - 1].raw in _SENTENCE_END)


def find_situation(text: str) -> Situation | None:
    """The best situation ``text`` (a cleaned message) names, or None."""
    rules = _rules()
    words = _situation_words(text)
    best: Situation | None = None
    for candidate in _candidates(words, rules):
        if best is None or candidate.score > best.score:
            best = candidate
    if (
        best is None
        or len(best.phrase) > _MAX_SITUATION_CHARS
        or len(best.phrase.split()) > _MAX_SITUATION_WORDS
        or not _is_clean(best.phrase)
    ):
        return None
    if best.kind == "person":  # "in your conversation with the CFO"
        return replace(best, preposition=rules.person_preposition)
    if best.kind == "account":  # "in your conversations with Globex"
        return replace(best, preposition=rules.account_preposition)
    return best


def _is_clean(phrase: str) -> bool:
    return not judging_words(phrase) and not any(c in phrase for c in "<>|@?")


def _candidates(words: list[_Word], rules: _Rules) -> Iterator[Situation]:
    n = len(words)
    for i, word in enumerate(words):
        if word.punct:
            continue
        low = word.low
        # A meeting or artefact: "the Acme call", "your demo to the CFO".
        if i + 1 < n and (low, words[i + 1].low) in rules.head_pairs:
            yield from _event(words, i, i + 1, rules.head_pairs[low, words[i + 1].low], rules)
        elif low in rules.heads and not (i + 1 < n and _modifies_next(words[i + 1], rules)):
            yield from _event(words, i, i, rules.heads[low], rules)
        # A person: "the CFO", "the VP at Dunder Mifflin", "the Soylent team".
        if low in rules.roles and low != "of":
            yield from _person(words, i, rules)
        # An account: "with Globex", "at Hooli", "Tyrell said".
        if low in rules.name_prepositions and i + 1 < n:
            names = _names_from(words, i + 1, rules)
            if (
                names
                and not (names[-1] + 1 < n and _is_head(words, names[-1] + 1, rules))
                and not _is_addressee(words, names, rules)
            ):
                after = names[-1] + 1
                employer = []
                if after + 1 < n and words[after].low in ("at", "from"):
                    employer = _names_from(words, after + 1, rules)
                if employer:  # "with Jess at Vertex"
                    yield _account(words, [*names, after, *employer], 3.5)
                else:
                    yield _account(words, names, 3.0)
        if _is_name(word, rules) and (i == 0 or not _is_name(words[i - 1], rules)):
            names = _names_from(words, i, rules)
            if _is_addressee(words, names, rules):
                continue
            after = names[-1] + 1
            while after < n and words[after].low.endswith("ly") and not words[after].punct:
                after += 1
            if after < n and words[after].low in rules.subject_verbs:
                yield _account(words, names, 3.0)
            elif not _sentence_start(words, i):
                # Any other name mid-sentence ("confirm Initech has budget"): a weak guess.
                yield _account(words, names, 1.5)


def _modifies_next(word: _Word, rules: _Rules) -> bool:
    """ "call" in "call notes", "slide" in "slide decks", "recap" in "recap emails"."""
    low = word.low
    return (
        low in rules.heads
        or low in rules.not_after_head
        or (low.endswith("s") and low[:-1] in rules.heads)
        or any(pair[0] == low for pair in rules.head_pairs)
    )


def _is_addressee(words: list[_Word], names: list[int], rules: _Rules) -> bool:
    """ "feedback for Alex:", "Hey Sam,", "great work Sam!": the rep, not a situation."""
    after = names[-1] + 1
    mark = words[after].raw if after < len(words) else ""
    before = words[names[0] - 1].low if names[0] > 0 else ""
    if mark in (":", ","):
        if before in ("for", "to"):  # "feedback for Alex:", but not "sent it to Globex,"
            return names[0] > 1 and words[names[0] - 2].low in rules.greetings
        if mark == "," and names[0] <= _VOCATIVE_WITHIN and before not in rules.name_prepositions:
            return True  # "Solid month Aarav, 112% of target": the rep, spoken to
        return not before or before in rules.greetings
    if after >= len(words) and before in rules.greetings:
        return True  # "first deal closed! congrats Leo"
    return mark == "!" and before not in rules.name_prepositions


_TAKING = frozenset({"take", "taking", "took", "takes", "taken"})
_VOCATIVE_WITHIN = 3  # words: a name this early, then a comma, is the person spoken to


def _is_head(words: list[_Word], i: int, rules: _Rules) -> bool:
    low = words[i].low
    return low in rules.heads or (
        i + 1 < len(words) and (low, words[i + 1].low) in rules.head_pairs
    )


def _names_from(words: list[_Word], i: int, rules: _Rules) -> list[int]:
    """Indices of a run of capitalised names starting at ``i`` ("Dunder Mifflin", "A & B")."""
    names: list[int] = []
    while i < len(words) and len(names) < 4:
        if _is_name(words[i], rules) or (
            words[i].raw == "&" and names and i + 1 < len(words) and _is_name(words[i + 1], rules)
        ):
            names.append(i)
        else:
            break
        i += 1
    return names


def _account(words: list[_Word], indices: list[int], score: float) -> Situation:
    first, last = words[indices[0]], words[indices[-1]]
    phrase = " ".join(words[k].raw for k in indices)
    return Situation(phrase, "with", first.start, last.end, score, "account")


@dataclass(frozen=True)
class _Lead:
    """What comes before a head: "the first Acme" in "the first Acme call"."""

    kept: tuple[int, ...]  # modifiers to keep, in order
    determiner: tuple[int, ...]  # "the", "your", "this morning's"; empty when there is none
    has_name: bool
    unknown: int  # lowercase words we don't know ("acme" typed in lower case)
    after_preposition: bool  # "on acme call": no determiner, but clearly a thing


def _lead_before(words: list[_Word], head: int, rules: _Rules) -> _Lead | None:
    """Walk back from a head over modifiers to a determiner; None when it isn't a noun phrase."""
    kept: list[int] = []
    unknown = 0
    has_name = False
    j = head - 1
    while j >= 0 and len(kept) < 5:
        word = words[j]
        low = word.low
        if low in rules.determiners:
            start = (
                j - 1
                if (low in _POSSESSIVE_TIME and j > 0 and words[j - 1].low in _TIME_LEAD_IN)
                else j
            )
            return _Lead(tuple(kept), tuple(range(start, j + 1)), has_name, unknown, False)
        if low in rules.weak_determiners:
            determiner = (j,) if has_name else ()
            return _Lead(tuple(kept), determiner, has_name, unknown, False)
        if word.punct:
            if word.raw == "&" and kept:
                kept.insert(0, j)
                j -= 1
                continue
            break
        if _is_name(word, rules) and not (low in rules.skip and _sentence_start(words, j)):
            kept.insert(0, j)
            has_name = True
        elif low in rules.skip or (low.endswith("ly") and len(low) > 4):
            pass  # "the disastrous Acme call" is carried as "the Acme call"
        elif low in rules.modifiers or any(c.isdigit() for c in low):
            kept.insert(0, j)
        elif low in rules.breaks or low in rules.not_names or not word.raw[0].islower():
            break
        else:
            kept.insert(0, j)
            unknown += 1
            if unknown > 2:
                return None
        j -= 1
    after_preposition = j >= 0 and words[j].low in _PREPOSITIONS_BEFORE_THING
    return _Lead(tuple(kept), (), has_name, unknown, after_preposition)


def _object_after(words: list[_Word], i: int, rules: _Rules) -> tuple[list[int], bool]:
    """The object of "with/to/for/at/from" after a head: ("the CFO", is it a name?)."""
    n = len(words)
    if i >= n or words[i].low not in ("with", "to", "for", "at", "from"):
        return [], False
    taken = [i]
    k = i + 1
    if k < n and words[k].low in ("the", "their"):
        taken.append(k)
        k += 1
    body: list[int] = []
    has_name = specific_role = False
    while k < n and len(body) < 5:
        word = words[k]
        base = word.raw[:-2] if word.raw.endswith("'s") else word.raw
        if word.low in ("of", "&") and body and k + 1 < n:
            body.append(k)
        elif base and base[0].isupper() and base.lower() not in rules.not_names:
            body.append(k)
            has_name = True
        elif word.low in rules.roles:
            body.append(k)
            specific_role = specific_role or word.low not in rules.generic_roles
        else:
            break
        k += 1
    while body and words[body[-1]].low in ("of", "&"):
        body.pop()
    if not body or not (has_name or specific_role):
        return [], False
    if body[-1] + 1 < n and _is_head(words, body[-1] + 1, rules):
        return [], False  # "from the Initech meeting": that name belongs to the next situation
    return taken + body, has_name


def _event(
    words: list[_Word], head: int, head_end: int, preposition: str, rules: _Rules
) -> Iterator[Situation]:
    """A meeting or artefact: "the Acme call", "Thursday's demo", "your demo to the CFO"."""
    lead = _lead_before(words, head, rules)
    if lead is None:
        return
    tail, tail_name = _object_after(words, head_end + 1, rules)
    kept = list(lead.kept)
    bare = not lead.determiner and not lead.has_name and not tail
    if bare and not (lead.after_preposition and kept and lead.unknown <= 1):
        return  # "demo ran long": no determiner, no name; but "on acme call" is a thing
    if (
        not kept
        and not tail
        and lead.determiner
        and words[lead.determiner[-1]].low in ("the", "your", "our", "their", "this", "that")
    ):
        return  # "the slide", "your demo": any meeting at all, not one the rep can place
    score = 1.0
    if lead.has_name:
        score += 2.5
    elif kept:
        score += 1.0
    if lead.determiner and words[lead.determiner[-1]].low not in ("the", "your", "our"):
        score += 1.0  # "Thursday's demo", "this morning's call"
    if tail:
        score += 2.5 if tail_name else 1.5
    parts = [_det_text(words[k]) for k in lead.determiner] or ["the"]
    parts.extend(words[k].raw for k in kept)
    parts.extend(words[k].raw for k in range(head, head_end + 1))
    parts.extend(words[k].raw for k in tail)
    first = lead.determiner[0] if lead.determiner else (kept[0] if kept else head)
    last = tail[-1] if tail else head_end
    yield Situation(
        " ".join(parts), preposition, words[first].start, words[last].end, score, "event"
    )


def _det_text(word: _Word) -> str:
    """Determiners read mid-sentence: "The" → "the", but "Thursday's" stays."""
    return word.low if word.low in _LOWER_DETERMINERS else word.raw


def _person(words: list[_Word], role: int, rules: _Rules) -> Iterator[Situation]:
    """A person by role: "the CFO", "their IT lead", "the VP at Dunder Mifflin"."""
    n = len(words)
    if role > 0 and words[role - 1].low in rules.roles and words[role - 1].low != "of":
        return  # not the first word of the role; it was tried from there
    if words[role].low == "lead" and role > 1 and words[role - 2].low in _TAKING:
        return  # "taking the lead on the tender": leading, not a person
    end = role
    while end + 1 < n and end - role < 4:
        nxt = words[end + 1].low
        if nxt in rules.roles and nxt != "of":
            end += 1
        elif (
            nxt == "of"
            and end + 2 < n
            and (words[end + 2].low in rules.roles or _is_name(words[end + 2], rules))
        ):
            end += 2
        else:
            break
    names: list[int] = []
    j = role - 1
    while j >= 0 and len(names) < 3 and _is_name(words[j], rules):
        names.insert(0, j)
        j -= 1
    if j < 0 or words[j].low not in ("the", "their", "your"):
        return
    roles = [words[k].low for k in range(role, end + 1) if words[k].low != "of"]
    specific = any(r not in rules.generic_roles for r in roles)
    tail_names: list[int] = []
    if end + 2 < n and words[end + 1].low in ("at", "from"):
        tail_names = _names_from(words, end + 2, rules)
    if not (specific or names or tail_names):
        return  # "the customer", "the team": too general to carry
    score = 2.0 + (2.5 if names or tail_names else 0.0)
    parts = [_det_text(words[j])] + [words[k].raw for k in range(j + 1, end + 1)]
    last = end
    if tail_names:
        parts.append(words[end + 1].low)
        parts.extend(words[k].raw for k in tail_names)
        last = tail_names[-1]
    yield Situation(" ".join(parts), "with", words[j].start, words[last].end, score, "person")
