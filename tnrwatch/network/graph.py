"""The network around one entity: nodes, ties, bounded expansion and a deterministic layout.

Pure Python, no Django import. The database side (which ties an audience may see) is a callback,
`fetch`, so this module decides only the shape: how far to expand, what to keep when a node has
more ties than the view can hold, and where each node goes on the drawing.

Bounds: at most `max_nodes` nodes, `hops` of 1 or 2, and at most `per_node` ties read per node of
the frontier; whatever a node has beyond what is drawn is its `more` count (a link to that node's
own view). Same input, same output: ties and nodes are ordered by (tie type, label, key) at every
step, and the layout has no randomness, so the SVG drawn from it is byte-for-byte stable.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

MAX_HOPS = 2
DEFAULT_MAX_NODES = 40
LIMIT_MAX_NODES = 120


@dataclass(frozen=True)
class Node:
    """One entity on the drawing. `key` is "<kind>:<id>" (e.g. "station:12")."""

    key: str
    kind: str
    label: str
    href: str = ""
    hop: int = 0
    more: int = 0  # ties of this node the view does not draw
    more_href: str = ""
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class Tie:
    """One tie between two nodes, as a claim states it (source -> target, in the tie's direction)."""

    source: str
    target: str
    tie_type: str
    start: date | None = None
    end: date | None = None
    contested: bool = False
    href: str = ""  # its evidence: the claim behind it, else the page that shows it
    claim_ids: tuple[int, ...] = ()
    key: str = ""  # the tie's own id when it has one (e.g. "tie:7"); else made from its ends

    @property
    def ident(self) -> str:
        return self.key or f"{self.tie_type}:{self.source}:{self.target}"

    def other(self, key: str) -> str:
        return self.target if self.source == key else self.source


@dataclass
class Adjacency:
    """What `fetch` returns for a frontier: the ties read (at most `per_node` per frontier node,
    in any order), the total number of ties of each frontier node, and the nodes at their ends."""

    ties: list[Tie] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    nodes: dict[str, Node] = field(default_factory=dict)


# fetch(frontier keys, per_node) -> Adjacency. per_node 0: totals only.
Fetch = Callable[[Sequence[str], int], Adjacency]


@dataclass(frozen=True)
class Neighbourhood:
    center: str
    hops: int
    nodes: tuple[Node, ...]
    ties: tuple[Tie, ...]
    truncated: bool  # some ties were left out (the nodes' `more` counts say where)

    def node(self, key: str) -> Node:
        return next(n for n in self.nodes if n.key == key)

    @property
    def hidden(self) -> int:
        return sum(n.more for n in self.nodes)


def node_key(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def split_key(key: str) -> tuple[str, int]:
    kind, _sep, pk = key.partition(":")
    return kind, int(pk)


def _tie_order(tie: Tie, here: str, nodes: dict[str, Node]) -> tuple:
    other = tie.other(here)
    label = nodes[other].label.casefold() if other in nodes else ""
    return (tie.tie_type, label, other, tie.ident)


def expand(center: Node, fetch: Fetch, *, hops: int = 1, max_nodes: int = DEFAULT_MAX_NODES,
           per_node: int | None = None) -> Neighbourhood:
    """The neighbourhood of `center` to `hops` (1 or 2), with at most `max_nodes` nodes.

    Hop by hop, each frontier node (in order) adds its ties (in order) while there is room (with
    two hops the first may take two thirds of the bound, and gets back what the second leaves); a
    tie to a node already drawn is drawn too; a tie that would need a node past the bound is
    counted in its node's `more`. Nodes of the last hop are not expanded, but their `more` counts
    say how many ties they have beyond those drawn.
    """
    if hops not in range(1, MAX_HOPS + 1):
        raise ValueError(f"hops must be 1..{MAX_HOPS}")
    if max_nodes < 1:
        raise ValueError("max_nodes must be at least 1")
    per_node = max_nodes if per_node is None else per_node
    nodes: dict[str, Node] = {center.key: replace(center, hop=0)}
    drawn: dict[str, Tie] = {}
    totals: dict[str, int] = {}
    truncated = False
    frontier = [center.key]
    held_back: list[tuple[int, Tie, Node]] = []  # (hop, tie, node) left for the hops after
    unexpanded: list[str] = []
    for hop in range(1, hops + 1):
        adjacency = fetch(frontier, per_node)
        totals.update(adjacency.totals)
        known = {**adjacency.nodes, **nodes}
        by_node = _ties_by_end(adjacency.ties, frontier)
        following: list[str] = []
        # With two hops, the first may fill at most two thirds of the view, so a hub's ties leave
        # room for what lies behind its neighbours (the rest of the hub's ties are its "more").
        room = max_nodes if hop == hops else len(nodes) + max(1, (max_nodes - len(nodes)) * 2 // 3)
        for here in frontier:
            for tie in sorted(by_node.get(here, []), key=lambda t: _tie_order(t, here, known)):
                other = tie.other(here)
                if other == here or tie.ident in drawn:
                    continue
                if other not in nodes:
                    if other not in adjacency.nodes:
                        truncated = True
                        continue
                    if len(nodes) >= room:
                        if room < max_nodes:
                            held_back.append((hop, tie, adjacency.nodes[other]))
                        truncated = True
                        continue
                    nodes[other] = replace(adjacency.nodes[other], hop=hop)
                    following.append(other)
                drawn[tie.ident] = tie
        frontier = following
        if not frontier:
            break
    # Room the later hops left unused goes back to the ties held back (in their order); those
    # nodes are not expanded, and their "more" counts say what lies behind them.
    for hop, tie, node in held_back:
        if len(nodes) >= max_nodes:
            break
        if node.key not in nodes:
            nodes[node.key] = replace(node, hop=hop)
            unexpanded.append(node.key)
        drawn.setdefault(tie.ident, tie)
    if frontier or unexpanded:  # nodes not expanded: how many ties each has in all
        totals.update(fetch([*frontier, *unexpanded], 0).totals)
    final = _with_more(nodes, drawn, totals)
    truncated = truncated or any(node.more > 0 for node in final)
    placed = layout(final, list(drawn.values()), center.key)
    ties = sorted(drawn.values(), key=lambda t: (t.tie_type, t.source, t.target, t.ident))
    return Neighbourhood(center=center.key, hops=hops, nodes=tuple(placed), ties=tuple(ties), truncated=truncated)


def _ties_by_end(ties: Iterable[Tie], frontier: list[str]) -> dict[str, list[Tie]]:
    """{frontier node: its ties, in order}."""
    by_node: dict[str, list[Tie]] = {}
    for tie in ties:
        for end in (tie.source, tie.target):
            if end in frontier:
                by_node.setdefault(end, []).append(tie)
    return by_node


def _with_more(nodes: dict[str, Node], drawn: dict[str, Tie], totals: dict[str, int]) -> list[Node]:
    """The nodes, each with `more`: how many of its ties (of `totals`) are not drawn."""
    degree: dict[str, int] = {}
    for tie in drawn.values():
        for end in {tie.source, tie.target}:
            degree[end] = degree.get(end, 0) + 1
    return [replace(node, more=max(0, totals.get(key, 0) - degree.get(key, 0))) for key, node in nodes.items()]


# -- layout -----------------------------------------------------------------------------------------

RING = 230.0  # distance between rings, in drawing units
MIN_GAP = 92.0  # the least arc length between two nodes on one ring (room for a label)


def ring_radius(hop: int, count: int) -> float:
    """A ring far enough out for `count` nodes at least MIN_GAP apart."""
    if hop == 0:
        return 0.0
    return max(RING, count * MIN_GAP / (2 * math.pi))


def _first_tie_types(ties: Sequence[Tie], center: str) -> dict[str, str]:
    """{node: the first (by type, then id) type of its ties to the centre}."""
    first_type: dict[str, str] = {}
    for tie in sorted(ties, key=lambda t: (t.tie_type, t.ident)):
        for end, other in ((tie.source, tie.target), (tie.target, tie.source)):
            if other == center:
                first_type.setdefault(end, tie.tie_type)
    return first_type


def _parents(ties: Sequence[Tie], by_key: dict[str, Node], order: dict[str, tuple]) -> dict[str, str]:
    """{hop-2 node: the first hop-1 node (in `order`) it is tied to}."""
    parent: dict[str, str] = {}
    for tie in ties:
        for end, other in ((tie.source, tie.target), (tie.target, tie.source)):
            if end in by_key and by_key[end].hop == 2 and other in by_key and by_key[other].hop == 1:
                if end not in parent or order[other] < order[parent[end]]:
                    parent[end] = other
    return parent


def layout(nodes: Iterable[Node], ties: Sequence[Tie], center: str) -> list[Node]:
    """A radial tree: the centre in the middle, rings by hop. Hop-1 nodes are ordered by (tie type
    to the centre, label, key) clockwise from the top; each hop-2 node hangs from the first hop-1
    node (in that order) it is tied to, and each hop-1 node gets a sector of its ring as wide as
    what hangs from it (at least one slot), with its own nodes spread inside it, so a hub's ties fan
    out behind it instead of crossing the drawing. No randomness."""
    nodes = list(nodes)
    by_key = {n.key: n for n in nodes}
    first_type = _first_tie_types(ties, center)
    order: dict[str, tuple] = {n.key: () for n in nodes if n.hop == 0}
    firsts = [n for n in nodes if n.hop == 1]
    for n in firsts:
        order[n.key] = (first_type.get(n.key, ""), n.label.casefold(), n.key)
    firsts.sort(key=lambda n: order[n.key])
    parent = _parents(ties, by_key, order)
    children: dict[str, list[Node]] = {n.key: [] for n in firsts}
    for n in nodes:
        if n.hop == 2 and n.key in parent:
            order[n.key] = (*order[parent[n.key]], n.label.casefold(), n.key)
            children[parent[n.key]].append(n)
    for kids in children.values():
        kids.sort(key=lambda n: order[n.key])
    slots = sum(max(1, len(kids)) for kids in children.values()) or 1
    # Each ring outside the one before, however crowded that one had to be.
    r1 = ring_radius(1, slots)  # a first-hop node with nothing behind it has one slot on this ring
    r2 = r1 + RING
    placed: dict[str, Node] = {}

    def put(node: Node, radius: float, angle: float) -> None:
        placed[node.key] = replace(node, x=round(radius * math.cos(angle), 1), y=round(radius * math.sin(angle), 1))

    start = -math.pi / 2
    step = 2 * math.pi / slots
    for first in firsts:
        width = max(1, len(children[first.key])) * step
        put(first, r1, start + width / 2)
        for i, kid in enumerate(children[first.key]):
            put(kid, r2, start + (i + 0.5) * step)
        start += width
    for n in nodes:
        if n.key not in placed:
            if n.hop == 0:
                placed[n.key] = replace(n, x=0.0, y=0.0)
            else:  # not reached through a first-hop node (cannot happen from `expand`): the top
                order.setdefault(n.key, (n.label.casefold(), n.key))
                put(n, r2, -math.pi / 2)
    return [placed[n.key] for n in sorted(nodes, key=lambda n: (n.hop, order[n.key]))]
