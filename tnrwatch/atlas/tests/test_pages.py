# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments
"""The public atlas pages, through the real HTTP stack and database."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from .atlas_fixtures import SECRET, atlas_record  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def _pages(rec):
    return [
        reverse("atlas:home"),
        reverse("atlas:compare"),
        reverse("atlas:country", args=["nl"]),
        reverse("atlas:country", args=["de"]),
        reverse("atlas:country_claims", args=["nl"]),
        reverse("atlas:country_sources", args=["nl"]),
        reverse("atlas:stations"),
        reverse("atlas:station", args=[rec["station"].pk]),
        reverse("atlas:organization", args=[rec["bureau"].pk]),
        reverse("atlas:response", args=[rec["response"].pk]),
        reverse("atlas:incidents"),
        reverse("atlas:sources"),
        reverse("atlas:source", args=[rec["source"].pk]),
        reverse("atlas:claim", args=[rec["closure"].pk]),
        reverse("atlas:claim", args=[rec["disputed"].pk]),
        reverse("atlas:search") + "?q=Fuzhou",
        reverse("atlas:search"),
    ]


def test_every_page_renders_for_an_anonymous_visitor(client, atlas_record):
    for url in _pages(atlas_record):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response.headers


def test_no_non_public_record_appears_anywhere(client, atlas_record):
    for url in _pages(atlas_record) + [reverse("atlas:search") + "?q=ambersecr"]:
        html = client.get(url).content.decode()
        assert SECRET not in html, url


def test_non_public_records_have_no_page(client, atlas_record):
    rec = atlas_record
    for url in [
        reverse("atlas:station", args=[rec["hidden_station"].pk]),
        reverse("atlas:source", args=[rec["hidden_source"].pk]),
        reverse("atlas:claim", args=[rec["hidden_claim"].pk]),
        reverse("atlas:claim", args=[rec["leaked_subject"].pk]),  # a CLEAR claim about an AMBER station
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode()


def test_pages_load_nothing_from_another_host_and_use_no_inline_style_or_script(client, atlas_record):
    external = re.compile(r"<(?:link|script|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)
    for url in _pages(atlas_record):
        html = client.get(url).content.decode()
        assert not external.search(html), url
        assert not re.search(r"\sstyle\s*=", html, re.I), url
        assert not re.search(r"<script\b(?![^>]*\bsrc=)", html, re.I), url
        assert not re.search(r"\son[a-z]+\s*=", html, re.I), url


def test_claim_page_shows_evidence_for_and_against_side_by_side(client, atlas_record):
    html = client.get(reverse("atlas:claim", args=[atlas_record["disputed"].pk])).content.decode()
    assert "Disputed" in html
    supports, refutes = html.split('class="refutes"', 1)
    assert "a police service station" in supports
    assert "it is only a volunteer centre" in refutes
    assert reverse("atlas:source", args=[atlas_record["source"].pk]) in html


def test_country_page_cites_the_claims_behind_its_strongest_response(client, atlas_record):
    html = client.get(reverse("atlas:country", args=["NL"])).content.decode()
    assert "Closure ordered" in html
    assert "Dutch Foreign Ministry" in html
    assert "2022-11-01" in html
    assert reverse("atlas:claim", args=[atlas_record["closure"].pk]) in html
    assert "The Dutch government ordered China to shut down" in html  # the verbatim quote
    assert reverse("atlas:station", args=[atlas_record["station"].pk]) in html
    assert "Radio Free Asia" in html


def test_source_page_lists_every_claim_it_supports_with_quotes(client, atlas_record):
    html = client.get(reverse("atlas:source", args=[atlas_record["source"].pk])).content.decode()
    for quote in ["The Dutch government ordered China to shut down", "Germany is probing",
                  "54 overseas police service stations", "abducted in Berlin", "it is only a volunteer centre"]:
        assert quote in html
    assert 'rel="noreferrer noopener nofollow"' in html


def test_station_page_shows_status_operator_and_claims(client, atlas_record):
    html = client.get(reverse("atlas:station", args=[atlas_record["station"].pk])).content.decode()
    assert "福州警侨服务站" in html
    assert reverse("atlas:organization", args=[atlas_record["bureau"].pk]) in html
    assert "Reported" in html
    assert "a police service station" in html
    assert "Rotterdam" in html


def test_compare_table_has_a_row_per_country_and_dated_marks_linking_to_claims(client, atlas_record):
    html = client.get(reverse("atlas:compare")).content.decode()
    assert "Netherlands" in html and "Germany" in html
    assert "2022-11-01" in html and "2022-10-01" in html
    assert reverse("atlas:response", args=[atlas_record["response"].pk]) in html
    assert "No public response yet" in html  # every vocabulary column is there
    # The mark leads to the response's page, which shows the claim and its verbatim quote.
    page = client.get(reverse("atlas:response", args=[atlas_record["response"].pk])).content.decode()
    assert reverse("atlas:claim", args=[atlas_record["closure"].pk]) in page
    assert "The Dutch government ordered China to shut down" in page


def test_home_shows_headline_figures_linked_to_their_claims(client, atlas_record):
    html = client.get(reverse("atlas:home")).content.decode()
    assert "54" in html and "overseas police stations" in html
    assert reverse("atlas:claim", args=[atlas_record["figure_claim"].pk]) in html


def test_incident_list_filters_by_country_and_tactic(client, atlas_record):
    url = reverse("atlas:incidents")
    row = f'id="incident-{atlas_record["incident"].pk}"'
    assert row in client.get(url + "?country=DE").content.decode()
    assert row not in client.get(url + "?country=NL").content.decode()
    assert row in client.get(url + "?tactic=rendition").content.decode()
    assert row not in client.get(url + "?tactic=threats").content.decode()


def test_incidents_from_reports_are_only_counted_never_listed(client, atlas_record):
    from tnrwatch.registry import services
    from tnrwatch.registry.models import Country

    # Given a CLEAR incident promoted from a report, with a summary that could identify someone
    de, cn = Country.objects.get(iso2="DE"), Country.objects.get(iso2="CN")
    reported = services.incident_create(actor_label="test", origin_country=cn, host_country=de, tactic="threats",
                                        summary="REPORTERDETAIL", from_report=True, marking="clear")
    html = client.get(reverse("atlas:incidents") + "?country=DE").content.decode()
    # Then it is not listed and its summary appears nowhere, but the public count includes it
    assert f'id="incident-{reported.pk}"' not in html
    assert "REPORTERDETAIL" not in html
    assert "<td>Germany</td><td>date unknown</td><td>—</td><td>1</td>" in html.replace("\n", "")
    assert "REPORTERDETAIL" not in client.get(reverse("atlas:country", args=["de"])).content.decode()


def test_a_lone_public_incident_is_coarsened_to_country_and_year(client, atlas_record):
    # One incident in its city and month is below the publication threshold: no day, no summary.
    html = client.get(reverse("atlas:incidents")).content.decode()
    assert "A man was abducted in Berlin." not in html
    assert "<td>2017</td>" in html
    assert "Details withheld" in html


def test_station_list_filters_by_country(client, atlas_record):
    url = reverse("atlas:stations")
    assert "Fuzhou police service station Rotterdam" in client.get(url + "?country=nl").content.decode()
    assert "Fuzhou police service station Rotterdam" not in client.get(url + "?country=DE").content.decode()


@pytest.mark.parametrize("url", [
    "/countries/ZZ/", "/countries/zz/", "/stations/999999/", "/stations/999999999999999999/",
    "/claims/0/", "/sources/123456789/", "/organisations/77/", "/stations/99999999999999999999999/",
    "/countries/NLD/", "/claims/abc/", "/stations/?page=999",
])
def test_unknown_records_are_404_with_a_message(client, atlas_record, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "<h1>404" in response.content.decode()


@pytest.mark.parametrize("query", [
    "?page=abc", "?page=-1", "?page=0", "?page=1e3", "?page=" + "9" * 5000, "?country=ZZ", "?country=NLD",
    "?country=%00", "?status=nonsense", "?status=%00", "?tactic=burglary", "?country=" + "x" * (1024 * 1024),
])
def test_hostile_list_parameters_are_400_with_a_message(client, atlas_record, query):
    for name in ("stations", "incidents"):
        if "status" in query and name == "incidents" or "tactic" in query and name == "stations":
            continue
        response = client.get(reverse(f"atlas:{name}") + query)
        assert response.status_code == 400, (name, query[:40])
        assert "<h1>400" in response.content.decode()


@pytest.mark.parametrize("query", ["?q=%00", "?q=" + "福" * (1024 * 1024), "?q=abc&page=x", "?q=a%01b"])
def test_hostile_search_queries_are_400(client, atlas_record, query):
    response = client.get(reverse("atlas:search") + query)
    assert response.status_code == 400
    assert "<h1>400" in response.content.decode()


def test_post_to_a_public_page_is_refused(client, atlas_record):
    assert client.post(reverse("atlas:home")).status_code == 405


def test_list_pages_paginate(client, atlas_record):
    from tnrwatch.registry import services
    from tnrwatch.registry.models import Country

    fr = Country.objects.get(iso2="FR")
    from tnrwatch.sharing.tests.factories import cite

    for i in range(55):
        cite(services.station_create(actor_label="test", name_en=f"Paginated station {i:02d}", country=fr, marking="clear"),
             source=atlas_record["source"])
    first = client.get(reverse("atlas:stations") + "?country=FR").content.decode()
    second = client.get(reverse("atlas:stations") + "?country=FR&page=2").content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first and "country=FR&amp;page=2" in first
    assert "Paginated station 54" in second and "Paginated station 00" not in second


def _add_records(n: int, tag: str):
    from datetime import date

    from tnrwatch.registry import services
    from tnrwatch.registry.models import Country

    nl = Country.objects.get(iso2="NL")
    src = services.source_create(actor_label="test", title=f"Source {tag}", marking="clear")
    for i in range(n):
        st = services.station_create(actor_label="test", name_en=f"Station {tag}{i}", country=nl, marking="clear")
        resp = services.response_create(actor_label="test", country=nl, action="monitoring", date=date(2022, 1, 1 + i),
                                        summary="x", stations=[st], marking="clear")
        for subject in (st, resp):
            services.claim_assert(actor_label="test", subject=subject, prop="p", value=f"v{tag}{i}", source=src,
                                  quote=f"quote {tag}{i}", marking="clear")


@pytest.mark.parametrize("name", ["home", "compare", "country", "stations", "source", "search"])
def test_query_count_does_not_grow_with_the_record(client, atlas_record, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    urls = {
        "home": reverse("atlas:home"), "compare": reverse("atlas:compare"),
        "country": reverse("atlas:country", args=["nl"]), "stations": reverse("atlas:stations"),
        "source": reverse("atlas:source", args=[atlas_record["source"].pk]),
        "search": reverse("atlas:search") + "?q=station",
    }

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(urls[name]).status_code == 200
        return len(ctx.captured_queries)

    _add_records(2, "a")
    before = count()
    _add_records(12, "b")
    assert count() == before


@pytest.mark.parametrize("url", [
    "/countries/%00/", "/claims/%00/", "/search/?q=%ff%fe", "/search/?q[]=x", "/stations/?country=n%00",
    "/incidents/?country=&tactic=&page=", "/search/?q=a&q=b&page=1&page=2",
])
def test_odd_requests_never_500(client, atlas_record, url):
    assert client.get(url).status_code in (200, 400, 404)


def test_head_requests_work(client, atlas_record):
    assert client.head(reverse("atlas:home")).status_code == 200


def test_lists_show_a_few_claims_per_item_and_link_to_the_rest(client, atlas_record):
    from tnrwatch.registry import services

    response, source = atlas_record["response"], atlas_record["source"]
    for i in range(5):
        services.claim_assert(actor_label="test", subject=response, prop=f"detail{i}", value="x", source=source,
                              quote=f"detail quote {i}", marking="clear")
    from tnrwatch.atlas.views import CLAIMS_PER_ITEM

    country = client.get(reverse("atlas:country", args=["nl"])).content.decode()
    assert f"{6 - CLAIMS_PER_ITEM} more claims about this response" in country
    assert reverse("atlas:response", args=[response.pk]) in country
    page = client.get(reverse("atlas:response", args=[response.pk])).content.decode()
    for i in range(5):
        assert f"detail quote {i}" in page
    assert "The Dutch government ordered China to shut down" in page


def test_the_country_page_links_a_few_claims_per_incident_and_says_how_many_more(client, atlas_record):
    from tnrwatch.atlas.selectors.countries import CLAIMS_PER_INCIDENT
    from tnrwatch.registry import services

    incident, source = atlas_record["incident"], atlas_record["source"]
    for i in range(CLAIMS_PER_INCIDENT + 2):
        services.claim_assert(actor_label="test", subject=incident, prop=f"detail{i}", value="x", source=source,
                              quote=f"incident quote {i}", marking="clear")
    # The incident (in Germany) had one claim: CLAIMS_PER_INCIDENT + 3 now, of which the page links a few.
    country = client.get(reverse("atlas:country", args=["de"])).content.decode()
    assert f">[{CLAIMS_PER_INCIDENT}]</a>" in country and f">[{CLAIMS_PER_INCIDENT + 1}]</a>" not in country
    assert f'<a href="{reverse("atlas:incidents")}?country=DE">+3 more</a>' in country
    everything = client.get(reverse("atlas:incidents") + "?country=DE").content.decode()
    assert all(f"incident quote {i}" not in country for i in range(CLAIMS_PER_INCIDENT + 2))
    assert everything.count('href="/claims/') >= CLAIMS_PER_INCIDENT + 3


def test_paginated_detail_pages_refuse_bad_page_numbers(client, atlas_record):
    for url in [reverse("atlas:country", args=["nl"]), reverse("atlas:station", args=[atlas_record["station"].pk]),
                reverse("atlas:organization", args=[atlas_record["bureau"].pk]),
                reverse("atlas:response", args=[atlas_record["response"].pk])]:
        assert client.get(url + "?page=abc").status_code == 400, url
        assert client.get(url + "?page=%00").status_code == 400, url
        assert client.get(url + "?page=77").status_code == 404, url


def test_country_page_stays_bounded_and_links_to_all_its_claims(client, atlas_record):
    # Given a country with more claims about itself than the country page shows
    from tnrwatch.atlas.views import COUNTRY_CLAIMS_SHOWN
    from tnrwatch.registry import services
    from tnrwatch.registry.models import Claim, Country

    nl = Country.objects.get(iso2="NL")
    for i in range(COUNTRY_CLAIMS_SHOWN + 5):
        services.claim_assert(actor_label="t", subject=nl, prop="note", value=f"fact number {i:02d}",
                              source=atlas_record["source"], quote=f"quote number {i:02d}", marking="clear")
    from tnrwatch.sharing.outbound import PUBLIC, outbound_queryset

    total = outbound_queryset(Claim, PUBLIC).filter(subject_type="country", subject_id=nl.pk).count()
    # When the country page is read, it shows at most COUNTRY_CLAIMS_SHOWN of them and says how many more
    page = client.get(reverse("atlas:country", args=["nl"])).content.decode()
    assert page.count("quote number") <= COUNTRY_CLAIMS_SHOWN
    assert reverse("atlas:country_claims", args=["NL"]) in page
    # And the claims page lists every one of them, with its quote
    full = client.get(reverse("atlas:country_claims", args=["nl"])).content.decode()
    assert full.count("quote number") == COUNTRY_CLAIMS_SHOWN + 5 <= total


def test_country_page_lists_the_sources_it_quotes_and_links_to_all(client, atlas_record):
    page = client.get(reverse("atlas:country", args=["nl"])).content.decode()
    assert reverse("atlas:source", args=[atlas_record["source"].pk]) in page
    assert reverse("atlas:country_sources", args=["NL"]) in page
    full = client.get(reverse("atlas:country_sources", args=["nl"])).content.decode()
    assert reverse("atlas:source", args=[atlas_record["source"].pk]) in full
