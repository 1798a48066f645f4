"""Reading the full-text index: `search(query, audience_or_user, filters, page)`, for the public
atlas (an `Audience`, normally `sharing.outbound.PUBLIC`) and the analyst workspace (a staff user).

Access: every hit is joined, inside the one SQL statement that ranks it, with the records the
searcher may read: for an audience, the querysets of `sharing.outbound.outbound_queryset` (the one
publication rule); for a staff user, the records their role may read (`accounts.access`). A hit that
fails the join is never fetched, so no passage of a hidden record is ever cut. Passages are cut from
records loaded through the same querysets.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from tnrwatch.accounts.access import ALL_STAFF, require_role
from tnrwatch.ingestion.copies import texts_readable_by
from tnrwatch.registry import models as m
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.subjects import subject as subject_kind
from tnrwatch.sharing.outbound import Audience, outbound_queryset, with_marking

from .backends import backend
from .backends.base import COUNT_CAP, RANK_ALL, Hit
from .highlight import passage_html
from .models import ENTITY_KINDS
from .text import Query, QueryError, fold, parse_query

PER_PAGE = 20
MAX_PAGE = 50  # deeper pages are refused: nobody reads them, and OFFSET costs grow with the page
GROUPS = ("entity", "claim", "source")
# Filters that only some kinds have; with such a filter set, the other kinds are left out.
_SOURCE_ONLY = ("language", "date_from", "date_to", "publisher")

__all__ = ["GROUPS", "PER_PAGE", "Group", "QueryError", "SearchFilters", "SearchHit", "SearchResults", "search"]


@dataclass(frozen=True)
class SearchFilters:
    group: str = ""  # "", "entity", "claim" or "source"
    country: str = ""  # ISO alpha-2, upper case
    language: str = ""  # of sources
    date_from: date | None = None  # publication date of sources
    date_to: date | None = None
    publisher: str = ""  # of sources, any part of the name
    marking: str = ""  # workspace only
    status: str = ""  # workspace only: a claim's review state

    def as_params(self) -> dict[str, str]:
        """The filters as query-string parameters (for links, paging, exports and feeds)."""
        out = {"kind": self.group, "country": self.country, "language": self.language,
               "from": self.date_from.isoformat() if self.date_from else "",
               "to": self.date_to.isoformat() if self.date_to else "", "publisher": self.publisher,
               "marking": self.marking, "status": self.status}
        return {k: val for k, val in out.items() if val}


@dataclass
class SearchHit:
    kind: str  # station, organization, response, country, claim, source
    object_id: int
    label: str
    url: str
    passage: SafeString  # escaped text with <mark> around the matches
    detail: str = ""
    published: date | None = None
    language: str = ""
    marking: str = ""  # "" for records without one (countries)
    status: str = ""

    @property
    def plain_passage(self) -> str:
        """The passage as plain text (for exports and feeds): our marks off, the escaping undone.
        The document's own "<mark>" text was escaped, so only the marks we added are removed."""
        return html.unescape(str(self.passage).replace("<mark>", "").replace("</mark>", ""))


