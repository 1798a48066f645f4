"""Reads of the network view: the ties around one entity, as the viewer may see them.

What a viewer sees comes from the publication rule only: for the public or a partner every
entity, claim and quote is read through `sharing.outbound` querysets (an entity the rule hides is
not a node, a tie to it is not drawn, a claim or quote it hides neither backs nor contests a tie);
staff (after `accounts.access.require_role`) read the whole record, as in the workspace. Nothing
here looks at a marking.

Ties come from `PROVIDERS`, one per kind of link the record holds. Each reads, for a frontier of
nodes, at most `per_node` ties per node (a window function, so a hub of 1,000 stations costs one
statement, not 1,000 rows per neighbour) and each node's total, so the view stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Count, F, Model, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext_lazy

from tnrwatch.accounts.access import ALL_STAFF, require_role
from tnrwatch.core.errors import NotFoundOrForbiddenError
from tnrwatch.registry import models as m
from tnrwatch.registry import subjects
from tnrwatch.registry import vocabulary as v
from tnrwatch.sharing.outbound import Audience, compiled_queryset

from .filters import NetworkFilters
from .graph import Adjacency, Neighbourhood, Node, Tie, expand, node_key, split_key

# Tie types the record holds, with their names (the legend, the filter, the table).
TIE_TYPES: dict[str, Any] = {
    "operated_by": gettext_lazy("Operated by"),
    "hosted_by": gettext_lazy("Hosted by"),
    # The typed ties (registry.Tie, vocabulary.TIE_KINDS), as the legend and the table name them.
    "membership": gettext_lazy("Member of"),
    "directorship": gettext_lazy("Leads or directs"),
    "employment": gettext_lazy("Employed by"),
    "ownership": gettext_lazy("Owns"),
    "registered_at": gettext_lazy("Registered at"),
    "located_at": gettext_lazy("Located at"),
    "funding": gettext_lazy("Funds"),
    "affiliation": gettext_lazy("Affiliated with"),
    "family": gettext_lazy("Family tie"),
    "same_address_as": gettext_lazy("Same address as"),
    "unknown": gettext_lazy("Other link"),
}
# The claim properties that state each of the station's links (a claim about the station).
LINK_PROPS = {"operated_by": ("operator",), "hosted_by": ("host_organization", "hosted_by", "host")}
NODE_TYPES = subjects.types(network_node=True)  # the kinds drawn (`registry/subjects.py`)
PUBLIC_NETWORK_SLUGS = {k.subject_type: k.network_slug for k in subjects.SUBJECTS if k.network_slug}


PLACEHOLDER = 987654321987654321  # an id no record has, replaced in the reversed URL


@lru_cache(maxsize=256)
def _url_template(name: str, head: tuple, prefix: str) -> str:
    try:
        return reverse(name, args=[*head, PLACEHOLDER])
    except NoReverseMatch:  # a kind without a page of its own (yet): the node is drawn without a link
        return ""


def _reverse(name: str, args: list) -> str:
    """reverse(name, args) at the cost of one reverse() per URL name and kind, not per node."""
    *head, pk = args
    template = _url_template(name, tuple(head), get_script_prefix())
    return template.replace(str(PLACEHOLDER), str(pk), 1) if template else ""


def workspace_slug(kind: str) -> str | None:
    found = subjects.get(kind)
    return found.workspace_slug if found is not None else None


@dataclass(frozen=True)
class Viewer:
    """Who looks: an audience of the publication rule, or staff (audience None)."""

    audience: Audience | None
    language: str = "en"

    @property
    def staff(self) -> bool:
        return self.audience is None

    def queryset(self, model: type[Model]) -> QuerySet:
        """The records of `model` this viewer may see: the publication rule (compiled once per
        process, `sharing.outbound.compiled_queryset`) for an audience, every record for staff."""
        if self.audience is None:
            return model._default_manager.all()
        return compiled_queryset(model, self.audience)

    def claims(self, subject_type: str, ids: Iterable[int]) -> QuerySet:
        return self.queryset(m.Claim).filter(subject_type=subject_type, subject_id__in=list(ids))

    def evidence(self, claim_ids: Iterable[int]) -> QuerySet:
        return self.queryset(m.Evidence).filter(claim_id__in=list(claim_ids))

    def page(self, kind: str, pk: int) -> str:
        if self.staff:
            slug = workspace_slug(kind)
            return _reverse("workspace:entity_detail", [slug, pk]) if slug else ""
        found = subjects.get(kind)
        return _reverse(found.public_page, [pk]) if found is not None and found.public_page else ""

    def network_page(self, kind: str, pk: int) -> str:
        if self.staff:
            slug = workspace_slug(kind)
            return _reverse("workspace:network", [slug, pk]) if slug else ""
        slug = PUBLIC_NETWORK_SLUGS.get(kind)
        return _reverse("atlas:network", [slug, pk]) if slug else ""

    def claim_page(self, pk: int) -> str:
        return _reverse("workspace:claim_detail" if self.staff else "atlas:claim", [pk])


def viewer_for(audience_or_user: Any, language: str = "en") -> Viewer:
    """The viewer of an audience, or of a staff user (PermissionDeniedError if not verified staff)."""
    if isinstance(audience_or_user, Audience):
        return Viewer(audience_or_user, language)
    require_role(audience_or_user, *ALL_STAFF)
    return Viewer(None, language)


def tie_types() -> list[str]:
    return list(TIE_TYPES)


def _label(viewer: Viewer, name_en: str, name_zh: str) -> str:
    if viewer.language.startswith("zh") and name_zh:
        return name_zh
    return name_en or name_zh


def _node(viewer: Viewer, kind: str, pk: int, name_en: str, name_zh: str) -> Node:
    return Node(key=node_key(kind, pk), kind=kind, label=_label(viewer, name_en, name_zh),
                href=viewer.page(kind, pk), more_href=viewer.network_page(kind, pk))


def center_node(viewer: Viewer, kind: str, pk: int) -> Node:
    """The entity the view is about; the same error for missing and for hidden."""
    model = subjects.subject(kind).model if kind in NODE_TYPES else None
    in_range = 0 < pk < 2**63  # out of any database's range: no such row (and no overflow error)
    obj = viewer.queryset(model).filter(pk=pk).first() if model and in_range else None
    if obj is None:
        raise NotFoundOrForbiddenError("There is no record with this number.")
    return _node(viewer, kind, pk, *_names(obj))


def _names(obj: Any) -> tuple[str, str]:
    if isinstance(obj, dict):
        return obj.get("name_en") or obj.get("full") or "", obj.get("name_zh") or ""
    if hasattr(obj, "name_en"):
        return obj.name_en, getattr(obj, "name_zh", "")
    return str(obj), ""


# -- providers: station -> organisation (operated by, hosted by) ------------------------------------

STATION_LINKS = (("operated_by", "operator_id"), ("hosted_by", "host_organization_id"))


def _station_org_ties(viewer: Viewer, frontier: Sequence[str], per_node: int, filters: NetworkFilters) -> Adjacency:
    keys = [split_key(k) for k in frontier]
    station_ids = [pk for kind, pk in keys if kind == "station"]
    org_ids = [pk for kind, pk in keys if kind == "organization"]
    links = [(t, col) for t, col in STATION_LINKS if not filters.tie_types or t in filters.tie_types]
    out = Adjacency()
    if not links:
        return out
    rows: list[tuple[str, dict]] = []  # (tie type, station row) whose both ends the viewer may see
    if station_ids:
        rows += _links_of_stations(viewer, station_ids, links, per_node, filters, out)
    if org_ids:
        rows += _links_of_organizations(viewer, org_ids, links, per_node, filters, out)
    if not rows:
        return out
    _station_org_ties_add(viewer, rows, out)
    return out


_STATION_LINK_FIELDS = ["pk", "name_en", "name_zh", "first_reported", "operator_id", "host_organization_id"]


def _links_of_stations(viewer: Viewer, station_ids: list[int], links: list[tuple[str, str]], per_node: int,
                       filters: NetworkFilters, out: Adjacency) -> list[tuple[str, dict]]:
    """The frontier stations' links (counted in `out.totals`; returned when `per_node`)."""
    rows: list[tuple[str, dict]] = []
    found = list(viewer.queryset(m.Station).filter(pk__in=station_ids).values(*_STATION_LINK_FIELDS))
    ends = {row[col] for row in found for _t, col in links} - {None}
    # A link is shown only where both ends are visible.
    visible_orgs = set(viewer.queryset(m.Organization).filter(pk__in=ends).values_list("pk", flat=True))
    for row in found:
        total = 0
        for tie_type, col in links:
            if row[col] in visible_orgs and filters.admits(tie_type, row["first_reported"], None):
                total += 1
                if per_node:
                    rows.append((tie_type, row))
        out.totals[node_key("station", row["pk"])] = total
    return rows


