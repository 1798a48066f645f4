"""The publication rule for records: which claims, evidence, entities and sources an audience
may receive, as querysets that stay fast at a million claims (correlated EXISTS on indexed
columns, never a Python pass over the record).

The rule, for an `Audience`:

- a **source** is visible when its own marking allows the audience (a document states no fact by
  itself; what it says reaches the audience only through quotes);
- an **evidence item** is *readable* when its own marking allows the audience, its quote is not
  empty, and its source is visible; it is *visible* when, in addition, its claim is visible;
- a **claim** is visible when its own marking allows the audience, its subject is visible, and it
  has at least one readable evidence item;
- an **entity that states a fact** (station, organisation, government response, incident, figure,
  campaign)
  is visible when its own marking allows the audience and at least one claim about it has its own
  marking allowed and a readable evidence item. Its subject (the country, a public reference
  record) is always visible. An incident from the reporting channel never has a public quote (its
  evidence is the report, which never leaves): it reaches the public only as a count, and a partner
  only as a de-identified row (see `incidents.py`);
- a **person** also needs, for the public, a visible claim about them that meets the naming
  standard (a court record or official registry, or two independent publishers); a **tie** between
  two entities (a Tie row: membership, directorship, funding, same address...) is visible only
  where both its ends are, and a tie to a person, for the public, only with a claim about the tie
  that meets the standard; a family tie never leaves without a reviewer's recorded reason
  (`people.py`). A **reply** (right of reply) is visible where its author and the claim it
  answers are;
- a **link** between two records (a station's operator or host, a response's stations, an
  incident's stations, a campaign's bureaus, stations and wider campaign, a status change's claim) is visible only where both ends are, and carries
  the strictest of its ends' markings and its own (`strictest`);
- a station's **status** as an audience sees it (`public_status`) is that of its latest status
  change backed by a claim the audience may see (the change's own claim, or a claim about the
  station whose property is "status" and whose value is that status), else "reported": being
  reported is what the station's own quotes show.

Derived views (a country's strongest response, station counts, map shading, headline figures,
comparison marks) are computed by their callers from these querysets only, so they count only
what passes the rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from tnrwatch.registry import subjects
from tnrwatch.registry.subjects import CLAIM_SUBJECT_TYPES

from .audience import NEVER_OUTBOUND_APPS, NEVER_OUTBOUND_MODELS, PUBLIC, Audience

if TYPE_CHECKING:
    from tnrwatch.registry.models import Organization, Station
from .people import named_persons, tie_ends_visible_q, ties_named

# Records that state a fact ("app.model" label: the subject type claims about them carry).
FACT_SUBJECTS = {f"registry.{k.model_name.lower()}": k.subject_type for k in subjects.kinds(fact_backed=True)}
REFERENCE_SUBJECTS = ("country", "place")  # public reference data, always visible


def _label(model: type[Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _marked(qs: QuerySet[Any], audience: Audience) -> QuerySet[Any]:
    return qs.filter(marking__in=audience.allowed_markings())


def readable_evidence(audience: Audience, qs: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Evidence whose own marking and cited source the audience may see, with a quote, whatever
    claim it supports.

    For callers that already hold claims from `outbound_queryset(Claim)`; everyone else uses
    `outbound_queryset(Evidence)`, which also checks the claim.
    """
    from tnrwatch.registry.models import Evidence, Source

    qs = Evidence.objects.all() if qs is None else qs
    # The source check is a correlated EXISTS on the source's primary key: an `IN (subquery)`
    # here would be rebuilt for every claim on SQLite.
    return _marked(qs, audience).exclude(quote="").filter(
        Exists(_marked(Source.objects.filter(pk=OuterRef("source_id")), audience)))


def quoted_claims(audience: Audience, subject_type: str | None = None) -> QuerySet[Any]:
    """Claims whose own marking the audience may see and that have a readable quote; their
    subject's visibility is NOT checked (use `outbound_queryset(Claim)` for that)."""
    from tnrwatch.registry.models import Claim

    qs = _marked(Claim.objects.all(), audience)
    if subject_type is not None:
        qs = qs.filter(subject_type=subject_type)
    return qs.filter(Exists(readable_evidence(audience).filter(claim=OuterRef("pk"))))


def _has_quoted_claim(audience: Audience, subject_type: str) -> Exists:
    return Exists(quoted_claims(audience, subject_type).filter(subject_id=OuterRef("pk")))


