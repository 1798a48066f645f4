"""The best matching passage of a document, with the query's words marked. No Django import.

The passage is cut from the document's plain text and escaped piece by piece; only then are the
`<mark>` elements put around the matching pieces. Nothing from the document is ever markup: a
`<script>` in a captured page comes back as the text "<script>".

Matching is done on the folded text (see `text.fold`) with a map from each folded character back to
the original one, so 溫州 in a document is marked for the query 温州 and Viña for Vina.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from .text import _CJK, _fold_latin, _t2s, fold

PASSAGE_CHARS = 240


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    out = _fold_latin(ch)
    if out and re.match(f"[{_CJK}]", out):
        out = _t2s().convert(out)
    return out


def _folded_with_map(text: str) -> tuple[str, list[int] | range]:
    whole = fold(text)
    if len(whole) == len(text):
        # The usual case (accents, width and script change no lengths): the map is the identity.
        return whole, range(len(text))
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        f = _fold_char(ch)
        chars.append(f)
        where.extend([i] * len(f))
    return "".join(chars), where


def _needle_pattern(needle: str, prefix: bool) -> str:
    parts = needle.split()
    body = r"[\W_]*".join(re.escape(p) for p in parts)
    starts_word = parts and not re.match(f"[{_CJK}]", parts[0])
    ends_word = parts and not re.search(f"[{_CJK}]$", parts[-1]) and not prefix
    return (r"(?<![^\W_])" if starts_word else "") + body + (r"(?![^\W_])" if ends_word else "")


def passage(text: str, needles: list[tuple[str, bool]], width: int = PASSAGE_CHARS) -> tuple[list[tuple[str, bool]], bool, bool]:
    """(pieces, cut_before, cut_after): the window of about `width` characters of `text` holding the
    most distinct needles, as (text, is_match) pieces. `needles` are (folded text, is_prefix)."""
    if not text:
        return [], False, False
    folded, where = _folded_with_map(text)
    spans = _spans(folded, needles)
    if not spans:
        end = min(len(text), width)
        return [(text[:end], False)], False, end < len(text)
    # The window starting a little before some match that covers the most distinct needles.
    best, best_score = spans[0], -1
    for s in spans[:200]:  # enough candidates; a common term may occur thousands of times
        covered = {n for a, b, n in spans[:400] if s[0] <= a and b <= s[0] + width}
        score = len(covered)
        if score > best_score:
            best, best_score = s, score
    start_f = max(0, best[0] - width // 4)
    end_f = min(len(folded), start_f + width)
    start, end = where[start_f] if start_f < len(where) else len(text), (where[end_f - 1] + 1) if end_f else 0
    # Snap to whitespace so words are not cut in half (not for CJK text, which has none).
    if start > 0:
        space = text.rfind(" ", max(0, start - 20), start)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.find(" ", end, end + 20)
        end = space if space >= 0 else end
    marks = sorted((where[a], where[b - 1] + 1) for a, b, _n in spans if where[a] >= start and where[b - 1] < end)
    return _pieces(text, marks, start, end), start > 0, end < len(text)


def _spans(folded: str, needles: list[tuple[str, bool]]) -> list[tuple[int, int, int]]:
    """(folded start, end, needle index) of the needles' matches, sorted (a few thousand at most)."""
    spans: list[tuple[int, int, int]] = []
    for n, (needle, prefix) in enumerate(needles):
        if not needle.strip():
            continue
        for m in re.finditer(_needle_pattern(needle, prefix), folded):
            if m.end() > m.start():
                spans.append((m.start(), m.end(), n))
                if len(spans) > 2000:
                    break
    spans.sort()
    return spans


def _pieces(text: str, marks: list[tuple[int, int]], start: int, end: int) -> list[tuple[str, bool]]:
    """text[start:end] cut into (text, is_match) pieces at the sorted `marks` (overlaps merged)."""
    pieces: list[tuple[str, bool]] = []
    pos = start
    for a, b in marks:
        if a < pos:
            a = pos
        if b <= a:
            continue
        if a > pos:
            pieces.append((text[pos:a], False))
        pieces.append((text[a:b], True))
        pos = b
    if pos < end:
        pieces.append((text[pos:end], False))
    return pieces


def passage_html(text: str, needles: list[tuple[str, bool]], width: int = PASSAGE_CHARS) -> str:
    """The passage as HTML: every piece escaped, then matching pieces wrapped in <mark>."""
    pieces, before, after = passage(text, needles, width)
    out = ["… " if before else ""]
    for piece, is_match in pieces:
        escaped = html.escape(" ".join(piece.split()) if not is_match else piece, quote=True)
        if piece[:1].isspace():
            escaped = " " + escaped
        if piece[-1:].isspace() and not is_match:
            escaped += " "
        out.append(f"<mark>{escaped}</mark>" if is_match else escaped)
    out.append(" …" if after else "")
    return "".join(out).strip()
