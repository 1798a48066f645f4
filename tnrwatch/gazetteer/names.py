"""Name normalisation for search and matching across scripts. No Django import.

Chinese names are folded to Simplified script with OpenCC (so 福州市公安局 and 福州市公安局 in
traditional form match), Latin names are case-folded and stripped of accents and punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_PUNCT = re.compile(r"[\s\-_'’\".,;:()\[\]{}«»“”‘/\\]+")


@lru_cache(maxsize=1)
def _t2s() -> Any:  # an opencc.OpenCC (the package ships no types)
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    simplified: str = _t2s().convert(text)
    return simplified


def normalize_name(name: str) -> str:
    """A search key: simplified script, no accents, case-folded, punctuation and spaces removed."""
    text = unicodedata.normalize("NFKC", name or "")
    if any("\u3400" <= ch <= "\u9fff" for ch in text):
        text = to_simplified(text)
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    return _PUNCT.sub("", text.casefold())[:300]
