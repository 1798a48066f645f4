"""The unit the extractor hands out: one candidate claim with the exact text that supports it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

KINDS = ("response", "station", "operator", "figure", "country")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate claim. `text[start:end] == quote` holds for the text it was extracted from.

    `to_dict()` is the stable JSON shape printed by `tnrwatch extract` (one object per line)."""

    kind: str
    quote: str
    start: int
    end: int
    lang: str
    confidence: float
    country: str | None = None
    action: str | None = None
    city: str | None = None
    operator: str | None = None
    value: float | int | None = None
    what: str | None = None
    date: str | None = None
    body: str | None = None  # the acting body of a response ("police", "Ministry of Foreign Affairs")

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        return {
            "kind": data["kind"],
            "country": data["country"],
            "action": data["action"],
            "city": data["city"],
            "operator": data["operator"],
            "value": data["value"],
            "what": data["what"],
            "quote": data["quote"],
            "start": data["start"],
            "end": data["end"],
            "lang": data["lang"],
            "confidence": round(float(data["confidence"]), 3),
            "date": data["date"],
            "body": data["body"],
        }
