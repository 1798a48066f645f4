"""The unit the extractor hands out: one candidate claim with the exact text that supports it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

KINDS = ("response", "station", "operator", "figure", "country", "person", "address")


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
    # A person (people.py): the name as written, the role phrase, the organisation (an acting
    # body's English label or the phrase's words) and the public basis ("official",
    # "organization_leader", "court_record"). An address: the street address as written.
    name: str | None = None
    role: str | None = None
    organization: str | None = None
    basis: str | None = None
    address: str | None = None

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        extra: dict[str, object] = {}
        if self.kind == "person":
            extra = {k: data[k] for k in ("name", "role", "organization", "basis")}
        elif self.kind == "address":
            extra = {"address": data["address"]}
        base: dict[str, object] = {
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
        return base | extra
