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
#
# One builder per kind makes a row from the record and what it needs from other tables (an
# entity's aliases, a claim's subject, the subjects of the claims citing a source). Those are read
# by the `_read_*` functions below for any number of records at once: the per-record services read
# for one record, the bulk paths (an import, a merge's claims, a rebuild) for a batch, and all of
# them build the row with the same builder (`_rows`).

def _read_aliases(kind: str, ids: list[int]) -> dict[int, list[str]]:
    """{id: [alias names, oldest first]} of the entities `kind:id`."""
    out: dict[int, list[str]] = {i: [] for i in ids}
    for start in range(0, len(ids), BATCH):
        rows = (m.Alias.objects.filter(subject_type=kind, subject_id__in=ids[start:start + BATCH])
                .order_by("subject_id", "pk").values_list("subject_id", "name"))
        for subject_id, name in rows:
            out[subject_id].append(name)
    return out


def _entity_fields(kind: str, obj: Any, aliases: list[str]) -> dict[str, Any]:
    country = obj.country.iso2 if getattr(obj, "country_id", None) else ""
    if kind == "response":
        names, raw = _names(obj.body, *aliases)
        return {"title": index_terms(obj.body or obj.get_action_display()), "names": names, "names_raw": raw,
                "body": index_terms(obj.summary), "countries": _codes(country), "published": obj.date}
    place = obj.place.name_en if getattr(obj, "place_id", None) else ""
    names, raw = _names(obj.name_en, obj.name_zh, *aliases)
    body = " \n ".join(x for x in (obj.description, getattr(obj, "region", ""), getattr(obj, "position", ""), place) if x)
    return {"title": index_terms(obj.name_en), "names": names, "names_raw": raw, "body": index_terms(body),
            "countries": _codes(country)}


# Claims about these subjects index no country or name of their subject (sources are indexed apart).
_UNLABELLED_SUBJECTS = ("source", "address", "tie")
# The fields of a claim's subject whose text the claim's entry holds, as its subject's name (an
# incident's summary may come from a report: nothing of it goes into the index).
_SUBJECT_LABELS: dict[str, tuple[str, ...]] = {
    "station": ("name_en", "name_zh"), "organization": ("name_en", "name_zh"), "person": ("name_en", "name_zh"),
    "campaign": ("name_en", "name_zh"), "place": ("name_en", "name_zh"), "response": ("body",),
    "figure": ("label",), "incident": ()}

Subjects = dict[tuple[str, int], tuple[str, str]]  # (subject_type, id) -> (ISO code, label)


def _subject_model(subject_type: str) -> type[Model] | None:
    kind = subjects.get(subject_type)
    labelled = kind is not None and kind.claim_subject and subject_type not in _UNLABELLED_SUBJECTS
    return kind.model if labelled and kind is not None else None


def _read_subjects(keys: Iterable[tuple[str, int]], known: Subjects | None = None) -> Subjects:
    """The country code and label of each claim subject `(subject_type, id)`, added to `known`
    (read once per subject type and batch; a missing subject has neither)."""
    known = {} if known is None else known
    todo: dict[str, list[int]] = {}
    for subject_type, subject_id in keys:
        if (subject_type, subject_id) not in known:
            known[(subject_type, subject_id)] = ("", "")
            todo.setdefault(subject_type, []).append(subject_id)
    codes: dict[int, str] | None = None
    for subject_type, ids in todo.items():
        if subject_type == "country":
            for c in m.Country.objects.filter(pk__in=ids):
                known[("country", c.pk)] = (c.iso2, f"{c.name_en} {c.name_zh_hans} {c.name_zh_hant}")
            continue
        model = _subject_model(subject_type)
        if model is None:
            continue
        if codes is None:
            codes = dict(m.Country.objects.values_list("pk", "iso2"))
        country = "host_country" if subject_type == "incident" else "country"
        has_country = country in {f.name for f in model._meta.get_fields()}  # a campaign has none
        fields = (country if has_country else "pk", *_SUBJECT_LABELS[subject_type])
        for start in range(0, len(ids), BATCH):
            rows = model._default_manager.filter(pk__in=ids[start:start + BATCH]).order_by()
            for pk, country_id, *label in rows.values_list("pk", *fields):
                known[(subject_type, pk)] = (codes.get(country_id, "") if has_country else "", " ".join(str(x) for x in label))
    return known


def _claim_fields(claim: m.Claim, subject: tuple[str, str]) -> dict[str, Any]:
    iso2, label = subject
    return {"title": index_terms(claim.value), "names": index_terms(label), "body": index_terms(claim.prop.replace("_", " ")),
            "names_raw": "", "countries": _codes(iso2)}


def _read_source_countries(source_ids: list[int], known: Subjects | None = None) -> dict[int, str]:
    """{source id: country codes of the subjects of the claims citing it}."""
    cited: dict[int, set[tuple[str, int]]] = {i: set() for i in source_ids}
    for start in range(0, len(source_ids), BATCH):
        rows = (m.Evidence.objects.filter(source_id__in=source_ids[start:start + BATCH]).order_by()
                .values_list("source_id", "claim__subject_type", "claim__subject_id").distinct())
        for source_id, subject_type, subject_id in rows:
            cited[source_id].add((subject_type, subject_id))
    found = _read_subjects({k for keys in cited.values() for k in keys}, known)
    return {source_id: _codes(*(found[k][0] for k in keys)) for source_id, keys in cited.items()}


def _source_fields(src: Any, countries: str) -> dict[str, Any]:
    title, body = index_terms(src.title), index_terms(src.text)
    return {"title": title, "names": index_terms(f"{src.publisher} {src.author}"), "body": body,
            "stems": stem_terms(f"{title} {body}", src.language), "names_raw": "", "countries": countries,
            "language": (src.language or "").lower()[:16], "published": src.published,
            "publisher": fold(src.publisher)[:300]}


