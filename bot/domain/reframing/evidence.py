"""Step 3: which skill the message is about, from the behaviours it describes.

Every competency and behaviour has weighted phrases in ``prompts/reframe/taxonomy.toml``
("talked over", "gave away a discount", "read the slides"): verbs, what the rep did, weigh
more than nouns, what was there. A phrase counts for less in a clause of praise ("great
demo!"), for more after a "but", most where the manager marks the biggest issue ("the
real problem is...") or names the skill outright ("that's a discovery gap"), for little
when it is only the name of the meeting ("the discovery call") or the scene the rep
responded to ("when Stark said the budget was frozen"), and for nothing when the manager
says it is not the problem ("the deck wasn't the issue"). Quoted words are what someone
said: they never make a clause praise. The competency with the most points wins; when
no phrase scores enough, there is honestly none (``competency is None``), and triage asks
the manager for specifics instead of guessing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from types import MappingProxyType

import prompts
from bot.domain.reframing import inflection
from bot.domain.reframing.cleaning import Token, english_words
from bot.domain.reframing.competencies import COMPETENCIES
from bot.domain.reframing.phrases import PhraseSet, matches_at

_PHRASE_TOKEN = re.compile(r"[^\W_]+\*?|\*")
_BOUNDARY = "."
_QUOTED = '"'  # stands for a quoted word where only the manager's own words count


@dataclass(frozen=True)
class Match:
    """One taxonomy phrase found in the message."""

    first: int  # index of its first and last token in the message's tokens
    last: int
    competency: str
    behaviour: str
    points: float


@dataclass(frozen=True)
class Evidence:
    """What the message says about skills."""

    competency: str | None  # None: no skill is named clearly enough
    behaviour: str | None
    points: Mapping[str, float]  # per competency
    matches: tuple[Match, ...]  # every phrase that counted, in order
    runner_up: str | None  # a second competency with nearly as many points
    weak_competency: str | None = None  # the leader even under min_points (a hint only)
    weak_behaviour: str | None = None  # and its leading behaviour

    def top_points(self) -> float:
        return self.points.get(self.competency, 0.0) if self.competency else 0.0


@dataclass(frozen=True)
class _Phrase:
    tokens: tuple[str, ...]  # a word, "stem*" (any ending) or "*" (any one word)
    competency: str
    behaviour: str
    weight: float
    noun: float = 1.0  # the share of ``weight`` it counts for in the ranking (a thing: less)


@dataclass(frozen=True)
class _Rules:
    by_word: Mapping[str, tuple[_Phrase, ...]]
    by_stem: Mapping[str, tuple[_Phrase, ...]]
    stem_lengths: tuple[int, ...]
    contrast_words: frozenset[str]
    contrast_phrases: Mapping[str, tuple[tuple[str, ...], ...]]  # by first word
    praise_words: frozenset[str]
    praise_phrases: PhraseSet
    focus_words: frozenset[str]
    focus_phrases: PhraseSet
    focus_keys: frozenset[str]  # each focus phrase's longest word: a cheap first test
    not_the_problem_before: tuple[tuple[str, ...], ...]
    not_the_problem_after: tuple[tuple[str, ...], ...]
    praise_weight: float
    contrast_weight: float
    focus_weight: float
    situation_weight: float
    min_points: float
    min_weak_points: float
    several_ratio: float
    several_min: float
    focus: Mapping[tuple[str, str], str]
    keywords: Mapping[tuple[str, str], tuple[str, ...]]
    moment_words: frozenset[str]
    moment_weight: float
    buyer_words: frozenset[str]  # competencies whose phrases the buyer says: full weight
    topics: Mapping[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]]
    # per competency: its topics as one phrase set, and each phrase's (behaviour, rank, article)
    competency_topics: Mapping[
        str, tuple[PhraseSet, Mapping[tuple[str, ...], tuple[str, int, str]]]
    ]


def weigh(
    tokens: list[Token],
    situation_span: tuple[int, int] | None = None,
    *,
    praise_emoji: bool = False,
) -> Evidence:
    """Score every competency and behaviour named in ``tokens`` (a cleaned message).

    ``situation_span`` is the character span of the meeting the message names: words
    inside it say what the meeting was, not what went wrong, and count for less.
    ``praise_emoji``: the message had a praising emoji ("was 🔥, but…"), which the tokens
    no longer show, so a "but" in it opens the growth area.
    """
    rules = _rules()
    index = [i for i, t in enumerate(tokens) if t.kind != "soft"]
    words = [tokens[i].low if tokens[i].kind == "word" else _BOUNDARY for i in index]
    # What the manager says, without what they quote: "great chatting!" in a quoted email
    # is no praise, and a buyer's "budget is fine" does not say the budget is no issue.
    own = (
        [_QUOTED if tokens[k].quoted else w for k, w in zip(index, words, strict=True)]
        if any(tokens[k].quoted for k in index)
        else words
    )

    def commas() -> frozenset[int]:  # asked only in a clause of praise
        return frozenset(
            j
            for j in range(1, len(index))
            if any(t.raw == "," for t in tokens[index[j - 1] : index[j]])
        )

    weights = _clause_weights(own, rules, praise_emoji, commas)
    moments = [1.0] * len(words)
    _weigh_down_moments(words, moments, rules)
    competency_points: dict[str, float] = {}
    full_points: dict[str, float] = {}  # without the things' discount: enough to name a skill?
    behaviour_points: dict[tuple[str, str], float] = {}
    first_seen: dict[str, int] = {}
    matches: list[Match] = []
    i, n = 0, len(words)
    starting = _STARTING
    while i < n:
        word = words[i]
        candidates = starting.get(word)
        if candidates is None:
            candidates = _starting_with(word)
        phrase = _match_at(words, i, rules) if candidates else None
        if phrase is None:
            i += 1
            continue
        size = len(phrase.tokens)
        if not phrase.competency or _not_the_problem(own, i, size, rules):
            i += size
            continue
        points = phrase.weight * weights[i]
        if phrase.competency not in rules.buyer_words:
            points *= moments[i]
        start = tokens[index[i]].start
        if situation_span is not None and situation_span[0] <= start < situation_span[1]:
            points *= rules.situation_weight
        full_points[phrase.competency] = full_points.get(phrase.competency, 0.0) + points
        points *= phrase.noun
        competency_points[phrase.competency] = competency_points.get(phrase.competency, 0) + points
        key = (phrase.competency, phrase.behaviour)
        behaviour_points[key] = behaviour_points.get(key, 0.0) + points
        first_seen.setdefault(phrase.competency, i)
        matches.append(
            Match(index[i], index[i + size - 1], phrase.competency, phrase.behaviour, points)
        )
        i += size

    ranked = sorted(competency_points, key=lambda c: (-competency_points[c], first_seen[c]))
    if not ranked:
        return Evidence(None, None, MappingProxyType(competency_points), tuple(matches), None)
    if full_points[ranked[0]] < rules.min_points:
        weak = ranked[0] if full_points[ranked[0]] >= rules.min_weak_points else None
        weak_behaviour = (
            max(
                (b for (c, b) in behaviour_points if c == weak),
                key=lambda b: behaviour_points[weak, b],
            )
            if weak
            else None
        )
        return Evidence(
            None,
            None,
            MappingProxyType(competency_points),
            tuple(matches),
            None,
            weak,
            weak_behaviour,
        )
    competency = ranked[0]
    behaviours = [b for (c, b) in behaviour_points if c == competency]
    behaviour = max(behaviours, key=lambda b: behaviour_points[competency, b])
    top = competency_points[competency]
    runner_up = (
        ranked[1]
        if len(ranked) > 1
        and competency_points[ranked[1]] >= max(top * rules.several_ratio, rules.several_min)
        else None
    )
    return Evidence(
        competency,
        behaviour,
        MappingProxyType(competency_points),
        tuple(matches),
        runner_up,
        competency,
        behaviour,
    )


def from_token(evidence: Evidence, start: int) -> Evidence:
    """The evidence of the message from token ``start`` on (a mixed message's growth area),
    from the matches already weighed: no second reading of the message."""
    rules = _rules()
    points: dict[str, float] = {}
    behaviours: dict[tuple[str, str], float] = {}
    matches = tuple(m for m in evidence.matches if m.first >= start)
    for m in matches:
        points[m.competency] = points.get(m.competency, 0.0) + m.points
        key = (m.competency, m.behaviour)
        behaviours[key] = behaviours.get(key, 0.0) + m.points
    if not points:
        return Evidence(None, None, MappingProxyType(points), matches, None)
    competency = max(points, key=lambda c: points[c])
    behaviour = max(
        (b for (c, b) in behaviours if c == competency), key=lambda b: behaviours[competency, b]
    )
    if points[competency] < rules.min_points:
        return Evidence(None, None, MappingProxyType(points), matches, None, competency, behaviour)
    return Evidence(
        competency, behaviour, MappingProxyType(points), matches, None, competency, behaviour
    )


def focus_for(competency: str | None, behaviour: str | None) -> str:
    """The one behaviour to work on, as a sentence (the taxonomy's focus)."""
    if competency is None or behaviour is None:
        return str(prompts.load("reframe/taxonomy")["general_focus"])
    return _rules().focus[competency, behaviour]


def praises(phrase: str) -> bool:
    """Whether ``phrase`` has a word or phrase of praise ("you handled the questions well")."""
    rules = _rules()
    words = list(phrase_tokens(phrase))
    if words and words[-1] in ("well", "nicely", "beautifully"):
        return True  # "you handled the questions (really) well", the "really" left out
    return not rules.praise_words.isdisjoint(words) or rules.praise_phrases.found_in(words)


def behaviour_keywords(competency: str, behaviour: str) -> tuple[str, ...]:
    """Words a question about this behaviour naturally carries (``keywords`` in taxonomy)."""
    return _rules().keywords.get((competency, behaviour), ())


def find_topic(tokens: list[Token], competency: str | None, behaviour: str | None) -> str | None:
    """The thing the message talks about for this behaviour, as a question would say it.

    "less discounting" → "discounting"; "we never tested their champion" → "their
    champion"; "the competitor came up" → "the competitor". None when it names none.
    """
    if competency is None:
        return None
    rules = _rules()
    topics = rules.competency_topics.get(competency)
    if topics is None:
        return None
    phrases, meaning = topics
    words = [t for t in tokens if t.kind == "word" and not t.quoted]
    lows = [t.low for t in words]
    best: tuple[int, int, str, int] | None = None  # (rank, position, article, length)
    for i in range(len(lows)):
        pattern = phrases.phrase_at(lows, i)
        if pattern is None:
            continue
        owner, rank, article = meaning[pattern]
        rank = -1 if owner == behaviour else rank  # the behaviour's own topics first
        if best is None or (rank, i) < best[:2]:
            best = (rank, i, article, len(pattern))
    if best is None:
        return None
    _, i, article, length = best
    text = " ".join(_as_written(words[i + j], i + j) for j in range(length))
    before = lows[i - 1] if i else ""
    if before in _OWN_DETERMINERS:
        return f"{before} {text}"
    return f"{article} {text}" if article else text


def _as_written(token: Token, position: int) -> str:
    """ "CRM" and "Salesforce" as written; "Next" or "Discounting" at a sentence start lowered."""
    raw = token.raw
    if (raw.isupper() and len(raw) > 1) or (raw[0].isupper() and token.low not in english_words()):
        return raw
    return raw.lower()


_OWN_DETERMINERS = frozenset({"the", "their", "your", "our", "that", "this", "those", "these"})


def behaviours() -> tuple[tuple[str, str], ...]:
    """Every (competency, behaviour) the taxonomy defines."""
    return tuple(_rules().focus)


# --- matching ---------------------------------------------------------------------------


def _clause_weights(
    words: list[str],
    rules: _Rules,
    praise_emoji: bool = False,
    commas: Callable[[], frozenset[int]] = frozenset,
) -> list[float]:
    """How much each token's phrase counts: less in praise, more after a "but", most from
    where the manager marks the biggest issue ("the core problem is...", "the big one -").

    A focus phrase that ends its clause ("talking over them is the real problem.") marks
    the words before it instead.
    """
    weights = [1.0] * len(words)
    clause_start = previous_start = 0
    kind = ""  # "contrast" or "focus" when the clause opened with one of those phrases
    marker = 0  # the length of that phrase
    focus = not rules.focus_words.isdisjoint(words) or (
        not rules.focus_keys.isdisjoint(words) and rules.focus_phrases.found_in(words)
    )

    def close(end: int) -> None:
        clause = words[clause_start:end]
        start = clause_start
        if kind == "focus":
            weight = rules.focus_weight
            if end - clause_start - marker <= 2:
                start = previous_start
        elif kind == "contrast":
            # After praise, "but" opens the growth area; after a complaint it only goes on
            # with the same one ("you had it in commit all quarter but never got a verbal").
            before = words[:clause_start]
            if not (
                praise_emoji
                or any(t in rules.praise_words for t in before)
                or rules.praise_phrases.found_in(before)
            ):
                return
            weight = rules.contrast_weight
        elif any(t in rules.praise_words for t in clause) or rules.praise_phrases.found_in(clause):
            # Only the comma-parts that praise: "nice prep for Zenith, you never asked for
            # the pilot" praises the prep, and the pilot counts in full.
            cuts = [
                start,
                *sorted(c for c in commas() if start < c < end and words[c] in _TURNS),
                end,
            ]
            parts = [
                (a, b)
                for a, b in itertools.pairwise(cuts)
                if any(t in rules.praise_words for t in words[a:b])
                or rules.praise_phrases.found_in(words[a:b])
            ]
            for a, b in parts or [(start, end)]:
                for k in range(a, b):
                    weights[k] = rules.praise_weight
            return
        else:
            return
        for k in range(start, end):
            weights[k] = weight

    i = 0
    while i < len(words):
        if words[i] == _BOUNDARY:
            close(i)
            previous_start, clause_start, kind = clause_start, i + 1, ""
            i += 1
            continue
        length = _phrase_length(words, i, rules.contrast_words, rules.contrast_phrases)
        opens = "contrast" if length else ""
        if not length and focus:
            found = rules.focus_phrases.phrase_at(words, i)
            length = len(found) if found else int(words[i] in rules.focus_words)
            opens = "focus" if length else ""
        if opens:
            close(i)
            previous_start, clause_start, kind, marker = clause_start, i, opens, length
            i += length
            continue
        i += 1
    close(len(words))
    return weights


def _weigh_down_moments(words: list[str], weights: list[float], rules: _Rules) -> None:
    """ "when Stark said the budget was frozen, you jumped to a discount": what the buyer
    said sets the scene; what the rep did is the skill. Words in the moment count less,
    except an objection's: "when Ines said 'we're happy with what we have'" is the skill."""
    inside = False
    for i, word in enumerate(words):
        if word == _BOUNDARY or word in ("you", "youre", "youve", "u"):
            inside = False
        elif (
            word in rules.moment_words
            and i + 1 < len(words)
            and words[i + 1]
            not in (
                "you",
                "youre",
                "u",
                "i",
                "we",
            )
        ):
            inside = True
        elif inside:
            weights[i] *= rules.moment_weight


def _phrase_length(
    words: list[str],
    i: int,
    singles: frozenset[str],
    phrases: Mapping[str, tuple[tuple[str, ...], ...]],
) -> int:
    if words[i] in singles:
        return 1
    for phrase in phrases.get(words[i], ()):
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _not_the_problem(words: list[str], i: int, size: int, rules: _Rules) -> bool:
    """ "the deck wasn't the problem", "nothing wrong with the slides": not the issue."""
    before = words[max(0, i - 4) : i]
    after = words[i + size : i + size + 4]
    if _NEGATING.isdisjoint(before) and _FINE.isdisjoint(after):
        return False
    for phrase in rules.not_the_problem_before:
        if _ends_with(before, phrase) or _ends_with(before[:-1], phrase):
            return True
    return any(tuple(after[: len(phrase)]) == phrase for phrase in rules.not_the_problem_after)


# After a comma in a clause of praise, the words that turn to the rep's next point.
_TURNS = frozenset({"you", "just", "only", "still", "except", "tho", "though", "u", "then"})
_NEGATING = frozenset({"not", "no", "nothing", "isnt", "wasnt"})
_FINE = frozenset({"wasnt", "isnt", "was", "is", "are", "were", "werent"})


def _ends_with(words: list[str], phrase: tuple[str, ...]) -> bool:
    return len(words) >= len(phrase) and tuple(words[-len(phrase) :]) == phrase


def _match_at(words: list[str], i: int, rules: _Rules) -> _Phrase | None:
    """The longest (then strongest) taxonomy phrase that starts at token ``i``."""
    following = words[i + 1] if i + 1 < len(words) else _BOUNDARY
    for phrase in _candidates(words[i], following):  # longest, then strongest, first
        if matches_at(phrase.tokens, words, i):
            return phrase
    return None


@lru_cache(maxsize=32_768)
def _candidates(word: str, following: str) -> tuple[_Phrase, ...]:
    """Every phrase that could start with ``word`` then ``following``, best first."""
    return tuple(
        p for p in _starting_with(word) if len(p.tokens) == 1 or _part_fits(p.tokens[1], following)
    )


def _starting_with(word: str) -> tuple[_Phrase, ...]:
    """Every phrase that starts with ``word``, best first (remembered, up to a bound)."""
    rules = _rules()
    found = list(rules.by_word.get(word, ()))
    for length in rules.stem_lengths:
        if length > len(word):
            break
        found.extend(rules.by_stem.get(word[:length], ()))
    candidates = tuple(sorted(found, key=lambda p: (-len(p.tokens), -p.weight)))
    if len(_STARTING) < 20_000:
        _STARTING[word] = candidates
    return candidates


_STARTING: dict[str, tuple[_Phrase, ...]] = {_BOUNDARY: ()}


def _part_fits(part: str, word: str) -> bool:
    if word == _BOUNDARY:
        return False
    if part == "*":
        return True
    return word.startswith(part[:-1]) if part.endswith("*") else word == part


# --- the rules, compiled once from prompts/reframe/taxonomy.toml -------------------------


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """A taxonomy phrase as the tokens it matches ("didn't" → "didnt", "follow-up" → 2)."""
    return tuple(_PHRASE_TOKEN.findall(phrase.lower().replace("'", "").replace("’", "")))


@cache
def _rules() -> _Rules:
    taxonomy = prompts.load("reframe/taxonomy")
    competencies = taxonomy["competency"]
    if tuple(competencies) != COMPETENCIES:
        raise ValueError("prompts/reframe/taxonomy.toml must list exactly COMPETENCIES, in order")
    weights = taxonomy["weights"]
    strengths = {name: float(weights[name]) for name in ("named", "strong", "clear", "hint")}
    phrases: list[_Phrase] = []
    focus: dict[tuple[str, str], str] = {}
    keywords: dict[tuple[str, str], tuple[str, ...]] = {}
    topics: dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]] = {}
    noun_weight = float(weights["noun"])
    verbs = _base_verbs()
    for competency, spec in competencies.items():
        for behaviour, behaviour_spec in spec["behaviour"].items():
            focus[competency, behaviour] = behaviour_spec.get("focus", spec["focus"])
            keywords[competency, behaviour] = tuple(behaviour_spec.get("keywords", ()))
            topics[competency, behaviour] = tuple(
                _topic(text) for text in behaviour_spec.get("topics", ())
            )
            for strength, weight in strengths.items():
                for text in behaviour_spec.get(strength, ()):
                    tokens = phrase_tokens(text)
                    if tokens and tokens[0] != "*":
                        thing = strength != "named" and _names_a_thing(tokens, verbs)
                        share = noun_weight if thing else 1.0  # "walkthrough", "ROI"
                        phrases.append(_Phrase(tokens, competency, behaviour, weight, share))
    focus_markers = taxonomy["clauses"]["focus"]  # "the real problem" is not discovery
    for text in [*taxonomy.get("neutral", {}).get("phrases", ()), *focus_markers]:
        tokens = phrase_tokens(text)
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
    clauses = taxonomy["clauses"]
    not_problem = taxonomy["not_the_problem"]
    return _Rules(
        by_word=MappingProxyType({k: tuple(v) for k, v in by_word.items()}),
        by_stem=MappingProxyType({k: tuple(v) for k, v in by_stem.items()}),
        stem_lengths=tuple(sorted({len(stem) for stem in by_stem})),
        contrast_words=frozenset(_singles(clauses["contrast"])),
        contrast_phrases=MappingProxyType(_by_first(_multiples(clauses["contrast"]))),
        praise_words=frozenset(_singles(clauses["praise"])),
        praise_phrases=PhraseSet(_multiples(clauses["praise"])),
        focus_words=frozenset(_singles(clauses["focus"])),
        focus_phrases=PhraseSet(_multiples(clauses["focus"])),
        focus_keys=frozenset(_key_word(p) for p in _multiples(clauses["focus"])),
        not_the_problem_before=tuple(phrase_tokens(p) for p in not_problem["before"]),
        not_the_problem_after=tuple(phrase_tokens(p) for p in not_problem["after"]),
        praise_weight=float(weights["praise"]),
        contrast_weight=float(weights["after_contrast"]),
        focus_weight=float(weights["focus_clause"]),
        situation_weight=float(weights["inside_situation"]),
        min_points=float(weights["min_points"]),
        min_weak_points=float(weights["min_hint_points"]),
        several_ratio=float(weights["several_issues_ratio"]),
        several_min=float(weights["several_issues_min_points"]),
        focus=MappingProxyType(focus),
        keywords=MappingProxyType(keywords),
        moment_words=frozenset(_singles(clauses["moment"])),
        moment_weight=float(weights["inside_moment"]),
        buyer_words=frozenset(c for c, spec in competencies.items() if spec.get("buyer_words")),
        topics=MappingProxyType(topics),
        competency_topics=MappingProxyType(_by_competency(topics)),
    )


