"""Step 5: what kind of message this is, read first, as a coach would.

Not every message is coaching material. Praise is reinforced, not turned into a weakness;
a KPI is a results conversation; lateness or CRM hygiene is an expectation to state
plainly; a manager taking over a call is team selling; a message that already asks a good
question keeps it; "do better" asks the manager for the moment. Sarcasm ("super helpful
🙃", "great job losing that one") is not praise, and neither are words of praise someone
else said ("your notes say 'good call'"). What the rep did, told or quoted, is coaching
even when no skill is named clearly; numbers with a behaviour are coaching too. The phrases are in
``prompts/reframe/triage.toml``; the checks run in the order listed there.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from types import MappingProxyType

import prompts
from bot.domain.reframing.cleaning import Cleaned, Token
from bot.domain.reframing.evidence import Evidence, phrase_tokens, weigh
from bot.domain.reframing.extraction import Facts, Metric
from bot.domain.reframing.phrases import PhraseSet
from bot.domain.reframing.scoring import check_question, judging_words

_Phrases = PhraseSet
_CONTRAST = frozenset({"but", "though", "tho", "however", "although", "except", "yet"})
# Words in single quotes ("your notes say 'good call'", "you said 'to be honest'"): someone's
# words, not the manager's. The tokens only know double quotes; an apostrophe inside a word
# ("you're") neither opens nor closes one.
_SINGLE_QUOTED = re.compile(r"(?<![\w'‘’])['‘](?=[^\W_])[^\n]*?[\w?.!,%]['’](?![\w'’])")


@dataclass(frozen=True)
class Reading:
    """How the message was read: its kind, and for an expectation which one."""

    kind: str
    competency: str | None
    topic: str | None = None  # the expectation's topic ("lateness", "crm"…)
    metric: Metric | None = None  # results: the number the message is about


def is_sarcastic(cleaned: Cleaned, tokens: list[Token]) -> bool:
    """Praise words that are not praise: 🙃, "super helpful", "great job losing that one"."""
    rules = _rules()
    if cleaned.emoji & rules.sarcasm_emoji:
        return True
    lows = _lows(tokens)
    if _find(lows, rules.sarcasm_phrases):
        return True
    if rules.praise_words.isdisjoint(lows) and not rules.praise_phrases.found_in(lows):
        return False  # no praise to be sarcastic with
    if _praise_beside_a_bad_outcome(tokens, rules):
        return True
    # Praise and a bad outcome in the same clause.
    clause: list[str] = []
    for token in [*tokens, None]:
        if token is None or token.kind == "stop" or token.raw == "," or token.low in _CONTRAST:
            words = clause
            if _has_praise_words(words) and any(w in rules.sarcasm_outcomes for w in words):
                return True
            clause = []
        elif token.kind == "word":
            if token.low == "it" and clause and clause[-1] in rules.praise_idioms:
                clause.pop()  # "killed it", "crushed it": praise, not a bad outcome
            clause.append(token.low)
    return False


def _praise_beside_a_bad_outcome(tokens: list[Token], rules: _Rules) -> bool:
    """ "Another no-show at the Kessler demo because nobody confirmed. Amazing.": a
    sentence that is only praise, in a message that reports a bad outcome or a zero."""
    sentences: list[list[str]] = [[]]
    for token in tokens:
        if token.kind == "stop":
            sentences.append([])
        elif token.kind == "word":
            sentences[-1].append(token.low)
    sentences = [words for words in sentences if words]
    if len(sentences) < 2:
        return False
    alone = any(
        _has_praise_words(words)
        and len(words) <= 4
        and all(w in rules.praise_words or w in rules.standalone_fillers for w in words)
        for words in sentences
    )
    if not alone:
        return False
    words = [w for sentence in sentences for w in sentence]
    bad = any(w in rules.sarcasm_outcomes for w in words) or "noshow" in words
    bad = bad or any(a == "no" and b == "show" for a, b in itertools.pairwise(words))
    zero = any(a in ("0", "zero") and b in rules.zero_counted for a, b in itertools.pairwise(words))
    return bad or zero


def has_praise_emoji(cleaned: Cleaned) -> bool:
    """Whether the message had a praising emoji ("🔥", ":clap:")."""
    return not cleaned.emoji.isdisjoint(_rules().praise_emoji)


def triage(
    cleaned: Cleaned,
    tokens: list[Token],
    evidence: Evidence,
    facts: Facts,
    *,
    english: bool,
    sarcastic: bool,
) -> Reading:
    """The kind of ``cleaned`` (see ``KINDS``), and the competency that goes with it."""
    rules = _rules()
    lows = _lows(tokens)
    if not english:
        return Reading("other_language", None)
    if not any(low != "." for low in lows):
        if cleaned.emoji & rules.praise_emoji and not sarcastic:
            return Reading("praise", None)  # "🔥🔥"
        return Reading("too_vague", None)
    quoted_any = any(t.quoted for t in tokens)
    said = _lows([t for t in tokens if not t.quoted]) if quoted_any else lows  # not "let me run…"
    if _find(said, rules.team_selling) or _takes_over(said, rules):
        # "you just listen", "take notes" are the manager's plan, not a skill named: the
        # skill is read without them ("I'll handle the security objection" → objections).
        planned = weigh([t for t in tokens if t.low not in rules.plan_words])
        return Reading("team_selling", planned.competency or planned.weak_competency)
    topic = _expectation(lows, rules)
    if (
        topic is not None
        and not _coaching_outweighs(evidence, topic, rules)
        and not (topic in rules.deal_topics and _names_a_deal(facts))
    ):
        return Reading("expectation", rules.topic_competency.get(topic), topic)
    quoted = _quoted_spans(cleaned.text, tokens)
    grounded = bool(
        facts.behaviour or facts.missed or facts.moment or facts.gap or facts.alternative
    )
    praised = not sarcastic and (
        _praises(tokens, quoted, facts.praise_clauses > 0, rules)
        or bool(cleaned.emoji & rules.praise_emoji)
    )
    # Someone's words quoted ("you said 'does that make sense?'"), not a scare-quoted word
    # ("really 'great' demo").
    quotes = quoted[1] or any(" " in cleaned.text[a:b].strip() for a, b in quoted[0])
    if _is_results(lows, facts, evidence, grounded, quotes, praised, rules):
        metric = find_metric(tokens, facts)
        return Reading("results", _results_competency(lows, evidence, rules, metric), None, metric)
    if _already_coaching(facts, tokens):
        return Reading("already_coaching", evidence.competency)
    competency = evidence.competency
    if praised:
        # A growth area said in so many words ("the risk:", "where it slipped", "tho")
        # makes it mixed even when the skill is only hinted at; a directive or a word of
        # a bad performance ("a bit rushed") only with a skill or a behaviour named.
        # The manager's own words: a buyer's "exactly what we need" is not a need.
        own = [t.low for t in tokens if not t.quoted]
        stated = facts.gap is not None or facts.missed is not None or _find(own, rules.growth)
        growth = (
            stated
            or (facts.directives > 0 and not _find(lows, rules.keep_going))
            or any(w in rules.growth_words for w in own)
        )
        if growth and (grounded or competency is not None):
            return Reading("mixed", competency)
        if stated and evidence.weak_competency is not None:
            return Reading("mixed", evidence.weak_competency)
        if not growth or competency is None:
            return Reading("praise", competency or evidence.weak_competency)
    # What the rep did, left undone or was told at a moment, in the manager's words or
    # quoted: coaching even with no skill named. A request alone ("you need to be more
    # strategic") is not enough.
    told = bool(facts.behaviour or facts.missed or facts.moment or facts.gap)
    concrete = told or quotes or _told_of_a_call(lows, facts, rules)
    # What to do, about a named call or account: "…at the Halverson dealership. book the visit".
    concrete = concrete or (facts.alternative is not None and facts.situation is not None)
    if facts.situation is not None and rules.observe.found_in(lows):
        concrete = True  # the manager will sit in on a named call: pre-call coaching
    if sarcastic and not (grounded or concrete) and evidence.weak_competency is None:
        return Reading("too_vague", None)  # "wow super helpful call today 🙃"
    if competency is None and (concrete or facts.situation is not None or facts.numbers):
        competency = evidence.weak_competency  # a hint, but in a specific message
    if competency is None and not concrete:
        return Reading("too_vague", None)
    return Reading("coaching", competency)


# --- the checks ---------------------------------------------------------------------------


def _quoted_spans(text: str, tokens: list[Token]) -> tuple[tuple[tuple[int, int], ...], bool]:
    """Where ``text`` quotes someone in single quotes, and whether it quotes in double ones."""
    spans: tuple[tuple[int, int], ...] = ()
    if "'" in text or "‘" in text:
        spans = tuple(m.span() for m in _SINGLE_QUOTED.finditer(text))
    return spans, sum(1 for t in tokens if t.quoted) > 1


def _praises(
    tokens: list[Token],
    quoted: tuple[tuple[tuple[int, int], ...], bool],
    clauses_praise: bool,
    rules: _Rules,
) -> bool:
    """The manager praises in their own words: not "your notes say 'good call'", and also
    in the ways the shared praise words miss ("handled it really well", "cleanest")."""
    spans = quoted[0]
    own = [t.low for t in tokens if t.kind == "word" and not t.quoted]
    if spans:
        own = [
            t.low
            for t in tokens
            if t.kind == "word"
            and not t.quoted
            and not any(start <= t.start < end for start, end in spans)
        ]
    masked = _find(own, rules.not_praise)
    if masked:
        own = _mask(own, rules.not_praise)
    if _find(own, rules.own_praise) and _unnegated(own, rules.own_praise, rules):
        return True
    if not clauses_praise:
        return False
    if not spans and not masked:
        return True  # the clauses counted the manager's own words already
    return _find(own, rules.praise_phrases) or any(
        w in rules.praise_words and rules.negations.isdisjoint(own[max(0, j - 2) : j])
        for j, w in enumerate(own)
    )


def _unnegated(words: list[str], phrases: _Phrases, rules: _Rules) -> bool:
    """One of ``phrases`` in ``words`` with no negation just before it ("not well prepared")."""
    for i in range(len(words)):
        if phrases.longest_at(words, i) and rules.negations.isdisjoint(words[max(0, i - 2) : i]):
            return True
    return False


def _mask(words: list[str], phrases: _Phrases) -> list[str]:
    """``words`` with the words of each of ``phrases`` found in them blanked out."""
    out = list(words)
    i = 0
    while i < len(out):
        size = phrases.longest_at(words, i)
        if size:
            out[i : i + size] = ["."] * size
            i += size
        else:
            i += 1
    return out


def _told_of_a_call(lows: list[str], facts: Facts, rules: _Rules) -> bool:
    """ "you didnt mention the multi-site module on the QBR": a named call or account and
    what the rep did on it, in a message long enough to say it; coaching even when no
    skill is named clearly. "the Acme thing. you know what I mean" is too short to be."""
    if facts.situation is None or facts.words < rules.concrete_words:
        return False
    return any(w in rules.rep_words for w in lows)


def _takes_over(lows: list[str], rules: _Rules) -> bool:
    """ "I'm going to join the close call and close it myself": the manager takes over.

    The manager speaks of themselves in the future and a verb of taking over follows
    within a few words, or says "myself" beside one; coming to observe is coaching.
    """
    if rules.observe.found_in(lows) and _manager_observes(lows, rules):
        return False
    for i in range(len(lows)):
        size = rules.first_person.longest_at(lows, i)
        if not size:
            continue
        if rules.first_person_unspoken.longest_at(lows, i) == size and i and lows[i - 1] != ".":
            continue  # "deals that are never going to close": not the manager speaking
        window = lows[i + size : i + size + rules.takeover_window]
        if "." in window:
            window = window[: window.index(".")]
        if rules.takeover.found_in(window):
            return True
    if "myself" in lows:
        at = lows.index("myself")
        return rules.takeover.found_in(lows[max(0, at - 6) : at])
    return False


def _manager_observes(lows: list[str], rules: _Rules) -> bool:
    """ "I'll join to listen in": the manager comes to watch, which is coaching; not "sit
    in and watch how I handle their CFO", where the rep watches the manager sell."""
    for i in range(len(lows)):
        if rules.observe.longest_at(lows, i):
            before = lows[max(0, i - 5) : i]
            if "." in before:
                before = before[len(before) - before[::-1].index(".") :]
            if any(rules.first_person.longest_at(before, k) for k in range(len(before))):
                return True
            if not before or before[-1] not in ("and", "you", "u"):
                return True  # "just listen this time" said of the manager's plan, as before
    return False