def _links_of_organizations(viewer: Viewer, org_ids: list[int], links: list[tuple[str, str]], per_node: int,
                            filters: NetworkFilters, out: Adjacency) -> list[tuple[str, dict]]:
    """The frontier organisations' stations (counted in `out.totals`; the first `per_node` of each returned)."""
    rows: list[tuple[str, dict]] = []
    window = viewer.queryset(m.Station)
    if filters.date_to:
        window = window.exclude(first_reported__gt=filters.date_to)
    for tie_type, col in links:
        of_orgs = window.filter(**{f"{col}__in": org_ids})
        for row in of_orgs.order_by().values(col).annotate(n=Count("pk")).values_list(col, "n"):
            key = node_key("organization", row[0])
            out.totals[key] = out.totals.get(key, 0) + row[1]
        if per_node:
            ranked = of_orgs.annotate(rank=Window(RowNumber(), partition_by=[F(col)],
                                                  order_by=[F("name_en").asc(), F("pk").asc()]))
            for row in ranked.filter(rank__lte=per_node).values(*_STATION_LINK_FIELDS):
                rows.append((tie_type, row))
    return rows


def _station_org_ties_add(viewer: Viewer, rows: list[tuple[str, dict]], out: Adjacency) -> None:
    """The nodes and ties of `rows` into `out`, each tie with the claims that state it."""
    org_pks = {row[col] for tie_type, row in rows for t, col in STATION_LINKS if t == tie_type}
    orgs = {o["pk"]: o for o in viewer.queryset(m.Organization).filter(pk__in=org_pks).values("pk", "name_en", "name_zh")}
    evidence = _link_claims(viewer, rows, orgs)
    for tie_type, row in rows:
        org_pk = row[dict(STATION_LINKS)[tie_type]]
        if org_pk not in orgs:
            continue  # not visible to this viewer: no node, no tie
        s_key, o_key = node_key("station", row["pk"]), node_key("organization", org_pk)
        out.nodes.setdefault(s_key, _node(viewer, "station", row["pk"], row["name_en"], row["name_zh"]))
        org = orgs[org_pk]
        out.nodes.setdefault(o_key, _node(viewer, "organization", org_pk, org["name_en"], org["name_zh"]))
        claim_ids, contested = evidence.get((row["pk"], tie_type, org_pk), ((), False))
        href = viewer.claim_page(claim_ids[0]) if claim_ids else viewer.page("station", row["pk"]) + "#claims"
        out.ties.append(Tie(source=s_key, target=o_key, tie_type=tie_type, start=row["first_reported"],
                            contested=contested, href=href, claim_ids=claim_ids))


