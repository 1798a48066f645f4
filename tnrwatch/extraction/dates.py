"""Dates written in a sentence ("1 November 2022", "November 2022", "2022年11月1日",
"1. November 2022", "1 de noviembre de 2022", "2022-11-01"), as ISO strings of the precision
the text gives (YYYY-MM-DD, YYYY-MM, or YYYY for "in 2024")."""

from __future__ import annotations

import re

_MONTHS: dict[int, str] = {
    1: "january jan januar janvier gennaio enero januari janeiro januari janv jänner",
    2: "february feb februar février fevrier febbraio febrero februari fevereiro",
    3: "march mar märz maerz mars marzo maart março marco",
    4: "april apr avril aprile abril",
    5: "may mai maggio mayo mei maio maj",
    6: "june jun juni juin giugno junio junho",
    7: "july jul juli juillet luglio julio julho",
    8: "august aug août aout agosto augustus augusti",
    9: "september sep sept septembre settembre septiembre setiembre setembro",
    10: "october oct oktober octobre ottobre octubre outubro",
    11: "november nov novembre noviembre novembro",
    12: "december dec dezember décembre decembre dicembre diciembre dezembro",
}
MONTH_OF: dict[str, int] = {w: n for n, words in _MONTHS.items() for w in words.split()}
_MONTH_RE = "|".join(sorted(MONTH_OF, key=len, reverse=True))
_YEAR = r"((?:19|20)\d\d)"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b{_YEAR}-(\d\d)-(\d\d)\b"), "ymd"),
    (re.compile(rf"{_YEAR}\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*[日号號]"), "ymd"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th|er|º|°)?\.?\s+(?:de\s+|of\s+)?({_MONTH_RE})\.?,?\s+(?:de\s+|del\s+)?{_YEAR}\b", re.I), "dmy"),
    (re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.I), "mdy"),
    (re.compile(rf"{_YEAR}\s*年\s*(\d{{1,2}})\s*月"), "ym"),
    (re.compile(rf"\b({_MONTH_RE})\.?,?\s+(?:de\s+|del\s+|of\s+)?{_YEAR}\b", re.I), "my"),
    # A year alone, only where it says when: "in 2024", "im Jahr 2023", 2023年.
    (re.compile(rf"\b(?:in|im Jahr|im|en|nel|em|dans|i|år)\s+{_YEAR}\b", re.I), "y"),
    (re.compile(rf"{_YEAR}\s*年(?!\s*\d)"), "y"),
]


_DIGIT = re.compile(r"\d")


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, iso) of each date in text[start:end], without overlaps."""
    end = len(text) if end is None else end
    found: list[tuple[int, int, str]] = []
    if not _DIGIT.search(text, start, end):
        return found  # every date has a year in digits
    taken: list[tuple[int, int]] = []
    for pattern, shape in _PATTERNS:
        for m in pattern.finditer(text, start, end):
            if any(not (m.end() <= a or m.start() >= b) for a, b in taken):
                continue
            iso = _iso(m.groups(), shape)
            if iso:
                found.append((m.start(), m.end(), iso))
                taken.append((m.start(), m.end()))
    found.sort()
    return found


def _iso(groups: tuple[str, ...], shape: str) -> str | None:
    try:
        if shape == "ymd":
            y, mo, d = int(groups[0]), int(groups[1]), int(groups[2])
        elif shape == "dmy":
            d, mo, y = int(groups[0]), MONTH_OF[groups[1].lower()], int(groups[2])
        elif shape == "mdy":
            mo, d, y = MONTH_OF[groups[0].lower()], int(groups[1]), int(groups[2])
        elif shape == "y":
            return groups[0]
        elif shape == "ym":
            y, mo = int(groups[0]), int(groups[1])
            return f"{y:04d}-{mo:02d}" if 1 <= mo <= 12 else None
        else:
            mo, y = MONTH_OF[groups[0].lower()], int(groups[1])
            return f"{y:04d}-{mo:02d}"
    except (KeyError, ValueError):
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"