def _expectation(lows: list[str], rules: _Rules) -> str | None:
    """The first topic (in triage.toml order) whose phrases the message has."""
    strong = {rules.strong_topic[p] for p in rules.all_strong.phrases_in(lows)}
    # "their finance org" is the buyer's, not a colleague the rep was short with.
    ours = [w if i == 0 or lows[i - 1] != "their" else "" for i, w in enumerate(lows)]
    for topic, (_, with_, context) in rules.topics.items():
        if topic in strong or (with_ and _find(lows, with_) and _find(ours, context)):
            return topic
    return None


def _coaching_outweighs(evidence: Evidence, topic: str, rules: _Rules) -> bool:
    """A customer-facing skill named more strongly than the admin point itself."""
    own = rules.topic_competency.get(topic)
    others = max((p for c, p in evidence.points.items() if c != own), default=0.0)
    return others >= rules.coaching_over_expectation


def _already_coaching(facts: Facts, tokens: list[Token]) -> bool:
    """The manager already asks the rep a good open question, and says nothing that
    judges: keep their words. Statements around it ("feels like you're firefighting")
    are context, not a verdict, as long as none of them judges or directs. A word that
    would be loaded in a statement is fine in a good question ("where did you feel you
    lost the room?"); a rhetorical one ("why didn't you use it?", "just hope?") is not
    open, so it never counts as one."""
    alone = facts.statements == 0
    questions = facts.manager_questions
    if not questions or not all(_good_question(q, alone=alone) for q in questions):
        return False
    said = _statement_words(tokens)
    rules = _rules()
    # "I have my own take but want to hear yours first": the manager's "but" about
    # themselves cancels nothing the rep did.
    judged = set(judging_words(" ".join(t.raw for t in said))) - {"but"}
    if judged or (facts.gap is not None and not alone):  # a gap asked about is the question
        return False
    lows = [t.low for t in said]
    if _find(lows, rules.verdicts):
        return False
    return not any(w in rules.loaded and w != "but" for w in lows)