def _subject_model(subject_type: str) -> type[Model] | None:
    kind = subjects.get(subject_type)
    return kind.model if kind is not None and kind.claim_subject and kind.subject_type not in REFERENCE_SUBJECTS else None


def visible_subject_q(audience: Audience, *, types: Iterable[str] | None = None,
                      include_incidents: bool = True) -> Q:
    """Rows (with subject_type/subject_id) whose subject the audience may see. Claims about an
    incident from a report never leave: their values and quotes are not de-identified."""
    wanted = list(CLAIM_SUBJECT_TYPES if types is None else types)
    q = Q(subject_type__in=[t for t in wanted if t in REFERENCE_SUBJECTS])
    for subject_type in wanted:
        model = _subject_model(subject_type)
        if model is None or (subject_type == "incident" and not include_incidents):
            continue
        visible = outbound_queryset(model, audience)
        if subject_type == "incident":
            visible = visible.filter(from_report=False)
        q |= Q(subject_type=subject_type) & Q(Exists(visible.filter(pk=OuterRef("subject_id"))))
    return q


# The rule as an unevaluated queryset per (model, audience), built once per process: it depends
# on neither the request nor the data, and building it (hundreds of nested EXISTS resolved by the
# ORM) costs ~0.05-0.1 s of CPU, which TAXII paging and exports paid for every chunk.
_RULES: dict[tuple[str, Audience], QuerySet[Any]] = {}


