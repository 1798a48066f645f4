"""Split a text into plain and highlighted segments by character offsets. No Django import.

Spans may overlap: the text is cut at every span boundary and each piece carries the spans that
cover it, so the template renders `<mark>` elements that never nest and never break the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Segment:
    text: str
    spans: list[Any] = field(default_factory=list)  # the objects covering this piece, in input order
    starts: list[Any] = field(default_factory=list)  # the objects that begin at this piece


def segments(text: str, spans: Iterable[tuple[int, int, Any]]) -> list[Segment]:
    """`spans` are (start, end, obj); offsets outside the text are clipped, empty spans dropped."""
    clean = []
    for start, end, obj in spans:
        start, end = max(0, int(start)), min(len(text), int(end))
        if start < end:
            clean.append((start, end, obj))
    cuts = sorted({0, len(text), *(s for s, _e, _o in clean), *(e for _s, e, _o in clean)})
    out: list[Segment] = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        covering = [obj for s, e, obj in clean if s <= left and right <= e]
        starting = [obj for s, _e, obj in clean if s == left]
        out.append(Segment(text=text[left:right], spans=covering, starts=starting))
    return out
