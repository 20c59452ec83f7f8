"""Step 4: what happened, in the manager's own words, as pieces a question can carry.

From "great energy but you lost them the minute pricing came up, you just read the price
sheet off the slide" it takes the behaviour ("you read the price sheet off the slide"), the
moment ("the minute pricing came up") and how that moment reads in a question about next
time ("pricing comes up"). It also finds what was left undone ("you never asked about
budget" → "asking about budget"), what the manager hopes for ("let him finish his
thought"), a gap in what the rep knows ("who signs"), the counterpart, quotes, numbers,
the thing praised, the manager's own questions, and whether the call is still to come.

Everything quoted is cut to one clause, with judgement and filler left out ("just",
"again", "way too much"), loaded words said as a coach would ("steamrolled" → "talked
over"), and a clause that judges the person ("you were lazy") is never quoted at all. A
piece that cannot be taken cleanly is left out: the questions then come from the
behaviour's own bank rather than from a garbled quote. Word lists:
``prompts/reframe/extraction.toml``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import prompts
from bot.domain.reframing import inflection
from bot.domain.reframing.cleaning import Token, english_words
from bot.domain.reframing.evidence import Evidence, find_topic, phrase_tokens
from bot.domain.reframing.phrases import PhraseSet
from bot.domain.reframing.scoring import check_question
from bot.domain.reframing.situation import Situation, heads, not_names, roles

_MAX_QUOTED_WORDS = 14
_MAX_CLAUSES_READ = 8
_YOU = frozenset({"you", "youre", "youve", "youd"})
# Words between a word of praise and what was praised: "great call disqualifying Cheers",
# "perfect example of walking the buyer through…", "nice work finding out…".
_PRAISE_LEADS = frozenset(
    {
        "job",
        "work",
        "on",
        "with",
        "at",
        "for",
        "stuff",
        "going",
        "move",
        "catch",
        "instinct",
        "example",
        "of",
        "the",
        "effort",
    }
)
_MODALS = frozenset(
    {
        "can",
        "could",
        "will",
        "would",
        "is",
        "are",
        "was",
        "were",
        "has",
        "had",
        "should",
        "must",
        "might",
    }
)
_SPEECH_VERBS = frozenset(
    {"said", "says", "saying", "say", "asked", "asks", "asking", "told", "tells", "wrote",
     "writes", "replied", "replies", "mentioned", "mentions", "emailed", "texted", "goes",
     "went", "answered", "responded", "put", "called", "added", "admitted", "explained",
     "pushed", "raised", "complained", "shared", "insisted", "claimed"}
)  # fmt: skip
_BUYER_SIDE = frozenset(
    {
        "they",
        "he",
        "she",
        "buyer",
        "customer",
        "prospect",
        "client",
        "cfo",
        "ceo",
        "cto",
        "vp",
        "procurement",
        "legal",
        "champion",
    }
)
_NOT = frozenset({"not", "never", "no", "isnt", "wasnt", "arent", "werent", "hardly"})
_MIN_QUOTE_WORDS = 2
_PRONOUNS = frozenset({"they", "he", "she", "them", "him", "her"})
_DO = frozenset({"do", "does", "doing"})
# Words that finish a verb rather than start a phrase: "jumping in", "cut her off".
_PARTICLES = frozenset({"in", "on", "over", "off", "up", "out", "back", "through", "down"})
_DID_NOT_SEE = frozenset(
    {("didnt", "hear"), ("never", "heard"), ("didnt", "see"), ("never", "saw"), ("not", "hear"),
     ("dont", "hear"), ("dont", "see"), ("not", "see")}
)  # fmt: skip
_SOFT_BREAKS = frozenset(
    {
        "before",
        "after",
        "when",
        "while",
        "because",
        "and",
        "so",
        "until",
        "as",
        "since",
        "with",
        "without",
        "instead",
    }
)
# Verbs that need a second verb: "you let Dmitri [turn the call into…]".
_CAUSATIVES = frozenset({"let", "made", "make", "had", "have", "got", "get", "helped", "help"})
_WH_WORDS = frozenset({"how", "what", "whatever", "why", "whether"})
# Verbs after which "when…" or "who…" is asked, not a moment: "ask when the grant is decided".
_ASKING = frozenset(
    {"ask", "asked", "asking", "know", "knew", "knowing", "out", "check", "checked", "confirm",
     "confirmed", "tell", "told", "understand", "clarify", "learn", "sure", "about", "find"}
)  # fmt: skip
# Verbs that leave their preposition at the end: "features she doesn't care about".
_STRANDING = frozenset(
    {"care", "cares", "cared", "talk", "talked", "talking", "ask", "asked", "look", "looks",
     "looking", "think", "thinking", "worry", "worried", "depend", "depends", "compare",
     "comparing", "evaluate", "evaluating", "wait", "waiting", "pay", "paying", "deal", "dealing",
     "hear", "heard", "know", "knew", "agree", "agreed", "asking", "listen", "listening",
     "focus", "focused", "us", "them", "it"}
)  # fmt: skip
_PREPOSITIONS = frozenset({"on", "in", "at", "for", "with", "from", "by", "of", "about", "over"})
_SUBJECTS = frozenset({"we", "i", "they", "he", "she", "you", "it"})
_FINITE = frozenset(
    {"is", "are", "was", "were", "went", "gets", "got", "has", "had", "does", "did", "isnt",
     "arent", "wasnt", "werent", "said", "came", "ran", "took", "sent", "looked", "seemed"}
)  # fmt: skip
_VAGUE_ENDINGS = frozenset({"it", "them", "that", "this", "those", "these"})
_DETERMINERS = frozenset({"the", "their", "your", "our", "a", "an", "this", "that", "his", "her"})
_NUMBER = re.compile(
    r"\b\d+(?:[.,]\d+)?\s?(?:%|x\b|k\b|m\b|percent\b|"
    r"(?:slides?|minutes?|mins?|days?|weeks?|hours?|times|calls?|dials|meetings?|deals?|"
    r"emails?|months?|opps?|accounts?)\b)",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[\"“]([^\"“”]{3,120})[\"”]")


@dataclass(frozen=True)
class Praise:
    """What the manager praised, in the form a question needs."""

    phrase: str  # "summarising their goals", "your energy", "you handled pricing"
    form: str  # "gerund", "quality" (a noun the rep brought), "event" (the call itself)
    # or "clause" (what the rep did: "you handled the pricing objection")


@dataclass(frozen=True)
class Metric:
    """The number a results message is about: "close rate", "12%", and a target if any."""

    name: str
    value: str | None
    target: str | None
    raw_name: str = ""  # as the message names it ("meetings booked"), to look it up by
    funnel: str | None = None  # "142 dials, 9 conversations and 1 meeting": steps counted


@dataclass(frozen=True)
class Facts:
    """The pieces of one message a question can carry; None where there is none."""

    situation: Situation | None
    behaviour: str | None  # "you read the price sheet off the slide"
    behaviour_past: bool  # the behaviour is told in the past ("you read…", "you were…")
    behaviour_off_call: bool  # what the rep did away from the buyer ("you spent 3 weeks…")
    missed: str | None  # what was left undone, as a gerund phrase: "asking about budget"
    alternative: str | None  # what the manager hopes for: "let him finish his thought"
    moment: str | None  # "the minute pricing came up", "when Stark said the budget was frozen"
    next_moment: str | None  # the moment in a question about next time: "pricing comes up"
    gap: str | None  # what the rep has not found out: "who signs or what the budget is"
    topic: str | None  # what the behaviour was about: "the discount", "their champion"
    manager_part: str | None  # team selling: what the manager will do ("the pricing conversation")
    rep_part: str | None  # and what the rep will ("the intro")
    counterpart: str | None  # "their IT lead", "Sarah", "the CFO"
    quote: str | None  # what the buyer said, as the manager quoted it
    numbers: tuple[str, ...]
    praised: Praise | None
    praise_clauses: int  # clauses that praise (sarcasm aside)
    critical_clauses: int  # clauses that describe something to change
    directives: int  # requests and "you need to…" clauses
    upcoming: bool  # the call is still to come: ask pre-call questions
    manager_questions: tuple[str, ...]  # the manager's own open-looking questions, tidied
    statements: int  # sentences that are not questions
    words: int
    text_lower: str  # the cleaned message in lower case, to look words up in


@dataclass(frozen=True)
class _Clause:
    first: int  # token indices, inclusive
    last: int
    sentence: int
    after_contrast: bool
    words: tuple[int, ...]  # its word tokens
    lows: tuple[str, ...]  # and their lower-case forms
    praises: bool  # it has a word of praise (outside quotes)


def extract(
    text: str,
    tokens: list[Token],
    evidence: Evidence,
    situation: Situation | None,
    *,
    sarcastic: bool = False,
) -> Facts:
    """The pieces of ``text`` (a cleaned message, ``tokens`` its tokens) questions can carry."""
    rules = _rules()
    clauses = _clauses(tokens, rules)
    scores = _clause_scores(clauses, evidence)
    praise_clauses = 0 if sarcastic else sum(1 for c in clauses if _praises(tokens, c, rules))
    behaviour = missed = alternative = gap = None
    behaviour_past = told_in_past = False
    moment = next_moment = None
    critical = directives = 0
    # The clauses with the most evidence first; a long message is read for its main points.
    ranked = sorted(range(len(clauses)), key=lambda k: -scores[k])[:_MAX_CLAUSES_READ]
    asked = _asked_sentences(tokens, clauses) if "?" in text else frozenset()
    for k in ranked:
        clause = clauses[k]
        request = _request(text, tokens, clause, rules)  # "make sure you ask about budget"
        found = ("wants", request, False) if request else _you_clause(text, tokens, clause, rules)
        if found is not None and found[0] == "did" and clause.sentence in asked:
            found = None  # "did you read the SDR's notes?" asks; it does not say you did
        kind = found[0] if found else None
        if kind == "did" and behaviour is None and found is not None:
            behaviour, behaviour_past = found[1], found[2]
        elif kind == "missed" and missed is None and found is not None:
            missed = found[1]
            told_in_past = told_in_past or found[2]
        elif kind == "wants" and alternative is None and found is not None:
            alternative = found[1]
        if gap is None:
            gap = _gap(text, tokens, clause, rules)
            if gap is not None:
                kind = kind or "gap"
        if moment is None:
            found_moment = _moment(text, tokens, clause, rules)
            if found_moment is not None:
                moment, next_moment = found_moment
        if kind in ("did", "missed", "gap") or (
            kind is None and scores[k] > 0 and not _praises(tokens, clause, rules)
        ):
            critical += 1
        if kind == "wants":
            directives += 1
    if situation is not None and situation.kind == "event":
        next_moment = _without_situation(next_moment, situation, rules)
        behaviour = _without_situation(behaviour, situation, rules)
        missed = _without_situation(missed, situation, rules)
        alternative = _without_situation(alternative, situation, rules)
    praised = None if sarcastic else _praised(text, tokens, clauses, rules)
    if praised is not None and situation is not None:
        phrase = _without_situation(praised.phrase, situation, rules)
        if praised.form == "gerund" and len((phrase or "").split()) < 2:
            phrase = praised.phrase  # "getting the meeting at Tanaka": the meeting is the praise
        elif phrase and phrase.split()[-1].lower() in _PREPOSITIONS:
            phrase = praised.phrase  # "the recap to Ilford", not "the recap to"
        praised = Praise(phrase, praised.form) if phrase else None
    sentences = _sentences(text, tokens)
    questions = tuple(_tidy_question(s) for s in sentences if s.rstrip().endswith("?"))
    return Facts(
        situation=situation,
        behaviour=behaviour,
        behaviour_past=behaviour_past,
        behaviour_off_call=behaviour is not None
        and len(behaviour.split()) > 1
        and behaviour.split()[1].lower() in rules.off_call_verbs,
        missed=missed,
        alternative=alternative,
        moment=moment,
        next_moment=next_moment,
        gap=gap,
        topic=_topic_outside(
            find_topic(
                tokens,
                evidence.competency or evidence.weak_competency,
                evidence.behaviour or evidence.weak_behaviour,
            ),
            situation,
        ),
        counterpart=_counterpart(text, tokens, situation, rules),
        manager_part=_part(text, tokens, rules, rules.manager_verbs, ("ill", "me", "myself")),
        rep_part=_part(text, tokens, rules, rules.rep_verbs, ("you",)),
        quote=_quote(text, tokens, rules),
        numbers=tuple(dict.fromkeys(m.group().strip() for m in _NUMBER.finditer(text))),
        praised=praised,
        praise_clauses=praise_clauses,
        critical_clauses=critical,
        directives=directives,
        upcoming=_upcoming(tokens, behaviour_past or told_in_past, rules),
        manager_questions=tuple(q for q in questions if q),
        statements=sum(1 for s in sentences if not s.rstrip().endswith("?")),
        words=sum(1 for t in tokens if t.kind == "word"),
        text_lower=text.lower(),
    )


# --- clauses ----------------------------------------------------------------------------


def _clauses(tokens: list[Token], rules: _Rules) -> list[_Clause]:
    """Clauses: cut at stops, commas and dashes, and before "but"."""
    clauses: list[_Clause] = []
    start, sentence, contrast = 0, 0, False

    def close(end: int) -> None:
        words = [k for k in range(start, end) if tokens[k].kind == "word"]
        if words:
            lows = tuple(tokens[k].low for k in words)
            own = [tokens[k].low for k in words if not tokens[k].quoted]
            praises = any(
                w in rules.praise_words and _NOT.isdisjoint(own[max(0, j - 2) : j])
                for j, w in enumerate(own)
            ) or rules.praise_phrases.found_in(own)
            clauses.append(
                _Clause(words[0], words[-1], sentence, contrast, tuple(words), lows, praises)
            )

    for k, token in enumerate(tokens):
        if token.kind == "stop":
            close(k)
            start, sentence, contrast = k + 1, sentence + 1, False
        elif token.kind == "soft" and token.raw not in '"“”':
            close(k)
            start = k + 1
        elif token.low in rules.contrast:
            close(k)
            start, contrast = k + 1, True
    close(len(tokens))
    return clauses


def _clause_scores(clauses: list[_Clause], evidence: Evidence) -> list[float]:
    """How much of the leading competency's evidence each clause holds."""
    scores = []
    for clause in clauses:
        points = sum(
            m.points * (1.0 if m.competency == evidence.competency else 0.3)
            for m in evidence.matches
            if clause.first <= m.first <= clause.last
        )
        scores.append(points + (0.5 if clause.after_contrast and points else 0.0))
    return scores