# Words that make a phrase say what happened, though no verb is in it ("no next step",
# "too early", "without a walkthrough").
_HAPPENED = frozenset(
    {"no", "never", "didnt", "dont", "not", "without", "before", "after", "too", "more", "less",
     "only", "nobody", "zero", "wasnt", "isnt", "cant", "wont", "havent", "hasnt", "instead",
     "straight", "way", "still", "again", "every", "all", "same", "through"}
)  # fmt: skip


def _names_a_thing(tokens: tuple[str, ...], verbs: frozenset[str]) -> bool:
    """A phrase with no verb and no word of what happened: a noun, which names what was
    there ("the walkthrough", "ROI", "list price") rather than what the rep did."""
    for token in tokens:
        if token.endswith("*") or token in verbs or token in _HAPPENED:
            return False
        if inflection.is_past(token) or inflection.is_gerund(token):
            return False
        if inflection.is_irregular_form(token):
            return False
    return True


def _base_verbs() -> frozenset[str]:
    """The verbs the extraction rules know in their base form ("ask", "talk", "dig")."""
    data = prompts.load("reframe/extraction")
    words = data["words"]
    found = {w.lower() for w in words["imperative_verbs"]}
    found.update(w.lower() for w in data.get("irregular", {}))
    return frozenset(found)


