"""Step 6: the reply, built from templates and the pieces the message gave.

Each kind has a plan: a few stages (for coaching: what the rep noticed, what they aimed
for, what they would like to try next time), each with tiers of templates in
``prompts/reframe/questions.toml``. A template is usable when every piece it quotes was
found in the message; the most specific usable tier wins, so a message that names the
moment gets a question about that moment, and one that names only a skill gets the
behaviour's own questions from ``prompts/reframe/bank.toml``. Each piece is quoted once,
the situation is carried in one question, and every question is checked against the hard
rules (``scoring``) before it is kept. Private notes come from
``prompts/reframe/notes.toml``.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from string import Template
from types import MappingProxyType

import prompts
from bot.domain.reframing.competencies import RULES_ENGINE
from bot.domain.reframing.evidence import Evidence, focus_for, praises
from bot.domain.reframing.extraction import Facts, Metric
from bot.domain.reframing.result import Reframe
from bot.domain.reframing.scoring import (
    carries_situation,
    check_question,
    hard_rules_hold,
    judging_words,
    question_range,
    stems,
)
from bot.domain.reframing.stated_rule import stated_rule
from bot.domain.reframing.triage import Reading, live_deal, not_open

_Tiers = tuple[tuple["_Question", ...], ...]
# The pieces of the message (fields of the extracted facts) a question may quote.
_QUOTED = (
    "behaviour",
    "missed",
    "alternative",
    "moment",
    "next_moment",
    "gap",
    "quote",
    "counterpart",
    "topic",
    "manager_part",
    "rep_part",
)
# Those a question quotes at most once across the reply (a person may be named again).
_ONCE = (frozenset(_QUOTED) | {"behaviour_now"}) - {"counterpart", "topic"}
_SITUATION_KEYS = frozenset({"situation", "on_situation", "event", "on_event", "who", "next_event"})
_DETERMINERS = frozenset({"the", "your", "our", "their", "a", "an", "this", "that"})
_DANGLING = frozenset({"before", "after", "by", "in", "on", "at", "to", "for", "with", "and", "or"})
_TELLING = frozenset({"say", "saying", "tell", "telling", "told"})
_OPEN_ENDS = frozenset({"every", "each", "any", "some", "all", "me", "us"})
_VAGUE_OBJECTS = frozenset({"it", "them", "this", "that", "these", "those", "me"})
# The manager's plan has the rep watching: "you take notes", "you shadow", "sit in and watch".
_REP_WATCHES = re.compile(
    r"\b(?:you|u)\s+(?:just\s+)?(?:take notes|shadow|listen|watch|sit in|observe)|"
    r"\bsit in and (?:watch|listen)|\bjoin and listen|\bwatch how i\b"
)
_BROKEN = re.compile(
    r"\b(?:with|to|in|on|at|for|of|from) (?:of|to|with|at|for)\b|\babout (?:is|was|are)\b"
)
_NEGATED_COPULA = frozenset({"werent", "wasnt", "isnt", "arent"})
_TIME_UNITS = frozenset({"min", "mins", "minutes", "hours", "hrs", "days", "weeks"})
# The manager takes the deal or account over, not one call: "from here", "taking over the
# Duval account".
_TAKES_IT_OVER = re.compile(
    r"\b(?:from here(?: on)?|take it from here|taking (?:it )?over|"
    r"take over the \S+(?: \S+)? account|taking over the \S+(?: \S+)? account)\b"
)
# A too-vague message that speaks of a call or a day, or of nothing in particular.
_A_CALL = re.compile(r"\b(?:call|calls|demo|meeting|today|yesterday|this morning|pitch|disco)\b")
_CALL_VAGUE = ("open", "moment")
_GENERAL_VAGUE = ("open_general", "moment_general")
_DEAL_SIZE = frozenset({"acv", "deal size", "deal sizes", "average deal", "avg deal", "arr"})
_NEGATIVE_ASKS = frozenset({"stop", "quit", "dont", "avoid", "never"})
_FUTURE = frozenset({"next", "upcoming", "tomorrow's", "tomorrows", "tmrw", "tomorrow"})


@dataclass
class _Reply:
    """A reply being built: the questions so far and what they have used."""

    seed: int
    slots: Mapping[str, str]
    situation: str | None
    text_lower: str = ""  # the message, for the content words that ground the bank's
    sure: bool = False  # the message clearly describes the behaviour: its questions fit
    _stems: frozenset[str] | None = None
    questions: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    _carried: bool = False

    def stems(self) -> frozenset[str]:
        if self._stems is None:
            self._stems = stems(self.text_lower)
        return self._stems

    def carried(self) -> bool:
        if self.situation is None or self._carried:
            return True
        self._carried = carries_situation(self.questions, self.situation)
        return self._carried


def compose(
    text: str,
    reading: Reading,
    evidence: Evidence,
    facts: Facts,
    *,
    growth_from: int | None = None,
) -> Reframe:
    """The reply for a message read as ``reading``.

    ``growth_from``: where a mixed message's growth area starts in the cleaned text; the
    growth questions quote only what is said from there.
    """
    seed = zlib.crc32(text.encode("utf-8", "surrogatepass"))
    metric = reading.metric
    slots = _slots(facts, metric)
    reply = _Reply(seed, slots, facts.situation.phrase if facts.situation else None)
    reply.text_lower = facts.text_lower
    reply.sure = _behaviour_points(evidence) >= _SURE_POINTS
    kind = reading.kind
    competency = reading.competency
    behaviour = (
        evidence.behaviour
        if competency == evidence.competency
        else evidence.weak_behaviour
        if competency == evidence.weak_competency
        else None
    )
    note = None
    focus = focus_for(competency, behaviour) if competency else _focus(kind)
    if kind in ("coaching", "mixed") and competency is not None:
        focus = _managers_own_focus(slots.get("alternative")) or focus
    if kind == "other_language":
        return _reframe((), None, _focus(kind), kind, _note(kind))
    if kind == "coaching" and facts.upcoming:
        _plan(reply, "upcoming", ("notice", "aim", "forward"), competency, behaviour)
    elif kind == "coaching":
        _plan(reply, "coaching", ("notice", "aim", "forward"), competency, behaviour)
        _on_the_live_deal(reply, facts)
    elif kind == "mixed":
        # A habit in the present is as often the praise ("u sound way more confident") as
        # the growth area: not quoted back here.
        told = slots.get("behaviour")
        praised_clause = told if told and praises(told) else None
        praise_part = facts.text_lower[:growth_from] if growth_from else ""
        growth_part = facts.text_lower[growth_from:] if growth_from else facts.text_lower
        reply.slots = {
            k: v
            for k, v in slots.items()
            if k != "behaviour_now"
            and not (k == "behaviour" and praised_clause)
            and not (k in _GROWTH_PIECES and _said_only_in(v, praise_part, growth_part))
        }  # the rep's clause, when it is the praise, reinforces and is not the growth area
        _praise(reply, facts, transfer=False, told=praised_clause)
        # After the praise, the growth area: the bank's question only when its skill is known.
        stages = ("notice" if competency else "notice?", "aim?", "forward")
        _plan(reply, "coaching", stages, competency, behaviour, upcoming=facts.upcoming)
    elif kind == "praise":
        _praise(reply, facts, transfer=True)
        focus = _focus(kind) if competency is None else focus
    elif kind == "results":
        tiers = _rules().kinds["results"]
        behaviour_stage = (
            f"behaviour_{competency}" if f"behaviour_{competency}" in tiers else ("behaviour")
        )
        if metric is not None and metric.raw_name in _DEAL_SIZE:
            behaviour_stage = "behaviour_deal_size"
        if metric is not None and ("conver" in metric.raw_name or metric.funnel):
            behaviour_stage = "behaviour_conversion"
        _plan(reply, "results", ("diagnose", behaviour_stage, "target"), None, None)
        note, focus = _note(kind), _focus(kind)
    elif kind == "expectation":
        return _expectation(reading, facts, competency, text)
    elif kind == "team_selling":
        _plan(reply, "team_selling", _team_selling_stages(facts), None, None)
        note, focus = _note(kind), _focus(kind)
    elif kind == "already_coaching":
        _already_coaching(reply, facts)
        note = _note(kind)
        focus = focus if competency else _focus(kind)
    else:  # too_vague
        called = facts.situation is not None or _A_CALL.search(facts.text_lower)
        _plan(reply, "too_vague", _CALL_VAGUE if called else _GENERAL_VAGUE, None, None)
        note, focus = _note(kind), _focus(kind)
    questions = _gated(reply, kind, competency, behaviour)
    if kind in ("coaching", "mixed"):
        questions = _name_the_account(questions, reply, facts)
        questions = _carry_who(questions, reply)
        questions = _with_managers_question(questions, facts)
    return _reframe(questions, competency, focus, kind, note)


# The pieces a growth question quotes: in a mixed message, only from its growth part.
_GROWTH_PIECES = frozenset(
    {"behaviour", "moment", "next_moment", "topic", "quote", "missed", "gap", "alternative"}
)


def _said_only_in(piece: str, praise_part: str, growth_part: str) -> bool:
    """Whether ``piece`` comes from the praise of a mixed message, not its growth area."""
    words = [w for w in piece.lower().split() if w not in ("you", "your", "the", "a")][:3]
    if not words or not praise_part:
        return False
    probe = " ".join(words)
    return probe in praise_part and probe not in growth_part


def _managers_own_focus(alternative: str | None) -> str | None:
    """The behaviour the manager asked for, in their words, as the focus: "Slow down and ask
    more before you show anything." fits the message better than any line of the taxonomy.
    Only a request of a few words that starts with a verb and names no one else."""
    if not alternative:
        return None
    words = alternative.split()
    lows = [w.lower().strip(",.") for w in words]
    if not _FOCUS_WORDS[0] <= len(words) <= _FOCUS_WORDS[1] or lows[0] in _NEGATIVE_ASKS:
        return None
    if lows[0] not in _FOCUS_VERBS or {"it", "this", "that", "these", "those"} & set(lows):
        return None  # "send the SOC2" is a task; "walk them through it" says not what
    if {"we", "i", "me", "my", "us", "our"} & set(lows):
        return None
    if lows[0] == "have" and lows[1].endswith("ed"):
        return None  # "(should) have mapped their paper process": hindsight, not a focus
    focus = alternative.rstrip(" ,.;")
    return focus[0].upper() + focus[1:] + "."


# How long a request the manager made can be, to stand as the focus; and its first verbs.
_FOCUS_WORDS = (5, 16)
_FOCUS_VERBS = frozenset(
    {"ask", "let", "slow", "pause", "listen", "wait", "lead", "open", "tie", "anchor", "hold",
     "trade", "map", "meet", "book", "confirm", "agree", "answer", "acknowledge", "explore",
     "quantify", "qualify", "multithread", "build", "arm", "tailor", "personalise",
     "personalize", "research", "prepare", "prep", "practise", "practice", "rehearse", "cut",
     "keep", "stay", "check", "cover", "bring", "follow", "dig", "find", "have",
     "start", "end", "close", "frame", "walk", "summarise", "summarize", "recap", "reframe"}
)  # fmt: skip


def with_tone_note(reframe: Reframe) -> Reframe:
    """A sarcastic message ("super helpful 🙃") gets a word on tone for the manager: in
    writing, sarcasm lands as a put-down, and the questions already make the point straight."""
    tone = _note("sarcasm")
    note = f"{reframe.note}\n\n{tone}" if reframe.note else tone
    return replace(reframe, note=note)


# A behaviour with this many points (one strong phrase) is what the message is about.
_SURE_POINTS = 3.0


def _behaviour_points(evidence: Evidence) -> float:
    return sum(
        m.points
        for m in evidence.matches
        if m.competency == evidence.competency and m.behaviour == evidence.behaviour
    )


def _name_the_account(questions: tuple[str, ...], reply: _Reply, facts: Facts) -> tuple[str, ...]:
    """ "your biggest deal" in a reply about Oakmont is Oakmont: the bank's general words
    give way to the account the manager named, when the deal is not over."""
    who = reply.slots.get("who")
    if reply.slots.get("situation_kind") != "account" or not who:
        return questions
    if not any(general in q for q in questions for general in _rules().general_deals):
        return questions  # the common case: nothing general to name
    if not_open(facts):
        return questions
    if re.search(rf"\b(?:{_SPOKEN_TO})\s+{re.escape(who.lower())}\b", facts.text_lower):
        return questions  # "if you'd asked Nadia…": a person, not an account to be "at"
    named = []
    for question in questions:
        for general, specific in _rules().general_deals.items():
            if general in question and who not in question:
                question = question.replace(general, Template(specific).substitute(who=who), 1)
        named.append(question)
    return tuple(named)


_SPOKEN_TO = "asked|ask|told|tell|emailed|pinged|texted|called|messaged|cc'd|ccd"


def _on_the_live_deal(reply: _Reply, facts: Facts) -> None:
    """The last question of a reply about a deal still open asks what to do on it now."""
    deal = live_deal(facts)
    if deal is None or len(reply.questions) < 2 or carries_situation(reply.questions[-1:], deal):
        return  # the last question already names the deal
    slots = {**reply.slots, "deal": deal}
    for tier in _rules().kinds["live_deal"]["forward"]:
        for template in tier:
            question = _fill(template, slots)
            if question not in reply.questions:
                reply.questions[-1] = question
                return


def _team_selling_stages(facts: Facts) -> tuple[str, str, str]:
    """The deal taken over, the rep watching the call, or the call shared."""
    watches = bool(_REP_WATCHES.search(facts.text_lower))
    if _TAKES_IT_OVER.search(facts.text_lower) and not watches:
        return ("lead_taken", "outcome_taken", "prepare_taken")
    return ("lead_watching" if watches else "lead", "outcome", "prepare")


def _with_managers_question(questions: tuple[str, ...], facts: Facts) -> tuple[str, ...]:
    """A good question the manager asked ("what would you ask next time?") is kept, last,
    in place of the reply's own last one: it is the manager's point, in their words."""
    asked = [
        q
        for q in facts.manager_questions
        if _ASKS_THE_REP.search(q) and _passes_hard_rules(q, "coaching") and len(q) <= 160
    ]
    if not asked or not questions or asked[-1] in questions or facts.statements == 0:
        return questions  # a message that is only the question is not handed back as is
    return (*questions[:-1], asked[-1])


_ASKS_THE_REP = re.compile(
    r"\b(?:you|your|you'd|you'll|you're|we|we've|we're|our)\b", re.IGNORECASE
)


def _carry_who(questions: tuple[str, ...], reply: _Reply) -> tuple[str, ...]:
    """The account or person named, carried into the last question when none has it yet:
    "With Copperleaf, how would you like to widen the conversation on your next call?"."""
    who = reply.slots.get("who")
    if reply.slots.get("situation_kind") != "account":
        return questions  # "With the VP, …" reads as if the VP were coming back
    if not who or not questions or carries_situation(questions, who):
        return questions
    last = questions[-1]
    if not last.startswith(("How ", "What ", "Which ", "Who ", "When ", "Where ")):
        return questions
    carried = f"With {who}, {last[0].lower()}{last[1:]}"
    return (*questions[:-1], carried) if check_question(carried).open else questions


def _gated(
    reply: _Reply, kind: str, competency: str | None, behaviour: str | None
) -> tuple[str, ...]:
    """The questions that pass the hard rules, topped up from the bank if too few remain.

    Templates are checked by the tests and pieces of the message are checked before they
    are quoted, so this drops nothing in practice; it is the gate that makes sure.
    """
    kept = [q for q in reply.questions if _passes_hard_rules(q, kind)]
    low, _ = question_range(kind)
    if len(kept) < low:
        reply.questions = kept
        for stage, index in (("reality", 0), ("options", 1), ("will", 2)):
            if len(reply.questions) >= low:
                break
            _ask_bank(reply, stage, competency, behaviour, index)
        kept = [q for q in reply.questions if _passes_hard_rules(q, kind)]
    return tuple(kept)


def _passes_hard_rules(question: str, kind: str) -> bool:
    return hard_rules_hold(question)


def _reframe(
    questions: tuple[str, ...], competency: str | None, focus: str, kind: str, note: str | None
) -> Reframe:
    return Reframe(questions, competency, focus, RULES_ENGINE, kind=kind, note=note)


# --- plans --------------------------------------------------------------------------------


def _plan(
    reply: _Reply,
    table: str,
    stages: Sequence[str],
    competency: str | None,
    behaviour: str | None,
    *,
    upcoming: bool = False,
) -> None:
    """Fill each stage from its tiers, or from the behaviour bank when none is usable."""
    if upcoming:
        table = "upcoming"
    rules = _rules()
    tiers = rules.kinds[table]
    bank_stage = {"notice": "reality", "aim": "options", "forward": "will"}
    for index, stage in enumerate(stages):
        optional = stage.endswith("?")  # asked only from the message's own words
        stage = stage.rstrip("?")
        stage_tiers = tiers.get(stage, ())
        off_call = competency in rules.off_call or reply.slots.get("off_call") == "yes"
        if table == "coaching" and stage == "notice" and off_call:
            stage_tiers = rules.kinds["coaching_off_call"]["notice"]  # no buyer in the room
        by_skill = rules.kinds["coaching_topic_forward"]
        topic_forward = by_skill.get(f"{competency}.{behaviour}", by_skill.get(competency or ""))
        if stage == "forward" and table == "coaching" and topic_forward is not None:
            # The topic in the verb its skill takes ("explore the problem"), not a bare noun.
            stage_tiers = (
                *(tier for tier in stage_tiers if not all("topic" in t.names for t in tier)),
                *topic_forward,
            )
        if _ask(reply, stage_tiers, index):
            continue
        if (
            not optional
            and stage in bank_stage
            and table in ("coaching", "upcoming")
            and (competency is not None or table == "upcoming")
        ):  # with no skill named, the general bank only tops up a reply that is too short
            # The middle question of a coaching reply only when it is about what was said.
            middle = stage == "aim" and table == "coaching"
            _ask_bank(reply, bank_stage[stage], competency, behaviour, index, grounded_only=middle)


def _praise(reply: _Reply, facts: Facts, *, transfer: bool, told: str | None = None) -> None:
    """One question on what made it work (from what the rep did, when the message tells
    it), then, for praise alone, one on where else to use it."""
    praised = facts.praised
    table = _rules().kinds["praise"]
    slots = dict(reply.slots)
    if slots.get("situation_kind") == "person":
        slots.pop("who", None)  # "got the CFO, the ops lead and IT in one room": not with the CFO
    if not transfer:  # mixed: the rep's own clause is the growth area, not the praise
        slots.pop("behaviour", None)
        slots.pop("moment", None)
        if told is not None:  # unless it praises: "you handled the security questions well"
            slots["behaviour"] = told
    praising = replace(reply, slots=slots)  # the same questions and used pieces
    if not _ask(praising, table["reinforce_told"], 0):
        stage = "reinforce_plain"
        if praised is not None and praised.form != "clause":
            stage = {
                "gerund": "reinforce",
                "quality": "reinforce_quality",
                "event": "reinforce_event",
            }[praised.form]
        if not _ask(praising, table[stage], 0):
            _ask(praising, table["reinforce_plain"], 0)
    if transfer:
        _ask(reply, table["transfer"], 1)


def _already_coaching(reply: _Reply, facts: Facts) -> None:
    kept = [q for q in facts.manager_questions if check_question(q).open][:3]
    reply.questions.extend(kept)
    if len(kept) < 3 and not any(check_question(q).forward for q in kept):
        _ask(reply, _rules().kinds["already_coaching"]["add"], len(kept))


def _expectation(reading: Reading, facts: Facts, competency: str | None, text: str) -> Reframe:
    rules = _rules()
    spec = rules.topics[reading.topic or "admin"]
    rule = stated_rule(text)
    values = {
        "place": _first_named(facts, rules.places) or spec.get("place", ""),
        "crm": _first_named(facts, rules.crms) or spec.get("crm", ""),
    }
    key = "question"
    said_topic = facts.topic
    if said_topic and said_topic.lower().split()[-1] in values["crm"].lower():
        said_topic = None  # "keeping Salesforce up to date in Salesforce"
    if said_topic and competency and f"{key}_topic" in spec:
        key += "_topic"
        values["topic"] = said_topic
    situation = facts.situation
    if situation is not None and situation.kind == "event" and f"{key}_situation" in spec:
        key += "_situation"
        values["situation"] = situation.phrase
    elif situation is not None and situation.kind == "person" and "question_person" in spec:
        key, values["who"] = "question_person", situation.phrase  # "…that exchange with Kenji?"
    elif (
        situation is not None
        and situation.kind != "event"
        and not situation.phrase.lower().startswith(("their ", "your "))  # not "their CIO"
        and "question_who" in spec
    ):
        key, values["who"] = "question_who", situation.phrase  # "…before they reach Zorg?"
    customer_call = situation is not None and situation.kind == "event"
    if reading.topic == "lateness" and customer_call and not _first_named(facts, rules.places):
        spec = {**spec, "say": spec["say_customer"], "focus": spec["focus_customer"]}
    elif reading.topic == "lateness" and _MISSED.search(facts.text_lower):
        spec = {**spec, "say": spec["say_missed"], "focus": spec["focus_missed"]}
        if key == "question_situation" and situation is not None:
            values["place"] = situation.phrase  # "skipped the team meeting": be at it
        key = "question_missed"
    alternative = facts.alternative
    words = alternative.split() if alternative else []
    if (
        alternative
        and "question_alternative" in spec
        and _VAGUE_OBJECTS.isdisjoint(w.lower() for w in words)
        and words[-1].lower() not in _DANGLING
        and _clean_piece(alternative)
    ):
        said = [rules.crms.get(w.lower(), w) if w.lower() != "crm" else w for w in words]
        key, values["alternative"] = "question_alternative", " ".join(said)
    say = Template(spec["say"]).safe_substitute(values)
    if rule is not None and "reason" in spec:
        # Their own rule, not a generic one: "by Friday noon" is not "by the end of each day".
        reason = spec.get(f"reason_{key.removeprefix('question_')}", spec["reason"])
        say = Template(rules.notes["stated_rule"]).substitute(rule=rule, reason=reason)
        key = "question_stated" if key == "question" and "question_stated" in spec else key
    note = Template(rules.notes["expectation"]).safe_substitute(say=say)
    question = _fill(Template(spec[key]), values)
    focus = Template(spec["focus"]).safe_substitute(values)
    questions = (question,) if check_question(question).open else ()
    return _reframe(questions, competency, focus, "expectation", note)


# Missed altogether, not late: "missed standup", "skipped the team meeting", "no-show".
_MISSED = re.compile(r"\b(?:missed|missing|skipped|skipping|no[- ]?show(?:ed)?)\b(?!.*\blate\b)")


def _first_named(facts: Facts, names: Mapping[str, str]) -> str | None:
    lowered = facts.text_lower
    best: tuple[int, str] | None = None
    for name, said in names.items():
        at = _word_at(lowered, name)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, said)
    return best[1] if best else None


def _word_at(text: str, word: str) -> int:
    start = 0
    while True:
        at = text.find(word, start)
        if at < 0:
            return -1
        before = text[at - 1] if at else " "
        after = text[at + len(word)] if at + len(word) < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return at
        start = at + 1


# --- asking ---------------------------------------------------------------------------------


def _ask(reply: _Reply, tiers: _Tiers, stage: int) -> bool:
    """Add the first usable question from ``tiers``; False when none is usable."""
    for tier in tiers:
        usable = [t for t in tier if _usable(t, reply)]
        if not usable:
            continue
        # Carry the situation in one question, not in every one: the preferred templates
        # first (one picked by the hash), then the others if none of those reads well.
        wanted = not reply.carried()
        preferred = [t for t in usable if t.situated == wanted] or usable
        others = [t for t in usable if t not in preferred]
        start = _pick(reply.seed, stage, len(preferred))
        ordered = preferred[start:] + preferred[:start] + others
        for template in ordered:
            question = _fill(template, reply.slots)
            if _acceptable(question, reply):
                reply.questions.append(question)
                reply.used.update(template.names & _ONCE)
                return True
    return False


def _ask_bank(
    reply: _Reply,
    stage: str,
    competency: str | None,
    behaviour: str | None,
    index: int,
    *,
    grounded_only: bool = False,
) -> None:
    bank = _rules().bank
    if competency is None or behaviour is None:
        tables = [bank["general"]]
    else:
        tables = [bank[f"{competency}.{behaviour}"], bank[competency], bank["general"]]
    candidates: list[_Question] = []
    if stage == "reality" and reply.situation is not None and not reply.carried():
        for table in tables[:1]:
            candidates.extend(table.get("reality_situation", ()))
            if reply.slots.get("situation_kind") == "event":
                candidates.extend(table.get("reality_event", ()))
    if not candidates:
        for table in tables:
            if table.get(stage):
                candidates = list(table[stage])
                break
    if grounded_only and not reply.sure:
        # A question of the skill that shares no word with the message reads as a template
        # ("tailor the demo" when the sandbox crashed): two grounded questions beat three.
        message_stems = reply.stems()
        candidates = [t for t in candidates if t.grounded_in(message_stems)]
        if not candidates:
            return
    if _ask(reply, (tuple(candidates),), index):
        return
    if grounded_only and not reply.sure:
        return
    for table in tables:  # every bank question passes the rules; this is a last resort
        for template in table.get(stage, ()):
            question = _fill(template, reply.slots)
            if question not in reply.questions:
                reply.questions.append(question)
                return


def _usable(template: _Question, reply: _Reply) -> bool:
    names = template.names
    return names <= reply.slots.keys() and not (names & _ONCE & reply.used)


def _fill(template: Template, slots: Mapping[str, str]) -> str:
    question = " ".join(template.substitute(slots).split())
    question = question.replace(" ,", ",").replace(" ?", "?")
    return question[0].upper() + question[1:]


def _acceptable(question: str, reply: _Reply) -> bool:
    """New, and repeats no phrase within itself.

    The hard rules hold already: every template is open and kind (the tests check each one),
    and ``_slots`` keeps only pieces of the message free of judgement and markup.
    """
    if question in reply.questions:
        return False
    words = question.lower().replace("?", "").replace(",", "").split()
    seen: set[tuple[str, str]] = set()
    for pair in itertools.pairwise(words):
        if len(pair[0]) > 3 or len(pair[1]) > 3:
            if pair in seen:
                return False  # "your follow-up after your follow-up email"
            seen.add(pair)
    if words.count("next") > 1:
        return False  # "with the next meeting next time"
    if reply.situation is not None:
        named = [w for w in reply.situation.lower().split() if w not in _DETERMINERS]
        if named and question.lower().count(named[-1]) > 1:
            return False  # "when Stark said… in your conversations with Stark"
    return True


def _pick(seed: int, stage: int, count: int) -> int:
    """A well-mixed, stable choice in range(count) for one stage of one text."""
    x = (seed + 0x9E3779B9 * (stage + 1)) & 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x45D9F3B) & 0xFFFFFFFF
    x ^= x >> 16
    return x % count


# --- slots ----------------------------------------------------------------------------------


_TRUSTED = frozenset({"situation_kind", "call", "off_call"})
_MARKUP = frozenset("<>|$\\{}[]?@\n")


def _clean_piece(piece: str) -> bool:
    """A piece of the message fit to quote: no judging words, no markup, not too long."""
    if not 0 < len(piece) <= 120 or set(piece) & _MARKUP or "http" in piece:
        return False
    return not judging_words(piece)


def _cut_short(piece: str) -> bool:
    """A piece that lost words once its judgement or situation went: "with of patience",
    "when you moved to pricing 4 min into", "when you ran 15 min" (but "for 40 min" reads)."""
    if _BROKEN.search(piece):
        return True
    said = [w.lower() for w in piece.split()]
    if said and said[-1] in _DANGLING | {"into", "onto", "of"}:
        return True
    return (
        len(said) > 2
        and said[-2].isdigit()
        and said[-1] in _TIME_UNITS
        and said[-3] not in ("for", "in", "after", "within")
    )


def _slots(facts: Facts, metric: Metric | None) -> dict[str, str]:
    slots: dict[str, str] = {}
    situation = facts.situation
    if situation is not None:
        slots["situation"] = situation.phrase
        slots["on_situation"] = situation.on_phrase
        slots["situation_kind"] = situation.kind
        if situation.kind == "event" and _FUTURE.isdisjoint(situation.phrase.lower().split()):
            slots["event"] = situation.phrase  # "on the Acme call": where it happened
            slots["on_event"] = situation.on_phrase
        elif situation.kind == "event":  # "next week's QBR": where to try it, not what happened
            slots["next_event"] = situation.phrase
        else:  # "Globex", "Priya": who responded ("How did Globex respond when…")
            slots["who"] = situation.phrase
    if situation is None:
        slots["call"] = "your next call"
    elif situation.kind == "event" and situation.phrase.lower().endswith(" account"):
        name = situation.phrase.removesuffix(" account").removeprefix("the ")
        slots["call"] = f"your next call with {name}"  # not "the end of the Duval account"
    elif situation.kind == "event":
        slots["call"] = situation.phrase
    else:  # "your next call with Eastmere": the pre-call questions still name who it is
        slots["call"] = f"your next call with {situation.phrase}"
    for name in _QUOTED:
        value = getattr(facts, name)
        if value:
            slots[name] = value
    said = slots.get("behaviour", "").lower().replace("'", "").split()
    if len(said) <= 2 or _NEGATED_COPULA & set(said[2:]):
        slots.pop("behaviour", None)  # "you sent"; "you added weren't needed"
    for key in ("behaviour", "missed", "alternative", "moment", "next_moment"):
        if key in slots and _cut_short(slots[key]):
            slots.pop(key)
    if facts.behaviour_off_call:
        slots["off_call"] = "yes"
    if facts.behaviour and "behaviour" in slots and not facts.behaviour_past:
        slots.pop("behaviour", None)  # "when you interrupt people": a habit, asked in the present
        said = facts.behaviour.split()
        last = said[-1].lower()
        telling = bool(_TELLING.intersection(w.lower() for w in said[1:3]))
        if not (
            last.endswith("ing") or last in _DANGLING | _DETERMINERS | _OPEN_ENDS or telling
        ):  # "you are saying Fairholme closes…" is said to the manager, not to a buyer
            slots["behaviour_now"] = facts.behaviour
    counterpart = slots.get("counterpart")
    if counterpart and any(counterpart in slots.get(k, "") for k in ("behaviour", "moment")):
        slots.pop("counterpart")
    alternative = slots.get("alternative", "")
    if "who" in slots and slots["who"] in alternative:
        slots.pop("who")  # "send the SOC2": what to send, not who responded
    if alternative.split()[:1] and alternative.split()[0].lower() in _NEGATIVE_ASKS:
        slots.pop("alternative")  # "stop leading with price": no way to "stop … next time"
    if facts.praised is not None:
        key = "praised_clause" if facts.praised.form == "clause" else "praised"
        slots[key] = facts.praised.phrase
    for key in list(slots):
        if key not in _TRUSTED and not _clean_piece(slots[key]):
            slots.pop(key)
    if metric is not None:
        slots["metric"] = metric.name
        if metric.funnel:
            slots["funnel"] = metric.funnel
        if metric.value:
            slots["value"] = metric.value
        if metric.target:
            slots["target"] = metric.target
    return slots


# --- words ----------------------------------------------------------------------------------


def _note(kind: str) -> str:
    return " ".join(_rules().notes[kind].split())


def _focus(kind: str) -> str:
    return _rules().focus.get(kind) or str(prompts.load("reframe/taxonomy")["general_focus"])


@dataclass(frozen=True)
class _Rules:
    kinds: Mapping[str, Mapping[str, _Tiers]]
    bank: Mapping[str, Mapping[str, tuple[_Question, ...]]]
    notes: Mapping[str, str]
    focus: Mapping[str, str]
    topics: Mapping[str, Mapping[str, str]]
    places: Mapping[str, str]
    crms: Mapping[str, str]
    off_call: frozenset[str]
    general_deals: Mapping[str, str]  # the bank's general words → with the account named


_ALLOWED = frozenset(
    {"deal", "funnel", "behaviour", "behaviour_now", "missed", "alternative", "moment",
     "next_moment", "gap",
     "counterpart", "quote", "praised", "praised_clause", "topic", "situation", "on_situation",
     "call", "metric", "value", "target", "manager_part", "rep_part", "event", "on_event", "who",
     "next_event"}
)  # fmt: skip


# Slots that are no piece of the message ("your next call"), and placeholders in a template.
_UNQUOTED = frozenset({"call"})
_PLACEHOLDER = re.compile(r"\$\w+")


class _Question(Template):
    """A question template that knows its placeholders (asked of it for every message)."""

    def __init__(self, template: str) -> None:
        super().__init__(template)
        self.names = frozenset(self.get_identifiers())
        self.situated = bool(self.names & _SITUATION_KEYS)
        self._stems: frozenset[str] | None = None

    def grounded_in(self, message_stems: frozenset[str]) -> bool:
        """Whether the question is about the message: it quotes a piece of it, or its own
        words share one with it (worked out once per template, not per message)."""
        if self.names - _UNQUOTED:
            return True
        if self._stems is None:
            self._stems = stems(_PLACEHOLDER.sub(" ", self.template))
        return not self._stems.isdisjoint(message_stems)


def _template(where: str, text: str) -> _Question:
    template = _Question(text)
    unknown = set(template.get_identifiers()) - _ALLOWED
    if unknown or not template.is_valid():
        raise ValueError(f"prompts/reframe/{where}: bad placeholder {unknown or ''} in {text!r}")
    return template


@cache
def _rules() -> _Rules:
    questions = prompts.load("reframe/questions")
    kinds = {
        kind: MappingProxyType(
            {
                stage: tuple(
                    tuple(_template(f"questions.toml [{kind}] {stage}", t) for t in tier)
                    for tier in tiers
                )
                for stage, tiers in table.items()
                if isinstance(tiers, list)
            }
        )
        for kind, table in questions.items()
    }
    bank: dict[str, dict[str, tuple[_Question, ...]]] = {}
    for key, table in prompts.load("reframe/bank").items():
        tables = [(key, table)] + [
            (f"{key}.{k}", v) for k, v in table.items() if isinstance(v, dict)
        ]
        for name, stages in tables:
            bank[name] = {
                stage: tuple(_template(f"bank.toml [{name}] {stage}", t) for t in texts)
                for stage, texts in stages.items()
                if isinstance(texts, list)
            }
    notes = prompts.load("reframe/notes")
    return _Rules(
        kinds=MappingProxyType(kinds),
        bank=MappingProxyType(bank),
        notes=MappingProxyType(notes["note"]),
        focus=MappingProxyType(notes["focus"]),
        topics=MappingProxyType(notes["expectation"]),
        places=MappingProxyType(notes["places"]),
        crms=MappingProxyType(notes["crms"]),
        off_call=frozenset(
            c
            for c, spec in prompts.load("reframe/taxonomy")["competency"].items()
            if spec.get("off_call")
        ),
        general_deals=MappingProxyType(questions["account_named"]["general"]),
    )
