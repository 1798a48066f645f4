"""What a source hit's passage may show: the captured text only to those who may read it.

A source's captured copy is usually someone else's work: the public reads its text only where an
analyst recorded that it may be republished (`ingestion.copies.texts_readable_by`). A public source
whose copy may not be republished is still found by the words of its text, but its passage is cut
from its title only. A canary sentence in such a text must
never come back on a public path (page, exports, Atom feed), while staff still see it.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tnrwatch.registry import services
from tnrwatch.registry.models import Country
from tnrwatch.search.selectors import search
from tnrwatch.sharing.outbound import PUBLIC

from .test_search import verified

pytestmark = pytest.mark.django_db

SECRET = "Qvelmora witnessed the handover behind the consulate"  # in the non-republishable text only
SECRET_WORDS = ("qvelmora", "handover", "consulate")
PUBLIC_PATHS = ("atlas:search", "atlas:search_export_csv", "atlas:search_export_json", "atlas:search_feed")


@pytest.fixture
def sealed(db):
    label = {"actor_label": "test"}
    sealed = services.source_create(
        **label, title="Harbour zyntrel district notice", publisher="Open Port Gazette", language="en",
        published=date(2024, 2, 2), marking="clear",
        text=f"The harbour zyntrel office opened in March. {SECRET}. Nothing else was said.")
    licensed = services.source_create(
        **label, title="Licensed harbour report", publisher="Free Wire", language="en", published=date(2024, 2, 3),
        marking="clear", republish_allowed=True, reuse_terms="CC BY 4.0",
        text="A licensed text: the zyntrel office and Qvelmora the clerk, both named.")
    station = services.station_create(**label, name_en="Harbour zyntrel office", marking="clear",
                                       country=Country.objects.get(iso2="NL"))
    services.claim_assert(**label, subject=station, prop="note", value="opened", source=sealed,
                          quote="The harbour zyntrel office opened in March", marking="clear")
    return {"sealed": sealed, "licensed": licensed}


def test_the_public_passage_of_a_non_republishable_source_is_its_title(sealed):
    hit = next(h for h in search("zyntrel", PUBLIC).groups["source"].hits if h.object_id == sealed["sealed"].pk)
    assert hit.plain_passage == "Harbour zyntrel district notice"  # its title, marked
    assert "<mark>zyntrel</mark>" in hit.passage
    assert not any(w in hit.plain_passage.lower() for w in SECRET_WORDS)
    licensed = next(h for h in search("zyntrel", PUBLIC).groups["source"].hits if h.object_id == sealed["licensed"].pk)
    assert "<mark>zyntrel</mark>" in licensed.passage  # a republishable text gives its passage as before


@pytest.mark.parametrize("query", ["Qvelmora", "handover", '"behind the consulate"'])
def test_a_source_found_by_its_hidden_text_shows_none_of_it_to_the_public(sealed, query):
    results = search(query, PUBLIC)
    ids = [h.object_id for h in results.groups["source"].hits]
    assert sealed["sealed"].pk in ids  # found by the words of its text
    for hit in results.hits():
        if hit.object_id == sealed["sealed"].pk and hit.kind == "source":
            shown = f"{hit.label} {hit.detail} {hit.plain_passage}".lower()
            assert not any(w in shown for w in SECRET_WORDS), shown


def test_staff_and_partners_with_sources_read_the_passage_from_the_text(sealed, make_staff):
    analyst = verified(make_staff("analyst"))
    hit = next(h for h in search("Qvelmora", analyst).groups["source"].hits if h.object_id == sealed["sealed"].pk)
    assert "<mark>Qvelmora</mark> witnessed the handover" in hit.passage


@pytest.mark.parametrize("name", PUBLIC_PATHS)
@pytest.mark.parametrize("query", ["Qvelmora", "zyntrel", "harbour"])
def test_no_public_path_carries_the_hidden_sentence(client, sealed, name, query):
    response = client.get(reverse(name), {"q": query})
    assert response.status_code == 200
    body = response.content.decode().lower()
    for word in ("witnessed", "handover", "consulate"):  # the sentence's words other than the query
        assert word not in body, (name, query, word)
    if query == "Qvelmora" and name != "atlas:search_feed":
        assert "harbour zyntrel district notice" in body  # still found, by its public metadata
