"""Reads of the record for the analyst workspace (staff only: every marking is visible here).

Public reads for the atlas and the API start from `sharing.outbound` and live with the atlas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Model, Q, QuerySet

from tnrwatch.audit.models import AuditEntry
from tnrwatch.audit.selectors import audit_list
from tnrwatch.sharing.outbound import with_marking

from . import subjects
from .models import Alias, Claim, Country, Evidence, Figure, GovernmentResponse, Merge, Station
from .services import SUBJECT_MODELS
from .services.merge import mergeable_model

PAGE_SIZE = 50


def country_exists(iso2: str) -> bool:
    """Whether `iso2` is the code of a country in the record.

    Checked on every report submission, so it is one fixed statement on the cursor (~0.01 ms)
    rather than an ORM `exists()` (~0.12 ms, nearly all of it compiling the query).
    """
    meta, quote = Country._meta, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {quote(meta.db_table)} WHERE {quote(meta.get_field('iso2').column)} = %s",  # noqa: S608 - names from the model
            [iso2],
        )
        return cursor.fetchone() is not None


def subject_model(subject_type: str) -> type[Model] | None:
    name = SUBJECT_MODELS.get(subject_type)
    return apps.get_model("registry", name) if name else None


def subject_get(subject_type: str, subject_id: Any) -> Model | None:
    """The record a claim is about, or None when the type or id is unknown (countries also by ISO code)."""
    model = subject_model(subject_type)
    if model is None:
        return None
    if subject_type == "country" and isinstance(subject_id, str) and subject_id.isalpha():
        code = subject_id.upper()
        return model.objects.filter(Q(iso2=code) | Q(iso3=code)).first()
    try:
        return model.objects.filter(pk=int(subject_id)).first()
    except (TypeError, ValueError, OverflowError):
        return None


def paginate(queryset: QuerySet, page: Any, per_page: int = PAGE_SIZE) -> Page:
    """One page of `queryset`; a missing, malformed or out-of-range page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(page)


def entity_search(queryset: QuerySet, *, q: str = "", text_fields: tuple[str, ...] = (), marking: str = "") -> QuerySet:
    """`queryset` narrowed to records whose text fields contain `q`, and to one marking if given."""
    q = (q or "").strip()
    if q and text_fields:
        cond = Q()
        for field in text_fields:
            cond |= Q(**{f"{field}__icontains": q})
        queryset = queryset.filter(cond)
    if marking:
        queryset = with_marking(queryset, marking)
    return queryset


def claims_about(subject_type: str, subject_id: int) -> QuerySet[Claim]:
    """Every claim about one record, with evidence counts for and against."""
    return (
        Claim.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .annotate(
            supports=Count("evidence", filter=Q(evidence__stance=Evidence.Stance.SUPPORTS)),
            refutes=Count("evidence", filter=Q(evidence__stance=Evidence.Stance.REFUTES)),
        )
        .order_by("prop", "id")
    )


def claim_list(*, status: str = "", subject_type: str = "", q: str = "", marking: str = "") -> QuerySet[Claim]:
    queryset = Claim.objects.annotate(
        supports=Count("evidence", filter=Q(evidence__stance=Evidence.Stance.SUPPORTS)),
        refutes=Count("evidence", filter=Q(evidence__stance=Evidence.Stance.REFUTES)),
    )
    if status:
        queryset = queryset.filter(status=status)
    if subject_type:
        queryset = queryset.filter(subject_type=subject_type)
    if marking:
        queryset = with_marking(queryset, marking)
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(prop__icontains=q) | Q(value__icontains=q))
    return queryset.order_by("-updated_at", "-id")


@dataclass(frozen=True)
class ClaimReview:
    claim: Claim
    subject: Model | None
    supporting: list[Evidence]
    refuting: list[Evidence]


def claim_review(claim: Claim) -> ClaimReview:
    """A claim with its evidence split into for and against, for side-by-side review."""
    evidence = list(claim.evidence.select_related("source", "created_by").order_by("id"))
    return ClaimReview(
        claim=claim,
        subject=subject_get(claim.subject_type, claim.subject_id),
        supporting=[e for e in evidence if e.stance == Evidence.Stance.SUPPORTS],
        refuting=[e for e in evidence if e.stance == Evidence.Stance.REFUTES],
    )


def station_history(station: Station) -> QuerySet:
    return station.status_history.select_related("created_by", "claim").order_by("-created_at", "-id")


