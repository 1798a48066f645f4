"""The naming standard: when the publication rule lets a person, or a tie to one, reach the public.

Threat model: naming a person in public is the act with the highest cost of error (defamation,
harassment of someone misidentified, a data-protection complaint). So, on top of the rule every
fact obeys (`records.py`: own marking, a readable quote from a visible source), the public
receives a **person** only when at least one visible claim about them *meets the standard*, and a
**tie to a person** only when the person is public and a visible claim about the tie meets it:

- one of the claim's readable supporting quotes comes from a court record or an official registry
  (`Source.kind` in `vocabulary.NAMING_SOURCE_KINDS`), or
- its readable supporting quotes come from at least two independent public sources: sources of
  different publishers (compared trimmed and without letter case; a source without a publisher
  counts for nothing).

Only quotes that support the claim count: a second outlet reporting a denial, or a court record
refuting it, does not corroborate it (else the denial would be what publishes the name).

A **family** tie never leaves the instance, to any audience, unless a reviewer recorded why
naming it is in the public interest (`Tie.public_reason`). Partners granted a marking receive
persons and ties to them under the ordinary rule (they are trusted with AMBER, and investigate);
the standard is about the public. The same test decides the publish preview (`naming_check`,
over the sources that publishing would make public) and the querysets (`standard_claims`), so
the workspace says exactly what the public pages will do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower, Trim

from .audience import Audience


@dataclass(frozen=True)
class NamingCheck:
    """Whether a claim's sources meet the naming standard, and which condition does (or is missing)."""

    met: bool
    condition: str  # "court_or_registry", "two_publishers", or "" when not met
    explanation: str


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _publisher(value: str) -> str:
    """The publisher as the queryset compares it: SQL's TRIM (spaces) and LOWER, which SQLite
    applies to ASCII letters only. PostgreSQL's LOWER also folds other letters, so there the
    queryset can only find fewer publishers than this preview, never more."""
    return (value or "").strip(" ").translate(_ASCII_LOWER)


def naming_check(sources: Iterable[Any]) -> NamingCheck:
    """The standard over the sources whose quotes would be public (objects with `kind`,
    `publisher` and `title`): a court record or official registry, or two different publishers."""
    from tnrwatch.registry import vocabulary as v

    sources = list(sources)
    official = [s for s in sources if s.kind in v.NAMING_SOURCE_KINDS]
    if official:
        return NamingCheck(True, "court_or_registry",
                           f"Met: it rests on a {v.SOURCE_KINDS[official[0].kind].lower()} ({official[0].title}).")
    publishers = sorted({_publisher(s.publisher) for s in sources} - {""})
    if len(publishers) >= 2:
        return NamingCheck(True, "two_publishers",
                           f"Met: it rests on {len(publishers)} independent publishers ({', '.join(publishers)}).")
    have = f"only {publishers[0]}" if publishers else "no source with a named publisher"
    return NamingCheck(False, "", "Missing: naming a person needs a court record or official registry, or two "
                                  f"independent publishers; this claim has {have}.")


def supporting_sources(evidence: Iterable[Any]) -> list[Any]:
    """The sources of the evidence items that support their claim: what `naming_check` weighs."""
    return [ev.source for ev in evidence if ev.stance == "supports"]


def standard_claims(audience: Audience, subject_type: str) -> QuerySet[Any]:
    """Claims about subjects of one type whose own marking allows `audience` and whose readable
    supporting quotes meet the standard (their subject's visibility is not checked)."""
    from tnrwatch.registry import vocabulary as v

    from .records import quoted_claims, readable_evidence

    readable = readable_evidence(audience).filter(claim=OuterRef("pk"), stance="supports")
    official = Exists(readable.filter(source__kind__in=v.NAMING_SOURCE_KINDS))
    publishers = (readable.annotate(publisher_key=Lower(Trim(F("source__publisher")))).exclude(publisher_key="")
                  .order_by().values("claim").annotate(n=Count("publisher_key", distinct=True)).values("n")[:1])
    counted: QuerySet[Any] = quoted_claims(audience, subject_type).alias(
        publishers_n=Coalesce(Subquery(publishers, output_field=IntegerField()), Value(0)))
    return counted.filter(Q(official) | Q(publishers_n__gte=2))


def named_persons(qs: QuerySet[Any], audience: Audience) -> QuerySet[Any]:
    """Persons (already checked by the ordinary rule) that the audience may see named."""
    if not audience.is_public:
        return qs
    return qs.filter(Exists(standard_claims(audience, "person").filter(subject_id=OuterRef("pk"))))


def ties_named(qs: QuerySet[Any], audience: Audience) -> QuerySet[Any]:
    """Ties (already checked by the ordinary rule and their ends' visibility) that pass the
    standard: no family tie without a recorded reason; for the public, a tie to a person only
    with a claim about the tie that meets the standard."""
    qs = qs.exclude(Q(kind="family") & Q(public_reason=""))
    if not audience.is_public:
        return qs
    named = Exists(standard_claims(audience, "tie").filter(subject_id=OuterRef("pk")))
    return qs.filter(~(Q(from_type="person") | Q(to_type="person")) | named)


def tie_ends_visible_q(audience: Audience) -> Q:
    """Ties whose two ends the audience may see (a link is shown only where both ends are)."""
    from .records import _subject_model, outbound_queryset

    q = Q()
    for side in ("from", "to"):
        either = Q(pk__in=[])
        for end_type in ("person", "organization", "station", "address"):
            model = _subject_model(end_type)
            assert model is not None  # every end type is a record type
            visible = outbound_queryset(model, audience).filter(pk=OuterRef(f"{side}_id"))
            either |= Q(**{f"{side}_type": end_type}) & Q(Exists(visible))
        q &= either
    return q
