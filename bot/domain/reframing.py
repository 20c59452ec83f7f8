"""Turn a manager's judgement into questions that let the rep find the answer and own the change.

"You talked too much on the Acme call" becomes "What did you notice about the balance of
talking and listening on the Acme call?" … "What would you like to try on your next call
to let the buyer do more of the talking?". Statements inform; questions persuade.

This is the offline engine: deterministic rules, no network. It

1. cleans the Slack markup out of the text (mentions are the rep, never a situation;
   links keep their label; emoji codes go),
2. finds the situation the feedback names ("the Acme call", "the QBR with Globex",
   "your demo to the CFO", "Globex") as a clean noun phrase, without the judgement
   around it,
3. scores every competency and behaviour from the weighted phrases in
   ``prompts/reframe/taxonomy.toml`` (praise counts for less, what follows a "but"
   for more), and
4. asks GROW-style questions from ``prompts/reframe/questions.toml``: what happened,
   what the rep could do, what the rep chooses to do next, and how the manager can help.

The variant of each question is picked by a stable hash of the text, so the same
feedback always gets the same questions and different feedback gets varied ones.
Every word lives in ``prompts/reframe/``; ``bot.domain.quality`` checks the result.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from string import Template
from types import MappingProxyType
from typing import Any

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

RULES_ENGINE = "rules"

# Only the start of a very long message is read: the point of feedback comes early, and
# this keeps the time per message bounded whatever Slack sends (up to 40,000 characters).
_MAX_ANALYSED_CHARS = 8_000
_MAX_SITUATION_CHARS = 80
_MAX_SITUATION_WORDS = 10
# Typos are forgiven only in longer words, where a one-letter slip rarely makes another
# real word; a wrong letter (rather than a missing, extra or swapped one) only in longer still.
_MIN_TYPO_LENGTH = 5
_MIN_SUBSTITUTION_LENGTH = 8


@dataclass(frozen=True)
class Reframe:
    """Question-led coaching prompts for one piece of feedback."""

    questions: tuple[str, ...]
    competency: str
    focus: str
    engine: str

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "questions": list(self.questions),
            "competency": self.competency,
            "focus": self.focus,
            "engine": self.engine,
        }


def competency_labels() -> Mapping[str, str]:
    """Friendly names for the competency ids, in ``COMPETENCIES`` order."""
    return _rules().labels


def competency_label(competency: str) -> str:
    """The friendly name of a competency id ("objection_handling" → "Handling objections")."""
    return _rules().labels.get(competency, competency.replace("_", " ").capitalize())


def detect_competency(text: str) -> str:
    """The competency the feedback is about; the fallback competency when it names none."""
    return _analyse(text).competency


def extract_situation(text: str) -> str | None:
    """The call, meeting, artefact, account or person the feedback names, if any.

    A clean noun phrase fit to put in a question: "the Acme call", "the QBR with Globex",
    "your demo to the CFO", "Globex". Slack mentions are the rep, so they are never one.
    """
    situation = _find_situation(_clean(text[:_MAX_ANALYSED_CHARS]))
    return situation.phrase if situation else None


def reframe_with_rules(text: str) -> Reframe:
    """Question-led coaching prompts for ``text``: 3 or 4 questions, one competency, one focus.

    Never raises on a ``str``: empty or unrecognisable text gets general coaching questions.
    """
    analysis = _analyse(text)
    rules = _rules()
    seed = zlib.crc32(text.encode("utf-8", "surrogatepass"))
    bank = rules.questions
    situation = analysis.situation
    values = (
        {
            "situation": situation.phrase,
            "on_situation": f"{situation.preposition} {situation.phrase}",
        }
        if situation
        else {}
    )

    if analysis.behaviour is None:
        competency_bank = bank["general"]
        behaviour_bank = bank["general"]
        focus = rules.general_focus
    else:
        competency_bank = bank[analysis.competency]
        behaviour_bank = bank[f"{analysis.competency}.{analysis.behaviour}"]
        focus = rules.behaviour_focus[analysis.competency, analysis.behaviour]

    def ask(stage: int, templates: tuple[Template, ...]) -> str:
        return templates[_pick(seed, stage, len(templates))].substitute(values)

    if situation is None:
        reality = behaviour_bank["reality"]
    elif situation.kind == "event":
        reality = behaviour_bank["reality_situation"] + behaviour_bank.get("reality_event", ())
    else:
        reality = behaviour_bank["reality_situation"]
    questions = [ask(0, reality)]
    if analysis.several_issues:
        several = bank["general"]["several_situation" if situation else "several"]
        questions.append(ask(1, several))
    else:
        questions.append(ask(1, behaviour_bank.get("options") or competency_bank["options"]))
    questions.append(ask(2, behaviour_bank.get("will") or competency_bank["will"]))
    if _pick(seed, 3, 2) == 0:
        questions.append(ask(4, competency_bank["support"]))
    return Reframe(
        questions=tuple(questions),
        competency=analysis.competency,
        focus=focus,
        engine=RULES_ENGINE,
    )


# --- the rules, compiled once from prompts/reframe/ ------------------------------------


@dataclass(frozen=True)
class _Phrase:
    tokens: tuple[str, ...]  # a word, "stem*" (any ending) or "*" (any one word)
    competency: str
    behaviour: str
    weight: float


@dataclass(frozen=True)
class _Rules:
    labels: Mapping[str, str]
    behaviour_focus: Mapping[tuple[str, str], str]
    general_focus: str
    fallback_competency: str
    # phrase matching
    by_word: Mapping[str, tuple[_Phrase, ...]]
    by_stem: Mapping[str, tuple[_Phrase, ...]]
    stem_lengths: tuple[int, ...]
    known_words: frozenset[str]
    typo_index: Mapping[str, frozenset[str]]
    not_typos: frozenset[str]
    # clause weighting
    contrast_words: frozenset[str]
    contrast_phrases: tuple[tuple[str, ...], ...]
    praise_words: frozenset[str]
    praise_phrases: tuple[tuple[str, ...], ...]
    praise_weight: float
    contrast_weight: float
    situation_weight: float
    typo_weight: float
    several_ratio: float
    several_min: float
    # situations
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
    # questions: "general", "<competency>" and "<competency>.<behaviour>" → stage → templates
    questions: Mapping[str, Mapping[str, tuple[Template, ...]]]


_PHRASE_TOKEN = re.compile(r"[^\W_]+\*?|\*")
_STAGES = ("reality", "reality_situation", "reality_event", "options", "will", "support")
_SITUATION_STAGES = frozenset({"reality_situation", "reality_event", "several_situation"})
_PLACEHOLDERS = frozenset({"situation", "on_situation"})


def _phrase_tokens(phrase: str) -> tuple[str, ...]:
    return tuple(_PHRASE_TOKEN.findall(phrase.lower().replace("'", "").replace("’", "")))


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@cache
def _rules() -> _Rules:
    taxonomy = prompts.load("reframe/taxonomy")
    bank = prompts.load("reframe/questions")
    competencies = taxonomy["competency"]
    if tuple(competencies) != COMPETENCIES:
        raise ValueError(
            "prompts/reframe/taxonomy.toml must define exactly these competencies, in order: "
            + ", ".join(COMPETENCIES)
        )
    weights = taxonomy["weights"]
    strengths = {name: float(weights[name]) for name in ("strong", "clear", "hint")}

    phrases: list[_Phrase] = []
    behaviour_focus: dict[tuple[str, str], str] = {}
    for competency, spec in competencies.items():
        for behaviour, behaviour_spec in spec["behaviour"].items():
            behaviour_focus[competency, behaviour] = behaviour_spec.get("focus", spec["focus"])
            for strength, weight in strengths.items():
                for text in behaviour_spec.get(strength, ()):
                    tokens = _phrase_tokens(text)
                    if tokens and tokens[0] != "*":
                        phrases.append(_Phrase(tokens, competency, behaviour, weight))
    for text in taxonomy.get("neutral", {}).get("phrases", ()):
        tokens = _phrase_tokens(text)
        if tokens and tokens[0] != "*":
            phrases.append(_Phrase(tokens, "", "", 0.0))

    # Longest first, then strongest, then as listed.
    phrases.sort(key=lambda p: (-len(p.tokens), -p.weight))
    by_word: dict[str, list[_Phrase]] = {}
    by_stem: dict[str, list[_Phrase]] = {}
    for phrase in phrases:
        first = phrase.tokens[0]
        if first.endswith("*"):
            by_stem.setdefault(first[:-1], []).append(phrase)
        else:
            by_word.setdefault(first, []).append(phrase)

    # Words a typo may have been aimed at, with every one-letter deletion of each.
    typos = taxonomy.get("typos", {})
    targets = set(_phrase_tokens(" ".join(typos.get("targets", ()))))
    typo_index: dict[str, set[str]] = {}
    for target in targets:
        if len(target) >= _MIN_TYPO_LENGTH and target.isalpha():
            for key in {target} | _deletions(target):
                typo_index.setdefault(key, set()).add(target)

    clauses = taxonomy["clauses"]
    situation = taxonomy["situation"]
    heads: dict[str, str] = {}
    head_pairs: dict[tuple[str, str], str] = {}
    for preposition, words in situation["heads"].items():
        for word in words:
            parts = word.lower().split()
            if len(parts) == 1:
                heads[parts[0]] = preposition
            elif len(parts) == 2:
                head_pairs[parts[0], parts[1]] = preposition

    questions: dict[str, dict[str, tuple[Template, ...]]] = {}
    for key, table in _question_tables(bank):
        stages = {}
        for stage in (*_STAGES, "several", "several_situation"):
            if stage in table:
                stages[stage] = tuple(_template(key, stage, text) for text in table[stage])
        questions[key] = stages
    _check_question_bank(questions, taxonomy)

    return _Rules(
        labels=MappingProxyType({c: competencies[c]["label"] for c in COMPETENCIES}),
        behaviour_focus=MappingProxyType(behaviour_focus),
        general_focus=taxonomy["general_focus"],
        fallback_competency=taxonomy["fallback_competency"],
        by_word=MappingProxyType({k: tuple(v) for k, v in by_word.items()}),
        by_stem=MappingProxyType({k: tuple(v) for k, v in by_stem.items()}),
        stem_lengths=tuple(sorted({len(stem) for stem in by_stem})),
        known_words=frozenset(by_word) | frozenset(t for p in phrases for t in p.tokens),
        typo_index=MappingProxyType({k: frozenset(v) for k, v in typo_index.items()}),
        not_typos=frozenset(w.lower() for w in typos.get("leave_alone", ())),
        contrast_words=frozenset(_singles(clauses["contrast"])),
        contrast_phrases=tuple(_multiples(clauses["contrast"])),
        praise_words=frozenset(_singles(clauses["praise"])),
        praise_phrases=tuple(_multiples(clauses["praise"])),
        praise_weight=float(weights["praise"]),
        contrast_weight=float(weights["after_contrast"]),
        situation_weight=float(weights["inside_situation"]),
        typo_weight=float(weights["typo"]),
        several_ratio=float(weights["several_issues_ratio"]),
        several_min=float(weights["several_issues_min_points"]),
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
        questions=MappingProxyType({k: MappingProxyType(v) for k, v in questions.items()}),
    )


def _lower_set(words: list[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


def _singles(phrases: list[str]) -> list[str]:
    return [t[0] for t in map(_phrase_tokens, phrases) if len(t) == 1]


def _multiples(phrases: list[str]) -> list[tuple[str, ...]]:
    return [t for t in map(_phrase_tokens, phrases) if len(t) > 1]


def _question_tables(bank: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """("general", …), ("listening", …), ("listening.talk_ratio", …) …"""
    tables: list[tuple[str, dict[str, Any]]] = []
    for key, table in bank.items():
        tables.append((key, table))
        for sub_key, sub_table in table.items():
            if isinstance(sub_table, dict):
                tables.append((f"{key}.{sub_key}", sub_table))
    return tables


def _template(key: str, stage: str, text: str) -> Template:
    template = Template(text)
    unknown = set(template.get_identifiers()) - _PLACEHOLDERS
    if unknown or not template.is_valid():
        raise ValueError(
            f"prompts/reframe/questions.toml [{key}] {stage}: bad placeholder in {text!r}"
        )
    uses_situation = bool(template.get_identifiers())
    if uses_situation != (stage in _SITUATION_STAGES):
        raise ValueError(
            f"prompts/reframe/questions.toml [{key}] {stage}: $situation belongs in "
            f"reality_situation, reality_event and several_situation only: {text!r}"
        )
    return template


def _check_question_bank(
    questions: dict[str, dict[str, tuple[Template, ...]]], taxonomy: dict[str, Any]
) -> None:
    """Every competency and behaviour in the taxonomy has the questions it needs."""
    needs = {
        "general": (
            "reality",
            "reality_situation",
            "options",
            "will",
            "support",
            "several",
            "several_situation",
        )
    }
    for competency, spec in taxonomy["competency"].items():
        needs[competency] = ("options", "will", "support")
        for behaviour in spec["behaviour"]:
            needs[f"{competency}.{behaviour}"] = ("reality", "reality_situation")
    for key, stages in needs.items():
        for stage in stages:
            if not questions.get(key, {}).get(stage):
                raise ValueError(f"prompts/reframe/questions.toml: [{key}] needs {stage}")


def _pick(seed: int, stage: int, count: int) -> int:
    """A well-mixed, stable choice in range(count) for one stage of one text."""
    x = (seed + 0x9E3779B9 * (stage + 1)) & 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x45D9F3B) & 0xFFFFFFFF
    x ^= x >> 16
    return x % count


# --- cleaning Slack text ---------------------------------------------------------------

_SLACK_MARKUP = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
_BARE_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_BARE_MENTION = re.compile(r"(?<![\w.@])@[\w.-]+")
_EMOJI_CODE = re.compile(r"(?<![\w:]):[a-z0-9_+'-]+:(?::skin-tone-\d:)?", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_WITH_SLASH = re.compile(r"\bw/o\b|\bw/", re.IGNORECASE)
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def _slack_markup(match: re.Match[str]) -> str:
    sigil, target, label = match.group(1), match.group(2), match.group(3)
    if sigil in ("@", "#"):  # a person is the rep, a channel is where it was said
        return " "
    if sigil == "!":  # <!here>, <!subteam^S1|@sales>; dates keep their readable text
        return f" {label} " if label and target.startswith("date") else " "
    return f" {label} " if label else " "  # a link keeps its label, loses its address


def _clean(text: str) -> str:
    text = _CONTROL.sub(" ", text)
    text = _SLACK_MARKUP.sub(_slack_markup, text)
    for entity, character in _ENTITIES:
        text = text.replace(entity, character)
    text = _BARE_URL.sub(" ", text)
    text = _BARE_MENTION.sub(" ", text)
    text = _EMOJI_CODE.sub(" \n ", text)  # an emoji ends a clause, like a full stop
    return _WITH_SLASH.sub(lambda m: "without " if m.group().lower() == "w/o" else "with ", text)


# --- situations -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Situation:
    phrase: str
    preposition: str
    start: int  # character span in the cleaned text
    end: int
    score: float
    kind: str  # "event" (a meeting or artefact), "person" or "account"


@dataclass(frozen=True)
class _Word:
    raw: str
    low: str
    start: int
    end: int
    punct: bool


_SITUATION_TOKEN = re.compile(r"[^\W_](?:[\w&'’.-]*[^\W_])?|[^\w\s]")
_SENTENCE_END = frozenset(".!?;:")
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


def _find_situation(text: str) -> _Situation | None:
    rules = _rules()
    words = _situation_words(text)
    best: _Situation | None = None
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
    from bot.domain import quality  # quality imports this module, so import it late

    return not quality.judging_words(phrase) and not any(c in phrase for c in "<>|@?")


def _candidates(words: list[_Word], rules: _Rules) -> Iterator[_Situation]:
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
        return not before or before in rules.greetings
    return mark == "!" and before not in rules.name_prepositions


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


def _account(words: list[_Word], indices: list[int], score: float) -> _Situation:
    first, last = words[indices[0]], words[indices[-1]]
    phrase = " ".join(words[k].raw for k in indices)
    return _Situation(phrase, "with", first.start, last.end, score, "account")


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
) -> Iterator[_Situation]:
    """A meeting or artefact: "the Acme call", "Thursday's demo", "your demo to the CFO"."""
    lead = _lead_before(words, head, rules)
    if lead is None:
        return
    tail, tail_name = _object_after(words, head_end + 1, rules)
    kept = list(lead.kept)
    bare = not lead.determiner and not lead.has_name and not tail
    if bare and not (lead.after_preposition and kept and lead.unknown <= 1):
        return  # "demo ran long": no determiner, no name; but "on acme call" is a thing
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
    yield _Situation(
        " ".join(parts), preposition, words[first].start, words[last].end, score, "event"
    )


def _det_text(word: _Word) -> str:
    """Determiners read mid-sentence: "The" → "the", but "Thursday's" stays."""
    return word.low if word.low in _LOWER_DETERMINERS else word.raw


def _person(words: list[_Word], role: int, rules: _Rules) -> Iterator[_Situation]:
    """A person by role: "the CFO", "their IT lead", "the VP at Dunder Mifflin"."""
    n = len(words)
    if role > 0 and words[role - 1].low in rules.roles and words[role - 1].low != "of":
        return  # not the first word of the role; it was tried from there
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
    yield _Situation(" ".join(parts), "with", words[j].start, words[last].end, score, "person")


# --- competencies -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Analysis:
    competency: str
    behaviour: str | None  # None: no skill named, so general questions
    situation: _Situation | None
    several_issues: bool


# Words, and the marks that end a clause: punctuation, line breaks and emoji, which
# managers use as full stops ("Congrats on closing Acme 🎉 next time…").
_WORD_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[.!?;\n\u2600-\u27bf\U0001f300-\U0001faff]")
_BOUNDARY = "."


def _analyse(text: str) -> _Analysis:
    rules = _rules()
    cleaned = _clean(text[:_MAX_ANALYSED_CHARS])
    situation = _find_situation(cleaned)

    tokens: list[str] = []
    starts: list[int] = []
    for m in _WORD_TOKEN.finditer(cleaned):
        raw = m.group()
        if len(raw) == 1 and not raw.isalnum():
            tokens.append(_BOUNDARY)
        else:
            tokens.append(raw.lower().replace("'", "").replace("’", ""))
        starts.append(m.start())
    weights = _clause_weights(tokens, rules)
    typos = _correct_typos(tokens, rules)

    competency_points: dict[str, float] = {}
    behaviour_points: dict[tuple[str, str], float] = {}
    first_seen: dict[str, int] = {}
    i = 0
    n = len(tokens)
    while i < n:
        phrase = _match_at(tokens, i, rules) if tokens[i] != _BOUNDARY else None
        if phrase is None:
            i += 1
            continue
        if not phrase.competency:  # a neutral phrase: "next time", "thank you"
            i += len(phrase.tokens)
            continue
        points = phrase.weight * weights[i]
        if (
            situation is not None
            and situation.kind == "event"
            and (situation.start <= starts[i] < situation.end)
        ):
            points *= rules.situation_weight
        if any(typos[i : i + len(phrase.tokens)]):
            points *= rules.typo_weight
        competency_points[phrase.competency] = (
            competency_points.get(phrase.competency, 0.0) + points
        )
        key = (phrase.competency, phrase.behaviour)
        behaviour_points[key] = behaviour_points.get(key, 0.0) + points
        first_seen.setdefault(phrase.competency, i)
        i += len(phrase.tokens)

    if not competency_points:
        return _Analysis(rules.fallback_competency, None, situation, several_issues=False)
    ranked = sorted(competency_points, key=lambda c: (-competency_points[c], first_seen[c]))
    competency = ranked[0]
    behaviours = [b for (c, b) in behaviour_points if c == competency]
    behaviour = max(behaviours, key=lambda b: behaviour_points[competency, b])
    top = competency_points[competency]
    several = len(ranked) > 1 and (
        competency_points[ranked[1]] >= max(top * rules.several_ratio, rules.several_min)
    )
    return _Analysis(competency, behaviour, situation, several)


def _clause_weights(tokens: list[str], rules: _Rules) -> list[float]:
    """How much each token's phrase counts: less in praise, more after a "but"."""
    weights = [1.0] * len(tokens)
    clause_start = 0
    contrast = False

    def close(end: int) -> None:
        clause = tokens[clause_start:end]
        if contrast:
            weight = rules.contrast_weight
        elif any(t in rules.praise_words for t in clause) or _has_phrase(
            clause, rules.praise_phrases
        ):
            weight = rules.praise_weight
        else:
            return
        for k in range(clause_start, end):
            weights[k] = weight

    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == _BOUNDARY:
            close(i)
            clause_start, contrast = i + 1, False
        else:
            length = _contrast_length(tokens, i, rules)
            if length:
                close(i)
                clause_start, contrast = i, True
                i += length
                continue
        i += 1
    close(len(tokens))
    return weights


