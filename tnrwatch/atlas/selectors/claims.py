"""Public claims and the records they are about, as the atlas pages show them: claims with their
public quotes, grouped and bounded per subject, and the names and links of public subjects.

Which claims, quotes and subjects are public is decided by `sharing.outbound` (the publication
rule); this module only shapes what it returns for the pages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet, Window
from django.urls import reverse

from tnrwatch.registry.models import (
    Campaign,
    Claim,
    Country,
    Figure,
    GovernmentResponse,
    Incident,
    Organization,
    Place,
    Source,
    Station,
    Tie,
)
from tnrwatch.sharing.outbound import PUBLIC, claims_about

from ..api_selectors import evidence_of_visible_claims, public


def _public_evidence() -> QuerySet:
    """Public evidence items whose source is public (each row carries its source); the claim's
    own visibility is the caller's to check (`public_claims`, or a filter on `claim`)."""
    return evidence_of_visible_claims()


def _with_quotes(qs: QuerySet) -> QuerySet:
    return qs.prefetch_related(Prefetch("evidence", queryset=_public_evidence(), to_attr="public_evidence"))


def public_claims(subject_type: str | None = None) -> QuerySet:
    """Public claims (the outbound rule: CLEAR, subject public, at least one public quote), their
    public evidence prefetched; only about subjects of `subject_type` if given (a narrower,
    faster subject check)."""
    if subject_type is None:
        return _with_quotes(public(Claim))
    return _with_quotes(claims_about(PUBLIC, subject_type))


def claims_for(subject_type: str, ids: Iterable[int], per_subject: int | None = None, *,
               with_evidence: bool = True) -> dict[int, list[Claim]]:
    """Public claims about the given subjects, grouped by subject id. The ids must come from a
    public queryset (the caller's records are already filtered). With `per_subject`, at most that
    many claims per subject (lists stay bounded however many claims a record gathers). Without
    `with_evidence`, the claims come without their quotes (`public_evidence` is not loaded), for
    lists that only link to each claim's page."""
    from django.db.models import F
    from django.db.models.functions import RowNumber

    ids = list(ids)
    grouped: dict[int, list[Claim]] = defaultdict(list)
    if not ids:
        return grouped
    qs = public_claims(subject_type).filter(subject_id__in=ids)
    if per_subject is not None:
        # Ranked and cut in the database (one statement): fetching every rank to keep the first
        # few cost a row per claim of the subjects, 200 per station at a million claims.
        qs = qs.annotate(rank=Window(RowNumber(), partition_by=[F("subject_id")], order_by=[F("prop"), F("id")])
                         ).filter(rank__lte=per_subject)
    if not with_evidence:
        qs = qs.prefetch_related(None)
    for claim in qs.order_by("prop", "id"):
        grouped[claim.subject_id].append(claim)
    return grouped


def claim_totals(subject_type: str, ids: Iterable[int]) -> dict[int, int]:
    """How many public claims each subject has."""
    return dict(
        public_claims(subject_type).filter(subject_id__in=list(ids)).order_by()
        .values_list("subject_id").annotate(n=Count("id")).values_list("subject_id", "n")
    )


def subject_claims(subject_type: str, subject_id: int) -> QuerySet:
    """All public claims about one (public) record, for a paginated list."""
    return public_claims(subject_type).filter(subject_id=subject_id).order_by("prop", "id")


def _attach(objects: list, subject_type: str, per_subject: int | None = None) -> list:
    by_id = claims_for(subject_type, [o.pk for o in objects], per_subject)
    totals = claim_totals(subject_type, [o.pk for o in objects]) if per_subject is not None else {}
    for obj in objects:
        obj.claims = by_id.get(obj.pk, [])
        obj.claim_total = totals.get(obj.pk, len(obj.claims))
        obj.more_claims = obj.claim_total - len(obj.claims)
    return objects


def with_claims(objects: Iterable, subject_type: str, per_subject: int | None = None) -> list:
    """Attach `.claims` (public, with quotes; at most `per_subject` each) and `.more_claims`."""
    return _attach(list(objects), subject_type, per_subject)


@dataclass(frozen=True)
class SubjectRef:
    label: str
    url: str | None