def _rows(kind: str, records: list[Any], known: Subjects | None = None,
          countries: dict[int, str] | None = None) -> dict[int, dict[str, Any]]:
    """The index fields of `records` (all of `kind`), what they need from other tables read once
    for the batch; `known` caches claim subjects across batches, `countries` gives sources' country
    codes when the caller has them already (a rebuild)."""
    if kind in ENTITY_KINDS:
        aliases = _read_aliases(kind, [r.pk for r in records])
        return {r.pk: _entity_fields(kind, r, aliases[r.pk]) for r in records}
    if kind == "claim":
        found = _read_subjects({(c.subject_type, c.subject_id) for c in records}, known)
        return {c.pk: _claim_fields(c, found[(c.subject_type, c.subject_id)]) for c in records}
    if countries is None:
        countries = _read_source_countries([s.pk for s in records], known)
    return {s.pk: _source_fields(s, countries.get(s.pk, "")) for s in records}


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
    _write("source", _rows("source", [source]))


@transaction.atomic
def index_sources(*, source_ids: Iterable[int]) -> None:
    _index_sources(list(source_ids), {})


def _index_sources(ids: list[int], known: Subjects) -> None:
    for start in range(0, len(ids), BATCH):
        _write("source", _rows("source", list(m.Source.objects.filter(pk__in=ids[start:start + BATCH])), known))


@transaction.atomic
def index_claim(*, claim: m.Claim, source: m.Source | None = None) -> None:
    """Index a claim (its value, property and subject's name); `source`, when given, is the source
    a new quote came from: its entry learns the claim's country (for the country filter)."""
    fields = _rows("claim", [claim])[claim.pk]
    _write("claim", {claim.pk: fields})
    if source is not None and fields["countries"]:
        entry = SearchEntry.objects.filter(kind="source", object_id=source.pk).first()
        if entry is not None and fields["countries"] not in entry.countries:
            entry.countries = _codes(*entry.countries.split("|"), *fields["countries"].split("|"))
            entry.save(update_fields=["countries"])  # not an indexed column: the engines need nothing


@transaction.atomic
def index_claims(*, claim_ids: Iterable[int]) -> None:
    """Index claims in batches, reading each subject once (an import cites few subjects many times)."""
    _index_claims(list(claim_ids), {})


def _index_claims(ids: list[int], known: Subjects) -> None:
    for start in range(0, len(ids), BATCH):
        _write("claim", _rows("claim", list(m.Claim.objects.filter(pk__in=ids[start:start + BATCH])), known))


def _entity_models() -> dict[str, type[Model]]:
    """{kind: model} of the searched entities, in the index's order (models from `registry/subjects.py`)."""
    return {kind: subjects.subject(kind).model for kind in ENTITY_KINDS}


def _entities(kind: str, model: type[Model]) -> QuerySet[Any]:
    """The entities of `kind` with the rows their index fields read (country, place) joined."""
    related = [f.name for f in model._meta.get_fields() if f.name in ("country", "place") and f.many_to_one]
    return model._default_manager.select_related(*related)


@transaction.atomic
def index_entity(*, entity: Model) -> None:
    """Index a station, organisation or government response with its aliases."""
    for kind, model in _entity_models().items():
        if isinstance(entity, model):
            _write(kind, _rows(kind, [entity]))


@transaction.atomic
def index_subject(*, subject_type: str, subject_id: int, with_claims: bool = False) -> None:
    """Re-index the entity `subject_type:subject_id` (after its aliases changed; not an entity: nothing),
    and with `with_claims` the claims about it (after a merge moved them)."""
    model = _entity_models().get(subject_type)
    obj = model._default_manager.filter(pk=subject_id).first() if model else None
    if obj is not None:
        _write(subject_type, _rows(subject_type, [obj]))
    if with_claims:
        ids = m.Claim.objects.filter(subject_type=subject_type, subject_id=subject_id).values_list("pk", flat=True)
        index_claims(claim_ids=list(ids))


@transaction.atomic
def index_records(*, ids_by_kind: dict[str, list[int]]) -> None:
    """Index records written in bulk (the importer): entities, then claims, then sources (which
    take their countries from the claims citing them), in batches: each batch's aliases, subjects
    and citing claims are read at once, and its rows inserted at once. The rows are those the
    per-record services write (the same builders). Kinds that are not searched are ignored."""
    for kind, model in _entity_models().items():
        ids = list(ids_by_kind.get(kind, []))
        for start in range(0, len(ids), BATCH):
            _write(kind, _rows(kind, list(_entities(kind, model).filter(pk__in=ids[start:start + BATCH]))))
    known: Subjects = {}
    _index_claims(list(ids_by_kind.get("claim", [])), known)
    _index_sources(list(ids_by_kind.get("source", [])), known)


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
    known: Subjects = {}
    todo: list[tuple[str, QuerySet[Any]]] = [
        *((kind, _entities(kind, model).order_by("pk")) for kind, model in _entity_models().items()),
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
                    _write(kind, _rows(kind, batch))
                elif kind == "claim":
                    rows = _rows(kind, batch, known)
                    claim_countries.update((pk, r["countries"].strip("|")) for pk, r in rows.items() if r["countries"])
                    _write(kind, rows)
                else:
                    if source_countries is None:
                        source_countries = _countries_by_source(claim_countries)
                    codes = {s.pk: _codes(*source_countries.get(s.pk, ())) for s in batch}
                    _write(kind, _rows(kind, batch, countries=codes))
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