def _statement_words(tokens: list[Token]) -> list[Token]:
    """The manager's own words outside questions and quotes."""
    said: list[Token] = []
    sentence: list[Token] = []
    for token in [*tokens, None]:
        if token is None or token.kind == "stop":
            if token is None or token.raw != "?":
                said.extend(sentence)
            sentence = []
        elif token.kind == "word" and not token.quoted:
            sentence.append(token)
    return said


def _good_question(question: str, *, alone: bool = False) -> bool:
    """Open, kind, and asked of the rep (in the part from its first open word on); a
    message that is only questions asks the rep even without "you" ("who else at
    Copperleaf would be affected if this fails?")."""
    check = check_question(question)
    words = question.lower().replace("'", " ").replace("?", " ").replace(",", " , ").split()
    start = next((k for k, w in enumerate(words) if w in _OPEN), 0)
    asked = words[start:]
    alone = alone and start == 0 and bool(words) and words[0] in _OPEN  # no statement lead-in
    return check.open and check.non_judging and ("you" in asked or "your" in asked or alone)


_OPEN = ("what", "how", "which", "when", "where", "who")


def _names_a_deal(facts: Facts) -> bool:
    """ "the Lucerne opp has no close date": one deal to coach, not admin to state."""
    situation = facts.situation
    if situation is None:
        return False
    return situation.kind == "account" or situation.phrase.split()[-1].lower() in (
        "opp",
        "opportunity",
        "deal",
        "account",
        "renewal",
    )


