"""Sets of word phrases, found fast: indexed by their first word.

A phrase is a tuple of lowercase tokens: a word, "stem*" (any ending) or "*" (any one
word). Messages are short, but the lists are long, so every lookup starts from the words
that can begin a match rather than from every phrase.
"""

from __future__ import annotations

from collections.abc import Iterable

_BOUNDARY = "."
# Words whose candidate phrases a set remembers (bounded, whatever the traffic).
_MAX_REMEMBERED = 20_000


class PhraseSet:
    """Phrases to look for in a list of lowercase words ("." ends a clause)."""

    def __init__(self, phrases: Iterable[tuple[str, ...]]) -> None:
        self._by_word: dict[str, list[tuple[str, ...]]] = {}
        self._by_stem: dict[str, list[tuple[str, ...]]] = {}
        for phrase in sorted({p for p in phrases if p and p[0] != "*"}, key=len, reverse=True):
            first = phrase[0]
            if first.endswith("*"):
                self._by_stem.setdefault(first[:-1], []).append(phrase)
            else:
                self._by_word.setdefault(first, []).append(phrase)
        self._stem_lengths = sorted({len(stem) for stem in self._by_stem})
        self._firsts = frozenset(self._by_word)
        self._stems = frozenset(self._by_stem)
        self._stem_tuple = tuple(self._by_stem)
        self._starting: dict[str, tuple[tuple[str, ...], ...]] = {}

    @property
    def firsts(self) -> frozenset[str]:
        """The words a phrase can start with (every word, when a phrase starts with a stem)."""
        return self._firsts if not self._stem_lengths else _EVERY_WORD

    def __bool__(self) -> bool:
        return bool(self._by_word or self._by_stem)

    def longest_at(self, words: list[str], i: int) -> int:
        """The length of the longest phrase starting at ``words[i]``, or 0."""
        if i >= len(words):
            return 0
        word = words[i]
        if word not in self._firsts and not (
            self._stem_tuple and word.startswith(self._stem_tuple)
        ):
            return 0
        candidates = self._starting.get(word)
        if candidates is None:
            candidates = self._starting_with(words[i])
        for phrase in candidates:  # longest first
            if matches(phrase, words, i):
                return len(phrase)
        return 0

    def phrase_at(self, words: list[str], i: int) -> tuple[str, ...] | None:
        """The longest phrase starting at ``words[i]``, as listed, or None."""
        if i >= len(words):
            return None
        word = words[i]
        if word not in self._firsts and not (
            self._stem_tuple and word.startswith(self._stem_tuple)
        ):
            return None
        candidates = self._starting.get(word)
        if candidates is None:
            candidates = self._starting_with(word)
        for phrase in candidates:  # longest first
            if matches(phrase, words, i):
                return phrase
        return None

    def phrases_in(self, words: list[str]) -> set[tuple[str, ...]]:
        """Every phrase found in ``words`` (the longest at each place)."""
        found = set()
        for i in range(len(words)):
            phrase = self.phrase_at(words, i)
            if phrase:
                found.add(phrase)
        return found

    def _starting_with(self, word: str) -> tuple[tuple[str, ...], ...]:
        """The phrases that may start with ``word``, longest first (remembered)."""
        found = list(self._by_word.get(word, ()))
        for length in self._stem_lengths:
            if length > len(word):
                break
            found.extend(self._by_stem.get(word[:length], ()))
        candidates = tuple(sorted(found, key=len, reverse=True))
        if len(self._starting) < _MAX_REMEMBERED:
            self._starting[word] = candidates
        return candidates

    @staticmethod
    def presence(words: list[str]) -> frozenset[str]:
        """The words of a message and their beginnings: lets a set rule itself out at once."""
        return frozenset(words) | {w[:n] for w in words for n in range(2, len(w))}

    def found_in(self, words: list[str], present: frozenset[str] | None = None) -> bool:
        """Whether any phrase occurs anywhere in ``words`` (``present``: their presence)."""
        if present is not None:
            if self._firsts.isdisjoint(present) and self._stems.isdisjoint(present):
                return False
        elif not self._stem_lengths and self._firsts.isdisjoint(words):
            return False
        starting = self._starting
        firsts = self._firsts
        stems = self._stem_tuple
        for i, word in enumerate(words):
            if word not in firsts and not (stems and word.startswith(stems)):
                continue  # nothing starts with this word: the common case, decided in C
            candidates = starting.get(word)
            if candidates is None:
                candidates = self._starting_with(word)
            for phrase in candidates:
                if matches(phrase, words, i):
                    return True
        return False

    def first_in(self, words: list[str]) -> tuple[int, int] | None:
        """(position, length) of the first phrase found, or None."""
        for i in range(len(words)):
            size = self.longest_at(words, i)
            if size:
                return i, size
        return None


class _Everything(frozenset):  # type: ignore[type-arg]
    """A set that holds every word: for phrase sets whose phrases may start with a stem."""

    def __contains__(self, item: object) -> bool:
        return True


_EVERY_WORD: frozenset[str] = _Everything()


def matches(phrase: tuple[str, ...], words: list[str], i: int) -> bool:
    if len(phrase) == 1 and not phrase[0].endswith("*"):
        return True  # a one-word phrase was looked up by that very word
    return matches_at(phrase, words, i)


# Whether a phrase is plain words (no "*" anywhere), remembered per phrase: the phrases
# come from the prompts data, so this stays as small as the data.
_PLAIN: dict[tuple[str, ...], bool] = {}


def matches_at(phrase: tuple[str, ...], words: list[str], i: int) -> bool:
    """Whether ``phrase`` (words, ``*`` for any word, ``stem*`` for a prefix) starts at ``i``,
    within one sentence."""
    end = i + len(phrase)
    if end > len(words):
        return False
    plain = _PLAIN.get(phrase)
    if plain is None:
        plain = _PLAIN[phrase] = not any(part.endswith("*") for part in phrase)
    if plain:  # most phrases: one comparison in C (a phrase never holds the boundary)
        return tuple(words[i:end]) == phrase
    for offset, part in enumerate(phrase):
        word = words[i + offset]
        if word == _BOUNDARY:
            return False
        if part == "*":
            continue
        if part.endswith("*"):
            if not word.startswith(part[:-1]):
                return False
        elif word != part:
            return False
    return True