def _sentences(text: str, tokens: list[Token]) -> list[str]:
    found, start = [], 0
    for token in tokens:
        if token.kind == "stop":
            piece = text[start : token.end].strip()
            if any(c.isalpha() for c in piece):
                found.append(piece)
            start = token.end
    piece = text[start:].strip()
    if any(c.isalpha() for c in piece):
        found.append(piece)
    return found


def _words_of(tokens: list[Token], clause: _Clause) -> list[int]:
    return [k for k in range(clause.first, clause.last + 1) if tokens[k].kind == "word"]


# --- the rep's own clause: what they did, left undone, or are asked to do ----------------


def _you_clause(
    text: str, tokens: list[Token], clause: _Clause, rules: _Rules
) -> tuple[str, str, bool] | None:
    """("did", "you read the price sheet off the slide", past?), ("missed", "asking about
    budget", _), ("wants", "let them finish", _), or None."""
    if not _YOU.intersection(clause.lows):
        return None
    words = list(clause.words)
    for position, k in enumerate(words):
        low = tokens[k].low
        if low not in ("you", "youre", "youve", "youd"):
            continue
        if (
            position > 0
            and tokens[words[position - 1]].low in rules.subordinators
            and not _says_what_it_is(tokens, words, position)
        ):
            continue  # "when you showed pricing": a moment, not the main clause
        if _WH_WORDS.intersection(tokens[j].low for j in words[max(0, position - 2) : position]):
            continue  # "how confident you sounded", "what you said": inside another clause
        if position > 0 and _after_quoted_noun(tokens, words, position):
            continue  # 'the "free training" you promised Cobalt Row': about the training
        if (
            position > 1
            and tokens[words[position - 2]].low in _DETERMINERS
            and tokens[words[position - 1]].low not in rules.meeting_words
        ):
            continue  # "the voicemail you left…" is about the voicemail; "the call you…" not
        rest = words[position + 1 :]
        before = tuple(tokens[j].low for j in words[max(0, position - 2) : position])
        if before in _DID_NOT_SEE and rest:
            verb = tokens[rest[0]].low  # "didn't hear you ask about timeline"
            tail = _phrase(text, tokens, rest[1:], rules, allow_empty=True)
            if tail is not None and (verb in rules.imperatives or inflection.is_gerund(verb)):
                return ("missed", " ".join(p for p in (inflection.gerund(verb), tail) if p), True)
        if low == "youre":
            rest_low = [tokens[j].low for j in rest]
            return _quoted_did(text, tokens, k, rest, rules, "youre", rest_low)
        found = _after_you(text, tokens, k, rest, rules)
        if found is not None:
            return found
    return None