def _is_results(
    lows: list[str],
    facts: Facts,
    evidence: Evidence,
    grounded: bool,
    quotes: bool,
    praised: bool,
    rules: _Rules,
) -> bool:
    """A number, or a shortfall, about a metric, with no behaviour named beyond it.

    Numbers with a behaviour are coaching: "2 connects out of 60 dials, your opener
    'is this a bad time?' gives them the easy out" quotes what the rep does, and "confirm
    the day before" asks for a behaviour. A report of numbers alone ("41 opps created,
    6 closed won… commit was 180k, landed 132k") is results, whatever skill it hints at.
    """
    if praised:
        return False  # praise with a number is praise, or mixed ("great quarter!! but…")
    told = facts.behaviour or facts.missed or facts.moment
    if told and not (facts.behaviour and any(c.isdigit() for c in facts.behaviour)):
        return False  # a behaviour, not only a number ("you sent 15 emails" is a number)
    if quotes or (facts.alternative and not _is_metric_ask(facts.alternative, rules)):
        return False
    if _find(lows, rules.evidence_asks):
        return False  # "what are we basing it on": the manager asks for the deal's evidence
    counted = facts.directives == 0 and _counted(lows, rules)
    if counted and not (facts.missed or facts.moment) and _find(lows, rules.counted_targets):
        return True  # "you've booked 2 meetings this month against a target of 12"
    if not counted and not _find(lows, rules.metrics):
        return False
    named = evidence.competency is not None and (
        f"{evidence.competency}.{evidence.behaviour}" not in rules.number_behaviours
    )
    # A short line of a metric and its number ("close rate is 12%") names the skill only
    # through the metric's own name.
    short = sum(1 for w in lows if w != ".") <= _SHORT_RESULT
    if named and (told or not (_a_report(lows, rules) or _find(lows, rules.ranking) or short)):
        return False
    return counted or _numbers_a_metric(lows, rules)