def _link_claims(viewer: Viewer, rows: list[tuple[str, dict]], orgs: dict[int, dict]) -> dict[tuple, tuple]:
    """{(station, tie type, organisation): (claim ids, contested)} from the claims about the
    stations that state the link and name the organisation, as the viewer may see them."""
    station_ids = {row["pk"] for _t, row in rows}
    props = {p: t for t, ps in LINK_PROPS.items() for p in ps}
    claims = list(viewer.claims("station", station_ids).filter(prop__in=list(props))
                  .values_list("pk", "subject_id", "prop", "value", "status"))
    if not claims:
        return {}
    refuted = set(viewer.evidence([c[0] for c in claims]).filter(stance=m.Evidence.Stance.REFUTES)
                  .values_list("claim_id", flat=True))
    names = {pk: {o["name_en"].casefold(), o["name_zh"].casefold(), str(pk)} - {""} for pk, o in orgs.items()}
    wanted = {(row["pk"], t): row[dict(STATION_LINKS)[t]] for t, row in rows}
    out: dict[tuple, tuple] = {}
    for pk, station_pk, prop, value, status in sorted(claims):
        tie_type = props[prop]
        org_pk = wanted.get((station_pk, tie_type))
        if org_pk is None or value.strip().casefold() not in names.get(org_pk, set()):
            continue
        ids, contested = out.get((station_pk, tie_type, org_pk), ((), False))
        out[(station_pk, tie_type, org_pk)] = ((*ids, pk), contested or status == "disputed" or pk in refuted)
    return out


# -- provider: typed ties (registry.Tie) ----------------------------------------------------------

TIE_END_TYPES = subjects.types(tie_end=True)
TIE_FIELDS = ["pk", "kind", "from_type", "from_id", "to_type", "to_id", "start_date", "end_date"]