def _says_what_it_is(tokens: list[Token], words: list[int], position: int) -> bool:
    """ "it's that you never asked…", "the problem is that you…": the main clause itself."""
    return (
        position > 1
        and tokens[words[position - 1]].low == "that"
        and tokens[words[position - 2]].low in ("its", "is", "was", "thing", "problem", "issue")
    )


def _after_quoted_noun(tokens: list[Token], words: list[int], position: int) -> bool:
    """'the "free training" you promised': a quoted noun with its determiner before "you"
    (but 'they said "too expensive" you offered 15%' is a new clause)."""
    start = position - 1
    if not tokens[words[start]].quoted:
        return False
    while start > 0 and tokens[words[start - 1]].quoted:
        start -= 1
    return start > 0 and tokens[words[start - 1]].low in _DETERMINERS


def _after_you(
    text: str, tokens: list[Token], you: int, rest: list[int], rules: _Rules
) -> tuple[str, str, bool] | None:
    lows = [tokens[j].low for j in rest]
    skip = 0
    while skip < len(lows) and lows[skip] in rules.adverbs and lows[skip] not in ("kept", "keep"):
        skip += 1
    lows_after = lows[skip:]
    directive = _starts_with(lows_after, rules.directives)
    if directive:
        phrase = _phrase(text, tokens, rest[skip + directive :], rules)
        wanted = phrase is not None and _is_base_start(phrase, rules) and len(phrase.split()) > 1
        return ("wants", phrase, False) if wanted and phrase else None  # not "you could tell"
    negation = _starts_with(lows_after, rules.negations)
    if negation:
        after = rest[skip + negation :]
        while after and tokens[after[0]].low in rules.adverbs:
            after = after[1:]
        if not after:
            return None
        verb = tokens[after[0]].low
        if verb in ("ask", "asked") or inflection.is_past(verb) or verb in rules.imperatives:
            if verb in ("have", "had", "been", "be", "do", "did", "know", "knew"):
                return None
            tail = _phrase(text, tokens, after[1:], rules, allow_empty=True)
            if tail is None:
                return None
            missed = " ".join(p for p in (inflection.gerund(verb), tail) if p)
            present = lows_after[0] in ("dont", "do", "cant", "wont")
            return ("missed", missed, not present)
        return None
    return _quoted_did(text, tokens, you, rest, rules, "you", lows)


def _quoted_did(
    text: str,
    tokens: list[Token],
    you: int,
    rest: list[int],
    rules: _Rules,
    subject: str,
    lows: list[str],
) -> tuple[str, str, bool] | None:
    """ "you read the price sheet off the slide" as a clause fit to quote, or None."""
    if not rest:
        return None
    first = 0
    while (
        first < len(lows) and lows[first] in rules.adverbs and lows[first] not in ("kept", "keep")
    ):
        first += 1
    if first >= len(lows):
        return None
    verb = lows[first]
    past = inflection.is_past(verb) or verb in ("kept", "were", "was", "did", "had")
    if subject == "youre":
        if not inflection.is_gerund(verb):
            return None  # "you're at 1.5x", "you're great": not something the rep did
        past = False
    elif not (past or verb in rules.present_verbs or verb in ("keep",)):
        return None
    if (
        verb in ("did", "do", "does")
        and first + 1 < len(lows)
        and lows[first + 1]
        in (
            "a",
            "an",
            "great",
            "good",
            "well",
            "nice",
            "amazing",
            "awesome",
        )
    ):
        return None  # "you did a great job": praise, not a behaviour
    if (
        verb in ("were", "was", "are")
        and first + 1 < len(lows)
        and not (
            inflection.is_gerund(lows[first + 1])
            or lows[first + 1] in ("on", "in", "at", "talking")
        )
    ):
        return None  # "you were great", "you were late": a verdict, not a behaviour
    phrase = _phrase(text, tokens, rest[first:], rules)
    if phrase is None or len(phrase.split()) < 2:
        return None
    words = phrase.split()
    if words[0].lower() in ("kept", "keep"):  # "you kept cutting Sarah off" → "were cutting"
        if len(words) < 2 or not inflection.is_gerund(words[1]):
            return None
        if words[1].lower() == "going":  # "you kept going with your script" → "carried on"
            if not (subject == "you" and past):
                return None
            words[:2] = ["carried", "on"]
        else:
            words[0] = "were" if subject == "you" and past else "are"
            past = words[0] == "were"
    if len(words) <= 2 and words[0].lower() in _CAUSATIVES:
        return None  # "you let Dmitri": what he was let do is in the part that was cut
    if len(words) > 1 and words[0].lower() in _SPEECH_VERBS and words[1].lower() in ("me", "us"):
        return None  # "you told me the EB was on board": said to the manager, not the buyer
    start = "you" if subject == "you" else "you're"
    return ("did", " ".join([start, *words]), past)


def _asked_sentences(tokens: list[Token], clauses: list[_Clause]) -> frozenset[int]:
    """The sentences (by clause numbering) that end in a question mark."""
    asked = set()
    for clause in clauses:
        end = clause.last + 1
        while end < len(tokens) and tokens[end].kind != "stop":
            end += 1
        if end < len(tokens) and tokens[end].raw == "?":
            asked.add(clause.sentence)
    return frozenset(asked)


def _request(text: str, tokens: list[Token], clause: _Clause, rules: _Rules) -> str | None:
    """ "next time, ask about budget" / "pls let them finish" → "ask about budget"."""
    if clause.praises:
        return None  # "Recap email after Veltro was perfect": praise, not a request
    words = list(clause.words)
    lows = list(clause.lows)
    i = 0
    while i < len(lows):
        lead = _starts_with(lows, rules.lead_ins, i)
        if not lead:
            break
        i += lead
    if i >= len(lows) or lows[i] not in rules.imperatives or tokens[words[i]].quoted:
        return None  # "…say 'let me know if you have questions'": the rep's words, not a request
    if i + 1 < len(lows) and lows[i + 1] in _MODALS:
        return None  # "research can be lighter": "research" is a noun here
    if (
        lows[i] in ("do", "be", "have", "go", "come")
        and i + 1 < len(lows)
        and lows[i + 1]
        in (
            "better",
            "more",
            "less",
            "good",
            "great",
        )
    ):
        return None  # "do better": too vague to quote
    phrase = _phrase(text, tokens, words[i:], rules)
    return phrase if phrase and _reads_as_request(phrase) else None