def _numbers_a_metric(lows: list[str], rules: _Rules) -> bool:
    """A sentence with a metric and, near it, a number, or a shortfall ("only 9 … target
    is 20"); not a number about something else ("280 words to a VP … between meetings")."""
    start = 0
    for end in [*(k for k, w in enumerate(lows) if w == "."), len(lows)]:
        sentence = lows[start:end]
        start = end + 1
        if not sentence or not _find(sentence, rules.metrics):
            continue
        if _find(sentence, rules.signals):
            return True
        for i in range(len(sentence)):
            size = rules.metrics.longest_at(sentence, i)
            near = sentence[max(0, i - _NEAR) : i + size + _NEAR]
            if size and any(w[:1].isdigit() for w in near):
                return True
    return False


_SHORT_RESULT = 8  # words
_NEAR = 4  # words between a metric and its number: "win rate went from 28%"


def _counted(lows: list[str], rules: _Rules) -> bool:
    """A number right before a thing counted: "4 demos", "2 of your 11 demos"."""
    for i in range(1, len(lows)):
        if lows[i - 1][:1].isdigit() and rules.counted.longest_at(lows, i):
            return True
    return False


def _a_report(lows: list[str], rules: _Rules) -> bool:
    """Mostly amounts: "41 opps created, 6 closed won… commit 180k"; not dates ("the 2nd")."""
    amounts = sum(1 for w in lows if w[:1].isdigit() and not w.endswith(_ORDINAL))
    words = sum(1 for w in lows if w != ".")
    return amounts >= rules.report_numbers and amounts >= rules.report_share * words


_ORDINAL = ("st", "nd", "rd", "th")


def _is_metric_ask(ask: str, rules: _Rules) -> bool:
    """ "get your dials up to 80", "book more meetings": a number asked for, not a behaviour."""
    words = phrase_tokens(ask)
    return any(w[:1].isdigit() for w in words) or _find(list(words), rules.metrics)


def _results_competency(
    lows: list[str], evidence: Evidence, rules: _Rules, metric: Metric | None = None
) -> str | None:
    """The competency of the metric the message is about ("coverage" → pipeline), else of
    the first one it names."""
    if metric is not None and "conver" in metric.raw_name:
        return None  # what converts (discovery, qualification, a demo) is what to find out
    if metric is not None:
        words = list(phrase_tokens(metric.raw_name))
        for competency, phrases in rules.metric_competency.items():
            if any(phrases.longest_at(words, i) for i in range(len(words))):
                return competency  # "your commit": the commit
    for i in range(len(lows)):
        for competency, phrases in rules.metric_competency.items():
            if phrases.longest_at(lows, i):
                return competency
    return None  # an outcome (win rate, deal size, attainment) names no skill


def growth_start(tokens: list[Token]) -> int | None:
    """The token where a mixed message's growth area starts ("…but", "only thing:",
    "still not…"): the skill to work on is read from there, not in the praise."""
    rules = _rules()
    words = [(k, t) for k, t in enumerate(tokens) if t.kind == "word" and not t.quoted]
    lows = [t.low for _, t in words]
    for i in range(1, len(lows)):
        if rules.growth.longest_at(lows, i):
            start = words[i][0]
            if lows[i] not in _OPENS_GROWTH:  # "…close dates in the past tho": its sentence
                while start > 0 and tokens[start - 1].kind != "stop":
                    start -= 1
            return start
    return None


# Words that open a growth area where they stand ("…, but you…", "Only thing: …").
_OPENS_GROWTH = frozenset(
    {"but", "however", "though", "although", "yet", "still", "only", "one", "then", "next"}
)


def live_deal(facts: Facts) -> str | None:
    """The deal a coaching message is about, when it is still open: "Oakmont", "the Ortega
    Farms deal"; None for a call, a lost deal, or a message that names none."""
    situation = facts.situation
    if situation is None or situation.kind == "person":
        return None
    rules = _rules()
    head = situation.phrase.lower().split()[-1]
    if situation.kind == "event" and head not in rules.deal_heads:
        return None  # "the Pinecrest call": a call, not the deal
    lows = _words_of(facts.text_lower)
    if not _find(lows, rules.live) or _find(lows, rules.over):
        return None
    return situation.phrase


def not_open(facts: Facts) -> bool:
    """The message says the deal is over: lost, signed elsewhere, gone to no decision."""
    return _find(_words_of(facts.text_lower), _rules().over)


@lru_cache(maxsize=64)
def _words_of(text: str) -> list[str]:
    return list(phrase_tokens(text))


# --- matching -----------------------------------------------------------------------------


def _lows(tokens: list[Token]) -> list[str]:
    return [t.low if t.kind == "word" else "." for t in tokens if t.kind != "soft"]


