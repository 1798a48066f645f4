"""The network view through the real stack: pages (public and workspace, en and zh, 1 and 2 hops,
no JavaScript), the exports (GraphML read by networkx, STIX checked by stix2-validator, FtM by
followthemoney), the canaries of the publication rule, and bad parameters.

Fixture strategy: the smallest record with a hub. A public bureau operates three public stations
(one named in Uyghur script, one whose operator claim is refuted by a public quote); a public
association hosts the first, a Tibetan-named one the third. Canaries: an AMBER station the bureau
operates, an AMBER association hosting the second station, a CLEAR organisation with no quote
hosting a fourth station, and an AMBER refuting quote on the first station's operator claim
(public: not contested; staff: contested).
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

import networkx as nx
import pytest
from django.urls import reverse

from tnrwatch.registry import services
from tnrwatch.registry.models import Country

CANARIES = ("CANARY-NET-AMBER-STATION", "CANARY-NET-AMBER-ORG", "CANARY-NET-NOQUOTE-ORG", "CANARY-NET-AMBER-QUOTE")
L = {"actor_label": "test"}


@pytest.fixture
def net(db):
    nl, cn, cz, fr = (Country.objects.get(iso2=c) for c in ("NL", "CN", "CZ", "FR"))
    src = services.source_create(**L, title="Report on the stations", publisher="A newsroom", marking="clear",
                                 url="https://news.example/a", published=date(2022, 9, 12), language="en")

    def fact(subject, prop, value, quote, **kw):
        return services.claim_assert(**L, subject=subject, prop=prop, value=value, source=src, quote=quote,
                                     marking=kw.pop("marking", "clear"), **kw)

    bureau = services.organization_create(**L, kind="operating_bureau", name_en="Fuzhou Public Security Bureau",
                                          name_zh="福州市公安局", country=cn, marking="clear")
    fact(bureau, "role", "runs stations", "run by the Fuzhou police")
    host = services.organization_create(**L, kind="host_organization", name_en="Rotterdam Fujian Association",
                                        name_zh="鹿特丹福建同乡会", country=nl, marking="clear")
    fact(host, "role", "hosts a station", "the association hosts it")
    tibetan = services.organization_create(**L, kind="host_organization", name_en="བོད་ཀྱི་ཚོགས་པ", country=fr,
                                           marking="clear")
    fact(tibetan, "role", "association", "an association")
    a = services.station_create(**L, name_en="Fuzhou police service station Rotterdam", name_zh="福州警侨服务站鹿特丹",
                                country=nl, operator=bureau, host_organization=host, first_reported=date(2022, 9, 12),
                                marking="clear")
    fact(a, "operator", "Fuzhou Public Security Bureau", "operated by the Fuzhou police")
    fact(a, "operator", "Fuzhou Public Security Bureau", "CANARY-NET-AMBER-QUOTE denies it", stance="refutes",
         marking="amber")
    b = services.station_create(**L, name_en="Fuzhou station Prague", name_zh="福州警侨服务站布拉格", country=cz,
                                operator=bureau, first_reported=date(2019, 5, 1), marking="clear")
    fact(b, "operator", "Fuzhou Public Security Bureau", "set up by Fuzhou police")
    fact(b, "operator", "Fuzhou Public Security Bureau", "the bureau has no station in Prague", stance="refutes")
    c = services.station_create(**L, name_en="ئۈرۈمچى مۇلازىمەت پونكىتى", country=fr, operator=bureau,
                                host_organization=tibetan, first_reported=date(2023, 2, 1), marking="clear")
    fact(c, "status", "reported", "a service point")
    hidden = services.station_create(**L, name_en="CANARY-NET-AMBER-STATION", country=nl, operator=bureau,
                                     marking="amber")
    fact(hidden, "status", "reported", "an amber station", marking="amber")
    amber_org = services.organization_create(**L, kind="host_organization", name_en="CANARY-NET-AMBER-ORG",
                                             marking="amber")
    fact(amber_org, "role", "hosts", "amber hosts", marking="amber")
    services.station_update(actor=None, actor_label="test", station=b, host_organization=amber_org)
    noquote = services.organization_create(**L, kind="host_organization", name_en="CANARY-NET-NOQUOTE-ORG",
                                           marking="clear")
    d = services.station_create(**L, name_en="Wenzhou station Paris", country=fr, host_organization=noquote,
                                marking="clear")
    fact(d, "status", "reported", "a station in Paris")
    return {"bureau": bureau, "host": host, "tibetan": tibetan, "a": a, "b": b, "c": c, "d": d, "hidden": hidden,
            "amber_org": amber_org, "noquote": noquote}


def _public(kind: str, pk: int, suffix: str = "") -> str:
    return reverse("atlas:network", args=[kind, pk]) + suffix


def _node_links(html: str) -> set[str]:
    svg = html[html.index("<svg"):html.index("</svg>")]
    return set(re.findall(r'<a class="node[^"]*" href="([^"]+)"', svg))


def _no_canary(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text, canary


def test_public_one_hop_draws_the_station_its_operator_and_host(client, net):
    html = client.get(_public("stations", net["a"].pk)).content.decode()
    assert _node_links(html) == {reverse("atlas:station", args=[net["a"].pk]),
                                 reverse("atlas:organization", args=[net["bureau"].pk]),
                                 reverse("atlas:organization", args=[net["host"].pk])}
    assert "<script" not in html
    assert 'id="network-table"' in html and "<caption>" in html
    _no_canary(html)


def test_public_two_hops_reach_the_bureaus_other_public_stations_only(client, net):
    html = client.get(_public("stations", net["a"].pk, "?hops=2")).content.decode()
    links = _node_links(html)
    for key in ("b", "c"):
        assert reverse("atlas:station", args=[net[key].pk]) in links
    assert reverse("atlas:station", args=[net["hidden"].pk]) not in links
    assert reverse("atlas:station", args=[net["d"].pk]) not in links
    assert "ئۈرۈمچى" in html and 'direction="rtl"' in html
    _no_canary(html)


def test_contested_ties_are_dashed_and_link_to_their_claims(client, staff_client, net):
    # Station B's operator claim is refuted by a public quote; station A's is disputed (its status,
    # which is public) by an AMBER quote the public never reads. Station C's tie has no claim.
    html = client.get(_public("organisations", net["bureau"].pk)).content.decode()
    svg = html[html.index("<svg"):html.index("</svg>")]
    contested = re.findall(r'<a class="tie contested" href="([^"]+)"', svg)
    assert sorted(contested) == sorted(reverse("atlas:claim", args=[pk]) for pk in _operator_claims(net, "a", "b"))
    assert re.findall(r'<a class="tie" href="([^"]+)"', svg) == [reverse("atlas:station", args=[net["c"].pk]) + "#claims"]
    assert 'stroke-dasharray="6 4"' in svg
    _no_canary(html)
    ws = staff_client("analyst")
    page = ws.get(reverse("workspace:network", args=["organizations", net["bureau"].pk])).content.decode()
    assert len(re.findall(r'<a class="tie contested"', page)) == 2
    assert "CANARY-NET-AMBER-STATION" in page  # staff see every marking


def _operator_claims(net, *keys):
    from tnrwatch.registry.models import Claim

    return list(Claim.objects.filter(subject_type="station", subject_id__in=[net[k].pk for k in keys],
                                     prop="operator").values_list("pk", flat=True))


def test_chinese_page_uses_chinese_names_and_interface(client, net):
    html = client.get(_public("stations", net["a"].pk, "?hops=2"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "福州市公安局" in html and "鹿特丹福建同乡会" in html
    assert "网络" in html and "关系" in html
    _no_canary(html)


def test_entity_pages_carry_the_network_public_and_workspace(client, staff_client, net):
    html = client.get(reverse("atlas:organization", args=[net["bureau"].pk])).content.decode()
    assert 'id="network"' in html and "<svg" in html
    assert reverse("atlas:network", args=["organisations", net["bureau"].pk]) in html
    _no_canary(html[html.index('id="network"'):])
    ws = staff_client("analyst")
    page = ws.get(reverse("workspace:entity_detail", args=["stations", net["a"].pk])).content.decode()
    assert 'id="network"' in page and reverse("workspace:network", args=["stations", net["a"].pk]) in page


def test_hidden_or_missing_centre_is_not_found(client, net):
    for pk in (net["hidden"].pk, 999999, 10**17):
        assert client.get(_public("stations", pk)).status_code == 404
    assert client.get(_public("organisations", net["amber_org"].pk)).status_code == 404


def test_filters_by_tie_type_and_date(client, net):
    html = client.get(_public("organisations", net["bureau"].pk, "?type=hosted_by")).content.decode()
    assert "<svg" not in html  # the bureau hosts nothing
    html = client.get(_public("stations", net["a"].pk, "?type=hosted_by")).content.decode()
    assert _node_links(html) == {reverse("atlas:station", args=[net["a"].pk]),
                                 reverse("atlas:organization", args=[net["host"].pk])}
    html = client.get(_public("organisations", net["bureau"].pk, "?to=2020-01-01")).content.decode()
    links = _node_links(html)
    assert reverse("atlas:station", args=[net["b"].pk]) in links  # reported in 2019
    assert reverse("atlas:station", args=[net["a"].pk]) not in links  # reported in 2022


@pytest.mark.parametrize("query, words", [
    ("hops=3", "hops"), ("hops=x", "hops"), ("type=bogus", "tie type"), ("from=2020-13-01", "YYYY-MM-DD"),
    ("from=2023-01-01&to=2020-01-01", "after"), ("nodes=100000", "nodes"), ("nodes=-1", "nodes"),
    ("colour=red", "Unknown parameter"), ("hops=1&hops=2", "once"), ("from=%00", "not valid"),
])
def test_bad_parameters_answer_400_with_the_reason(client, staff_client, net, query, words):
    response = client.get(_public("stations", net["a"].pk, f"?{query}"))
    assert response.status_code == 400
    assert words in response.content.decode()
    export = client.get(_public("stations", net["a"].pk, f"graphml/?{query}"))
    assert export.status_code == 400
    ws = staff_client("analyst")
    assert ws.get(reverse("workspace:network", args=["stations", net["a"].pk]) + f"?{query}").status_code == 400


def test_graphml_export_loads_in_networkx_without_hidden_records(client, net, tmp_path):
    response = client.get(_public("stations", net["a"].pk, "graphml/?hops=2"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/graphml+xml")
    body = response.content.decode()
    _no_canary(body)
    path = tmp_path / "n.graphml"
    path.write_text(body, encoding="utf-8")
    g = nx.read_graphml(path)
    keys = {f"station:{net[k].pk}" for k in "abc"} | {f"organization:{net[k].pk}" for k in ("bureau", "host")}
    assert set(g.nodes) == keys
    assert g.edges[f"station:{net['b'].pk}", f"organization:{net['bureau'].pk}"]["contested"] is True
    assert g.nodes[f"organization:{net['bureau'].pk}"]["url"].endswith(reverse("atlas:organization", args=[net["bureau"].pk]))


def test_stix_and_ftm_exports_of_the_neighbourhood(client, net):
    from followthemoney import model as ftm_model
    from stix2validator import ValidationOptions, validate_string

    stix = client.get(_public("stations", net["a"].pk, "stix/?hops=2"))
    assert stix.status_code == 200
    text = stix.content.decode()
    _no_canary(text)
    bundle = json.loads(text)
    names = {o.get("name") for o in bundle["objects"]}
    assert {"Fuzhou Public Security Bureau", "Fuzhou station Prague"} <= names
    assert "Wenzhou station Paris" not in names  # not in the neighbourhood
    assert validate_string(text, ValidationOptions(strict=False)).is_valid
    ftm = client.get(_public("stations", net["a"].pk, "ftm/?hops=2")).content.decode()
    _no_canary(ftm)
    entities = [json.loads(line) for line in io.StringIO(ftm) if line.strip()]
    for e in entities:
        ftm_model.get_proxy(e)
    assert "Rotterdam Fujian Association" in {n for e in entities for n in e["properties"].get("name", [])}


def test_workspace_staff_only_and_graphml_only(client, staff_client, net):
    url = reverse("workspace:network", args=["stations", net["a"].pk])
    assert client.get(url).status_code == 302  # to the login
    ws = staff_client("read_only")
    assert ws.get(url).status_code == 200
    assert ws.get(url + "graphml/").status_code == 200
    assert ws.get(url + "stix/").status_code == 404