def _contrast_length(tokens: list[str], i: int, rules: _Rules) -> int:
    token = tokens[i]
    if token in rules.contrast_words:
        return 1
    for phrase in rules.contrast_phrases:
        if phrase[0] == token and tuple(tokens[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _has_phrase(clause: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    for phrase in phrases:
        size = len(phrase)
        for k in range(len(clause) - size + 1):
            if tuple(clause[k : k + size]) == phrase:
                return True
    return False


def _correct_typos(tokens: list[str], rules: _Rules) -> list[bool]:
    """Replace likely typos of taxonomy words in place; True where a token was corrected."""
    corrected = [False] * len(tokens)
    index = rules.typo_index
    for i, token in enumerate(tokens):
        if (
            len(token) < _MIN_TYPO_LENGTH
            or token in rules.known_words
            or token in rules.not_typos
            or not token.isalpha()
            or _stem_of(token, rules) is not None
        ):
            continue
        options = set(index.get(token, ()))
        for key in _deletions(token):
            options.update(index.get(key, ()))
        options = {o for o in options if _is_typo_of(token, o)}
        if options:
            tokens[i] = min(options)  # the same choice every time
            corrected[i] = True
    return corrected


def _stem_of(token: str, rules: _Rules) -> str | None:
    for length in rules.stem_lengths:
        if length > len(token):
            break
        if token[:length] in rules.by_stem:
            return token[:length]
    return None


def _is_typo_of(token: str, word: str) -> bool:
    if token == word or token.startswith(word) or word.startswith(token):
        return False  # "accounts" is not a typo of "account"
    if len(token) == len(word) and len(word) < _MIN_SUBSTITUTION_LENGTH:
        diffs = [k for k in range(len(word)) if token[k] != word[k]]
        if len(diffs) == 1:
            return False  # "walking" / "talking": too likely to be another word
    return _one_edit_apart(token, word)


def _one_edit_apart(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or swap of neighbours turns ``a`` into ``b``."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [k for k in range(len(a)) if a[k] != b[k]]
        return len(diffs) == 1 or (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    k = 0
    while k < len(short) and short[k] == long_[k]:
        k += 1
    return short[k:] == long_[k + 1 :]


def _match_at(tokens: list[str], i: int, rules: _Rules) -> _Phrase | None:
    """The longest (then strongest) taxonomy phrase that starts at token ``i``."""
    word = tokens[i]
    best: _Phrase | None = None
    candidates = list(rules.by_word.get(word, ()))
    for length in rules.stem_lengths:
        if length > len(word):
            break
        candidates.extend(rules.by_stem.get(word[:length], ()))
    for phrase in candidates:
        if best is not None and (
            len(phrase.tokens) < len(best.tokens)
            or (len(phrase.tokens) == len(best.tokens) and phrase.weight <= best.weight)
        ):
            continue
        if _matches(phrase.tokens, tokens, i):
            best = phrase
    return best


def _matches(pattern: tuple[str, ...], tokens: list[str], i: int) -> bool:
    if i + len(pattern) > len(tokens):
        return False
    for offset, part in enumerate(pattern):
        token = tokens[i + offset]
        if token == _BOUNDARY:
            return False
        if part == "*":
            continue
        if part.endswith("*"):
            if not token.startswith(part[:-1]):
                return False
        elif token != part:
            return False
    return True