def _find(lows: list[str], phrases: _Phrases) -> bool:
    return phrases.found_in(lows)


def _has_praise(tokens: list[Token]) -> bool:
    return _has_praise_words([t.low for t in tokens if t.kind == "word"])


def _has_praise_words(words: list[str]) -> bool:
    rules = _rules()
    return any(w in rules.praise_words for w in words) or _find(words, rules.praise_phrases)


@dataclass(frozen=True)
class _Rules:
    sarcasm_emoji: frozenset[str]
    sarcasm_phrases: _Phrases
    sarcasm_outcomes: frozenset[str]
    praise_idioms: frozenset[str]
    standalone_fillers: frozenset[str]
    zero_counted: frozenset[str]
    praise_emoji: frozenset[str]
    praise_words: frozenset[str]
    praise_phrases: _Phrases
    growth: _Phrases
    metrics: _Phrases
    signals: _Phrases
    topics: Mapping[str, tuple[_Phrases, _Phrases, _Phrases]]
    topic_competency: Mapping[str, str]
    coaching_over_expectation: float
    team_selling: _Phrases
    first_person: _Phrases
    first_person_unspoken: _Phrases
    takeover: _Phrases
    observe: _Phrases
    takeover_window: int
    verdicts: _Phrases
    plan_words: frozenset[str]
    all_strong: _Phrases
    strong_topic: Mapping[tuple[str, ...], str]
    keep_going: _Phrases
    loaded: frozenset[str]
    deal_topics: frozenset[str]
    number_behaviours: frozenset[str]
    metric_competency: Mapping[str, _Phrases]
    not_metric_names: frozenset[str]
    target_words: _Phrases
    counted_targets: _Phrases
    own_praise: _Phrases
    growth_words: frozenset[str]
    evidence_asks: _Phrases
    negations: frozenset[str]
    not_praise: _Phrases
    concrete_words: int
    rep_words: frozenset[str]
    report_numbers: int
    report_share: float
    ranking: _Phrases
    counted: _Phrases
    live: _Phrases
    over: _Phrases
    deal_heads: frozenset[str]


def _compile(items: list[str]) -> _Phrases:
    return PhraseSet(phrase_tokens(item) for item in items)


@cache
def _rules() -> _Rules:
    data = prompts.load("reframe/triage")
    praise = prompts.load("reframe/taxonomy")["clauses"]["praise"]
    topics = {}
    competencies = {}
    for topic, spec in data["expectation"].items():
        topics[topic] = (
            _compile(spec["strong"]),
            _compile(spec.get("with", [])),
            _compile(spec.get("context", [])),
        )
        if spec.get("competency"):
            competencies[topic] = spec["competency"]
    strong_topic: dict[tuple[str, ...], str] = {}
    for topic, spec in reversed(list(data["expectation"].items())):  # the first topic wins
        for phrase in spec["strong"]:
            strong_topic[phrase_tokens(phrase)] = topic
    return _Rules(
        all_strong=PhraseSet(strong_topic),
        strong_topic=MappingProxyType(strong_topic),
        sarcasm_emoji=frozenset(data["sarcasm"]["emoji"]),
        sarcasm_phrases=_compile(data["sarcasm"]["phrases"]),
        sarcasm_outcomes=frozenset(data["sarcasm"]["outcomes"]),
        praise_idioms=frozenset(data["sarcasm"]["praise_idioms"]),
        standalone_fillers=frozenset(data["sarcasm"]["standalone_fillers"]),
        zero_counted=frozenset(data["sarcasm"]["zero_counted"]),
        praise_emoji=frozenset(data["praise"]["emoji"]),
        praise_words=frozenset(t[0] for t in map(phrase_tokens, praise) if len(t) == 1),
        praise_phrases=_compile([p for p in praise if len(p.split()) > 1]),
        growth=_compile(data["praise"]["growth"]),
        metrics=_compile(data["results"]["metrics"]),
        signals=_compile(data["results"]["words"]["signals"]),
        topics=MappingProxyType(topics),
        topic_competency=MappingProxyType(competencies),
        coaching_over_expectation=float(data.get("coaching_over_expectation", 6.0)),
        team_selling=_compile(data["team_selling"]["phrases"]),
        first_person=_compile(data["team_selling"]["first_person"]),
        first_person_unspoken=_compile(data["team_selling"]["first_person_unspoken"]),
        takeover=_compile(data["team_selling"]["takeover"]),
        observe=_compile(data["team_selling"]["observe"]),
        takeover_window=int(data["team_selling"]["takeover_window"]),
        verdicts=_compile(data["already_coaching"]["verdicts"]),
        plan_words=frozenset(data["team_selling"]["plan_words"]),
        keep_going=_compile(
            [
                "keep doing",
                "keep it up",
                "more of this",
                "more of that",
                "do it again",
                "keep that up",
            ]
        ),
        loaded=frozenset(prompts.load("reframe/extraction")["words"]["loaded"]),
        deal_topics=frozenset({"crm"}),
        number_behaviours=frozenset(data["results"]["number_behaviours"]),
        metric_competency=MappingProxyType(
            {c: _compile(p) for c, p in data["results"]["competency"].items()}
        ),
        not_metric_names=frozenset(data["results"]["not_names"]),
        target_words=_compile(data["results"]["words"]["target_words"]),
        counted_targets=_compile(data["results"]["words"]["counted_targets"]),
        own_praise=_compile(data["praise"]["phrases"]),
        growth_words=frozenset(data["praise"]["growth_words"]),
        evidence_asks=_compile(data["results"]["evidence_asks"]),
        negations=frozenset(data["praise"]["negations"]),
        not_praise=_compile(data["praise"]["not_praise"]),
        concrete_words=int(data["coaching"]["concrete_words"]),
        rep_words=frozenset(data["coaching"]["rep_words"]),
        report_numbers=int(data["results"]["report_numbers"]),
        report_share=float(data["results"]["report_share"]),
        ranking=_compile(data["results"]["words"]["ranking"]),
        counted=_compile(data["results"]["counted"]),
        live=_compile(data["live_deal"]["live"]),
        over=_compile(data["live_deal"]["over"]),
        deal_heads=frozenset(data["live_deal"]["heads"]),
    )


