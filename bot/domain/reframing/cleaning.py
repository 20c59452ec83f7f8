"""Step 1: the manager's words without Slack's markup, the shouting or the typos.

What comes out is what every later step reads, and what questions quote from, so it must
be fit to echo: mentions are the rep (never quoted), links keep their label, emoji end a
clause like a full stop (and are remembered, because 🙃 turns praise into sarcasm), words
in CAPS are lowered unless they are acronyms ("CFO", "QBR") or names ("ACME" → "Acme"),
and the usual Slack typos and shorthand are put right ("teh" → "the", "ppl" → "people").
The word lists are in ``prompts/reframe/cleaning.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import prompts
from bot.domain.reframing import perspective

# Only the start of a very long message is read: the point of feedback comes early, and
# this keeps the time per message bounded whatever Slack sends (up to 40,000 characters).
MAX_ANALYSED_CHARS = 4_000
# Typos are forgiven only in longer words, where a one-letter slip rarely makes another
# real word; a wrong letter (rather than a missing, extra or swapped one) only in longer still.
_MIN_TYPO_LENGTH = 5
_MIN_SUBSTITUTION_LENGTH = 8

_SLACK_MARKUP = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")
_BARE_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_BARE_MENTION = re.compile(r"(?<![\w.@])@[\w.-]+")
_EMOJI_CODE = re.compile(r"(?<![\w:]):([a-z0-9_+'-]+):(?::skin-tone-\d:)?", re.IGNORECASE)
_EMOJI = re.compile(
    "[\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\U0001fc00-\U0001ffff]"
    "[\ufe0f\u200d\U0001f3fb-\U0001f3ff\u2600-\u27bf\U0001f000-\U0001faff]*"
)
_UPPER = re.compile(r"[^\W\d_a-z]", re.UNICODE)
_LOWER = re.compile(r"[a-z]")
_JOINERS = frozenset("\ufe0f\u200d")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_WITH_SLASH = re.compile(r"\bw/o\b|\bw/", re.IGNORECASE)
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")
_SPACES = re.compile(r"[ \t]+")
_LEAD_IN = re.compile(
    r"^[\s:,.\-–—*_]*(?:feedback\b[\s:,.\-–—*_]*)?(?:(?:for|to|re)\b[\s:,\-–—]*)?(?:[:,\-–—]\s*)*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cleaned:
    """A message as every later step reads it."""

    text: str  # markup, shouting and typos gone; emoji are new lines
    emoji: frozenset[str]  # the emoji it had, as characters or Slack codes ("upside_down_face")
    shouting: bool  # most of its letters were capitals


def clean(text: str) -> Cleaned:
    """``text`` as later steps read it (see the module docstring)."""
    rules = _rules()
    # Each pass runs only when its mark is there: most messages are plain words.
    text = text[:MAX_ANALYSED_CHARS]
    ascii_only = text.isascii()
    if not ascii_only:
        text = _SURROGATE.sub(" ", text)
    if not text.isprintable():  # new lines, tabs, and control or zero-width characters
        text = _CONTROL.sub(" ", text)
    if "<" in text:
        text = _SLACK_MARKUP.sub(_slack_markup, text)
    if "&" in text:
        for entity, character in _ENTITIES:
            text = text.replace(entity, character)
    if "http" in text or "www." in text or "HTTP" in text or "WWW." in text:
        text = _BARE_URL.sub(" ", text)
    if "@" in text:
        text = _BARE_MENTION.sub(" ", text)
    emoji: set[str] = set()

    def boundary(match: re.Match[str]) -> str:
        if match.lastindex:
            emoji.add(match.group(1).lower())
        else:
            emoji.update(c for c in match.group() if c not in _JOINERS)
            emoji.add(match.group())
        return " \n "

    if ":" in text:
        text = _EMOJI_CODE.sub(boundary, text)
    if not ascii_only:
        text = _EMOJI.sub(boundary, text)
    if "/" in text:
        text = _WITH_SLASH.sub(
            lambda m: "without " if m.group().lower() == "w/o" else "with ", text
        )
    upper = len(_UPPER.findall(text))
    lower = len(_LOWER.findall(text))
    shouting = upper + lower >= 8 and upper > 0.6 * (upper + lower)
    if _DURATION.search(text):  # "a 3 yr price lock" is three years, not "3 your"
        text = _DURATION.sub(lambda m: f"{m.group(1)}-{_DURATIONS[m.group(2).lower()]}", text)
    if not shouting and upper >= 6 and _CAPS_RUN.search(text):  # "NO MORE SIDE DEALS"
        text = _CAPS_RUN.sub(lambda m: _lowered_run(m.group(), rules), text)
    text = _WORD.sub(lambda m: _fixed(m.group(), shouting), text)
    if _QUOTE_OPENS.search(text):  # 'we need three quotes': someone's words, as "…" are
        text = _SINGLE_QUOTED.sub(r'"\1"', text)
    text = _LEAD_IN.sub("", _SPACES.sub(" ", text)).strip()
    text = _drop_addressee(text, rules)
    text = perspective.to_second_person(text, rules.english)
    return Cleaned(text=text, emoji=frozenset(emoji), shouting=shouting)


def _lowered_run(run: str, rules: _Rules) -> str:
    return re.sub(
        r"[A-Z]+",
        lambda m: m.group() if m.group().lower() in rules.acronyms else m.group().lower(),
        run,
    )


def _slack_markup(match: re.Match[str]) -> str:
    sigil, target, label = match.group(1), match.group(2), match.group(3)
    if sigil in ("@", "#"):  # a person is the rep, a channel is where it was said
        return " "
    if sigil == "!":  # <!here>, <!subteam^S1|@sales>; dates keep their readable text
        return f" {label} " if label and target.startswith("date") else " "
    return f" {label} " if label else " "  # a link keeps its label, loses its address


def _drop_addressee(text: str, rules: _Rules) -> str:
    """ "hey Sam, you…" / "Alex - you…" → "you…": the person spoken to is the rep."""
    words = text.split(maxsplit=3)
    for size in (2, 1):
        if len(words) <= size:
            continue
        head = words[:size]
        last = head[-1]
        if last[-1:] not in ",:-–—" and not (len(words) > size and words[size] in "-–—"):
            continue
        name = last.rstrip(",:-–—")
        if size == 2 and head[0].lower() not in rules.greetings:
            continue
        if name and (name[0].isupper() or name.lower() in rules.greetings):
            rest = text.split(maxsplit=size)[size] if len(words) > size else ""
            return rest.lstrip("-–— ").strip()
    return text


@lru_cache(maxsize=16_384)
def _fixed(word: str, shouting: bool) -> str:
    """``_fix_word``, remembered: the same words come back in message after message."""
    return _fix_word(word, shouting, _rules())


def _fix_word(word: str, shouting: bool, rules: _Rules) -> str:
    low = word.lower().replace("’", "'")
    if low in rules.replacements:
        fixed = rules.replacements[low]
        return fixed[0].upper() + fixed[1:] if word[0].isupper() and not word.isupper() else fixed
    if word.isupper() and len(word) > 1:
        if low in rules.acronyms:
            return word
        if shouting or low in rules.english or len(word) < 3:
            word = low
        else:
            return word[0] + word[1:].lower()  # "ACME" → "Acme": a name in capitals
    elif low in rules.acronyms and word.islower() and low in rules.acronyms_lowered:
        return low.upper()
    corrected = _typo_fix(low, rules)
    if corrected is None:
        return word
    return corrected.capitalize() if word[0].isupper() else corrected


def _typo_fix(low: str, rules: _Rules) -> str | None:
    """The domain word a likely typo was aimed at ("discovry" → "discovery"), or None."""
    if (
        len(low) < _MIN_TYPO_LENGTH
        or low in rules.english
        or low in rules.not_typos
        or not low.isalpha()
    ):
        return None
    options = set(rules.typo_index.get(low, ()))
    for key in _deletions(low):
        options.update(rules.typo_index.get(key, ()))
    options = {o for o in options if _is_typo_of(low, o)}
    return min(options) if options else None  # the same choice every time


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


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


@dataclass(frozen=True)
class _Rules:
    replacements: dict[str, str]
    acronyms: frozenset[str]
    acronyms_lowered: frozenset[str]
    english: frozenset[str]
    greetings: frozenset[str]
    typo_index: dict[str, frozenset[str]]
    not_typos: frozenset[str]


@cache
def _rules() -> _Rules:
    data = prompts.load("reframe/cleaning")
    targets = {t.lower() for t in data["typos"]["targets"]}
    index: dict[str, set[str]] = {}
    for target in targets:
        if len(target) >= _MIN_TYPO_LENGTH and target.isalpha():
            for key in {target} | _deletions(target):
                index.setdefault(key, set()).add(target)
    english = {w.lower() for w in data["english_words"]}
    english |= targets | set(data["replacements"].values())
    return _Rules(
        replacements={k.lower(): v for k, v in data["replacements"].items()},
        acronyms=frozenset(a.lower() for a in data["acronyms"]),
        acronyms_lowered=frozenset(a.lower() for a in data["acronyms_when_lowercase"]),
        english=frozenset(english),
        greetings=frozenset(g.lower() for g in data["greetings"]),
        typo_index={k: frozenset(v) for k, v in index.items()},
        not_typos=frozenset(w.lower() for w in data["typos"]["leave_alone"]),
    )


def english_words() -> frozenset[str]:
    """Common English words (``cleaning.toml``), shared with the language check."""
    return _rules().english


# --- tokens -----------------------------------------------------------------------------

# Words (with inner apostrophes), and marks: ".!?;" and new lines end a clause ("stop"),
# ",:-–—()\"" only pause it ("soft").
# A quote in single marks: opened after a space or a colon, closed before one; an
# apostrophe inside a word ("we're", "Ruth's") neither opens nor closes it.
_QUOTE_OPENS = re.compile(r"(?:^|[\s(:\"“])['‘]|‘")
_CAPS_RUN = re.compile(r"\b[A-Z]{2,}(?:[\s,'’-]+[A-Z]{2,}){2,}\b")
_DURATION = re.compile(r"\b(\d+)\s?(yrs?|mos?)\b", re.IGNORECASE)
_DURATIONS = {"yr": "year", "yrs": "year", "mo": "month", "mos": "month"}
_SINGLE_QUOTED = re.compile(
    r"(?<![\w'’])['‘]([^\W_][^'’‘\n]{0,150}?(?:['’][^\W_][^'’‘\n]{0,150}?)*)['’](?![\w'’])"
)
_TOKEN = re.compile(
    r"\d+[^\W_]*(?:[-/][^\W_]+)+|(?i:yes/no)|\d+(?:[.,]\d+)*%|\d+(?:[.,]\d+)+[^\W_]*|[^\W_]+(?:['’][^\W_]+)*|[.!?;\n]|[,:()\"“”–—]|(?<=\s)-(?=\s)"
)
_STOPS = frozenset(".!?;\n")


@dataclass(slots=True)
class Token:
    """One word or mark of a cleaned message, with where it is (made for every word of
    every message: slots, and not frozen, keep it cheap; nothing changes one)."""

    raw: str
    low: str  # lower case without apostrophes ("didn't" → "didnt"); marks as themselves
    start: int
    end: int
    kind: str  # "word", "stop" (ends a clause) or "soft" (a comma, a dash, a quote mark)
    quoted: bool = False  # inside quotation marks: someone's words, not the manager's


def tokenize(text: str) -> list[Token]:
    """The words and marks of ``text`` (a cleaned message), in order."""
    tokens = []
    quoted = False
    for m in _TOKEN.finditer(text):
        raw = m.group()
        if raw in _STOPS:
            tokens.append(Token(raw, ".", m.start(), m.end(), "stop"))
            quoted = quoted and raw != "\n"  # "are you happy?" keeps its closing mark
        elif not raw[0].isalnum():
            if raw in '"“”':
                quoted = raw == "“" or (raw == '"' and not quoted)
            tokens.append(Token(raw, raw, m.start(), m.end(), "soft"))
        else:
            low = raw.lower().replace("'", "").replace("’", "")
            tokens.append(Token(raw.replace("’", "'"), low, m.start(), m.end(), "word", quoted))
    return tokens