_TALK = frozenset({"talk", "chat", "discuss", "speak"})
_NOT_PAST = frozenset({"need", "feed", "seed", "speed", "breed", "bed", "red", "shed"})
_NOUN_PAIRS = frozenset({"trade show", "call notes", "demo environment", "follow up", "lead list"})
_THIRD_PERSON_VERBS = frozenset(
    {"matters", "is", "was", "needs", "has", "makes", "looks", "seems", "goes", "counts",
     "helps", "works", "comes", "takes", "means", "isnt", "wasnt", "doesnt"}
)  # fmt: skip


def _reads_as_request(phrase: str) -> bool:
    """ "ask what they'd want to see" is a request; "demo for Caspian was" (a noun and its
    verb) and "get Omar" (cut before what Omar should do) are not."""
    words = phrase.split()
    if len(words) < 2 or (len(words) == 2 and words[1][:1].isupper()):
        return False
    verb_at = 2 if words[1].lower() in ("up", "out", "through") and len(words) > 2 else 1
    second = words[verb_at].lower()
    if second in _THIRD_PERSON_VERBS or (second.endswith("ed") and second not in _NOT_PAST):
        return False  # "prep matters…", "call ended with…": a noun and its verb
    if " ".join(w.lower() for w in words[:2]) in _NOUN_PAIRS:
        return False  # "trade show follow up": a noun, not "trade"
    if words[-1].lower() == "out" and words[-2].lower() == "find" and len(words) <= 3:
        return False  # "go find out": find out what?
    if words[0].lower() in _TALK and words[1].lower() in ("about", "through", "it", "this"):
        return False  # "we need to talk about this one": the manager's plan, not a behaviour
    if words[1].lower() in _SUBJECTS or '"' in words[0] or words[1].lower().endswith("'s"):
        return False  # "do we even know?" asks; "'let me know if…'" is someone's words
    return not any(w.lower() in _FINITE for w in words[1:])


def _is_base_start(phrase: str, rules: _Rules) -> bool:
    first = phrase.split()[0].lower()
    return first in rules.imperatives or first in rules.present_verbs


# --- moments, gaps, counterparts --------------------------------------------------------


def _moment(
    text: str, tokens: list[Token], clause: _Clause, rules: _Rules
) -> tuple[str, str | None] | None:
    """("the minute pricing came up", "pricing comes up") for a moment not about the rep."""
    words = list(clause.words)
    lows = list(clause.lows)
    if not rules.moment_starters.found_in(lows):
        return None
    for i in range(len(lows)):
        size = _starts_with(lows, rules.moment_starters, i)
        if not size:
            continue
        body = words[i + size :]
        if len(body) < 2 or tokens[body[0]].low in ("you", "youre", "i", "we"):
            continue
        if i > 0 and lows[i - 1] in _ASKING:
            continue  # "you didn't ask when the grant gets decided": a question, not a moment
        if tokens[body[0]].low in ("our", "my", "us"):
            continue  # "when our ICP is 2k+": a contrast on our side, not a buyer's moment
        if i > 0 and lows[i] in _PREPOSITION_STARTERS and _no_verb_before(tokens, words[:i]):
            continue  # "follow up after the demo took a week": "after" is in the subject
        # The moment ends where the rep's own clause starts: "…short staffed you kept going",
        # "after they said yes and almost talked them out of it" (the rep's second verb).
        end = len(body)
        for j in range(1, len(body)):
            low = tokens[body[j]].low
            if (
                low in ("you", "youre")
                or low in rules.breaks
                or _rep_verb_after_and(tokens, body, j, rules)
            ):
                end = j
                break
        body = body[:end]
        verb_at = next(
            (j for j in range(len(body)) if _verb_like(tokens[body[j]].low, rules) and j > 0),
            None,
        )
        if verb_at is None or verb_at > 4:
            continue
        phrase = _phrase(text, tokens, words[i : i + size] + body, rules, keep_lead=True)
        if phrase is None or len(phrase.split()) < size + 2:
            continue
        if phrase.split()[0].lower() != lows[i]:  # "every time" is filler and was left out
            phrase = f"when {phrase}"
        if rules.praise_words.intersection(w.lower() for w in phrase.split()):
            continue  # "after Veltro was perfect" is praise, not a moment to coach
        return phrase, _next_time(tokens, body, verb_at, rules)
    return None


# Moment words that are also prepositions: after a bare noun ("the follow up after the
# demo took a week") they belong to the subject, not to a moment the rep responded to.
_PREPOSITION_STARTERS = frozenset({"after", "once", "while"})


def _no_verb_before(tokens: list[Token], before: list[int]) -> bool:
    """No verb and no "you" before the moment word: it qualifies a noun, it starts no moment."""
    for k in before:
        low = tokens[k].low
        if low in ("you", "youre", "u", "i", "we", "they") or _verb_form(low):
            return False
        if inflection.is_past(low) or low in _FINITE:
            return False
    return True


def _rep_verb_after_and(tokens: list[Token], body: list[int], j: int, rules: _Rules) -> bool:
    """ "and (almost) talked them out of it": a verb after "and" with no subject is the rep's."""
    if tokens[body[j]].low != "and":
        return False
    k = j + 1
    while k < len(body) and tokens[body[k]].low in rules.adverbs | {"almost", "nearly"}:
        k += 1
    return k < len(body) and inflection.is_past(tokens[body[k]].low)


def _verb_like(low: str, rules: _Rules) -> bool:
    return inflection.is_past(low) or low in ("is", "are", "was", "were", "came", "went", "said")


def _next_time(tokens: list[Token], body: list[int], verb_at: int, rules: _Rules) -> str | None:
    """The moment told as the next time it happens: "a buyer says the budget is frozen"."""
    subject = [tokens[k] for k in body[:verb_at]]
    if not subject:
        return None
    lows = [t.low for t in subject]
    if any(low in _FINITE or low[:1].isdigit() for low in lows):
        return None  # "the grant gets decided", "6 people joined": not a moment that recurs
    is_person = any(low in rules.people for low in lows) or (
        len(subject) <= 3 and all(t.raw[0].isupper() for t in subject if t.low not in _DETERMINERS)
    )
    verb = tokens[body[verb_at]].low
    present = inflection.present_of(verb)
    if present is None:
        return None
    if is_person:
        if verb in ("were", "are"):
            present = "is"
        head = ["a", "buyer"]
    else:
        if any(low in _PRONOUNS for low in lows):
            return None
        head = [
            t.raw if t.raw[0].isupper() and t.low not in _DETERMINERS else t.low for t in subject
        ]
    rest: list[str] = []
    after = body[verb_at + 1 :]
    if after and all(tokens[k].quoted for k in after):  # the buyer's own words stay quoted
        rest = ['"' + " ".join(tokens[k].raw for k in after) + '"']
    for k in after if not rest else ():
        low = tokens[k].low
        if low in rules.drop_words:
            continue
        raw = tokens[k].raw
        rest.append(raw if "'" in raw else {"was": "is", "were": "are", "had": "has"}.get(low, raw))
    while rest and rest[-1].lower() in ("and", "or", "but", "so", "then"):
        rest.pop()  # "…starts asking about price and": the rep's clause came next
    words = [*head, present, *rest]
    if len(words) > _MAX_QUOTED_WORDS or any(w[:1].isdigit() for w in rest):
        return None
    return " ".join(words)


