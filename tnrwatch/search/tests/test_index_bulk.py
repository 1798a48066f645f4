"""The bulk indexing path (`index_records`: the importer; `index_rebuild`) writes exactly the rows
the per-record services write (`index_entity`, `index_claim`, `index_source`).

Fixture strategy: the search record (conftest) plus a claim about every kind of subject a claim can
have (country, place, incident, campaign, figure, person, address, source), entities with several
aliases, and a source cited by claims about subjects in three countries: every lookup the row
builders make has something to find.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from tnrwatch.registry import models as m
from tnrwatch.registry import services
from tnrwatch.search import services as search_index
from tnrwatch.search.backends import backend
from tnrwatch.search.models import ENTITY_KINDS, SearchEntry

FIELDS = ("title", "names", "body", "stems", "names_raw", "countries", "language", "published", "publisher")
MODELS = {"station": m.Station, "organization": m.Organization, "response": m.GovernmentResponse,
          "person": m.Person, "claim": m.Claim, "source": m.Source}


def _snapshot() -> dict[tuple[str, int], tuple]:
    return {(e.kind, e.object_id): tuple(getattr(e, f) for f in FIELDS) for e in SearchEntry.objects.all()}


def _clear() -> None:
    SearchEntry.objects.all().delete()
    backend().cleared()


def _engine_consistent() -> None:
    """SQLite: the FTS5 tables hold the entry rows' terms. `search_words` holds every entry row
    (FTS5's check against the content table raises if a term differs); `search_names` only the rows
    with names (so that check does not apply): its own structures are checked, and its rows must be
    exactly the entries with names."""
    if connection.vendor != "sqlite":
        return  # PostgreSQL's tsvector is a generated column of the entry row: nothing to drift
    with connection.cursor() as c:
        c.execute("INSERT INTO search_words(search_words, rank) VALUES ('integrity-check', 1)")
        c.execute("INSERT INTO search_names(search_names) VALUES ('integrity-check')")
        c.execute("SELECT id FROM search_names_docsize")
        names = {r[0] for r in c.fetchall()}
    assert names == set(SearchEntry.objects.exclude(names_raw="").values_list("pk", flat=True))


def _every_subject(record: dict) -> None:
    label = {"actor_label": "test"}
    nl, de, fr = (m.Country.objects.get(iso2=c) for c in ("NL", "DE", "FR"))
    src = services.source_create(**label, title="Annual report on overseas stations", publisher="Safeguard Defenders",
                                 author="Staff", language="en", published=date(2022, 9, 1), marking="clear",
                                 text="Stations were reported in Rotterdam, Frankfurt and Paris.")
    place = services.place_get_or_create(**label, name_en="Frankfurt", country=de)
    incident = services.incident_create(**label, date=date(2022, 5, 1), origin_country=m.Country.objects.get(iso2="CN"),
                                        host_country=fr, tactic="threats", summary="A summary from a report", marking="clear")
    campaign = services.campaign_create(**label, name_en="Fox Hunt", name_zh="猎狐行动", marking="clear")
    figure = services.figure_create(**label, kind="stations", value=102, label="overseas stations counted", marking="clear")
    person = services.person_create(**label, name_en="Zhang Wei", public_basis="official", position="Director",
                                    aliases=[("張偉", "zh-hant"), ("Chang Wei", "")], country=nl)
    address = services.address_create(**label, full="Kanaalstraat 1, Rotterdam", country=nl, city="Rotterdam")
    services.alias_add(actor=None, actor_label="test", subject=record["bureau"], name="Wenzhou PSB")
    services.alias_add(actor=None, actor_label="test", subject=record["station"], name="Rotterdam station 2")
    for subject in (nl, place, incident, campaign, figure, person, address, record["title_hit"], record["station"],
                    record["bureau"], record["chile"]):
        services.claim_assert(**label, subject=subject, prop="noted_in", value=f"noted {type(subject).__name__}",
                              source=src, quote="Stations were reported", marking="clear")


def _all_ids() -> dict[str, list[int]]:
    return {kind: list(model._default_manager.values_list("pk", flat=True)) for kind, model in MODELS.items()}


def _index_one_by_one() -> None:
    for kind in ENTITY_KINDS:
        for obj in MODELS[kind]._default_manager.all():
            search_index.index_entity(entity=obj)
    for claim in m.Claim.objects.all():
        search_index.index_claim(claim=claim)
    for src in m.Source.objects.all():
        search_index.index_source(source=src)


@pytest.mark.django_db
def test_bulk_and_rebuild_write_the_rows_the_per_record_services_write(record):
    _every_subject(record)
    _clear()
    _index_one_by_one()
    one_by_one = _snapshot()
    kinds = {k for k, _i in one_by_one}
    assert kinds == set(MODELS), kinds
    assert len(one_by_one) == sum(len(ids) for ids in _all_ids().values())
    # The lookups found something: aliases, subjects' names and countries, sources' countries.
    source = m.Source.objects.get(title="Annual report on overseas stations")
    assert one_by_one[("source", source.pk)][FIELDS.index("countries")] == "|CN|DE|ES|FR|NL|"
    zhang = m.Person.objects.get(name_en="Zhang Wei")
    assert "chang" in one_by_one[("person", zhang.pk)][FIELDS.index("names")]

    _clear()
    search_index.index_records(ids_by_kind=_all_ids())
    _engine_consistent()
    assert _snapshot() == one_by_one

    search_index.index_rebuild()
    _engine_consistent()
    assert _snapshot() == one_by_one


@pytest.mark.django_db
def test_bulk_indexing_of_records_already_indexed_updates_them_in_place(record):
    """An import that links and updates records re-indexes them: one row each, the same fields."""
    _every_subject(record)
    _clear()
    _index_one_by_one()
    before = _snapshot()
    ids = {(k, o): pk for k, o, pk in SearchEntry.objects.values_list("kind", "object_id", "id")}
    search_index.index_records(ids_by_kind=_all_ids())
    _engine_consistent()
    assert _snapshot() == before
    assert {(k, o): pk for k, o, pk in SearchEntry.objects.values_list("kind", "object_id", "id")} == ids
