"""The per-language lexicons (`tnrwatch/extraction/languages/`) assembled into what the
response and station readers use: trigger patterns per action, and one compiled pattern or set
per kind of word. Nothing here names a word of any language; add words in `languages/`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from tnrwatch.extraction.languages import lexicon, lexicons

if TYPE_CHECKING:
    from tnrwatch.extraction.matcher import Gazetteer, Match

_T = TypeVar("_T")

# The registry's response actions (tnrwatch.registry.vocabulary.RESPONSE_ACTIONS), strongest
# first: at one place in a sentence the stronger action wins.
ACTIONS = ("conviction", "arrest_or_charge", "closure_ordered", "legislation", "investigation",
           "diplomatic_protest", "monitoring", "denial", "no_response", "other")

_NOSPACE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def nospace(fragment: str) -> bool:
    """Written without spaces between words (Chinese, Japanese; Korean particles attach)."""
    return bool(_NOSPACE.search(fragment))


def _unique(items: Iterable[_T]) -> list[_T]:
    return list(dict.fromkeys(items))


def literal_trie(words: Iterable[str]) -> str:
    """An alternation of literal words as a trie ("minist(?:er|ry)"): it finds what the flat
    alternation longest-first finds, but tries one branch per letter instead of every word at
    every position (five times faster on the government nouns, measured)."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:  # a word ends here: the longer ones first, then this one
            body = f"(?:{body})?" if len(alts) > 1 or len(alts[0]) > 1 else body + "?"
        return body

    return build(trie) or r"(?!x)x"


_LITERAL = re.compile(r"[^\W\d_]+(?:[ '’-][^\W\d_]+)*")


def words_pattern(words: Iterable[str], *, tail: bool = True) -> str:
    """Alternatives in word boundaries (alphabetic scripts) or as they are (CJK)."""
    listed = list(words)
    spaced = _unique(w for w in listed if not nospace(w))
    bare = _unique(w for w in listed if nospace(w))
    parts: list[str] = []
    if spaced:
        if all(_LITERAL.fullmatch(w) for w in spaced):
            body = literal_trie(spaced)
        else:
            body = "|".join(sorted(spaced, key=len, reverse=True))
        parts.append(rf"\b(?:{body})" + (r"\b" if tail else ""))
    parts += sorted(bare, key=len, reverse=True)
    return "|".join(parts) or r"(?!x)x"


def fragments_pattern(fragments: Iterable[str]) -> str:
    """Each alphabetic fragment after a word boundary; CJK fragments as they are."""
    parts = [f if nospace(f) else r"\b" + f for f in _unique(fragments)]
    return "|".join(parts) or r"(?!x)x"


_LEX = lexicons()

TRIGGERS: dict[str, list[str]] = {a: _unique(p for lex in _LEX for p in lex.triggers.get(a, ())) for a in ACTIONS}
# (language, action, pattern) read only in sentences of that language.
LOCAL_TRIGGERS: list[tuple[str, str, str]] = [
    (lex.code, a, p) for lex in _LEX for a in ACTIONS for p in lex.local_triggers.get(a, ())]
_unknown = {a for lex in _LEX for a in (*lex.triggers, *lex.local_triggers)} - set(ACTIONS)
if _unknown:
    raise ValueError(f"unknown response actions in a lexicon: {sorted(_unknown)}")

# Actions in which China itself may be the actor (elsewhere "Chinese" qualifies the stations).
CHINA_MAY_ACT = {"denial", "diplomatic_protest", "no_response"}

# Government nouns: each lexicon's, and the acting bodies it names ("Landeskriminalamt",
# "Nachrichtendienst"): a body that acts for a government is one.
# An official's role noun written as a plain word ("consul", "portavoce", 发言人) is one too.
_PLAIN_WORD = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)*")
_GOVERNMENT = [*(w for lex in _LEX for w in lex.government),
               *(w for lex in _LEX for words in lex.bodies.values() for w in words if len(w) > 3 or nospace(w)),
               *(w for lex in _LEX for w in lex.public_roles.get("official", ()) if _PLAIN_WORD.fullmatch(w))]
GOVERNMENT_WORDS = _unique(w for w in _GOVERNMENT if not nospace(w))
GOVERNMENT_WORDS_ZH = _unique(w for w in _GOVERNMENT if nospace(w))
# Whole words, with a plural or genitive "s"/"es" ("ministers", "des Innenministeriums").
GOVERNMENT_RE = re.compile("|".join(
    [r"\b(?:" + literal_trie(GOVERNMENT_WORDS) + r")(?:e?s)?\b"]), re.I)
# The same nouns ending a compound, in the languages that write them: "Justitieministern",
# "Bundesinnenministerium", "Rijksrecherche".
_HEADS = _unique(w for lex in _LEX if lex.compounds for w in lex.government if len(w) >= 5 and _PLAIN_WORD.fullmatch(w))
COMPOUND_GOVERNMENT_RE = re.compile(
    r"\b[^\W\d_]{3,}(?:" + (literal_trie(_HEADS) if _HEADS else "(?!x)x") + r")(?:e?s|en|n)?\b",
    re.I)
GOVERNMENT_ZH_RE = re.compile("|".join(GOVERNMENT_WORDS_ZH) or r"(?!x)x")

