"""The outbound filter: every path by which records leave the instance goes through here
(public pages and API, CSV, GeoJSON, STIX, TAXII, FtM).

Threat model: a partner or the public must never receive a record marked above what they were
granted (TLP), a private note, or anything from a report except a de-identified incident; public
incident counts are aggregated (see `sharing` issue). This module is the one place that decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model, QuerySet

from tnrwatch.registry import vocabulary as v


@dataclass(frozen=True)
class Audience:
    """Who receives the output: the public, or a partner with granted markings."""

    name: str
    max_marking: str = "clear"  # the highest TLP marking this audience may receive
    collections: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_public(self) -> bool:
        return self.name == "public"

    def allowed_markings(self) -> list[str]:
        top = v.MARKING_LEVEL[self.max_marking]
        # RED never leaves the instance, whatever was granted.
        return [m for m, lvl in v.MARKING_LEVEL.items() if lvl <= top and m != "red"]


PUBLIC = Audience(name="public", max_marking="clear")


def outbound_queryset(model: type[Model], audience: Audience = PUBLIC, qs: QuerySet | None = None) -> QuerySet:
    """The records of `model` that `audience` may receive."""
    qs = model.objects.all() if qs is None else qs
    if hasattr(model, "marking"):
        qs = qs.filter(marking__in=audience.allowed_markings())
    return qs
