"""The pure network module: bounded expansion, deterministic layout, SVG and GraphML (no database).

Fixture strategy: a small in-memory graph given as a list of ties, with `fetch` answering from it
the way the database selector does (at most `per_node` ties per frontier node, and totals).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import networkx as nx
import pytest

from tnrwatch.network import graphml, svg
from tnrwatch.network.graph import Adjacency, Node, Tie, expand


def _fetcher(ties: list[Tie], labels: dict[str, str] | None = None, calls: list | None = None):
    labels = labels or {}

    def node(key: str) -> Node:
        kind = key.split(":")[0]
        return Node(key=key, kind=kind, label=labels.get(key, key.upper()), href=f"/{kind}/{key.split(':')[1]}/",
                    more_href=f"/{kind}/{key.split(':')[1]}/network/")

    def fetch(frontier, per_node):
        if calls is not None:
            calls.append((tuple(frontier), per_node))
        out = Adjacency()
        for key in frontier:
            mine = sorted((t for t in ties if key in (t.source, t.target)), key=lambda t: t.ident)
            out.totals[key] = len(mine)
            for t in mine[:per_node]:
                out.ties.append(t)
                out.nodes[t.source] = node(t.source)
                out.nodes[t.target] = node(t.target)
        return out

    return fetch, node


def _star(n: int) -> list[Tie]:
    return [Tie(source=f"station:{i}", target="organization:1", tie_type="operated_by") for i in range(1, n + 1)]


def test_one_hop_star_is_bounded_with_a_more_count():
    fetch, node = _fetcher(_star(1000))
    hood = expand(node("organization:1"), fetch, hops=1, max_nodes=40)
    assert len(hood.nodes) == 40
    assert len(hood.ties) == 39
    assert hood.node("organization:1").more == 1000 - 39
    assert hood.truncated


def test_two_hops_reach_the_second_ring_and_stop_there():
    ties = [Tie("station:1", "organization:1", "operated_by"), Tie("station:1", "organization:2", "hosted_by"),
            Tie("station:2", "organization:2", "hosted_by"), Tie("station:3", "organization:3", "operated_by")]
    fetch, node = _fetcher(ties)
    one = expand(node("organization:1"), fetch, hops=1)
    assert {n.key for n in one.nodes} == {"organization:1", "station:1"}
    assert one.node("station:1").more == 1  # its tie to organisation 2 is not drawn at one hop
    two = expand(node("organization:1"), fetch, hops=2)
    assert {n.key for n in two.nodes} == {"organization:1", "station:1", "organization:2"}
    assert {n.hop for n in two.nodes} == {0, 1, 2}
    assert two.node("organization:2").more == 1  # station 2, three hops away
    assert "station:3" not in {n.key for n in two.nodes}


def test_two_hops_leave_room_behind_a_hub():
    ties = _star(100) + [Tie(f"station:{i}", f"organization:{100 + i}", "hosted_by") for i in range(1, 101)]
    fetch, node = _fetcher(ties)
    hood = expand(node("organization:1"), fetch, hops=2, max_nodes=40)
    hops = [n.hop for n in hood.nodes]
    assert len(hood.nodes) == 40 and hops.count(1) == 26 and hops.count(2) == 13


def test_room_the_second_hop_leaves_goes_back_to_the_first():
    fetch, node = _fetcher(_star(100))  # the stations have no other ties
    hood = expand(node("organization:1"), fetch, hops=2, max_nodes=40)
    assert len(hood.nodes) == 40 and {n.hop for n in hood.nodes} == {0, 1}
    assert hood.node("organization:1").more == 100 - 39


def test_cycles_and_self_ties_do_not_loop_or_duplicate():
    ties = [Tie("a:1", "a:2", "x"), Tie("a:2", "a:3", "x"), Tie("a:3", "a:1", "x"), Tie("a:1", "a:1", "x")]
    fetch, node = _fetcher(ties)
    hood = expand(node("a:1"), fetch, hops=2)
    assert {n.key for n in hood.nodes} == {"a:1", "a:2", "a:3"}
    assert len({t.ident for t in hood.ties}) == len(hood.ties) == 3


def test_frontier_reads_are_bounded_per_node():
    calls: list = []
    fetch, node = _fetcher(_star(1000), calls=calls)
    expand(node("organization:1"), fetch, hops=2, max_nodes=25)
    assert calls[0] == (("organization:1",), 25)
    assert len(calls[1][0]) == 16 and calls[1][1] == 25  # the first ring: two thirds of the room
    assert len(calls[2][0]) == 8 and calls[2][1] == 0  # the room left, given back: totals only
    assert len(calls) == 3


def test_same_input_same_layout_and_same_svg_bytes_whatever_the_fetch_order():
    ties = _star(30) + [Tie("station:3", "organization:2", "hosted_by", start=date(2020, 1, 2))]
    fetch, node = _fetcher(ties)
    shuffled, _ = _fetcher(list(reversed(ties)))
    a = expand(node("organization:1"), fetch, hops=2)
    b = expand(node("organization:1"), shuffled, hops=2)
    assert a == b
    text = svg.SvgText(title="t")
    assert svg.render(a, text).encode() == svg.render(b, text).encode()


def test_layout_puts_rings_by_hop_and_nodes_apart():
    fetch, node = _fetcher(_star(60) + [Tie("station:1", "organization:9", "hosted_by")])
    hood = expand(node("organization:1"), fetch, hops=2, max_nodes=80)
    center = hood.node("organization:1")
    assert (center.x, center.y) == (0.0, 0.0)
    r1 = [(n.x ** 2 + n.y ** 2) ** 0.5 for n in hood.nodes if n.hop == 1]
    r2 = [(n.x ** 2 + n.y ** 2) ** 0.5 for n in hood.nodes if n.hop == 2]
    assert max(r1) - min(r1) < 1 and max(r2) - min(r2) < 1 and min(r2) > max(r1)  # coordinates are rounded
    points = [(n.x, n.y) for n in hood.nodes]
    assert len(set(points)) == len(points)


def test_svg_escapes_labels_links_all_scripts_and_dashes_contested_ties():
    labels = {"organization:1": '<script>alert("x")</script>', "station:1": "ئۇيغۇر مەدەنىيەت مەركىزى",
              "station:2": "བོད་ཀྱི་ཚོགས་པ", "station:3": "福州警侨服务站"}
    ties = [Tie("station:1", "organization:1", "operated_by", contested=True, href="/claims/5/?a=1&b=2"),
            Tie("station:2", "organization:1", "operated_by", start=date(2021, 3, 1), end=date(2022, 1, 1)),
            Tie("station:3", "organization:1", "hosted_by")]
    fetch, node = _fetcher(ties, labels)
    hood = expand(node("organization:1"), fetch, hops=1)
    out = svg.render(hood, svg.SvgText(title="Ties & more", tie_labels={"operated_by": "Operated by"}))
    root = ET.fromstring(out)  # noqa: S314 - our own output, checked to be well-formed XML
    assert root.tag.endswith("svg") and root.get("role") == "group"  # its nodes and ties are links: not an image
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "/claims/5/?a=1&amp;b=2" in out
    assert "福州警侨服务站" in out and "བོད་ཀྱི་ཚོགས་པ" in out
    assert 'direction="rtl"' in out  # the Uyghur label reads right to left
    assert "Noto Sans CJK SC" in out and "Tibetan" in out
    dashed = [e for e in root.iter() if e.get("stroke-dasharray")]
    assert len(dashed) == 2  # the contested tie and its legend sample
    assert "2021-03-01" in out and "2022-01-01" in out
    assert "<image" not in out and "<script" not in out.replace("&lt;script", "")


def test_graphml_loads_in_networkx_with_attributes(tmp_path):
    ties = [Tie("station:1", "organization:1", "operated_by", contested=True, href="/claims/5/", claim_ids=(5,),
                start=date(2022, 9, 12)),
            Tie("station:2", "organization:1", "hosted_by")]
    fetch, node = _fetcher(ties, {"station:1": "Station & <one>", "station:2": "福州"})
    hood = expand(node("organization:1"), fetch, hops=1)
    path = tmp_path / "n.graphml"
    path.write_text(graphml.write(hood, base_url="https://atlas.example"), encoding="utf-8")
    g = nx.read_graphml(path)
    assert g.is_directed()
    assert set(g.nodes) == {"organization:1", "station:1", "station:2"}
    assert g.nodes["station:1"]["label"] == "Station & <one>"
    assert g.nodes["station:2"]["label"] == "福州"
    edge = g.edges["station:1", "organization:1"]
    assert edge["tie_type"] == "operated_by" and edge["contested"] is True
    assert edge["evidence"] == "https://atlas.example/claims/5/" and edge["start"] == "2022-09-12"


@pytest.mark.parametrize("hops", [0, 3])
def test_hops_out_of_range_are_refused(hops):
    fetch, node = _fetcher([])
    with pytest.raises(ValueError, match="hops"):
        expand(node("a:1"), fetch, hops=hops)
