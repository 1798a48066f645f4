"""Response triggers: where a sentence says a government acted (summoned, closed, charged...),
found through an automaton of each pattern's opening literal and of every inflected form of the
lexicons' lemmas, with the negation that cancels one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tnrwatch.extraction.forms import forms
from tnrwatch.extraction.lexicon import (
    CLAUSE_BREAK_RE,
    LOCAL_TRIGGERS,
    NEGATION_AFTER_RE,
    TRIGGERS,
    negation_re,
)
from tnrwatch.extraction.matcher import (
    PLACEHOLDER,
    fast_automaton,
    gate_literals,
    lower_same_length,
)

MAX_TRIGGERS = 16  # per sentence; more is a list or junk, not prose


@dataclass(frozen=True, slots=True)
class Trigger:
    action: str
    start: int
    end: int


_ACTION_RANK = {action: i for i, action in enumerate(TRIGGERS)}


def _literals(pattern: str) -> list[str]:
    """Literals one of which starts every match of a trigger pattern (each must have some)."""
    lits = gate_literals(pattern)
    if lits is None:
        raise ValueError(f"trigger pattern needs a literal start: {pattern}")
    return lits


_PATTERNS: dict[str, re.Pattern[str]] = {}  # trigger patterns compiled so far


@lru_cache(maxsize=1)
def _compiled() -> tuple[Any, re.Pattern[str]]:
    """An Aho-Corasick automaton of each trigger's opening literal, pointing at its regex: only
    the patterns whose literal occurs are tried, and only where it occurs. Each pattern is
    compiled the first time its literal is found (most never are in a given process)."""
    table: dict[str, list[tuple[str, str | None, bool, str | None]]] = {}
    rows = [(None, action, p) for action, patterns in TRIGGERS.items() for p in patterns]
    for only, action, pattern in rows + LOCAL_TRIGGERS:
        for lit in _literals(pattern):
            table.setdefault(lit, []).append((action, pattern, pattern.startswith(r"\b"), only))
    # Inflected forms of the lexicons' lemmas (forms.py): whole words, in their own language.
    for code, words in forms().items():
        for form, action in words.items():
            table.setdefault(form, []).append((action, None, True, code))
    return fast_automaton({lit: (lit, rows) for lit, rows in table.items()})


def find_triggers(text: str, start: int, end: int, lang: str = "und") -> list[Trigger]:
    auto, unknown = _compiled()
    base = lang.split("-")[0]
    low = unknown.sub(PLACEHOLDER, lower_same_length(text[start:end]))
    found: list[Trigger] = []
    for last, value in auto.iter(low):
        if value is None:
            continue
        lit, rows = value
        pos = start + last - len(lit) + 1
        if pos > 0 and text[pos - 1].isalnum():
            word_start = False
        else:
            word_start = True
        for action, pattern, needs_boundary, only in rows:
            if needs_boundary and not word_start or only is not None and only != base:
                continue
            if pattern is None:
                stop = pos + len(lit)
                if stop >= end or not text[stop].isalnum():
                    found.append(Trigger(action, pos, stop))
                continue
            compiled = _PATTERNS.get(pattern)
            if compiled is None:
                compiled = _PATTERNS[pattern] = re.compile(pattern, re.I)
            m = compiled.match(text, pos, end)
            if m:
                found.append(Trigger(action, m.start(), m.end()))
    # Leftmost first; at the same place the stronger action; no overlaps.
    found.sort(key=lambda t: (t.start, _ACTION_RANK[t.action], -(t.end - t.start)))
    kept: list[Trigger] = []
    for t in found:
        if kept and t.start < kept[-1].end:
            continue
        kept.append(t)
    return kept


def clause_start(text: str, s_start: int, pos: int) -> int:
    start = max(s_start, pos - 160)  # the windows read before a trigger are shorter than this
    for m in CLAUSE_BREAK_RE.finditer(text, start, pos):
        start = m.end()
    return start


def negated(text: str, s_start: int, trig: Trigger, lang: str = "und") -> bool:
    if trig.action in ("no_response", "denial"):
        return False
    lo = max(clause_start(text, s_start, trig.start), trig.start - 40)
    window = text[lo:trig.start]
    if "," in window:
        window = window.rsplit(",", 1)[1]
    negation = negation_re(lang)
    if negation.search(window) or NEGATION_AFTER_RE.match(text, trig.end):
        return True
    # A negation inside a closure pattern is a prohibition, which is an order ("must not
    # operate in any form", "no pueden operar"); inside any other it cancels.
    return trig.action != "closure_ordered" and bool(negation.search(text[trig.start:trig.end]))