def outbound_queryset(model: type[Model], audience: Audience = PUBLIC, qs: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """The records of `model` that `audience` may receive, by the rule in this module's docstring.

    Stations come annotated with `public_status` (their status as the audience may see it) and
    `operator_visible` / `host_organization_visible` (whether those links may be shown).
    Incidents from reports are excluded for the public (they reach it only through
    `incident_counts`). Models that never leave give an empty queryset. Without `qs`, a fresh
    clone of the rule built once per process (never the cached queryset itself, so no result is
    ever cached with it).
    """
    if qs is not None:
        return _rule(model, audience, qs)
    key = (_label(model), audience)
    rule = _RULES.get(key)
    if rule is None:
        rule = _RULES[key] = _rule(model, audience, model._default_manager.all())
    return rule.all()


def _rule(model: type[Model], audience: Audience, qs: QuerySet[Any]) -> QuerySet[Any]:
    name = _label(model)
    if model._meta.app_label in NEVER_OUTBOUND_APPS or name in NEVER_OUTBOUND_MODELS:
        return qs.none()
    if hasattr(model, "marking"):
        qs = _marked(qs, audience)
    if name in FACT_SUBJECTS:
        backed = _has_quoted_claim(audience, FACT_SUBJECTS[name])
        if name == "registry.incident":
            qs = qs.filter(from_report=False).filter(backed) if audience.is_public else qs.filter(Q(from_report=True) | Q(backed))
        else:
            qs = qs.filter(backed)
        if name == "registry.station":
            qs = _station_annotations(qs, audience)
        elif name == "registry.person":
            qs = named_persons(qs, audience)
        elif name == "registry.tie":
            qs = ties_named(qs.filter(tie_ends_visible_q(audience)), audience)
    elif name == "registry.claim":
        qs = qs.filter(Exists(readable_evidence(audience).filter(claim=OuterRef("pk")))).filter(visible_subject_q(audience))
    elif name == "registry.evidence":
        from tnrwatch.registry.models import Claim

        qs = readable_evidence(audience, qs).filter(Exists(outbound_queryset(Claim, audience).filter(pk=OuterRef("claim_id"))))
    elif name == "registry.reply":
        from tnrwatch.registry.models import Claim, Source

        qs = qs.filter(visible_subject_q(audience, types=("person", "organization", "station")))
        qs = qs.filter(Q(claim__isnull=True) | Q(Exists(outbound_queryset(Claim, audience).filter(pk=OuterRef("claim_id")))))
        qs = qs.filter(Q(source__isnull=True) | Q(Exists(_marked(Source.objects.filter(pk=OuterRef("source_id")), audience))))
    elif name == "registry.alias":
        qs = qs.filter(visible_subject_q(audience, include_incidents=False))
    elif name == "registry.stationstatuschange":
        from tnrwatch.registry.models import Station

        qs = qs.filter(Exists(outbound_queryset(Station, audience).filter(pk=OuterRef("station_id"))))
        qs = qs.filter(_status_backed_q(audience))
    return qs


def claims_about(audience: Audience, subject_type: str, ids: Iterable[int] | None = None) -> QuerySet[Any]:
    """The visible claims about subjects of one type (all of them, or those with the given ids):
    `outbound_queryset(Claim)` with the subject check narrowed to that type, which keeps the
    query to one correlated EXISTS per claim."""
    qs = quoted_claims(audience, subject_type)
    if ids is not None:
        qs = qs.filter(subject_id__in=list(ids))
    return qs.filter(visible_subject_q(audience, types=[subject_type]))


# -- stations: the status the audience may see, and links to organisations ------------------


def _status_backed_q(audience: Audience) -> Q:
    """Status changes (rows of StationStatusChange) backed by a claim the audience may see."""
    own_claim = Exists(quoted_claims(audience, "station").filter(pk=OuterRef("claim_id"), subject_id=OuterRef("station_id")))
    status_claim = Exists(quoted_claims(audience, "station").filter(
        subject_id=OuterRef("station_id"), prop="status", value=OuterRef("status")))
    return Q(status="reported") | Q(own_claim) | Q(status_claim)


def _station_annotations(qs: QuerySet[Any], audience: Audience) -> QuerySet[Any]:
    from tnrwatch.registry.models import Organization, StationStatusChange

    latest = (StationStatusChange.objects.filter(station=OuterRef("pk")).filter(_status_backed_q(audience))
              .order_by("-created_at", "-id").values("status")[:1])
    orgs = outbound_queryset(Organization, audience)
    annotated: QuerySet[Any] = qs.annotate(
        public_status=Coalesce(Subquery(latest), Value("reported")),
        operator_visible=Exists(orgs.filter(pk=OuterRef("operator_id"))),
        host_organization_visible=Exists(orgs.filter(pk=OuterRef("host_organization_id"))),
    )
    return annotated


def station_operator(station: Station) -> Organization | None:
    """The station's operator if the link may be shown (the station came from outbound_queryset)."""
    return station.operator if getattr(station, "operator_visible", False) else None


def station_host(station: Station) -> Organization | None:
    """The station's host organisation if the link may be shown."""
    return station.host_organization if getattr(station, "host_organization_visible", False) else None


def fact_models() -> dict[str, type[Model]]:
    """{subject type: model} of the records that state a fact (each needs a quoted claim)."""
    return {t: m for t in FACT_SUBJECTS.values() if (m := _subject_model(t)) is not None}


def withheld(model: type[Model], audience: Audience) -> Iterator[tuple[int, str]]:
    """(id, why) of the records whose own marking allows `audience` but that the rule keeps from
    it: a claim without a readable quote or with a hidden subject, a record without a quoted
    claim. Incidents from reports (counted only, by design) and claims about them are left out.
    For `tnrwatch verify`: an analyst who marked a record CLEAR believes it public."""
    from tnrwatch.registry.models import Claim, Incident

    marked = _marked(model._default_manager.all(), audience)
    shown = outbound_queryset(model, audience).values("pk")
    if model is Claim:
        report_incidents = Incident.objects.filter(from_report=True).values("pk")
        marked = marked.exclude(subject_type="incident", subject_id__in=report_incidents)
    elif model is Incident:
        marked = marked.filter(from_report=False)
    for obj in marked.exclude(pk__in=shown).order_by("pk").iterator(chunk_size=2000):
        if model is Claim:
            quoted = readable_evidence(audience).filter(claim=obj).exists()
            yield obj.pk, "its subject is not public" if quoted else "no public quote"
        elif model._meta.model_name in ("person", "tie"):
            yield obj.pk, "not public: an end is hidden, or no public claim meets the naming standard (docs/people.md)"
        else:
            yield obj.pk, "no public claim with a quote about it"


def with_marking(qs: QuerySet[Any], marking: str) -> QuerySet[Any]:
    """Records carrying exactly `marking`: the workspace's "show me the AMBER ones" filter, for
    staff, who see every marking. Not an audience decision; kept here so that every lookup on a
    marking lives in one package."""
    return qs.filter(marking=marking)


def visible_ids(model: type[Model], audience: Audience, ids: Iterable[int]) -> set[int]:
    """Which of `ids` the audience may see (for references from one exported object to another)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return set()
    return set(outbound_queryset(model, audience).filter(pk__in=ids).values_list("pk", flat=True))


def visible_markings(model: type[Model], audience: Audience, ids: Iterable[int]) -> dict[int, str]:
    """{id: marking} of those of `ids` the audience may see: what a link to them may carry."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(outbound_queryset(model, audience).filter(pk__in=ids).values_list("pk", "marking"))
