"""`extract(text, lang=None) -> list[Candidate]`: the whole extractor, one pass per text."""

from __future__ import annotations

from tnrwatch.extraction.candidate import Candidate
from tnrwatch.extraction.countries import country_gazetteer
from tnrwatch.extraction.lang import detect_language
from tnrwatch.extraction.matcher import lower_same_length

MAX_CHARS = 2_000_000  # longer texts are read up to here; a news article is ~5,000


def extract(text: str, lang: str | None = None) -> list[Candidate]:
    """Candidate claims found in `text`, in order of position. Never raises on any str."""
    if not isinstance(text, str) or not text.strip():
        return []
    text = text[:MAX_CHARS]
    lang = lang or detect_language(text)
    low = lower_same_length(text)
    out: list[Candidate] = []
    for m in country_gazetteer().find(text, low):
        if m.payload is None:
            continue
        out.append(Candidate(kind="country", country=m.payload.iso2, quote=text[m.start:m.end],
                             start=m.start, end=m.end, lang=lang, confidence=0.9))
    return out