def workspace_overview(*, include_intake: bool = True) -> dict[str, Any]:
    """Counts for the workspace home page (its latest changes without the intake's rows unless
    `include_intake`)."""
    by_status = dict(Claim.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {
        "claims_by_status": by_status,
        "disputed": Claim.objects.filter(status="disputed").order_by("-updated_at")[:10],
        "recent": audit_list(include_intake=include_intake)[:15],
    }


def claim_is_public(claim: Claim) -> bool:
    """Whether the public sees the claim now (the publication rule of `sharing.outbound`)."""
    from tnrwatch.sharing.outbound import PUBLIC, outbound_queryset

    return outbound_queryset(Claim, PUBLIC).filter(pk=claim.pk).exists()


def ties_of(subject_type: str, subject_id: int, limit: int = 500) -> list[dict[str, Any]]:
    """Every tie of one record (staff: every marking), with the other end's label and workspace
    page, newest kinds first; at most `limit` (the network view pages further)."""
    from django.urls import reverse

    from .models import Tie

    mine = Q(from_type=subject_type, from_id=subject_id) | Q(to_type=subject_type, to_id=subject_id)
    ties = list(Tie.objects.filter(mine).order_by("kind", "id")[:limit])
    rows = []
    for tie in ties:
        outgoing = (tie.from_type, tie.from_id) == (subject_type, subject_id)
        other_type, other_id = (tie.to_type, tie.to_id) if outgoing else (tie.from_type, tie.from_id)
        other = subject_get(other_type, other_id)
        rows.append({"tie": tie, "outgoing": outgoing, "other": other, "other_type": other_type,
                     "other_url": reverse("workspace:entity_detail", args=[subjects.subject(other_type).workspace_slug, other_id])})
    return rows




def tie_ends(tie: Any) -> list[tuple[str, Any, str]]:
    """(type, record or None, workspace page) of a tie's two ends."""
    from django.urls import reverse

    return [(t, subject_get(t, i), reverse("workspace:entity_detail", args=[subjects.subject(t).workspace_slug, i]))
            for t, i in ((tie.from_type, tie.from_id), (tie.to_type, tie.to_id))]


def replies_of(subject_type: str, subject_id: int) -> QuerySet:
    from .models import Reply

    return Reply.objects.filter(subject_type=subject_type, subject_id=subject_id).select_related("source", "claim")


# Merges (the writes are `services/merge.py`).

def merge_undone(entry: AuditEntry) -> bool:
    return Merge.objects.filter(entry_id=entry.pk, undone_at__isnull=False).exists()


def duplicate_pairs(limit: int = 100) -> list[dict[str, Any]]:
    """Likely duplicates: entities of one type sharing a normalised name or alias (and country),
    figures with the same kind and value, responses with the same country, action and date.
    Each pair: {"subject_type", "kept", "merged", "why"}; the older entity is proposed as kept."""
    pairs: list[dict[str, Any]] = []
    seen: set[tuple[str, int, int]] = set()

    def add(subject_type: str, objs: list[Model], why: str) -> None:
        objs = sorted(objs, key=lambda o: o.pk)
        for other in objs[1:]:
            key = (subject_type, objs[0].pk, other.pk)
            if key not in seen and len(pairs) < limit:
                seen.add(key)
                pairs.append({"subject_type": subject_type, "kept": objs[0], "merged": other, "why": why})

    groups = (Alias.objects.filter(subject_type__in=["organization", "station"]).exclude(normalized="")
              .values("subject_type", "normalized").annotate(n=Count("subject_id", distinct=True)).filter(n__gt=1)
              .order_by("subject_type", "normalized")[:limit])
    for group in groups:
        model = mergeable_model(group["subject_type"])
        ids = Alias.objects.filter(subject_type=group["subject_type"], normalized=group["normalized"]).values_list(
            "subject_id", flat=True)
        by_country: dict[Any, list[Model]] = {}
        for obj in model.objects.filter(pk__in=list(ids)):
            by_country.setdefault(obj.country_id, []).append(obj)
        for objs in by_country.values():
            if len(objs) > 1:
                add(group["subject_type"], objs, f"same name “{group['normalized']}”")
    for row in (Figure.objects.values("kind", "value", "country").annotate(n=Count("id")).filter(n__gt=1)[:limit]):
        add("figure", list(Figure.objects.filter(kind=row["kind"], value=row["value"], country=row["country"])),
            "same kind and value")
    for row in (GovernmentResponse.objects.values("country", "action", "date").annotate(n=Count("id"))
                .filter(n__gt=1)[:limit]):
        add("response", list(GovernmentResponse.objects.filter(country=row["country"], action=row["action"],
                                                               date=row["date"])), "same country, action and date")
    return pairs
