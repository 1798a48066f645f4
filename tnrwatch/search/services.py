"""Writes to the full-text index. Called by the registry's services (and the importer) inside their
transaction, so a record is searchable exactly when its transaction commits, and by `reindex`.

Guarantees: after `index_source/claim/entity/subject` the entry row and the engine's index hold the
record's current terms; after `index_remove` they hold none of them (no search returns the record
from the commit on), and a purge is owed: `search.tasks` merges the engine's structures soon after
the commit, off the request, so the deleted terms are not left in old segments.
Nothing here decides who may read a hit: that is joined at query time (`search.selectors`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, QuerySet

from tnrwatch.registry import models as m
from tnrwatch.registry import subjects

from .backends import backend
from .models import ENTITY_KINDS, PendingPurge, SearchEntry
from .text import fold, index_terms, pinyin_forms, squash, stem_terms

BATCH = 500
_FIELDS = ("title", "names", "body", "stems", "names_raw", "countries", "language", "published", "publisher")


def _row(e: SearchEntry) -> tuple[int, str, str, str, str, str, str]:
    return (e.pk, e.title, e.names, e.body, e.names_raw, e.kind, e.stems)


def _names(*names: str) -> tuple[str, str]:
    """(index terms, squashed trigram text) of entity names, with their pinyin readings."""
    names = tuple(n for n in dict.fromkeys(x.strip() for x in names if x and x.strip()))
    readings = [p for n in names for p in pinyin_forms(n)]
    terms = index_terms(" \n ".join([*names, *readings]))
    squashed = "|".join(dict.fromkeys(s for s in (squash(n) for n in [*names, *readings]) if s))
    return terms, (f"|{squashed}|" if squashed else "")


def _codes(*codes: str | None) -> str:
    present = sorted({c for c in codes if c})
    return "|" + "|".join(present) + "|" if present else ""


# --- what each kind of record puts in the index -----------------------------------------------

def _aliases(subject_type: str, subject_id: int) -> list[str]:
    return list(m.Alias.objects.filter(subject_type=subject_type, subject_id=subject_id).values_list("name", flat=True))


def _entity_fields(kind: str, obj: Any) -> dict[str, Any]:
    country = obj.country.iso2 if getattr(obj, "country_id", None) else ""
    if kind == "response":
        names, raw = _names(obj.body, *_aliases("response", obj.pk))
        return {"title": index_terms(obj.body or obj.get_action_display()), "names": names, "names_raw": raw,
                "body": index_terms(obj.summary), "countries": _codes(country), "published": obj.date}
    place = obj.place.name_en if getattr(obj, "place_id", None) else ""
    names, raw = _names(obj.name_en, obj.name_zh, *_aliases(kind, obj.pk))
    body = " \n ".join(x for x in (obj.description, getattr(obj, "region", ""), getattr(obj, "position", ""), place) if x)
    return {"title": index_terms(obj.name_en), "names": names, "names_raw": raw, "body": index_terms(body),
            "countries": _codes(country)}


# Claims about these subjects index no country or name of their subject (sources are indexed apart).
_UNLABELLED_SUBJECTS = ("source", "address", "tie")


def _subject_country_and_label(subject_type: str, subject_id: int) -> tuple[str, str]:
    if subject_type == "country":
        c = m.Country.objects.filter(pk=subject_id).first()
        return (c.iso2, f"{c.name_en} {c.name_zh_hans} {c.name_zh_hant}") if c else ("", "")
    kind = subjects.get(subject_type)
    model = kind.model if kind is not None and kind.claim_subject and subject_type not in _UNLABELLED_SUBJECTS else None
    obj: Any = model._default_manager.filter(pk=subject_id).first() if model else None
    if obj is None:
        return "", ""
    country = getattr(obj, "host_country" if subject_type == "incident" else "country", None)
    # An incident's summary may come from a report: nothing of it goes into the index.
    label = {"station": lambda: f"{obj.name_en} {obj.name_zh}", "organization": lambda: f"{obj.name_en} {obj.name_zh}",
             "person": lambda: f"{obj.name_en} {obj.name_zh}", "campaign": lambda: f"{obj.name_en} {obj.name_zh}",
             "response": lambda: obj.body, "figure": lambda: obj.label, "place": lambda: f"{obj.name_en} {obj.name_zh}",
             "incident": lambda: ""}[subject_type]()
    return (country.iso2 if country else ""), label


def _claim_fields(claim: m.Claim, subjects: dict | None = None) -> dict[str, Any]:
    key = (claim.subject_type, claim.subject_id)
    if subjects is None or key not in subjects:
        found = _subject_country_and_label(*key)
        if subjects is None:
            subjects = {}
        subjects[key] = found
    iso2, label = subjects[key]
    return {"title": index_terms(claim.value), "names": index_terms(label), "body": index_terms(claim.prop.replace("_", " ")),
            "names_raw": "", "countries": _codes(iso2)}


def _source_countries(source_id: int) -> str:
    subjects = set(m.Evidence.objects.filter(source_id=source_id).values_list("claim__subject_type", "claim__subject_id"))
    return _codes(*(_subject_country_and_label(t, i)[0] for t, i in subjects))


def _source_fields(src: Any, countries: str | None = None) -> dict[str, Any]:
    title, body = index_terms(src.title), index_terms(src.text)
    return {"title": title, "names": index_terms(f"{src.publisher} {src.author}"), "body": body,
            "stems": stem_terms(f"{title} {body}", src.language), "names_raw": "",
            "countries": _source_countries(src.pk) if countries is None else countries,
            "language": (src.language or "").lower()[:16], "published": src.published,
            "publisher": fold(src.publisher)[:300]}


# --- writing -----------------------------------------------------------------------------------

def _write(kind: str, fields_by_id: dict[int, dict[str, Any]]) -> None:
    if not fields_by_id:
        return
    engine = backend()
    existing = {e.object_id: e for e in SearchEntry.objects.filter(kind=kind, object_id__in=list(fields_by_id))}
    if existing:
        engine.removing([_row(e) for e in existing.values()])
    changed: list[SearchEntry] = []
    new: list[SearchEntry] = []
    for object_id, fields in fields_by_id.items():
        entry = existing.get(object_id) or SearchEntry(kind=kind, object_id=object_id)
        for name, value in fields.items():
            setattr(entry, name, value)
        (changed if entry.pk else new).append(entry)
    if changed:
        SearchEntry.objects.bulk_update(changed, _FIELDS, batch_size=BATCH)
    if new:
        SearchEntry.objects.bulk_create(new, batch_size=BATCH)
    engine.added([_row(e) for e in (*changed, *new)])


@transaction.atomic
def index_source(*, source: m.Source) -> None:
    """Index (or re-index) a source: title, publisher, author, captured text."""
    _write("source", {source.pk: _source_fields(source)})


@transaction.atomic
def index_sources(*, source_ids: Iterable[int]) -> None:
    for src in m.Source.objects.filter(pk__in=list(source_ids)):
        _write("source", {src.pk: _source_fields(src)})


@transaction.atomic
def index_claim(*, claim: m.Claim, source: m.Source | None = None) -> None:
    """Index a claim (its value, property and subject's name); `source`, when given, is the source
    a new quote came from: its entry learns the claim's country (for the country filter)."""
    fields = _claim_fields(claim)
    _write("claim", {claim.pk: fields})
    if source is not None and fields["countries"]:
        entry = SearchEntry.objects.filter(kind="source", object_id=source.pk).first()
        if entry is not None and fields["countries"] not in entry.countries:
            entry.countries = _codes(*entry.countries.split("|"), *fields["countries"].split("|"))
            entry.save(update_fields=["countries"])  # not an indexed column: the engines need nothing


@transaction.atomic
def index_claims(*, claim_ids: Iterable[int]) -> None:
    """Index claims in batches, reading each subject once (an import cites few subjects many times)."""
    ids = list(claim_ids)
    subjects: dict[tuple[str, int], tuple[str, str]] = {}
    for start in range(0, len(ids), BATCH):
        claims = m.Claim.objects.filter(pk__in=ids[start:start + BATCH])
        _write("claim", {c.pk: _claim_fields(c, subjects) for c in claims})


def _entity_models() -> dict[str, type[Model]]:
    """{kind: model} of the searched entities, in the index's order (models from `registry/subjects.py`)."""
    return {kind: subjects.subject(kind).model for kind in ENTITY_KINDS}


@transaction.atomic
def index_entity(*, entity: Model) -> None:
    """Index a station, organisation or government response with its aliases."""
    for kind, model in _entity_models().items():
        if isinstance(entity, model):
            _write(kind, {entity.pk: _entity_fields(kind, entity)})


@transaction.atomic
def index_subject(*, subject_type: str, subject_id: int, with_claims: bool = False) -> None:
    """Re-index the entity `subject_type:subject_id` (after its aliases changed; not an entity: nothing),
    and with `with_claims` the claims about it (after a merge moved them)."""
    model = _entity_models().get(subject_type)
    obj = model._default_manager.filter(pk=subject_id).first() if model else None
    if obj is not None:
        _write(subject_type, {obj.pk: _entity_fields(subject_type, obj)})
    if with_claims:
        ids = m.Claim.objects.filter(subject_type=subject_type, subject_id=subject_id).values_list("pk", flat=True)
        index_claims(claim_ids=list(ids))


@transaction.atomic
def index_records(*, ids_by_kind: dict[str, list[int]]) -> None:
    """Index records written in bulk (the importer): entities, then claims, then sources (which
    take their countries from the claims citing them). Kinds that are not searched are ignored."""
    for kind, model in _entity_models().items():
        for obj in model._default_manager.filter(pk__in=ids_by_kind.get(kind, [])).select_related("country"):
            _write(kind, {obj.pk: _entity_fields(kind, obj)})
    index_claims(claim_ids=ids_by_kind.get("claim", []))
    index_sources(source_ids=ids_by_kind.get("source", []))


def _purge_run() -> None:
    from .tasks import purge_soon

    purge_soon()


def _purge_owed() -> None:
    """Record, in the deleting transaction, that the engine owes a purge, and ask for it once the
    transaction commits (off the request: see `search.tasks`). One row and one hook per
    transaction: the hook list itself says whether one is pending (a rolled-back transaction drops
    its hooks and its row, so a flag kept beside them would stay set and no purge would run again)."""
    connection = transaction.get_connection()
    if any(hook is _purge_run for _sids, hook, *_rest in connection.run_on_commit):
        return
    PendingPurge.objects.create()
    transaction.on_commit(_purge_run)


@transaction.atomic
def index_remove(*, kind: str, object_ids: Iterable[int]) -> None:
    """Take records out of the index; their terms are purged from the engine once this commits."""
    entries = list(SearchEntry.objects.filter(kind=kind, object_id__in=list(object_ids)))
    if not entries:
        return
    backend().removing([_row(e) for e in entries])
    SearchEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()
    _purge_owed()


def index_rebuild(*, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Rebuild the whole index from the record (upgrades, repairs); returns counts per kind.

    One transaction per batch of records, so a rebuild of a large archive does not hold one lock
    for its whole duration; searches meanwhile see a partial index.
    """
    engine = backend()
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        engine.cleared()
    sources = m.Source.objects.order_by("pk").only("pk", "title", "publisher", "author", "text", "language", "published")
    claim_countries: dict[int, str] = {}
    subjects: dict[tuple[str, int], tuple[str, str]] = {}
    todo: list[tuple[str, QuerySet[Any]]] = [("station", m.Station.objects.select_related("country", "place").order_by("pk")),
            ("organization", m.Organization.objects.select_related("country", "place").order_by("pk")),
            ("response", m.GovernmentResponse.objects.select_related("country").order_by("pk")),
            ("person", m.Person.objects.select_related("country").order_by("pk")),
            ("claim", m.Claim.objects.order_by("pk")), ("source", sources)]
    total = sum(qs.count() for _k, qs in todo)
    source_countries: dict[int, set[str]] | None = None
    done = 0
    counts: dict[str, int] = {}
    for kind, qs in todo:
        counts[kind] = 0
        last = 0
        while True:
            batch = list(qs.filter(pk__gt=last)[:BATCH])
            if not batch:
                break
            last = batch[-1].pk
            with transaction.atomic():
                if kind in ENTITY_KINDS:
                    _write(kind, {o.pk: _entity_fields(kind, o) for o in batch})
                elif kind == "claim":
                    rows = {c.pk: _claim_fields(c, subjects) for c in batch}
                    claim_countries.update((pk, r["countries"].strip("|")) for pk, r in rows.items() if r["countries"])
                    _write(kind, rows)
                else:
                    if source_countries is None:
                        source_countries = _countries_by_source(claim_countries)
                    _write(kind, {s.pk: _source_fields(s, _codes(*source_countries.get(s.pk, ()))) for s in batch})
            counts[kind] += len(batch)
            done += len(batch)
            if progress:
                progress(done, total)
    if connection.vendor == "sqlite":
        engine.purge()  # one segment: smaller and faster to query after a bulk load
    return counts


def _countries_by_source(claim_countries: dict[int, str]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for source_id, claim_id in m.Evidence.objects.values_list("source_id", "claim_id").iterator(chunk_size=5000):
        code = claim_countries.get(claim_id)
        if code:
            out.setdefault(source_id, set()).add(code)
    return out