def subject_refs(pairs: Iterable[tuple[str, int]], language: str) -> dict[tuple[str, int], SubjectRef]:
    """Name and page of each (subject_type, id) that is public; non-public ones are left out."""
    by_type: dict[str, set[int]] = defaultdict(set)
    for subject_type, subject_id in pairs:
        by_type[subject_type].add(subject_id)
    refs: dict[tuple[str, int], SubjectRef] = {}
    for subject_type, ids in by_type.items():
        if subject_type == "country":
            for c in Country.objects.filter(pk__in=ids):
                refs[(subject_type, c.pk)] = SubjectRef(c.name_for(language), reverse("atlas:country", args=[c.iso2.lower()]))
        elif subject_type == "place":
            for p in Place.objects.filter(pk__in=ids).select_related("country"):
                refs[(subject_type, p.pk)] = SubjectRef(f"{p.name_en}, {p.country.name_for(language)}", reverse("atlas:country", args=[p.country.iso2.lower()]))
        elif subject_type == "station":
            for s in public(Station).filter(pk__in=ids):
                refs[(subject_type, s.pk)] = SubjectRef(s.name_en, reverse("atlas:station", args=[s.pk]))
        elif subject_type == "organization":
            for o in public(Organization).filter(pk__in=ids):
                refs[(subject_type, o.pk)] = SubjectRef(o.name_en, reverse("atlas:organization", args=[o.pk]))
        elif subject_type == "source":
            for s in public(Source).filter(pk__in=ids):
                refs[(subject_type, s.pk)] = SubjectRef(s.title, reverse("atlas:source", args=[s.pk]))
        elif subject_type == "response":
            for r in public(GovernmentResponse).filter(pk__in=ids).select_related("country"):
                label = f"{r.country.name_for(language)}: {r.get_action_display()}"
                refs[(subject_type, r.pk)] = SubjectRef(label, reverse("atlas:response", args=[r.pk]))
        elif subject_type == "incident":
            for i in public(Incident).filter(pk__in=ids).select_related("host_country"):
                label = f"{i.get_tactic_display()}, {i.host_country.name_for(language)}"
                refs[(subject_type, i.pk)] = SubjectRef(label, reverse("atlas:incidents") + f"#incident-{i.pk}")
        elif subject_type == "campaign":
            for c in public(Campaign).filter(pk__in=ids):
                refs[(subject_type, c.pk)] = SubjectRef(c.name_en, reverse("atlas:campaign", args=[c.pk]))
        elif subject_type == "figure":
            for f in public(Figure).filter(pk__in=ids):
                refs[(subject_type, f.pk)] = SubjectRef(f"{f.value:,} {f.label}", reverse("atlas:home") + f"#figure-{f.pk}")
        elif subject_type in ("person", "address", "tie"):
            refs.update(_network_refs(subject_type, ids))
    return refs


def _network_refs(subject_type: str, ids: set[int]) -> dict[tuple[str, int], SubjectRef]:
    """People and addresses link to their pages; a tie to the ties list of its first end's page."""
    from tnrwatch.registry import vocabulary as v

    from .people import end_labels

    if subject_type != "tie":
        return {(subject_type, pk): SubjectRef(label, url)
                for (_t, pk), (label, url) in end_labels((subject_type, i) for i in ids).items()}
    ties = list(public(Tie).filter(pk__in=ids))
    ends = end_labels([(t.from_type, t.from_id) for t in ties] + [(t.to_type, t.to_id) for t in ties])
    refs = {}
    for t in ties:
        a, b = ends.get((t.from_type, t.from_id)), ends.get((t.to_type, t.to_id))
        if a and b:
            refs[("tie", t.pk)] = SubjectRef(f"{a[0]} — {v.TIE_KINDS[t.kind].lower()} — {b[0]}", f"{a[1]}#ties")
    return refs


def _with_subjects(claims: list[Claim], language: str) -> list[Claim]:
    refs = subject_refs(((c.subject_type, c.subject_id) for c in claims), language)
    kept = []
    for claim in claims:
        ref = refs.get((claim.subject_type, claim.subject_id))
        if ref is not None:
            claim.subject_ref = ref  # type: ignore[attr-defined]  # read by the claim templates
            kept.append(claim)
    return kept