def _gap(text: str, tokens: list[Token], clause: _Clause, rules: _Rules) -> str | None:
    """ "we still don't know who signs or what the budget is" → "who signs or what…"."""
    words = list(clause.words)
    lows = list(clause.lows)
    if not rules.gap_cues.found_in(lows):
        return None
    for i in range(len(lows)):
        size = _starts_with(lows, rules.gap_cues, i)
        if not size:
            continue
        rest = words[i + size :]
        if rest and tokens[rest[0]].low in ("about", "on", "of", "yet"):
            rest = rest[1:]
        if not rest or tokens[rest[0]].low not in (
            "who",
            "what",
            "how",
            "when",
            "why",
            "where",
            "whether",
            "if",
            "their",
            "the",
            "which",
        ):
            continue
        if tokens[rest[0]].low == "if":
            continue
        phrase = _phrase(text, tokens, rest, rules, keep_lead=True)
        if phrase and len(phrase.split()) >= 2:
            return phrase
    return None


def _part(
    text: str, tokens: list[Token], rules: _Rules, verbs: PhraseSet, subjects: tuple[str, ...]
) -> str | None:
    """In a plan for a call, what one person will do: "I'll take over the pricing
    conversation" → "the pricing conversation"; "you just run the intro" → "the intro"."""
    words = [k for k, t in enumerate(tokens) if t.kind in ("word", "stop")]
    lows = [tokens[k].low if tokens[k].kind == "word" else "." for k in words]
    for i, low in enumerate(lows):
        if low not in subjects:
            continue
        j = i + 1
        while j < len(lows) and lows[j] in rules.adverbs | {"can", "will", "to", "going", "be"}:
            j += 1
        size = verbs.longest_at(lows, j)
        if not size:
            continue
        start = words[j + size] if j + size < len(words) else len(tokens)
        rest = []
        for k in range(start, len(tokens)):
            if tokens[k].kind != "word" or tokens[k].low in _PLAN_ENDS:
                break  # "…the pricing part, you just listen": the next part is someone else's
            rest.append(k)
        phrase = _phrase(text, tokens, rest[:_MAX_QUOTED_WORDS], rules)
        if phrase and phrase.split()[0].lower() in _DETERMINERS | {"all", "everything"}:
            return phrase
    return None


# Words that end one person's part of a plan: a time, "myself", the other person.
_PLAN_ENDS = frozenset(
    {
        "tomorrow",
        "today",
        "tonight",
        "myself",
        "yourself",
        "you",
        "i",
        "on",
        "next",
        "this",
        "at",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "and",
        "so",
        "because",
        "while",
    }
)


def _counterpart(
    text: str, tokens: list[Token], situation: Situation | None, rules: _Rules
) -> str | None:
    """The buyer-side person the message is about, by name or role, if it names one."""
    if situation is not None and situation.kind == "person":
        return situation.phrase
    words = [k for k, t in enumerate(tokens) if t.kind == "word"]
    role_words = roles()
    for position, k in enumerate(words):
        low = tokens[k].low
        if low not in ("the", "their") or position + 1 >= len(words):
            continue
        role = []
        for j in words[position + 1 : position + 4]:
            if tokens[j].low in role_words and tokens[j].low != "of":
                role.append(j)
            else:
                break
        if role and any(tokens[j].low in rules.specific_roles for j in role):
            return " ".join([low] + [_role_text(tokens[j]) for j in role])
    return None


def _role_text(token: Token) -> str:
    return token.raw if token.raw.isupper() or token.raw[0].isupper() else token.low


def _quote(text: str, tokens: list[Token], rules: _Rules) -> str | None:
    """What the buyer said, as quoted: never the rep's own words ("you said 'I'll check'")."""
    for m in _QUOTE.finditer(text):
        if _speaker(tokens, m.start()) != "buyer":
            continue
        quoted = " ".join(m.group(1).split()).strip(" ,.!?")
        words = quoted.lower().split()
        if _MIN_QUOTE_WORDS <= len(words) <= _MAX_QUOTED_WORDS and not (set(words) & rules.loaded):
            return quoted
    return None


def _speaker(tokens: list[Token], at: int) -> str | None:
    """Who said the words quoted at ``at``: the nearest speaker before it in the sentence,
    "rep" for "you … 'no rush'", "buyer" for "they said 'send me some info'"."""
    before = [t for t in tokens if t.end <= at]
    verb_at = None
    for k in range(len(before) - 1, -1, -1):
        token = before[k]
        if token.kind == "stop":
            break
        if token.low in _SPEECH_VERBS:
            verb_at = k
            break
    if verb_at is None:
        return None  # "the close plan is 'hoping for end of month'": nobody said it
    for token in reversed(before[:verb_at]):  # the speaker is the subject of that verb
        if token.kind == "stop":
            return None
        if token.low in _YOU:
            return "rep"
        if token.low in _BUYER_SIDE or (token.kind == "word" and token.raw[0].isupper()):
            return "buyer"
    return None


def _upcoming(tokens: list[Token], behaviour_past: bool, rules: _Rules) -> bool:
    """The call is still to come ("for the Acme call tomorrow…"), and nothing is told as
    having happened already ("…like yesterday", "you never asked")."""
    if behaviour_past:
        return False
    lows = [t.low for t in tokens if t.kind == "word" and not t.quoted]  # not "'next week'"
    if not rules.future.found_in(lows):
        return False
    future = any(
        _starts_with(lows, rules.future, i) and (i == 0 or lows[i - 1] not in ("not", "than"))
        for i in range(len(lows))
    )
    return future and not _has_any(lows, rules.strong_past)


# --- praise -------------------------------------------------------------------------------


def _praises(tokens: list[Token], clause: _Clause, rules: _Rules) -> bool:
    return clause.praises


def _praised(
    text: str, tokens: list[Token], clauses: list[_Clause], rules: _Rules
) -> Praise | None:
    """What the manager praised: "summarising their goals", "your energy", "the demo"."""
    how = _praised_how(text, tokens, clauses, rules) or _praised_done(text, tokens, clauses, rules)
    if how is not None:
        return how
    for clause in clauses:
        if clause.after_contrast or not _praises(tokens, clause, rules):
            continue
        words = list(clause.words)
        lows = list(clause.lows)
        for i, low in enumerate(lows):
            if _did_well_at(lows, i):  # "did well getting the meeting at…"
                phrase = _phrase(text, tokens, words[i + 1 :], rules)
                if phrase:
                    return Praise(phrase, "gerund")
            comparative = low == "better" and i >= 1 and lows[i - 1] in ("way", "much", "lot")
            if (
                low not in rules.praise_words
                and low not in ("nailed", "crushed", "smashed")
                and not comparative
            ):
                continue
            if i >= 2 and lows[i - 1] in ("a", "an") and lows[i - 2] in ("youre", "are"):
                continue  # "you're a fantastic demoer": the person, not something they did
            copula = i - 1
            if i >= 3 and lows[i - 1] in ("the", "so", "really", "very", "super", "way", "much"):
                copula = i - 2  # "your product knowledge is the best on the team"
            if copula >= 1 and lows[copula] in ("was", "is", "were", "looked", "felt", "sounded"):
                subject = _phrase(text, tokens, words[:copula], rules)  # "your recap was perfect"
                first_word = subject.split()[0].lower() if subject else ""
                if subject and (
                    first_word in ("your", "the", "that", "this") or first_word in rules.events
                ):  # "demo was sharp" too
                    found = _praise_form(subject, rules)
                    if found is not None:
                        return found
                continue
            after = words[i + 1 :]
            after_low = lows[i + 1 :]
            for j in range(len(after_low) - 1):
                if after_low[j : j + 2] in (["how", "you"], ["way", "you"]):
                    phrase = _phrase(text, tokens, after[j + 1 :], rules)
                    if phrase and phrase.split()[0].lower() == "you":
                        return Praise(phrase, "clause")
                    break
            while after_low and (
                after_low[0] in _PRAISE_LEADS
                or (
                    after_low[0] == "call"
                    and len(after_low) > 1
                    and inflection.is_gerund(after_low[1])  # "great call disqualifying…"
                )
            ):
                after, after_low = after[1:], after_low[1:]
            phrase = _phrase(text, tokens, after, rules)
            if not phrase:
                continue
            return _praise_form(phrase, rules)
    return _praised_for(text, tokens, clauses, rules)