def _by_competency(
    topics: Mapping[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]],
) -> dict[str, tuple[PhraseSet, Mapping[tuple[str, ...], tuple[str, int, str]]]]:
    """Each competency's topics in one phrase set; a phrase keeps its first listing."""
    found: dict[str, dict[tuple[str, ...], tuple[str, int, str]]] = {}
    for (competency, behaviour), entries in topics.items():
        meaning = found.setdefault(competency, {})
        for article, pattern in entries:
            meaning.setdefault(pattern, (behaviour, len(meaning), article))
    return {c: (PhraseSet(m), MappingProxyType(m)) for c, m in found.items()}


def _topic(text: str) -> tuple[str, tuple[str, ...]]:
    """ "the discount*" → ("the", ("discount*",)): the article a question puts before it."""
    first, _, rest = text.partition(" ")
    if first.lower() in ("the", "a", "an") and rest:
        return first.lower(), phrase_tokens(rest)
    return "", phrase_tokens(text)


def _key_word(phrase: tuple[str, ...]) -> str:
    """The word most likely to be rare: the longest, the last of equals ("big one" → "one")."""
    return max(reversed(phrase), key=len)


def _by_first(phrases: list[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Phrases grouped by their first word, so a clause is cut without scanning them all."""
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        grouped.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(group) for first, group in grouped.items()}


def _singles(phrases: list[str]) -> list[str]:
    return [t[0] for t in map(phrase_tokens, phrases) if len(t) == 1]


def _multiples(phrases: list[str]) -> list[tuple[str, ...]]:
    return [t for t in map(phrase_tokens, phrases) if len(t) > 1]
