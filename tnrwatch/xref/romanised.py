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


# --- Wade-Giles and mixed spellings -> pinyin -------------------------------------------------------

_APOSTROPHES = re.compile(r"[’ʼ‘`ʻ]")
_WG_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*'?")
# Wade-Giles initials, longest first; a spelling's initial is the longest of these it starts with.
_WG_INITIALS = ("ch'", "ts'", "tz'", "k'", "p'", "t'", "ch", "hs", "ts", "tz", "ss", "sz", "sh", "j", "k", "p", "t",
                "f", "h", "l", "m", "n", "s", "w", "y")
_PINYIN_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z",
                    "c", "s", "y", "w")
# Wade-Giles writes z and c as ts/ts' but tz/tz' before -u (tzu for zi), s as ss or sz there; writers mix them.
_WG_SAME_INITIAL = {"tz'": "ts'", "tz": "ts", "sz": "ss", "ts'": "tz'", "ts": "tz", "ss": "s"}
MAX_READINGS = 8  # pinyin readings of one Wade-Giles name (ch is zh, ch or j; p is b or p...)


def _split_initial(syllable: str, initials: tuple[str, ...]) -> tuple[str, str]:
    for initial in initials:
        if syllable.startswith(initial) and len(syllable) > len(initial):
            return initial, syllable[len(initial):]
    return "", syllable


@lru_cache(maxsize=1)
def wade_giles_spellings() -> dict[str, frozenset[str]]:
    """Spelling -> the pinyin syllables it can stand for. From pypinyin's pinyin -> Wade-Giles table
    (its data, not a list kept here), each Wade-Giles syllable as written, without its apostrophe
    (as most Western writing drops it), and mixed as people write it half-converted: the Wade-Giles
    initial with the pinyin final (Tsi for zi, Hsin for xin; ts and tz, ss and s taken as one initial) and the pinyin initial with the
    Wade-Giles final (Yung for yong, Lien for lian). Pinyin syllables stand for themselves."""
    from pypinyin.style.wadegiles import _convert_table

    out: dict[str, set[str]] = {}
    for pinyin, wade in _convert_table:
        pinyin_initial, pinyin_final = _split_initial(pinyin, _PINYIN_INITIALS)
        wade_initial, wade_final = _split_initial(wade, _WG_INITIALS)
        spellings = [pinyin, pinyin_initial + wade_final]
        for initial in (wade_initial, _WG_SAME_INITIAL.get(wade_initial, wade_initial)):
            spellings += [initial + wade_final, initial + pinyin_final]
        for spelling in spellings:
            out.setdefault(spelling, set()).add(pinyin)
            out.setdefault(spelling.replace("'", ""), set()).add(pinyin)
    return {spelling: frozenset(readings) for spelling, readings in out.items()}


def _spell(word: str) -> list[tuple[str, ...]] | None:
    """`word` split into known spellings (fewest first), each as its pinyin readings, or None."""
    table = wade_giles_spellings()
    best: list[list[frozenset[str]] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _LONGEST_SYLLABLE - 1), end):
            head = best[start]
            readings = table.get(word[start:end].strip("'"))
            if head is not None and readings:
                candidate = [*head, readings]
                if best[end] is None or len(candidate) < len(best[end] or []):
                    best[end] = candidate
    found = best[len(word)]
    return [tuple(sorted(r)) for r in found] if found else None


def wade_giles_readings(folded: str) -> list[list[str]]:
    """The pinyin readings (syllables) of a name written in Wade-Giles or half-converted spelling
    ("Chang Hsiao-ming" -> zhang xiao ming, chang xiao ming), the first MAX_READINGS; [] when a word
    is not such a spelling."""
    import itertools

    slots: list[tuple[str, ...]] = []
    for word in _WG_WORD.findall(_APOSTROPHES.sub("'", folded).replace("-", " ")):
        spelled = _spell(word)
        if spelled is None:
            return []
        slots.extend(spelled)
    if not slots:
        return []
    return [list(reading) for reading in itertools.islice(itertools.product(*slots), MAX_READINGS)]