def find_metric(tokens: list[Token], facts: Facts) -> Metric | None:
    """The metric a results message is about, with the funnel it counts, if it counts one."""
    metric = _find_metric(tokens)
    funnel = _funnel(tokens)
    return replace(metric, funnel=funnel) if metric is not None and funnel else metric


def _funnel(tokens: list[Token]) -> str | None:
    """ "142 dials, 9 convos, 1 meeting booked": three or more steps, each a count."""
    steps: list[str] = []
    words = [t for t in tokens if t.kind == "word"]
    for a, b in itertools.pairwise(words):
        if a.raw.isdigit() and b.low in _FUNNEL_STEPS:
            steps.append(f"{a.raw} {b.raw}")
    if len(steps) < _FUNNEL_MIN:  # "dials 412, connects 31, meetings 4"
        steps = [
            f"{b.raw} {a.raw}"
            for a, b in itertools.pairwise(words)
            if b.raw.isdigit() and a.low in _FUNNEL_STEPS
        ]
    if len(steps) < _FUNNEL_MIN or len(steps) > _FUNNEL_MAX:
        return None
    return f"{', '.join(steps[:-1])} and {steps[-1]}"


_FUNNEL_STEPS = frozenset(
    {"dials", "calls", "conversations", "connects", "meetings", "meeting", "demos", "demo",
     "opps", "opp", "emails", "replies", "reply", "proposals", "proposal", "deals", "deal",
     "wins", "win", "sqls", "mqls", "leads", "touches", "convos"}
)  # fmt: skip
_FUNNEL_MIN, _FUNNEL_MAX = 3, 5


def _find_metric(tokens: list[Token]) -> Metric | None:
    """The number a results message is about: ("close rate", "12%", target "3x")."""
    rules = _rules()
    words = [k for k, t in enumerate(tokens) if t.kind == "word"]
    lows = [tokens[k].low for k in words]
    found: list[tuple[str, int, int]] = []  # name, first and last token index
    i = 0
    while i < len(lows):
        size = rules.metrics.longest_at(lows, i)
        if size and " ".join(lows[i : i + size]) not in rules.not_metric_names:
            found.append((" ".join(lows[i : i + size]), words[i], words[i + size - 1]))
            i += size
        else:
            i += 1
    if not found:
        return None
    # A rate with its number beside it is the point ("31 booked, 12 held. 39% show rate");
    # else the first metric named.
    share = _SHARE.search(" ".join(t.raw for t in tokens if t.kind == "word"))
    if share and any("conver" in n for n, _, _ in found):  # "3 of 11 meetings converted"
        name = next(n for n, _, _ in found if "conver" in n)
        return Metric(_metric_name(name), f"{share.group(1)} of {share.group(2)}", None, name)
    if len(found) == 1:
        name = found[0][0]
        value, target = _value_and_target(tokens, name)
        if value is not None and " " in value:  # "0 meetings" is not a number of the dials
            value, target = _value_and_target(tokens, name, found[0][1], found[0][2])
        return Metric(_metric_name(name), value, target, name)
    for name, first, last in found:
        if name.endswith("rate") and _number_near(tokens, first, last) is not None:
            return Metric(_metric_name(name), *_value_and_target(tokens, name, first, last), name)
    name, first, last = found[0]  # several metrics: each with its own number, or none
    return Metric(_metric_name(name), *_value_and_target(tokens, name, first, last), name)