def _praised_done(
    text: str, tokens: list[Token], clauses: list[_Clause], rules: _Rules
) -> Praise | None:
    """ "nice work on Greystone, held the price and got them to 2 yrs": a clause with no
    subject right after the praise, starting with what was done, is what the rep did."""
    for before, clause in itertools.pairwise(clauses):
        if clause.after_contrast:
            return None
        if not before.praises or not clause.lows or not inflection.is_past(clause.lows[0]):
            continue  # the cheap checks first: a praise word before, a past verb to start
        if not _praises(tokens, before, rules) or _praises(tokens, clause, rules):
            continue
        first = clause.lows[0] if clause.lows else ""
        second = clause.lows[1] if len(clause.lows) > 1 else ""
        if inflection.is_past(first) and first not in _NOT_DONE and second not in _PREPOSITIONS:
            phrase = _phrase(text, tokens, list(clause.words), rules)
            if phrase and len(phrase.split()) > 2:
                return Praise(f"you {phrase}", "clause")
    return None


# Past verbs that start no deed of the rep's: a state, or what the deed led to ("saved us
# weeks of chasing").
_NAME_PREPOSITIONS = frozenset({"to", "with", "at", "for", "from", "on", "in", "of", "by"})
_NOT_DONE = frozenset(
    {"was", "were", "had", "did", "said", "seemed", "felt", "looked", "saved", "won", "landed",
     "made", "brought", "got", "earned", "meant", "turned", "went", "came", "sent"}
)  # fmt: skip


def _did_well_at(lows: list[str], i: int) -> bool:
    return (
        lows[i] == "well"
        and 1 <= i < len(lows) - 1
        and lows[i - 1] in ("did", "done")
        and inflection.is_gerund(lows[i + 1])
    )


def _praised_how(
    text: str, tokens: list[Token], clauses: list[_Clause], rules: _Rules
) -> Praise | None:
    """ "you nailed the Fenwick renewal, the way you tied their usage to their goals…",
    "loved that you sent the recap within the hour": what the rep did, said as a clause,
    is what to reinforce, rather than the verdict ("nailed", "great") beside it. Only in
    the praising part of a message, from its first praising clause on."""
    # A message of praise alone may say what the rep did before the word of praise: "the
    # way you handled the angry customer at Tallis was really calm… well done".
    alone = not any(c.after_contrast for c in clauses)
    praising = alone and any(_praises(tokens, c, rules) for c in clauses)
    for clause in clauses:
        if clause.after_contrast:
            break
        praising = praising or _praises(tokens, clause, rules)
        if not praising:
            continue
        words, lows = list(clause.words), list(clause.lows)
        for j in range(len(lows) - 1):
            if lows[j] in ("way", "how", "that") and lows[j + 1] == "you":
                if lows[j] == "that" and (j == 0 or lows[j - 1] not in _PRAISE_THAT):
                    continue  # "that" praises only after "loved", "liked"…
                span = words[j + 1 :]
                # "the way you tied their usage to their goals got the CFO to sign": the
                # clause ends where what it led to begins.
                ends = [k for k in range(3, len(span)) if lows[j + 1 + k] in _LED_TO]
                phrase = _phrase(text, tokens, span[: ends[0]] if ends else span, rules)
                if phrase and phrase.split()[0].lower() == "you" and len(phrase.split()) > 2:
                    return Praise(phrase, "clause")
    return None


# Verbs that say what a praised way of working led to: the praise's clause stops there.
_LED_TO = frozenset(
    {"got", "made", "helped", "landed", "won", "was", "is", "meant", "turned", "saved",
     "sealed", "worked", "brought", "changed", "earned", "kept", "opened", "unlocked"}
)  # fmt: skip


# "loved that you…", "great that you…": "that" opens what was done.
_PRAISE_THAT = frozenset({"loved", "love", "liked", "like", "great", "nice", "glad", "awesome"})


def _praised_for(
    text: str, tokens: list[Token], clauses: list[_Clause], rules: _Rules
) -> Praise | None:
    """ "👏 for getting the EB on a call in week 2", "kudos on disqualifying Penhallow": the
    thing done, when the praise itself was an emoji or a word of thanks."""
    for number, clause in enumerate(clauses):
        lows = list(clause.lows)
        if number == 0 and lows and inflection.is_gerund(lows[0]):
            start = 0  # "👏 for getting…": the lead "for" was cleaned away with the emoji
        else:
            found = [i + 1 for i in range(min(len(lows) - 1, 4)) if lows[i] in ("for", "on")]
            start = next((i for i in found if inflection.is_gerund(lows[i])), -1)
        if start >= 0:
            phrase = _phrase(text, tokens, list(clause.words[start:]), rules)
            return _praise_form(phrase, rules) if phrase else None
    return None


def _praise_form(phrase: str, rules: _Rules) -> Praise | None:
    words = phrase.split()
    while (
        len(words) > 1
        and words[-1][:1].isupper()
        and words[-2][:1].islower()
        and words[-2].lower() not in _PREPOSITIONS | _NAME_PREPOSITIONS
    ):
        words.pop()  # "solid month Aarav": the rep spoken to, not part of what was praised
    phrase = " ".join(words)
    first = words[0].lower()
    if len(words) > 12 or first in (
        "you",
        "i",
        "we",
        "it",
        "that",
        "this",
        "to",
        "and",
        "one",
        "ones",
        "thing",
        "of",
        "job",
        "call",
    ):
        return None
    if {w.lower() for w in words} & {"i", "i've", "i'd", "me", "my", "we", "us"}:
        return None
    if first in _PREPOSITIONS or (
        not inflection.is_gerund(first) and any(w.lower() in _FINITE for w in words)
    ):
        return None  # "on the team", "Chiara is excellent": not a thing the rep did
    if all(w[0].isupper() for w in words):
        return None  # "Stark Industries": an account, not something the rep did
    if inflection.is_gerund(first):
        return Praise(phrase, "gerund")
    if first in ("the", "your", "their", "our", "that", "this"):
        # The head noun ends the noun phrase: "the discovery questions" are questions, "the
        # renewal with Piedmont" a renewal.
        lows = [w.lower() for w in words[1:]]
        cut = next((k for k, w in enumerate(lows) if w in _PREPOSITIONS), len(lows))
        head = lows[cut - 1] if cut else ""
        return Praise(phrase, "event" if head in rules.events else "quality")
    if first in rules.events or (len(words) > 1 and words[-1].lower() in rules.events):
        return Praise("the " + phrase, "event")
    if words[-1].lower() in ("today", "yesterday", "earlier"):
        return None
    if len(words) > 3 or not words[0].islower():
        return None  # "your rapport with Chiara" reads; a longer bare phrase rarely does
    return Praise("your " + phrase, "quality")


# --- quoting a piece of the message -------------------------------------------------------


