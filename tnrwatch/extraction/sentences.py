"""Sentence spans with exact character offsets, for Latin-script and Chinese text."""

from __future__ import annotations

import re

# A sentence ends at . ! ? (then optional closing quotes/brackets, then space) or at 。！？；,
# or at a line break. "U.S." and "Mr." do not end one.
_END = re.compile(r"[.!?]+[\"'”’»)\]]*(?=\s)|[。！？；]+[”’」』）)]*|\n\s*")
_NO_BREAK = {
    "mr", "mrs", "ms", "dr", "st", "no", "nr", "gen", "sen", "rep", "jr", "sr", "prof", "vs",
    "etc", "e.g", "i.e", "u.s", "u.k", "e.u", "u.n", "p.r.c", "co", "inc", "ltd", "art", "sig",
    "dott", "sra", "abs", "bzw", "ca", "z.b", "mio", "mrd", "bn", "mln", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ggf", "vgl", "dhr", "mevr",
}
_MONTH_NEXT = re.compile(
    r"\s+(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
    r"Jänner|januari|februari|maart|mei|juni|juli|augustus|oktober)\b", re.I)
_LAST_WORD = re.compile(r"([\w.]+)$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, whitespace-trimmed, in order; empty ones are skipped."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if m.group().startswith(".") and m.group() == "." * len(m.group()):
            word = _LAST_WORD.search(text, max(0, m.start() - 12), m.start())
            if word:
                w = word.group(1).lower()
                ordinal = w.isdigit() and len(w) <= 2 and re.match(r"\s+\w", text[m.end():m.end() + 3] + " ")
                if w in _NO_BREAK or (len(w) == 1 and w.isalpha()) or (
                        ordinal and not text[m.end():].lstrip()[:1].isupper()) or (
                        ordinal and _MONTH_NEXT.match(text, m.end())):
                    continue
        _push(text, start, m.end(), spans)
        start = m.end()
    _push(text, start, len(text), spans)
    return spans


MAX_SENTENCE = 2000  # longer runs without an end mark (lists, tables, junk) are cut at spaces


def _push(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:
        cut = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        _push(text, start, cut, spans)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))