def _typed_ties(viewer: Viewer, frontier: Sequence[str], per_node: int, filters: NetworkFilters) -> Adjacency:
    by_type: dict[str, list[int]] = {}
    for key in frontier:
        kind, pk = split_key(key)
        if kind in TIE_END_TYPES:
            by_type.setdefault(kind, []).append(pk)
    out = Adjacency()
    kinds = [t for t in filters.tie_types if t in TIE_END_KINDS] if filters.tie_types else None
    if not by_type or kinds == []:
        return out
    ties = viewer.queryset(m.Tie)
    if kinds:
        ties = ties.filter(kind__in=kinds)
    if filters.date_from:
        ties = ties.exclude(end_date__lt=filters.date_from)
    if filters.date_to:
        ties = ties.exclude(start_date__gt=filters.date_to)
    rows: dict[int, dict] = {}
    for side in ("from", "to"):
        ends = Q(pk__in=[])
        for kind, pks in by_type.items():
            ends |= Q(**{f"{side}_type": kind, f"{side}_id__in": pks})
        of_frontier = ties.filter(ends)
        for kind, pk, n in (of_frontier.order_by().values(f"{side}_type", f"{side}_id").annotate(n=Count("pk"))
                            .values_list(f"{side}_type", f"{side}_id", "n")):
            key = node_key(kind, pk)
            out.totals[key] = out.totals.get(key, 0) + n
        if per_node:
            ranked = of_frontier.annotate(rank=Window(
                RowNumber(), partition_by=[F(f"{side}_type"), F(f"{side}_id")], order_by=[F("kind").asc(), F("pk").asc()]))
            for row in ranked.filter(rank__lte=per_node).values(*TIE_FIELDS):
                rows[row["pk"]] = row
    if not rows:
        return out
    _tie_ends_add(viewer, rows, out)
    evidence = _tie_claims(viewer, list(rows))
    for pk, row in sorted(rows.items()):
        source, target = node_key(row["from_type"], row["from_id"]), node_key(row["to_type"], row["to_id"])
        if source not in out.nodes or target not in out.nodes:
            continue  # an end this viewer may not see (the rule already keeps such ties out)
        claim_ids, contested = evidence.get(pk, ((), False))
        out.ties.append(Tie(source=source, target=target, tie_type=row["kind"], start=row["start_date"],
                            end=row["end_date"], contested=contested, key=f"tie:{pk}", claim_ids=claim_ids,
                            href=viewer.claim_page(claim_ids[0]) if claim_ids else ""))
    return out


def _tie_ends_add(viewer: Viewer, rows: dict[int, dict], out: Adjacency) -> None:
    """The nodes at both ends of the tie rows, labelled, into `out` (those the viewer may see)."""
    wanted: dict[str, set[int]] = {}
    for row in rows.values():
        for side in ("from", "to"):
            wanted.setdefault(row[f"{side}_type"], set()).add(row[f"{side}_id"])
    for kind, pks in wanted.items():
        label_fields = ["pk", "full"] if kind == "address" else ["pk", "name_en", "name_zh"]
        for obj in viewer.queryset(subjects.subject(kind).model).filter(pk__in=pks).values(*label_fields):
            out.nodes[node_key(kind, obj["pk"])] = _node(viewer, kind, obj["pk"], *_names(obj))


def _tie_claims(viewer: Viewer, tie_ids: list[int]) -> dict[int, tuple[tuple[int, ...], bool]]:
    """{tie: (claim ids, contested)}: the claims about each tie the viewer may see; contested when
    one is disputed or has a refuting quote the viewer may read."""
    claims = list(viewer.claims("tie", tie_ids).values_list("pk", "subject_id", "status"))
    refuted = set(viewer.evidence([c[0] for c in claims]).filter(stance=m.Evidence.Stance.REFUTES)
                  .values_list("claim_id", flat=True)) if claims else set()
    out: dict[int, tuple[tuple[int, ...], bool]] = {}
    for pk, tie_pk, status in sorted(claims):
        ids, contested = out.get(tie_pk, ((), False))
        out[tie_pk] = ((*ids, pk), contested or status == "disputed" or pk in refuted)
    return out


TIE_END_KINDS = tuple(v.TIE_KINDS)
Provider = Callable[[Viewer, Sequence[str], int, NetworkFilters], Adjacency]
PROVIDERS: list[Provider] = [_station_org_ties, _typed_ties]


def _fetch(viewer: Viewer, filters: NetworkFilters) -> Callable[[Sequence[str], int], Adjacency]:
    def fetch(frontier: Sequence[str], per_node: int) -> Adjacency:
        merged = Adjacency()
        for provider in PROVIDERS:
            part = provider(viewer, frontier, per_node, filters)
            merged.ties += part.ties
            merged.nodes.update(part.nodes)
            for key, n in part.totals.items():
                merged.totals[key] = merged.totals.get(key, 0) + n
        return merged

    return fetch


def neighbourhood(viewer: Viewer, kind: str, pk: int, filters: NetworkFilters) -> Neighbourhood:
    """The bounded neighbourhood of one entity, as `viewer` may see it (NotFoundOrForbiddenError
    when the entity itself is missing or hidden)."""
    center = center_node(viewer, kind, pk)
    return expand(center, _fetch(viewer, filters), hops=filters.hops, max_nodes=filters.max_nodes)