def _phrase(
    text: str,
    tokens: list[Token],
    indices: list[int],
    rules: _Rules,
    *,
    allow_empty: bool = False,
    keep_lead: bool = False,
) -> str | None:
    """The words at ``indices``, cut at the first break, without judgement or filler.

    None when what is left judges the person, is too long to quote, or is empty.
    """
    lows = [tokens[k].low for k in indices]
    dropped_intensity = False
    cut = len(indices)
    # Set lookups first: a phrase is only looked for where one can start.
    break_firsts = rules.breaks_multi.firsts
    moment_firsts = rules.moment_starters.firsts
    for i in range(len(lows)):
        if i == 0 and keep_lead:
            continue
        low = lows[i]
        if low in rules.breaks or (
            low in break_firsts and _starts_with(lows, rules.breaks_multi, i)
        ):
            cut = i
            break
        if (
            lows[i] == "and"
            and i + 1 < len(lows)
            and i > 0
            and (
                lows[i + 1] in rules.adverbs
                or _starts_with(lows, rules.negations, i + 1)
                or inflection.is_past(lows[i + 1])
            )
        ):
            cut = i  # "you read your slides during the pitch and never looked up": two things
            break
        size = (
            _starts_with(lows, rules.moment_starters, i)
            if i > 0 and not keep_lead and low in moment_firsts
            else 0
        )
        if size and not (i + size < len(lows) and inflection.is_gerund(lows[i + size])):
            cut = i  # "…the minute pricing came up" starts a moment; "after naming" does not
            break
    indices, lows = indices[:cut], lows[:cut]
    kept: list[str] = []
    drop_firsts = rules.drop_phrases.firsts
    i = 0
    soften_firsts = rules.soften_phrases.firsts
    while i < len(indices):
        if lows[i] in soften_firsts:
            said = rules.soften_phrases.phrase_at(lows, i)
            if said is not None:  # "gave away 15%" → "offered 15%"
                kept.extend(rules.soften_said[said].split())
                i += len(said)
                continue
        count = _frequency_at(lows, i)
        if count:  # "interrupted the CFO 6 times": a tally read back is an accusation
            i += count
            continue
        size = _starts_with(lows, rules.drop_phrases, i) if lows[i] in drop_firsts else 0
        if size:
            if lows[i : i + size] and " ".join(lows[i : i + size]) in rules.intensity:
                dropped_intensity = True
            i += size
            continue
        token = tokens[indices[i]]
        low = token.low
        if token.quoted:  # someone's own words: kept as they were said, in quotes
            run = [token.raw]
            while i + 1 < len(indices) and tokens[indices[i + 1]].quoted:
                i += 1
                run.append(tokens[indices[i]].raw)
            kept.append('"' + " ".join(run) + '"')
            i += 1
            continue
        if low in rules.loaded and not (low == "nothing" and i and lows[i - 1] in _DO):
            return None  # but "what happens if they do nothing" is the buyer's choice
        if low == "like" and not (
            i + 1 < len(lows) and (lows[i + 1][:1].isdigit() or _frequency_at(lows, i + 1))
        ):
            kept.append(token.raw)  # "what success looks like"; but "like 4 times" → "4 times"
            i += 1
            continue
        if low in rules.drop_words and not (keep_lead and i == 0):
            i += 1
            continue
        soft = rules.soften.get(token.raw.lower())
        if soft:
            kept.extend(soft.split())
        else:
            kept.append(_word_text(token, rules))
        i += 1
    while (
        kept
        and kept[-1].lower() in rules.trailing
        and not (kept[-1].lower() in _PARTICLES and len(kept) > 1 and _verb_form(kept[-2]))
        and not (len(kept) > 1 and kept[-2].lower() in _STRANDING)
    ):
        kept.pop()
    for time_phrase in rules.time_words:
        size = len(time_phrase)
        if len(kept) > size and tuple(w.lower() for w in kept[-size:]) == time_phrase:
            kept = kept[:-size]
    if not kept:
        return "" if allow_empty else None
    if len(kept) > _MAX_QUOTED_WORDS:
        cuts = [k for k in range(3, _MAX_QUOTED_WORDS + 1) if kept[k].lower() in _SOFT_BREAKS]
        if not cuts:
            return None
        kept = kept[: cuts[-1]]  # the longest piece that ends before a new thought
        while kept and kept[-1].lower() in rules.trailing:
            kept.pop()
    if not kept:
        return None
    if len(kept) <= 3 and kept[-1].lower() in _VAGUE_ENDINGS:
        return None  # "you ignored it": what "it" was is not in the clause
    if dropped_intensity and _vacuous(kept, rules):
        return None  # "you talked too much" is about how much: "you talked" says nothing
    return " ".join(kept)


def _vacuous(kept: list[str], rules: _Rules) -> bool:
    """Only a verb and where it happened: nothing a question could be about."""
    content = [
        w
        for w in kept[1:]
        if w.lower() not in rules.trailing
        and w.lower() not in _DETERMINERS
        and w.lower() not in ("call", "calls", "demo", "meeting", "today", "yesterday")
        and not w[0].isupper()
    ]
    return len(content) == 0


def _topic_outside(topic: str | None, situation: Situation | None) -> str | None:
    """ "the deck" in "the pricing deck is 40 slides" is the situation, not a topic."""
    if topic is None or situation is None:
        return topic
    return None if topic.split()[-1].lower() in situation.phrase.lower().split() else topic


def _without_situation(piece: str | None, situation: Situation, rules: _Rules) -> str | None:
    """ "you read the slides on the Acme call" → "you read the slides": a question puts
    the situation back where it reads best."""
    if not piece:
        return piece
    low = piece.lower()
    target = situation.phrase.lower()
    bare = " ".join(w for w in target.split() if w not in _DETERMINERS)
    for preposition in ("on", "in", "at", "during", "from"):
        inner = f" {preposition} {target} "  # "you offered 3 months free on the Hooli expansion
        at = low.find(inner)  # before they asked" → "…free before they asked"
        if at > 0:
            return piece[:at] + " " + piece[at + len(inner) :]
    for ending in (target, bare):
        if ending and low.endswith(ending) and len(low) > len(ending):
            words = piece[: len(piece) - len(ending)].split()
            if words and words[-1].lower() in ("before", "after", "ahead", "for", "to", "of"):
                return piece  # "the agenda email before the Blackmoor call" stays whole
            while words and words[-1].lower() in rules.trailing | _DETERMINERS:
                words.pop()
            return " ".join(words) if len(words) >= 2 else None
    return piece


def _verb_form(word: str) -> bool:
    low = word.lower()
    return inflection.is_past(low) or inflection.is_gerund(low) or inflection.is_irregular_form(low)


def _word_text(token: Token, rules: _Rules) -> str:
    raw = token.raw
    if raw.lower() in ("i", "i'm", "i've", "i'd", "i'll"):
        return raw[0].upper() + raw[1:]
    if (
        raw[0].isupper()
        and not raw.isupper()
        and (
            token.low in rules.imperatives
            or token.low in rules.present_verbs
            or token.low in rules.common
        )
    ):
        return raw.lower()  # "Explore it next time" quoted mid-sentence
    return raw


_LEAD_IN_SEPARATOR = re.compile(r":\s+|\s+[-–—]+\s+")
# A lead-in that only says a question follows: "Question for Priya", "something I'd like to
# ask Olivia", "q for sam". One that says something else ("thinking about the Pemberton
# call", "the value prop wasn't clear") is part of the message and stays.
_ASKING_LEAD_IN = re.compile(r"\b(?:questions?|qs?|ask|asking)\b", re.IGNORECASE)


_COUNTS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"})
_EVERY_UNITS = frozenset({"minutes", "mins", "min", "seconds", "secs", "sec"})


def _frequency_at(lows: list[str], i: int) -> int:
    """How many words from ``i`` tally how often ("6 times", "every 2 minutes", "twice"),
    0 when none do."""
    if lows[i] in ("twice", "thrice"):
        return 1
    counted = lows[i][:1].isdigit() or lows[i] in _COUNTS
    if counted and i + 1 < len(lows) and lows[i + 1] in ("times", "x"):
        return 2
    if lows[i] == "every" and i + 2 < len(lows) and lows[i + 2] in _EVERY_UNITS:
        return 3 if lows[i + 1][:1].isdigit() or lows[i + 1] in _COUNTS else 0
    return 0