# "3 of 11 meetings converted", "2 of your 11 demos": a share, said as it was.
_SHARE = re.compile(r"\b(\d+) of (?:your |the |their )?(\d+)\b")


def _number_near(tokens: list[Token], first: int, last: int) -> str | None:
    """The number within a few tokens of a metric, in its sentence: "39% show rate"."""
    best: tuple[int, str] | None = None
    for k in range(max(0, first - _NEAR), min(len(tokens), last + _NEAR + 1)):
        between = tokens[min(k, first) : max(k, last)]
        if any(t.kind == "stop" for t in between):
            continue
        number = _number(tokens[k].raw) if tokens[k].kind == "word" else None
        if number is not None:
            distance = first - k if k < first else k - last
            if best is None or distance < best[0]:
                best = (distance, number)
    return best[1] if best else None


def _value_and_target(
    tokens: list[Token], name: str, first: int = 0, last: int | None = None
) -> tuple[str | None, str | None]:
    """Where the number is now and where it should be, as a question can say them.

    "down 40%" is a change, not a level; "94" reads as "94 days" with its unit; a target
    in another unit than the value ("62%" of quota, "3x" coverage) is left out.
    """
    rules = _rules()
    numbered: list[tuple[str, str, int]] = []
    for k, token in enumerate(tokens):
        number = _number(token.raw) if token.kind == "word" else None
        if number is None:
            continue
        before = tokens[k - 1].low if k else ""
        after = tokens[k + 1].low if k + 1 < len(tokens) else ""
        if number.replace(".", "").replace(",", "").isdigit():
            if after not in _UNITS:
                continue  # "3 months in a row", "2 logos": a count, not the metric
            if after not in name.split():  # "meetings booked at 3", not "…at 3 meetings"
                number = f"{number} {after}"
        numbered.append((number, before, k))
    if not numbered:
        return None, None
    if last is not None:
        near = _number_near(tokens, first, last)
        if near is None:
            return None, None  # "42 dials, 3 convos, 0 meetings": no number of the dials' own
        # The metric's own number first ("12 held. 39% show rate" → 39%), then the rest.
        own = [n for n in numbered if tokens[n[2]].raw.startswith(near)]
        if not own:
            return None, None  # its number is a bare count: another metric's is not its own
        numbered = own[:1] + [n for n in numbered if n not in own[:1]]
    value, before, _ = numbered[0]
    if before in _CHANGE:
        return None, None  # "dials are down 40%": how much it moved, not where it is
    target = None
    if len(numbered) > 1 and before == "from":
        value = numbered[1][0]  # "dropped from 30% to 18%": where it is now
    elif len(numbered) > 1 and _find(
        [t.low for t in tokens if t.kind == "word"], rules.target_words
    ):
        target = numbered[1][0]
    if target is not None and _unit(target) != _unit(value):
        target = None
    return value, target


def _unit(number: str) -> str:
    return number.split()[-1] if " " in number else number[-1:] if not number[-1:].isdigit() else ""


_UNITS = frozenset({"days", "weeks", "months", "deals", "meetings", "calls", "demos", "opps"})
_CHANGE = frozenset(
    {"down", "up", "by", "dropped", "fell", "rose", "grew", "increased", "decreased", "minus",
     "plus", "lost", "gained"}
)  # fmt: skip


def _number(raw: str) -> str | None:
    """ "12", "1.5x", "40%" as a question can quote it; None for words."""
    if not raw[:1].isdigit():
        return None
    return raw if raw[-1:] in "x%k" or raw.replace(".", "").replace(",", "").isdigit() else None


def _metric_name(name: str) -> str:
    for lead in ("your ", "the "):
        if name.startswith(lead):
            name = name[len(lead) :]
    if name.endswith(" converted"):  # "demos converted" → "demo conversion"
        name = f"{name.removesuffix(' converted').removesuffix('s')} conversion"
    return {
        "arr": "ARR",
        "acv": "ACV",
        "nps": "NPS",
        "kpi": "KPI",
        "kpis": "KPIs",
        "nrr": "NRR",
        "grr": "GRR",
        "quota": "quota attainment",
        "converted": "conversion",
        "convert rate": "conversion rate",
    }.get(name, name)