# Negation before a trigger (same clause): "has not ordered", "no ha cerrado", "n'a pas", 未关闭.
NEGATION_RE = re.compile(words_pattern(w for lex in _LEX for w in lex.negation), re.I)
# "According to the investigation" names a source; a negation after the trigger (hu) cancels it.
ACCORDING_RE = re.compile(r"(?:" + "|".join(
    w if nospace(w) else r"\b" + w.replace(" ", r"\s+") for w in _unique(w for lex in _LEX for w in lex.according))
    + r")\s*(?:[^\W\d_]+\s+)?$" if any(lex.according for lex in _LEX) else r"(?!x)x", re.I)
NEGATION_AFTER_RE = re.compile("|".join(f"(?:{lex.negation_after})" for lex in _LEX if lex.negation_after) or r"(?!x)x", re.I)
# A call for action is not an action: "urged governments to investigate".
MODAL_RE = re.compile(words_pattern(w for lex in _LEX for w in lex.modal), re.I)
NECESSITY_RE = re.compile(words_pattern(w for lex in _LEX for w in lex.necessity), re.I)
# Asking is an action of whoever asks: "the Netherlands asked China to close" is the Dutch
# government's act, "Safeguard Defenders asked governments to investigate" is nobody's.
ASK_RE = re.compile(words_pattern(w for lex in _LEX for w in lex.ask), re.I)
# Clause boundaries for the negation and modality windows.
CLAUSE_BREAK_RE = re.compile("|".join(["[;:]", *_unique(f for lex in _LEX for f in lex.clause_breaks)]))


@lru_cache(maxsize=64)
def negation_re(lang: str) -> re.Pattern[str]:
    """NEGATION_RE plus the negations read only in sentences of `lang`."""
    lex = lexicon(lang)
    if lex is None or not lex.local_negation:
        return NEGATION_RE
    return re.compile(NEGATION_RE.pattern + "|" + words_pattern(lex.local_negation), re.I)


# Place prepositions: "the embassy in France" is a place, "authorities in Chile" an actor.
LOCATIVE_PREPOSITIONS = {w for lex in _LEX for w in lex.locative}
# "The government of Canada" and "the embassy of China" act; "an ally of Beijing" does not.
OF_PREPOSITIONS = {w for lex in _LEX for w in lex.of}
EMBASSY_RE = re.compile(words_pattern(w for lex in _LEX for w in lex.embassy), re.I)

# Words that, just before a country name, make it an object or a place rather than an actor.
NON_ACTOR_PREPOSITIONS = {w for lex in _LEX for w in lex.non_actor}
LIST_GLUE_RE = re.compile(
    r"^(?:\s*(?:" + "|".join(re.escape(w) for w in _unique(w for lex in _LEX for w in lex.list_glue))
    + r")\s*)*$", re.I)

# Stations, sites and operating bureaus.
STATION_RE = re.compile(fragments_pattern(f for lex in _LEX for f in lex.station), re.I)
STATION_PATTERNS = [f if nospace(f) else r"\b" + f for f in _unique(f for lex in _LEX for f in lex.station)]
OTHER_STATION_PATTERNS = [f if nospace(f) else r"\b" + f for f in _unique(f for lex in _LEX for f in lex.other_station)]
OTHER_STATION_RE = re.compile(fragments_pattern(f for lex in _LEX for f in lex.other_station), re.I)
SITE_RE = re.compile(words_pattern(w for lex in _LEX for w in lex.sites), re.I)
BUREAU_RE = re.compile(fragments_pattern(f for lex in _LEX for f in lex.bureau), re.I)
STATION_GENERIC_RE = re.compile("|".join(_unique(f for lex in _LEX for f in lex.station_generic)) or r"(?!x)x", re.I)
STATION_CONTEXT_RE = re.compile("|".join(_unique(f for lex in _LEX for f in lex.context)) or r"(?!x)x", re.I)
LOCATIVE_SUFFIX_RE = re.compile("|".join(f"(?:{lex.locative_suffix})$" for lex in _LEX if lex.locative_suffix) or r"(?!x)x", re.I)
LOCATIVE_AFTER_RE = re.compile("|".join(f"(?:{lex.locative_after})" for lex in _LEX if lex.locative_after) or r"(?!x)x", re.I)
OBJECT_AFTER_RE = re.compile("|".join(f"(?:{lex.object_after})" for lex in _LEX if lex.object_after) or r"(?!x)x")
NON_GOVERNMENT_RE = re.compile(r"\s*(?:" + words_pattern(w for lex in _LEX for w in lex.non_government) + ")", re.I)
@lru_cache(maxsize=1)
def _bodies() -> Gazetteer:
    from tnrwatch.extraction.matcher import Gazetteer

    gaz = Gazetteer()
    for lex in _LEX:
        for label, words in lex.bodies.items():
            for word in words:
                for form in ((word[:-2], word[:-2] + "s") if word.endswith("s?") else (word,)):
                    gaz.add(form, label)
    return gaz


def body_matches(text: str, low: str | None = None) -> list[Match]:
    """Where the text names an acting body (once per document)."""
    return _bodies().find(text, low)


def body_of(found: list[Match], at: int) -> str | None:
    """The acting body a sentence names for a response at `at` (its English label), from that
    sentence's `body_matches`: the last one named before it, else the first after."""
    labels: list[tuple[int, str]] = [(m.start, str(m.payload)) for m in found]
    before = [label for pos, label in labels if pos < at]
    if before:
        return before[-1]
    return labels[0][1] if labels else None


STATION_PLACE_WORDS = _unique(w for lex in _LEX for w in lex.station_place)

# The countries a text in a language is most likely about.
LANGUAGE_HOMES: dict[str, tuple[str, ...]] = {lex.code: lex.homes for lex in _LEX if lex.homes}