def _tidy_question(sentence: str) -> str:
    """The manager's question as it could be sent: capital letter, one question mark, and
    without a lead-in addressed to Coach ("Question for Priya after the Zenith call - what
    did you hear…?" is sent as "What did you hear…?")."""
    question = sentence.strip().strip("-–—*_ ")
    question = re.sub(r"\?+$", "?", question.rstrip(" .!"))
    if not question.endswith("?") or len(question) < 8:
        return ""
    for separator in _LEAD_IN_SEPARATOR.finditer(question):
        lead_in, rest = question[: separator.start()], question[separator.end() :]
        asks = "?" in lead_in or check_question(lead_in + "?").open
        if not asks and _ASKING_LEAD_IN.search(lead_in) and check_question(rest).open:
            question = rest
            break
    heading = _QUESTION_HEADING.match(question)
    if heading and check_question(question[heading.end() :]).open:
        question = question[heading.end() :]  # "before the partner QBR: what does…?"
    tail = _CLOSED_TAIL.search(question)
    if tail and check_question(question[: tail.start()] + "?").open:
        question = question[: tail.start()] + "?"  # "…, and have you spoken to them yet?"
    return question[0].upper() + question[1:]


# A heading before the question: a few words and a colon ("before the partner QBR:").
_QUESTION_HEADING = re.compile(r"^(?:[\w'&-]+\s+){0,5}[\w'&-]+:\s+")
# A yes/no question joined to an open one: cut, so the open one can be kept as it is.
_CLOSED_TAIL = re.compile(
    r",?\s+(?:and|or)\s+(?:have|has|did|do|does|is|are|was|were|can|could|will|would)\s"
    r"[^?]*\?$",
    re.IGNORECASE,
)


def _starts_with(lows: list[str], phrases: PhraseSet, at: int = 0) -> int:
    """The length of the longest phrase that starts at ``lows[at]``, or 0."""
    return phrases.longest_at(lows, at)


def _has_any(lows: list[str], phrases: PhraseSet) -> bool:
    return phrases.found_in(lows)


# --- the rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rules:
    drop_words: frozenset[str]
    drop_phrases: PhraseSet
    soften: Mapping[str, str]
    soften_phrases: PhraseSet
    soften_said: Mapping[tuple[str, ...], str]
    loaded: frozenset[str]
    adverbs: frozenset[str]
    negations: PhraseSet
    directives: PhraseSet
    lead_ins: PhraseSet
    imperatives: frozenset[str]
    present_verbs: frozenset[str]
    breaks: frozenset[str]
    breaks_multi: PhraseSet
    time_words: tuple[tuple[str, ...], ...]
    moment_starters: PhraseSet
    subordinators: frozenset[str]
    people: frozenset[str]
    specific_roles: frozenset[str]
    gap_cues: PhraseSet
    future: PhraseSet
    strong_past: PhraseSet
    praise_words: frozenset[str]
    praise_phrases: PhraseSet
    contrast: frozenset[str]
    events: frozenset[str]
    trailing: frozenset[str]
    common: frozenset[str]
    off_call_verbs: frozenset[str]
    manager_verbs: PhraseSet
    rep_verbs: PhraseSet
    meeting_words: frozenset[str]
    intensity: frozenset[str]


def _phrases(items: list[str]) -> PhraseSet:
    return PhraseSet(phrase_tokens(item) for item in items)


@cache
def _rules() -> _Rules:
    data = prompts.load("reframe/extraction")
    words = data["words"]
    taxonomy = prompts.load("reframe/taxonomy")
    situation = prompts.load("reframe/situation")
    single_breaks = {p for p in map(phrase_tokens, words["clause_breaks"]) if len(p) == 1}
    praise = taxonomy["clauses"]["praise"]
    return _Rules(
        drop_words=frozenset(w.lower().replace("'", "") for w in data["drop_words"]),
        drop_phrases=_phrases(data["drop_phrases"]),
        soften=MappingProxyType({k.lower(): v for k, v in data["soften"].items() if " " not in k}),
        soften_phrases=PhraseSet(phrase_tokens(k) for k in data["soften"] if " " in k),
        soften_said=MappingProxyType(
            {phrase_tokens(k): v for k, v in data["soften"].items() if " " in k}
        ),
        loaded=frozenset(w.lower() for w in words["loaded"]),
        adverbs=frozenset(w.lower() for w in words["adverbs"]),
        negations=_phrases(words["negations"]),
        directives=_phrases(words["directives"]),
        lead_ins=_phrases(words["imperative_lead_ins"]),
        imperatives=frozenset(w.lower() for w in words["imperative_verbs"]),
        present_verbs=frozenset(w.lower() for w in words["imperative_verbs"])
        | frozenset(
            {
                "interrupt",
                "ramble",
                "rush",
                "jump",
                "pitch",
                "skip",
                "miss",
                "over",
                "discount",
                "forget",
                "ignore",
                "wait",
                "spend",
                "talk",
                "seem",
                "sound",
                "tend",
                "go",
                "keep",
                "lose",
                "cave",
                "fold",
                "argue",
                "sell",
                "oversell",
                "undersell",
                "assume",
                "overexplain",
                "leave",
                "move",
            }
        ),
        breaks=frozenset(p[0] for p in single_breaks) | frozenset({"because", "which", "so"}),
        breaks_multi=_phrases([b for b in words["clause_breaks"] if len(b.split()) > 1]),
        time_words=tuple(
            sorted({phrase_tokens(w) for w in words["time_words"]}, key=len, reverse=True)
        ),
        moment_starters=_phrases(words["moment_starters"]),
        subordinators=frozenset(
            {
                "when",
                "whenever",
                "once",
                "after",
                "while",
                "if",
                "as",
                "before",
                "until",
                "since",
                "because",
                "that",
                "how",
                "what",
                "where",
                "why",
                "who",
                "whether",
            }
        ),
        people=frozenset(w.lower() for w in words["people"]),
        specific_roles=frozenset(situation["roles"]) - frozenset(situation["generic_roles"]),
        gap_cues=_phrases(words["gap_cues"]),
        future=_phrases(words["future"]),
        strong_past=_phrases(
            [
                p
                for p in words["past"]
                if len(p.split()) > 1
                or p in ("yesterday", "earlier", "ago", "rewatched", "listened back")
            ]
        ),
        praise_words=frozenset(
            p for p in (t[0] for t in map(phrase_tokens, praise) if len(t) == 1)
        ),
        praise_phrases=_phrases([p for p in praise if len(p.split()) > 1]),
        contrast=frozenset({"but", "however", "though", "tho", "although", "except"}),
        events=frozenset(
            {
                "call",
                "demo",
                "meeting",
                "pitch",
                "presentation",
                "qbr",
                "session",
                "deck",
                "renewal",
                "discovery",
                "close",
                "negotiation",
                "workshop",
                "kickoff",
                "review",
                "proposal",
                "email",
                "recap",
                "follow-up",
                "opener",
                "intro",
                "week",
                "quarter",
                "month",
                "day",
                "job",
            }
        ),
        trailing=frozenset(
            {
                "and",
                "or",
                "so",
                "to",
                "the",
                "a",
                "an",
                "of",
                "with",
                "for",
                "on",
                "in",
                "at",
                "your",
                "their",
                "about",
                "that",
                "which",
                "when",
                "then",
                "like",
                "from",
                "during",
                "after",
                "over",
            }
        ),
        common=english_words(),
        meeting_words=heads() | {"today", "yesterday", "morning", "week", "time"},
        manager_verbs=_phrases(words["manager_verbs"]),
        rep_verbs=_phrases(words["rep_verbs"]),
        off_call_verbs=frozenset(w.lower() for w in words["off_call_verbs"]),
        intensity=frozenset(
            {
                "way too much",
                "too much",
                "a lot",
                "too long",
                "way too long",
                "too many",
                "way too many",
                "like crazy",
                "the whole time",
                "all the time",
                "too fast",
                "way too fast",
            }
        ),
    )


def extraction_rules_loaded() -> bool:
    """Compile the word lists now (the engine warms up once at start)."""
    return _rules() is not None and not_names() is not None