@dataclass
class Group:
    name: str  # entity, claim, source
    hits: list[SearchHit]
    count: int  # capped at COUNT_CAP + 1 ("1000+")
    page: int
    per_page: int

    @property
    def count_capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.count and self.page < MAX_PAGE

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass
class SearchResults:
    query: Query
    filters: SearchFilters
    page: int
    groups: dict[str, Group] = field(default_factory=dict)

    @property
    def notices(self) -> list[str]:
        return self.query.notices

    @property
    def empty(self) -> bool:
        return not any(g.hits for g in self.groups.values())

    @property
    def pages(self) -> int | None:
        """How many pages the largest group has (None when a count was capped)."""
        if any(g.count_capped for g in self.groups.values()):
            return None
        per_page = max((g.per_page for g in self.groups.values()), default=PER_PAGE)
        return min(MAX_PAGE, max([1, *((g.count + per_page - 1) // per_page for g in self.groups.values())]))

    def hits(self) -> list[SearchHit]:
        return [h for g in self.groups.values() for h in g.hits]


class _Scope:
    """Which records of each kind the searcher may read, as querysets (None: every record)."""

    def __init__(self, audience_or_user: Any) -> None:
        if isinstance(audience_or_user, Audience):
            self.audience: Audience | None = audience_or_user
        else:
            require_role(audience_or_user, *ALL_STAFF)  # staff read every marking in the workspace
            self.audience = None

    @property
    def staff(self) -> bool:
        return self.audience is None

    def queryset(self, model: type[Model]) -> QuerySet:
        if self.audience is None:
            return model._default_manager.all()
        return outbound_queryset(model, self.audience)

    def among(self, model: type[Model], ids: Iterable[int]) -> QuerySet:
        """The records of `ids` the searcher may read, in one statement. For an audience it is the
        rule's compiled `EXISTS` (cached, as in the ranking statement) over the few ids of a page,
        instead of building and compiling `outbound_queryset` again (~1 s of ORM work a search
        when the claim rule names every subject type)."""
        ids = sorted({int(i) for i in ids})
        if self.audience is None or not ids:
            return model._default_manager.filter(pk__in=ids)
        sql, params = _rule_condition(self.audience, model, connection.vendor)
        values = " UNION ALL ".join(["SELECT %s AS object_id"] * len(ids))
        candidates = RawSQL(f"SELECT e.object_id FROM ({values}) e WHERE {sql}", [*ids, *params])  # noqa: S608, S611 - fixed SQL, bound values
        return model._default_manager.filter(pk__in=candidates)

    def restriction(self, model: type[Model]) -> tuple[str, list[Any]] | None:
        """The `EXISTS` condition of the publication rule for `model`'s hits (None for staff)."""
        if self.audience is None:
            return None
        return _rule_condition(self.audience, model, connection.vendor)


@lru_cache(maxsize=64)
def _rule_condition_cached(audience: Audience, model: type[Model], vendor: str) -> tuple[str, tuple[Any, ...]] | None:
    sql, params = _exists(outbound_queryset(model, audience))
    # Kept only when the statement is fixed text with constant parameters (markings, subject types,
    # flags): a rule whose SQL carried ids, times or other data would be compiled per search. The
    # bound is generous: the claim rule names every subject type and its markings (279 parameters
    # once people and ties joined the record), and compiling it took 1.6 s a search.
    if len(params) > 2000 or not all(isinstance(p, str | int | bool | type(None)) for p in params):
        return None
    return sql, tuple(params)


def _rule_condition(audience: Audience, model: type[Model], vendor: str) -> tuple[str, list[Any]]:
    """`_exists(outbound_queryset(model, audience))`, compiled once per process: the publication
    rule's querysets take ~100 ms of ORM work to build and compile (measured at 100k sources, three
    groups a search), while what they compile to depends only on the audience and the model."""
    cached = _rule_condition_cached(audience, model, vendor)
    if cached is None:
        sql, params = _exists(outbound_queryset(model, audience))
        return sql, params
    return cached[0], list(cached[1])


def _exists(qs: QuerySet) -> tuple[str, list[Any]]:
    """`EXISTS (qs, for this entry's record)`: correlated on the record's primary key, so each
    candidate hit costs one index look-up. (An `IN (subquery)` would first collect the ids of every
    readable record: 900,000 of them in a million-source archive, for each query.)"""
    sql, params = qs.filter(pk=RawSQL("e.object_id", ())).order_by().values("pk").query.sql_with_params()
    return f"EXISTS ({sql})", list(params)


def _where(kinds: list[str], scope: _Scope, filters: SearchFilters) -> tuple[str, list[Any]]:
    """The SQL condition on `search_entry e`: the kinds, their access rule, and the filters."""
    per_kind: list[str] = []
    params: list[Any] = []
    for kind in kinds:
        model = subject_kind(kind).model
        cond = ["e.kind = %s"]
        params.append(kind)
        restriction = scope.restriction(model)
        if restriction is not None:
            cond.append(restriction[0])
            params += restriction[1]
        narrowing: QuerySet | None = None
        if filters.marking and scope.staff:
            narrowing = with_marking(model._default_manager.all(), filters.marking)  # the analyst's filter, not access
        if filters.status and kind == "claim":
            narrowing = (narrowing if narrowing is not None else m.Claim.objects.all()).filter(status=filters.status)
        if narrowing is not None:
            sql, sub = _exists(narrowing)
            cond.append(sql)
            params += sub
        per_kind.append("(" + " AND ".join(cond) + ")")
    where = ["(" + " OR ".join(per_kind) + ")"]
    if filters.country:
        where.append("e.countries LIKE %s")
        params.append(f"%|{filters.country}|%")
    if filters.language:
        where.append("e.language = %s")
        params.append(filters.language.lower())
    if filters.date_from:
        where.append("e.published >= %s")
        params.append(filters.date_from.isoformat())
    if filters.date_to:
        where.append("e.published <= %s")
        params.append(filters.date_to.isoformat())
    if filters.publisher:
        where.append("e.publisher LIKE %s")
        params.append("%" + fold(filters.publisher).replace("%", "").replace("_", "") + "%")
    return " AND ".join(where), params


def _kinds(group: str, filters: SearchFilters) -> list[str]:
    kinds = {"entity": list(ENTITY_KINDS), "claim": ["claim"], "source": ["source"]}[group]
    if any(getattr(filters, f) for f in _SOURCE_ONLY):
        kinds = [k for k in kinds if k == "source"]
    if filters.status:
        kinds = [k for k in kinds if k == "claim"]
    return kinds


def search(query: str, audience_or_user: Any, filters: SearchFilters | None = None, page: int = 1,
           per_page: int = PER_PAGE, recent: bool = False) -> SearchResults:
    """Ranked hits, grouped by kind (entities, claims, sources), `per_page` per group, page `page`.

    With `recent`, each group lists the most recently indexed hits first (feeds).
    Raises QueryError (with a message for the searcher) when the query cannot be searched, and
    PermissionDeniedError when a user who is not verified staff asks for the workspace scope.
    """
    filters = filters or SearchFilters()
    scope = _Scope(audience_or_user)
    if not scope.staff and (filters.marking or filters.status):
        filters = replace(filters, marking="", status="")  # workspace filters only
    if not 1 <= page <= MAX_PAGE:
        raise QueryError(f"Pages go from 1 to {MAX_PAGE}; narrow the search with a filter to see more.")
    parsed = parse_query(query)
    engine = backend()
    results = SearchResults(query=parsed, filters=filters, page=page)
    needles = [(u.text, u.prefix) for u in parsed.units]
    for group in ([filters.group] if filters.group else GROUPS):
        kinds = _kinds(group, filters)
        if not kinds:
            continue
        where = _where(kinds, scope, filters)
        offset = (page - 1) * per_page
        found = engine.match(parsed, where, per_page, offset, recent=recent, kinds=kinds)
        # A short page is the last one: its hits tell the count without a second query.
        count = offset + len(found) if len(found) < per_page else engine.count(parsed, where, kinds=kinds)
        if group == "entity" and page == 1 and not recent and len(parsed.squashed) >= 3 and len(found) < per_page:
            # Partial names and pinyin written together (xijinping) through the trigram index.
            seen = set(found)
            extra = [h for h in engine.names_match(parsed.squashed, where, per_page) if h not in seen]
            found += extra[: per_page - len(found)]
            count += len(extra)
        hits = _load(found, scope, needles)
        if group == "entity" and page == 1 and not filters.marking and not any(getattr(filters, f) for f in _SOURCE_ONLY):
            countries = _countries(parsed, filters)
            hits = countries + hits
            count += len(countries)
        results.groups[group] = Group(name=group, hits=hits, count=count, page=page, per_page=per_page)
    if engine.windowed:
        parsed.notices.append(gettext(
            "This search matches more than %(n)s records: the ranking covers those that have it in their title or "
            "names, then %(n)s others, and the counts stop at 1,000. Add a word or a filter to rank every match.")
            % {"n": f"{RANK_ALL:,}"})
    return results


@lru_cache(maxsize=1)
def _country_names() -> tuple[tuple[int, str, str, tuple[str, ...]], ...]:
    """(pk, iso2, English name, folded names) of every country: ISO 3166 data, loaded once by a
    migration and never edited, so one read per process."""
    return tuple((c.pk, c.iso2, c.name_en, (fold(c.name_en), fold(c.name_zh_hans), fold(c.name_zh_hant)))
                 for c in m.Country.objects.order_by("name_en"))


def _countries(parsed: Query, filters: SearchFilters) -> list[SearchHit]:
    """Countries (a small, public table) whose name in any of its scripts holds the whole query."""
    wanted = " ".join(u.text for u in parsed.units)
    out = []
    for pk, iso2, name_en, names in _country_names():
        if filters.country and iso2 != filters.country:
            continue
        if any(wanted and wanted in n for n in names) or wanted == iso2.lower():
            out.append(SearchHit(kind="country", object_id=pk, label=name_en, url=reverse("atlas:country", args=[iso2.lower()]),
                                 passage=mark_safe(""), detail=iso2))  # noqa: S308 - an empty string
    return out[:10]


def _load(found: list[Hit], scope: _Scope, needles: list[tuple[str, bool]]) -> list[SearchHit]:
    """The records behind the hits, in rank order, read again through the searcher's scope."""
    by_kind: dict[str, list[int]] = {}
    for hit in found:
        by_kind.setdefault(hit.kind, []).append(hit.object_id)
    objects: dict[tuple[str, int], Any] = {}
    for kind, ids in by_kind.items():
        qs = scope.among(subject_kind(kind).model, ids)
        if kind in ("station", "organization", "response", "person"):
            qs = qs.select_related("country")
        for obj in qs:
            objects[(kind, obj.pk)] = obj
    subjects = _claim_subjects([o for (k, _i), o in objects.items() if k == "claim"], scope)
    texts = _source_texts([o for (k, _i), o in objects.items() if k == "source"], scope)
    aliases: dict[tuple[str, int], list[str]] = {}
    entity_keys = [(k, i) for (k, i) in objects if k in ENTITY_KINDS]
    if entity_keys:
        alias_ids = m.Alias.objects.filter(subject_type__in={k for k, _i in entity_keys},
                                           subject_id__in={i for _k, i in entity_keys}).values_list("pk", flat=True)
        alias_qs = scope.among(m.Alias, list(alias_ids))
        for subject_type, subject_id, name in alias_qs.values_list("subject_type", "subject_id", "name"):
            aliases.setdefault((subject_type, subject_id), []).append(name)
    out: list[SearchHit] = []
    for hit in found:
        obj = objects.get((hit.kind, hit.object_id))
        if obj is not None:  # the index and the record disagree only inside a concurrent write
            out.append(_hit(hit.kind, obj, scope, needles, subjects, aliases.get((hit.kind, hit.object_id), []),
                            texts.get(obj.pk, "")))
    return out


def _source_texts(sources: list[m.Source], scope: _Scope) -> dict[int, str]:
    """What each source hit's passage may be cut from: its captured text where the searcher may
    read it (staff; `ingestion.copies.texts_readable_by` for an audience), otherwise its title only.
    The source is still found by every word of its text; what a result shows is never more than the
    audience may read of it (docs/architecture.md, "What a passage may show")."""
    if scope.audience is None:
        return {s.pk: s.text or s.title for s in sources}
    readable = texts_readable_by(scope.audience, sources)
    return {s.pk: (s.text or s.title) if s.pk in readable else s.title for s in sources}


def _matched_name(names: list[str], needles: list[tuple[str, bool]]) -> str:
    """The first of an entity's names that holds a needle (to show which alias matched)."""
    wanted = [n.replace(" ", "") for n, _p in needles if n]
    for name in names:
        squashed = fold(name).replace(" ", "")
        if wanted and any(w in squashed for w in wanted):
            return name
    return ""


# The field that names a claim's subject in a hit, per kind of subject.
_NAME_FIELDS = {"station": "name_en", "organization": "name_en", "response": "body", "source": "title",
                "figure": "label", "place": "name_en", "country": "name_en", "person": "name_en", "address": "full"}


def _claim_subjects(claims: list[m.Claim], scope: _Scope) -> dict[tuple[str, int], str]:
    """Names of the claims' subjects, read through the scope (a claim is visible only with its subject)."""
    wanted: dict[str, set[int]] = {}
    for c in claims:
        wanted.setdefault(c.subject_type, set()).add(c.subject_id)
    labels: dict[tuple[str, int], str] = {}
    for subject_type, ids in wanted.items():
        if subject_type not in _NAME_FIELDS:
            continue
        model, attr = subject_kind(subject_type).model, _NAME_FIELDS[subject_type]
        qs = model._default_manager.filter(pk__in=ids) if model in (m.Place, m.Country) else scope.among(model, ids)
        for pk, label in qs.values_list("pk", attr):
            labels[(subject_type, pk)] = label
    return labels


def _url(kind: str, pk: int, staff: bool) -> str:
    if staff:
        if kind == "claim":
            return reverse("workspace:claim_detail", args=[pk])
        slug = subject_kind(kind).workspace_slug
        return reverse("workspace:entity_detail", args=[slug, pk])
    return reverse(f"atlas:{kind}", args=[pk])


def _hit(kind: str, obj: Any, scope: _Scope, needles: list[tuple[str, bool]],
         subjects: dict[tuple[str, int], str], aliases: Sequence[str] = (), text: str = "") -> SearchHit:
    url = _url(kind, obj.pk, scope.staff)
    marking = getattr(obj, "marking", "")
    if kind == "source":  # `text`: what the searcher may read of it (_source_texts)
        return SearchHit(kind=kind, object_id=obj.pk, label=obj.title, url=url,
                         passage=mark_safe(passage_html(text, needles)),  # noqa: S308 - escaped by passage_html
                         detail=obj.publisher, published=obj.published, language=obj.language, marking=marking)
    if kind == "claim":
        subject = subjects.get((obj.subject_type, obj.subject_id), "")
        prop = v.CLAIM_PROPERTIES.get(obj.prop, obj.prop) if hasattr(v, "CLAIM_PROPERTIES") else obj.prop
        return SearchHit(kind=kind, object_id=obj.pk, label=f"{subject}: {prop}" if subject else str(prop), url=url,
                         passage=mark_safe(passage_html(obj.value, needles)),  # noqa: S308 - escaped by passage_html
                         detail=obj.subject_type, marking=marking, status=obj.status)
    if kind == "response":
        label = f"{obj.get_action_display()} ({obj.body})" if obj.body else str(obj.get_action_display())
    else:
        label = obj.name_en
        matched = _matched_name([obj.name_en, obj.name_zh, *aliases], needles)
        if matched and matched != label:
            label = f"{label} ({matched})"
    description = obj.summary if kind == "response" else f"{obj.name_zh} {obj.description}".strip()
    country = obj.country.name_en if getattr(obj, "country_id", None) else ""
    return SearchHit(kind=kind, object_id=obj.pk, label=label, url=url,
                     passage=mark_safe(passage_html(description, needles, width=160)) if description else mark_safe(""),  # noqa: S308
                     detail=country, published=getattr(obj, "date", None), marking=marking)
