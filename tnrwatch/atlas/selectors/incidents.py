"""Public incidents: only the de-identified, possibly coarsened rows of
`sharing.outbound.incident_rows` (the one place that decides), with names, labels and claims
looked up for the rows shown; the incidents list, its totals and its country filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from tnrwatch.registry.models import Country, Incident
from tnrwatch.sharing.outbound import (
    PUBLIC,
    IncidentCount,
    IncidentRow,
    incident_counts,
    incident_rows,
)

from ..api_selectors import public
from .claims import claim_totals, claims_for


@dataclass
class IncidentView:
    """An incident row as the public may see it, with names, labels and its public claims."""

    row: IncidentRow
    host_country: Country
    origin_country: Country | None
    tactic_label: str
    target_label: str
    claims: list = field(default_factory=list)
    more_claims: int = 0  # public claims about it beyond those in `claims`

    @property
    def pk(self) -> int:
        return self.row.pk

    @property
    def date_label(self) -> str:
        r = self.row
        if r.year is None:
            return ""
        if r.month is None:
            return f"{r.year}"
        if r.day is None:
            return f"{r.year}-{r.month:02d}"
        return f"{r.year}-{r.month:02d}-{r.day:02d}"


def _incident_views(qs: QuerySet, *, limit: int | None = None, offset: int = 0,
                    claims_per_row: int | None = None) -> list[IncidentView]:
    """De-identified rows, newest first; names, labels and claims are looked up only for the
    slice [offset, offset + limit) (the rest are returned bare, for counting). With
    `claims_per_row`, at most that many claims per incident, and how many more there are."""
    rows = sorted(incident_rows(PUBLIC, qs),
                  key=lambda r: (-(r.year or 0), -(r.month or 0), -(r.day or 0), r.pk))
    shown = rows[offset: None if limit is None else offset + limit]
    bare = [IncidentView(row=r, host_country=None, origin_country=None, tactic_label="", target_label="")  # type: ignore[arg-type]
            for r in rows]
    rows = shown
    codes = {r.host_country for r in rows} | {r.origin_country for r in rows}
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=codes)}
    tactics = dict(Incident._meta.get_field("tactic").flatchoices)
    targets = dict(Incident._meta.get_field("target_category").flatchoices)
    ids = [r.pk for r in rows]
    claims = claims_for("incident", ids, claims_per_row, with_evidence=False)  # the lists link each claim
    totals = claim_totals("incident", ids) if claims_per_row is not None else {}
    views = [
        IncidentView(row=r, host_country=countries[r.host_country], origin_country=countries.get(r.origin_country),
                     tactic_label=str(tactics.get(r.tactic, r.tactic)),
                     target_label=str(targets.get(r.target_category, r.target_category)),
                     claims=claims.get(r.pk, []), more_claims=totals.get(r.pk, 0) - len(claims.get(r.pk, [])))
        for r in rows
    ]
    bare[offset: offset + len(views)] = views
    return bare


def _incident_filter(country: Country | None, tactic: str | None) -> QuerySet:
    qs = Incident.objects.all()
    if country is not None:
        qs = qs.filter(host_country=country)
    if tactic:
        qs = qs.filter(tactic=tactic)
    return qs


def incident_list(*, country: Country | None = None, tactic: str | None = None,
                  offset: int = 0, limit: int | None = None) -> list[IncidentView]:
    """Public incidents, de-identified and coarsened by the outbound filter, newest first; only
    the [offset, offset + limit) slice is fully looked up."""
    return _incident_views(_incident_filter(country, tactic), offset=offset, limit=limit)


def incident_totals(*, country: Country | None = None, tactic: str | None = None) -> list[tuple[Country, IncidentCount]]:
    """Published incident counts (by country and year, or city and month where large enough),
    including de-identified incidents from reports."""
    counts = incident_counts(PUBLIC, _incident_filter(country, tactic))
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in={c.country for c in counts})}
    return [(countries[c.country], c) for c in counts if c.country in countries]


def incident_countries() -> QuerySet:
    return Country.objects.filter(pk__in=public(Incident).values("host_country_id")).order_by("name_en")
