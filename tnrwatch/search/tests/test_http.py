"""Search over HTTP: the public page, its CSV/JSON export and Atom feed, the workspace page and its
exports. Canaries planted in hidden records never come back on a public path; bad input is never a 500."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import CANARY, CANARY_ZH

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = ("atlas:search", "atlas:search_export_csv", "atlas:search_export_json", "atlas:search_feed")
WORKSPACE_PATHS = ("search:workspace", "search:workspace_export_csv", "search:workspace_export_json")


_URL_NAME = {"amber_source": "source", "red_source": "source", "amber_station": "station",
             "amber_bureau": "organization", "claim_amber_quote": "claim", "claim_hidden_subject": "claim"}


def _without_echoes(body: str, q: str) -> str:
    """The body without the places that repeat the query itself (the form, links, the feed title)."""
    from html import escape
    from urllib.parse import quote, quote_plus

    for form in sorted({q, escape(q), quote_plus(q), quote(q), json.dumps(q)[1:-1], escape(quote_plus(q)),
                        json.dumps(q, ensure_ascii=False)[1:-1]}, key=len, reverse=True):
        body = body.replace(form, "")
    return body


def _canary_queries():
    return [CANARY, CANARY_ZH, "鸊鷉", CANARY[:5] + "*", f'"{CANARY} memo"', "zqxcanary", "memo", "red",
            "about hidden", "bureau", "station"]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_paths_never_return_a_hidden_record_or_a_passage_of_one(client, record, path):
    for q in _canary_queries():
        for extra in ({}, {"kind": "source"}, {"kind": "entity"}, {"kind": "claim"}, {"country": "NL"},
                      {"marking": "amber"}, {"marking": "red"}, {"language": "en"}):
            response = client.get(reverse(path), {"q": q, **extra})
            assert response.status_code == 200, (path, q, extra)
            body = _without_echoes(response.content.decode(), q)
            assert CANARY not in body.lower(), (path, q, extra)
            assert CANARY_ZH not in body and "鸊鷉" not in body, (path, q, extra)
            for key, hidden in record["hidden"].items():
                url = reverse(f"atlas:{_URL_NAME[key]}", args=[hidden.pk])
                assert f'"{url}"' not in body and f"{url}<" not in body, (path, q, extra, url)


def test_the_canary_check_would_see_a_leak(staff_client, record):
    # The same query on the workspace finds the canaries: the public check above is not vacuous.
    client = staff_client("analyst")
    body = client.get(reverse("search:workspace"), {"q": CANARY}).content.decode()
    assert body.count(CANARY) >= 4
    assert reverse("workspace:entity_detail", args=["sources", record["hidden"]["red_source"].pk]) in body


@pytest.mark.parametrize("role", ["admin", "analyst", "reviewer", "read_only"])
def test_workspace_search_is_for_verified_staff(client, staff_client, make_staff, record, role):
    for name in WORKSPACE_PATHS:
        assert client.get(reverse(name), {"q": "Wenzhou"}).status_code == 302  # to the sign-in page
    logged_in = staff_client(role)
    for name in WORKSPACE_PATHS:
        assert logged_in.get(reverse(name), {"q": "Wenzhou"}).status_code == 200


def test_workspace_without_a_second_factor_is_sent_to_it(client, make_staff, record):
    client.force_login(make_staff("analyst"))
    response = client.get(reverse("search:workspace"), {"q": CANARY})
    assert response.status_code == 302 and CANARY not in response.content.decode()


def test_the_page_groups_ranks_and_highlights(client, record):
    body = client.get(reverse("atlas:search"), {"q": "鹿特丹"}).content.decode()
    assert 'id="entitys"' in body and 'id="sources"' in body
    assert "<mark>鹿特丹</mark>" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    assert "2022-12-01" in body and "TLP:CLEAR" in body


def test_exports_hold_what_is_on_screen(client, record):
    params = {"q": "report", "kind": "source"}
    page = client.get(reverse("atlas:search"), params).content.decode()
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("atlas:search_export_csv"), params).content.decode())))
    data = json.loads(client.get(reverse("atlas:search_export_json"), params).content)
    assert [r["label"] for r in rows] == [r["label"] for r in data["results"]]
    assert {r["label"] for r in rows} == {"Qingtian hometown association", "A long report on diaspora groups"}
    for r in rows:
        assert r["label"] in page and r["marking"] == "clear" and "<mark>" not in r["passage"]
    assert data["query"] == "report" and data["filters"] == {"kind": "source"}


def test_the_atom_feed_lists_new_public_sources(client, record):
    from tnrwatch.registry import services

    services.source_create(actor_label="test", title="Newest Viña report", marking="clear", text="Viña again")
    response = client.get(reverse("atlas:search_feed"), {"q": "Vina"})
    assert response["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(response.content)  # noqa: S314 - our own response, in a test
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert titles == ["Newest Viña report", "Informe desde Chile"]


@pytest.mark.parametrize("q", ["\x00", "a\x01b", "x" * 10_000, "福" * 201])
def test_control_characters_and_overlong_queries_are_a_400_with_the_reason(client, record, q):
    for name in PUBLIC_PATHS:
        response = client.get(reverse(name), {"q": q})
        assert response.status_code == 400, name
        text = response.content.decode()
        assert "too long" in text or "control characters" in text


@pytest.mark.parametrize("params", [{"page": "0"}, {"page": "x"}, {"page": "9" * 20}, {"kind": "nope"},
                                    {"country": "NLD"}, {"from": "2022-13-01"}, {"from": "2023-01-01", "to": "2022-01-01"},
                                    {"language": "e n"}, {"publisher": "p" * 500}])
def test_bad_filters_are_a_400_with_the_reason(client, record, params):
    response = client.get(reverse("atlas:search"), {"q": "Vina", **params})
    assert response.status_code == 400
    assert "<h1>400" in response.content.decode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(['"', "*", "NEAR", "NEAR(", ")", "(", "AND", "OR", "NOT", "-", "^", ":", "'", "\\",
                              "title:", "{", "}", "+", "温州", "Viña", "\x00", "\u200b", "ｗ", "%", "_"]),
             max_size=12).map(" ".join),
))
def test_no_query_is_ever_a_500(client, record, q):
    for name in PUBLIC_PATHS:
        response = client.get(reverse(name), {"q": q})
        assert response.status_code in (200, 400), (name, q)
