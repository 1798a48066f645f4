"""A `Neighbourhood` as GraphML (for Gephi, yEd, networkx). Pure Python, no Django import.

A directed graph: nodes keyed "<kind>:<id>" with their label, kind, hop and page; edges with the
tie type, dates (ISO 8601), whether the tie is contested, its evidence link and claim ids. Every
value is escaped by the XML writer; keys are declared with their types, as the format asks.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .graph import Neighbourhood

NODE_KEYS = (("label", "string"), ("kind", "string"), ("hop", "int"), ("url", "string"), ("more", "int"))
EDGE_KEYS = (("tie_type", "string"), ("label", "string"), ("start", "string"), ("end", "string"),
             ("contested", "boolean"), ("evidence", "string"), ("claims", "string"))


def _data(key: str, value: object) -> str:
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f'<data key="{key}">{escape(str(value))}</data>'


def write(hood: Neighbourhood, *, base_url: str = "", tie_labels: dict[str, str] | None = None) -> str:
    """The GraphML document. `base_url` (e.g. "https://atlas.example") makes the links absolute."""
    tie_labels = tie_labels or {}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
             'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">']
    for name, kind in NODE_KEYS:
        lines.append(f'<key id="n_{name}" for="node" attr.name="{name}" attr.type="{kind}"/>')
    for name, kind in EDGE_KEYS:
        lines.append(f'<key id="e_{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>')
    lines.append(f'<graph id={quoteattr(hood.center)} edgedefault="directed">')
    for node in hood.nodes:
        lines.append(f"<node id={quoteattr(node.key)}>" + "".join([
            _data("n_label", node.label), _data("n_kind", node.kind), _data("n_hop", node.hop),
            _data("n_url", base_url + node.href if node.href else ""), _data("n_more", node.more),
        ]) + "</node>")
    for i, tie in enumerate(hood.ties):
        lines.append(f'<edge id="e{i}" source={quoteattr(tie.source)} target={quoteattr(tie.target)}>' + "".join([
            _data("e_tie_type", tie.tie_type), _data("e_label", tie_labels.get(tie.tie_type, tie.tie_type)),
            _data("e_start", tie.start.isoformat() if tie.start else ""),
            _data("e_end", tie.end.isoformat() if tie.end else ""),
            _data("e_contested", tie.contested),
            _data("e_evidence", base_url + tie.href if tie.href else ""),
            _data("e_claims", " ".join(str(c) for c in tie.claim_ids)),
        ]) + "</edge>")
    lines.append("</graph></graphml>")
    return "\n".join(lines) + "\n"
