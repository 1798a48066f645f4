"""Aho-Corasick gazetteer matching with word boundaries, capitalisation and stems.

Terms are matched in a lower-cased copy of the text of the same length, so offsets are the
offsets of the original text. Chinese terms are added in simplified and traditional script
(the text is never converted, so offsets stay exact)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick

PLACEHOLDER = "\x00"
_NEVER = "\x01\x01"  # no text reaches the automaton with this in it
_COMMON = " eaitnorsldcumhpgbfvwykzjxq.,'-’0123456789éàèáíóúüöäçñãõåø"
STEM_SUFFIX = 4  # letters a stem term may be followed by ("deutsch" -> "deutschen")


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    payload: Any


@dataclass(frozen=True, slots=True)
class _Entry:
    payload: Any
    capital: bool  # the first letter must be upper case in the text
    exact: bool  # the text must match with its case as given (acronyms such as "US")
    stem: bool  # up to STEM_SUFFIX more letters may follow
    form: str  # the term as given, for exact matches
    genitive: bool = False  # may take a genitive "s" ("Sveriges", "Deutschlands", "Chinas")


def lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


_HAN = re.compile("[\u3400-\u9fff]")
_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def has_han(term: str) -> bool:
    return _HAN.search(term) is not None


def unspaced(term: str) -> bool:
    """Written without spaces between words, or with particles glued on: Chinese, Japanese
    (kana), Korean (hangul). Such terms match without word boundaries."""
    return _UNSPACED.search(term) is not None


@lru_cache(maxsize=1)
def _converters() -> list[Any]:
    import opencc

    return [opencc.OpenCC(c) for c in ("s2t", "s2tw", "s2hk", "t2s")]


def han_variants(term: str) -> set[str]:
    """The term in simplified and the usual traditional scripts."""
    out = {term}
    for conv in _converters():
        out.add(conv.convert(term))
    return out


def fast_automaton(words: dict[str, Any]) -> tuple[ahocorasick.Automaton, re.Pattern[str]]:
    """An automaton of `words` (value None is reserved) and a pattern of the characters no word
    contains; `text = unknown.sub(PLACEHOLDER, text)` keeps offsets and speeds the scan.

    pyahocorasick looks a node's children up in insertion order, so the root's fan-out
    (hundreds of first letters in many scripts) made every space and rare letter cost a full
    scan. Characters no word contains are folded to one placeholder, and common characters
    get the first places with keys that never match."""
    auto = ahocorasick.Automaton()
    alphabet = {ch for word in words for ch in word}
    for ch in PLACEHOLDER + _COMMON + "".join(sorted(alphabet)):
        if ch == PLACEHOLDER or ch in alphabet:
            auto.add_word(ch + _NEVER, None)
    for word, value in words.items():
        auto.add_word(word, value)
    auto.make_automaton()
    known = "".join(sorted(alphabet - {"]", "\\", "^", "-"}))
    unknown = re.compile("[^" + re.escape(known) + "\\]\\\\^\\-]")
    return auto, unknown


class Gazetteer:
    """A set of terms with payloads; `find` returns the longest non-overlapping matches."""

    def __init__(self) -> None:
        self._auto = ahocorasick.Automaton()
        self._entries: dict[str, list[_Entry]] = {}
        self._built = False

    def add(self, term: str, payload: Any, *, capital: bool = False, exact: bool = False,
            stem: bool = False, genitive: bool = False) -> None:
        term = term.strip()
        if not term:
            return
        terms = han_variants(term) if has_han(term) else {term}
        for t in terms:
            key = lower_same_length(t)
            latin = not unspaced(t)
            entry = _Entry(payload, capital and latin, exact, stem and latin, t, genitive and latin and not exact)
            bucket = self._entries.setdefault(key, [])
            if entry not in bucket:
                bucket.append(entry)
        self._built = False

    def rows(self, encode: Callable[[Any], Any]) -> list[tuple[str, list[tuple[Any, ...]]]]:
        """The entries as plain tuples, payloads through `encode` (for index.py)."""
        return [(key, [(encode(e.payload), e.capital, e.exact, e.stem, e.form, e.genitive) for e in entries])
                for key, entries in self._entries.items()]

    @classmethod
    def from_rows(cls, rows: list[tuple[str, list[tuple[Any, ...]]]], decode: Callable[[Any], Any]) -> Gazetteer:
        """The gazetteer `rows()` described; equal payloads decode to one object."""
        gaz = cls()
        memo: dict[Any, Any] = {}
        for key, entries in rows:
            bucket = []
            for payload, capital, exact, stem, form, genitive in entries:
                if payload not in memo:
                    memo[payload] = decode(payload)
                bucket.append(_Entry(memo[payload], bool(capital), bool(exact), bool(stem), str(form), bool(genitive)))
            gaz._entries[str(key)] = bucket
        return gaz

    def _build(self) -> None:
        self._auto, self._unknown = fast_automaton(
            {key: (key, unspaced(key), entries) for key, entries in self._entries.items()})
        self._built = True

    def find(self, text: str, low: str | None = None) -> list[Match]:
        if not self._built:
            self._build()
        if low is None:
            low = lower_same_length(text)
        low = self._unknown.sub(PLACEHOLDER, low)
        found: list[Match] = []
        n = len(text)
        for end_index, value in self._auto.iter(low):
            if value is None:
                continue
            key, glued, entries = value
            start = end_index - len(key) + 1
            end = end_index + 1
            if not glued and start > 0 and text[start - 1].isalnum() and text[start].isalnum():
                continue  # inside a word: no entry of this key can match here
            for entry in entries:
                m_end = self._accept(text, start, end, n, glued, entry)
                if m_end is not None:
                    found.append(Match(start, m_end, entry.payload))
                    break
        return _longest_first(found)

    @staticmethod
    def _accept(text: str, start: int, end: int, n: int, glued: bool, entry: _Entry) -> int | None:
        """Where the entry's match ends, or None (`glued`: the key is written without spaces,
        so no word boundary is asked; the boundary before the key is checked by the caller)."""
        first, last = text[start], text[end - 1]
        if not glued:
            if entry.exact and text[start:end] != entry.form:
                return None
            if entry.capital and not first.isupper():
                return None
            if entry.stem:
                m_end = end
                while m_end < n and text[m_end].isalpha() and m_end - end < STEM_SUFFIX:
                    m_end += 1
                if m_end < n and text[m_end].isalpha():
                    return None
                return m_end
            if last.isalnum() and end < n and text[end].isalnum():
                if entry.genitive and text[end] == "s" and not (end + 1 < n and text[end + 1].isalnum()):
                    return end + 1
                return None
        return end


_PLAIN = re.compile(r"[^\\()\[\]?*+{}|.^$]+")


def gate_literals(pattern: str) -> list[str] | None:
    """Literals one of which starts every match of `pattern` (after its leading \\b), or None
    when the pattern starts with something else (a character class)."""
    body = pattern[2:] if pattern.startswith(r"\b") else pattern
    group = re.match(r"\(\?:([^()]+)\)(?![?*])", body)
    if group and all(_PLAIN.fullmatch(alt) for alt in group.group(1).split("|")):
        return [alt.lower() for alt in group.group(1).split("|")]
    lit = _PLAIN.match(body)
    text = lit.group() if lit else ""
    if body[len(text):len(text) + 1] in ("?", "*", "{"):
        text = text[:-1]
    return [text.lower()] if len(text) >= 2 else None


class GatedPatterns:
    """Many regular expressions found together: an Aho-Corasick automaton of their opening
    literals says where each may match, so only those are tried there (one big alternation
    tries every branch at every position). Patterns without a literal start are searched
    as one alternation."""

    def __init__(self, patterns: list[str], flags: int = re.I) -> None:
        table: dict[str, list[re.Pattern[str]]] = {}
        rest: list[str] = []
        for pattern in patterns:
            lits = gate_literals(pattern)
            if lits is None:
                rest.append(pattern)
                continue
            compiled = re.compile(pattern, flags)
            for lit in lits:
                table.setdefault(lit, []).append(compiled)
        self._auto, self._unknown = fast_automaton({lit: (lit, rows) for lit, rows in table.items()})
        self._rest = re.compile("|".join(rest), flags) if rest else None

    def finditer(self, text: str, low: str | None = None) -> list[tuple[int, int, str]]:
        """(start, end, matched text) of every match, leftmost first, at most one per start."""
        if low is None:
            low = lower_same_length(text)
        low = self._unknown.sub(PLACEHOLDER, low)
        found: dict[int, int] = {}
        # The automaton reports where literals end; each pattern is matched from its start.
        for _last, value in self._iter(low):
            start, rows = value
            for compiled in rows:
                m = compiled.match(text, start)
                if m and m.end() > found.get(m.start(), -1):
                    found[m.start()] = m.end()
        if self._rest is not None:
            for m in self._rest.finditer(text):
                if m.end() > found.get(m.start(), -1):
                    found[m.start()] = m.end()
        return [(a, b, text[a:b]) for a, b in sorted(found.items())]

    def _iter(self, low: str) -> Iterator[tuple[int, tuple[int, Any]]]:
        for last, value in self._auto.iter(low):
            if value is None:
                continue
            lit, rows = value
            yield last, (last - len(lit) + 1, rows)


def _longest_first(matches: list[Match]) -> list[Match]:
    """Leftmost-longest, non-overlapping."""
    matches.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Match] = []
    last_end = -1
    for m in matches:
        if m.start >= last_end:
            out.append(m)
            last_end = m.end
        elif out and out[-1].start == m.start and m.end > out[-1].end:
            out[-1] = m
            last_end = m.end
    return out
