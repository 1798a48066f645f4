"""Romanised names, as the matcher compares them (`matching.name_variants`). No Django import.

Pinyin syllables: a Latin word is read as pinyin when it splits wholly into syllables of the
Mandarin syllabary (taken from pypinyin's own dictionary, so no list is kept here); English words
rarely do all at once. Wade-Giles: pypinyin's rendering of the characters. Abbreviations: the usual
English short forms of the words organisations are named with, as registries and press write them.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")
_LONGEST_SYLLABLE = 6  # zhuang, shuang, chuang
# English short forms -> the word, in organisations' names (folded, without the full stop).
ABBREVIATIONS = {
    "assn": "association", "assoc": "association", "asso": "association", "ass'n": "association",
    "coc": "chamber of commerce", "fed": "federation", "fedn": "federation", "intl": "international",
    "int'l": "international", "natl": "national", "nat'l": "national", "soc": "society", "inst": "institute",
    "univ": "university", "dept": "department", "govt": "government", "cttee": "committee",
    "cmte": "committee", "ctr": "centre", "cntr": "centre", "center": "centre", "bros": "brothers",
    "mfg": "manufacturing", "prof": "professional", "dev": "development", "mgmt": "management",
}
# Words that carry no identity in an organisation's name, in the languages of the host countries.
FUNCTION_WORDS = frozenset({"of", "the", "and", "for", "in", "at", "de", "di", "del", "della", "des", "du", "la",
                            "le", "les", "el", "los", "das", "der", "die", "van", "von", "et", "e", "y", "und"})


def words(folded: str) -> list[str]:
    return _WORD.findall(folded)


@lru_cache(maxsize=1)
def syllabary() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin reads a character as (about 415)."""
    import pypinyin
    from pypinyin.pinyin_dict import pinyin_dict

    out: set[str] = set()
    for codepoint in pinyin_dict:
        out.update(s for s in pypinyin.lazy_pinyin(chr(codepoint)) if s.isascii() and s.isalpha())
    return frozenset(out)


@lru_cache(maxsize=65536)
def _split(word: str) -> tuple[str, ...] | None:
    """`word` as pinyin syllables, fewest first (xian stays one), or None when it is not pinyin."""
    known = syllabary()
    best: list[tuple[str, ...] | None] = [()] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _LONGEST_SYLLABLE), end):
            head = best[start]
            if head is not None and word[start:end] in known:
                candidate = (*head, word[start:end])
                if best[end] is None or len(candidate) < len(best[end] or ()):
                    best[end] = candidate
    return best[len(word)]


def pinyin_syllables(name_words: list[str]) -> list[str]:
    """The syllables of a name written wholly in (toneless) pinyin, or [] when it is not."""
    out: list[str] = []
    for word in name_words:
        split = _split(word) if word.isascii() and word.isalpha() else None
        if not split:
            return []
        out.extend(split)
    return out


def wade_giles(chinese: str) -> list[str]:
    import pypinyin

    out = []
    for syllable in pypinyin.lazy_pinyin(chinese, style=pypinyin.Style.WADEGILES, errors="ignore"):
        out.append(syllable.replace("v", "ü"))
    return [s for s in out if s]


def expand_abbreviations(name_words: list[str]) -> list[str]:
    out: list[str] = []
    for word in name_words:
        out.extend(ABBREVIATIONS.get(word, word).split())
    return out


def content_words(name_words: list[str]) -> list[str]:
    return [w for w in name_words if w not in FUNCTION_WORDS]
