"""The naming standard: when the publication rule lets a person, or a tie to one, reach the public.

Threat model: naming a person in public is the act with the highest cost of error (defamation,
harassment of someone misidentified, a data-protection complaint). So, on top of the rule every
fact obeys (`records.py`: own marking, a readable quote from a visible source), the public
receives a **person** only when at least one visible claim about them *meets the standard*, and a
**tie to a person** only when the person is public and a visible claim about the tie meets it:

- one of the claim's readable supporting quotes comes from a court record or an official registry
  (`Source.kind` in `vocabulary.NAMING_SOURCE_KINDS`) whose kind an analyst has confirmed
  (`Source.kind_confirmed`: a partner's file saying "court" is not enough), or
- its readable supporting quotes come from at least two independent public sources: sources of
  different publishers (`Source.publisher_key`, `registry/publishers.py`: the same site, or the
  same name once case, punctuation and suffixes such as "News" or "Ltd" are set aside, is one
  publisher; a source with neither a publisher nor a URL counts for nothing).

Only quotes that support the claim count: a second outlet reporting a denial, or a court record
refuting it, does not corroborate it (else the denial would be what publishes the name).

A **family** tie never leaves the instance, to any audience, unless a reviewer recorded why
naming it is in the public interest (`Tie.public_reason`). Partners granted a marking receive
persons and ties to them under the ordinary rule (they are trusted with AMBER, and investigate);
the standard is about the public. A tie between two organisations read from their ties to one
person ("both tied to a person", `xref/services/shared.py`) cites quotes that name that person: the public
sees it only while the person is public under the standard. The same test decides the publish preview (`naming_check`,
over the sources that publishing would make public) and the querysets (`standard_claims`), so
the workspace says exactly what the public pages will do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .audience import Audience


@dataclass(frozen=True)
class NamingCheck:
    """Whether a claim's sources meet the naming standard, and which condition does (or is missing)."""

    met: bool
    condition: str  # "court_or_registry", "two_publishers", or "" when not met
    explanation: str


def naming_check(sources: Iterable[Any]) -> NamingCheck:
    """The standard over the sources whose quotes would be public (objects with `kind`,
    `publisher` and `title`): a court record or official registry, or two different publishers."""
    from tnrwatch.registry import vocabulary as v
    from tnrwatch.registry.publishers import publisher_key

    sources = list(sources)
    official = [s for s in sources if s.kind in v.NAMING_SOURCE_KINDS and getattr(s, "kind_confirmed", True)]
    if official:
        return NamingCheck(True, "court_or_registry",
                           f"Met: it rests on a {v.SOURCE_KINDS[official[0].kind].lower()} ({official[0].title}).")
    publishers = sorted({publisher_key(s.publisher, getattr(s, "url", "")) for s in sources} - {""})
    if len(publishers) >= 2:
        return NamingCheck(True, "two_publishers",
                           f"Met: it rests on {len(publishers)} independent publishers ({', '.join(publishers)}).")
    have = f"only {publishers[0]}" if publishers else "no source with a named publisher"
    unconfirmed = [s for s in sources if s.kind in v.NAMING_SOURCE_KINDS]
    if unconfirmed:
        have += (f"; {unconfirmed[0].title} is a {v.SOURCE_KINDS[unconfirmed[0].kind].lower()} by its partner's word, "
                 "which an analyst has not confirmed")
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
    official = Exists(readable.filter(source__kind__in=v.NAMING_SOURCE_KINDS, source__kind_confirmed=True))
    publishers = (readable.exclude(source__publisher_key="").order_by().values("claim")
                  .annotate(n=Count("source__publisher_key", distinct=True)).values("n")[:1])
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
    return qs.filter(~(Q(from_type="person") | Q(to_type="person")) | named).exclude(_through_unnamed_person(audience))


def _through_unnamed_person(audience: Audience) -> Exists:
    """Ties read from two ties to one person (`xref/services/shared.py`, "both tied to a person"): their
    quotes are the person's ties' quotes and name the person, so the public sees such a tie only
    while that person is public under the standard, whatever the tie's own ends are."""
    from tnrwatch.registry.models import Person
    from tnrwatch.xref.models import TieProposal

    # The person's marking and standard (a claim about them meeting it), not their whole rule:
    # nested in the ties' rule, the whole person rule is deeper than SQLite's parser allows.
    named = standard_claims(audience, "person").filter(subject_id=OuterRef("shared_id"))
    marked = Person.objects.filter(pk=OuterRef("shared_id"), marking__in=audience.allowed_markings())
    return Exists(TieProposal.objects.filter(tie_id=OuterRef("pk"), shared_type="person")
                  .exclude(Exists(named) & Exists(marked)))


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
