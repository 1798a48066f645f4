"""The network drawing: a `Neighbourhood` as an inline SVG, server-rendered, no JavaScript.

Pure Python, no Django import; the caller passes every human-readable string already translated
(`SvgText`). Everything from the record is escaped. Labels are SVG text in the page's fonts with
fallbacks for CJK, Arabic script (Uyghur, drawn right to left) and Tibetan, never images. Each node
links to its page and each tie to its evidence; a contested tie (a claim disputed, or with a
refuting quote) is dashed, and the legend says so. Same neighbourhood, same bytes.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from html import escape

from .graph import Neighbourhood, Node, Tie

FONT_FAMILY = ("system-ui, 'Noto Sans', 'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', "
               "'PingFang SC', 'Microsoft YaHei', 'Noto Naskh Arabic', 'Noto Sans Arabic', 'UKIJ Tuz', "
               "'Noto Serif Tibetan', 'Noto Sans Tibetan', 'Microsoft Himalaya', sans-serif")
LABEL_CHARS = 26  # a longer name is cut with an ellipsis on the drawing; its <title> has it whole
NODE_R = 14.0
MARGIN = 120.0
LEGEND_H = 28.0

# Tie types are told apart by colour and by their label on the line; contested ones by the dash.
PALETTE = ("#1f5f8b", "#8b3a1f", "#2f7d32", "#6a3d9a", "#b15928", "#00798c", "#7a5c00", "#a6266e",
           "#455a64", "#5d4037", "#33691e", "#283593", "#4e342e")
KIND_FILL = {"station": "#c62828", "organization": "#1565c0", "person": "#6a1b9a", "address": "#2e7d32"}


@dataclass(frozen=True)
class SvgText:
    """The drawing's words, translated by the caller."""

    title: str
    tie_labels: dict[str, str] = field(default_factory=dict)  # tie type -> name
    kind_labels: dict[str, str] = field(default_factory=dict)  # node kind -> name
    contested: str = "contested (disputed or refuted)"
    supported: str = "not contested"
    more: str = "+%(count)d more"
    since: str = "from %(date)s"
    until: str = "until %(date)s"
    between: str = "%(start)s – %(end)s"


def is_rtl(text: str) -> bool:
    """Whether the text's first strong character is right-to-left (Arabic script, Hebrew)."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            return True
        if bidi == "L":
            return False
    return False


def short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def tie_dates(tie: Tie, text: SvgText) -> str:
    if tie.start and tie.end:
        return text.between % {"start": tie.start.isoformat(), "end": tie.end.isoformat()}
    if tie.start:
        return text.since % {"date": tie.start.isoformat()}
    if tie.end:
        return text.until % {"date": tie.end.isoformat()}
    return ""


def colours(tie_types: list[str]) -> dict[str, str]:
    return {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(sorted(tie_types))}


def _text(x: float, y: float, content: str, *, size: float = 12, anchor: str = "middle", css: str = "",
          weight: str = "") -> str:
    direction = ' direction="rtl" unicode-bidi="embed"' if is_rtl(content) else ""
    bold = f' font-weight="{weight}"' if weight else ""
    klass = f' class="{css}"' if css else ""
    return (f'<text{klass} x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}"{direction}{bold}>'
            f"{escape(content)}</text>")


def render(hood: Neighbourhood, text: SvgText) -> str:
    """The SVG markup (a root <svg> element with role="group", since its nodes and ties are links,
    and a <title>; role="img" would hide those links from assistive technology, and axe-core
    reports focusable descendants of an image as nested-interactive)."""
    xs = [n.x for n in hood.nodes] or [0.0]
    ys = [n.y for n in hood.nodes] or [0.0]
    min_x, max_x = min(xs) - MARGIN, max(xs) + MARGIN
    min_y, max_y = min(ys) - MARGIN / 2 - LEGEND_H * 2, max(ys) + MARGIN / 2
    width, height = max_x - min_x, max_y - min_y
    types = sorted({t.tie_type for t in hood.ties})
    palette = colours(types)
    pos = {n.key: n for n in hood.nodes}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network" role="group" aria-labelledby="network-title" '
        f'viewBox="{min_x:.1f} {min_y:.1f} {width:.1f} {height:.1f}" width="{width:.0f}" height="{height:.0f}" '
        f'font-family="{escape(FONT_FAMILY)}">',
        f'<title id="network-title">{escape(text.title)}</title>',
    ]
    out.append(_legend(min_x + 10, min_y + 18, types, palette, text))
    out.append('<g class="ties">')
    for tie in hood.ties:
        out.append(_tie(tie, pos[tie.source], pos[tie.target], palette[tie.tie_type], text))
    out.append("</g>")
    out.append('<g class="nodes">')
    for node in hood.nodes:
        out.append(_node(node, hood.center, text))
    out.append("</g></svg>")
    return "\n".join(out)


def _legend(x: float, y: float, types: list[str], palette: dict[str, str], text: SvgText) -> str:
    parts = ['<g class="legend">']
    cx = x
    for t in types:
        label = text.tie_labels.get(t, t.replace("_", " "))
        parts.append(f'<line x1="{cx:.1f}" y1="{y - 4:.1f}" x2="{cx + 24:.1f}" y2="{y - 4:.1f}" stroke="{palette[t]}" stroke-width="3"/>')
        parts.append(_text(cx + 30, y, label, size=12, anchor="start"))
        cx += 40 + 7.5 * len(label)
    y2 = y + LEGEND_H * 0.8
    parts.append(f'<line x1="{x:.1f}" y1="{y2 - 4:.1f}" x2="{x + 24:.1f}" y2="{y2 - 4:.1f}" stroke="#333" stroke-width="2"/>')
    parts.append(_text(x + 30, y2, text.supported, size=12, anchor="start"))
    x3 = x + 50 + 7.5 * len(text.supported)
    parts.append(f'<line x1="{x3:.1f}" y1="{y2 - 4:.1f}" x2="{x3 + 24:.1f}" y2="{y2 - 4:.1f}" stroke="#333" stroke-width="2" stroke-dasharray="6 4"/>')
    parts.append(_text(x3 + 30, y2, text.contested, size=12, anchor="start"))
    parts.append("</g>")
    return "".join(parts)


def _tie(tie: Tie, a: Node, b: Node, colour: str, text: SvgText) -> str:
    label = text.tie_labels.get(tie.tie_type, tie.tie_type.replace("_", " "))
    dates = tie_dates(tie, text)
    # Stop the line at the circles' rims, and put the label at the middle, along the line.
    dx, dy = b.x - a.x, b.y - a.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    x1, y1 = a.x + ux * NODE_R, a.y + uy * NODE_R
    x2, y2 = b.x - ux * (NODE_R + 4), b.y - uy * (NODE_R + 4)
    # The label sits nearer the outer end: ties converge on a hub, so their middles crowd there.
    share = 0.5 if a.hop == b.hop else (0.64 if b.hop > a.hop else 0.36)
    mx, my = a.x + dx * share, a.y + dy * share
    dash = ' stroke-dasharray="6 4"' if tie.contested else ""
    css = "tie contested" if tie.contested else "tie"
    words = f"{label}: {a.label} → {b.label}" + (f" ({dates})" if dates else "") + (f" — {text.contested}" if tie.contested else "")
    head = _arrow_head(x2, y2, ux, uy, colour)
    body = (f'<title>{escape(words)}</title>'
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" stroke-width="2"{dash}/>'
            f"{head}"
            + _text(mx, my - 3, label, size=10, css="tie-label")
            + (_text(mx, my + 9, dates, size=9, css="tie-date") if dates else ""))
    if tie.href:
        return f'<a class="{css}" href="{escape(tie.href)}">{body}</a>'
    return f'<g class="{css}">{body}</g>'


def _arrow_head(x: float, y: float, ux: float, uy: float, colour: str) -> str:
    # A small triangle pointing along the tie's direction (source -> target).
    px, py = -uy, ux
    back_x, back_y = x - ux * 8, y - uy * 8
    points = f"{x:.1f},{y:.1f} {back_x + px * 4:.1f},{back_y + py * 4:.1f} {back_x - px * 4:.1f},{back_y - py * 4:.1f}"
    return f'<polygon points="{points}" fill="{colour}"/>'


def _node(node: Node, center: str, text: SvgText) -> str:
    fill = KIND_FILL.get(node.kind, "#555")
    kind = text.kind_labels.get(node.kind, node.kind)
    radius = NODE_R * (1.4 if node.key == center else 1.0)
    css = "node center" if node.key == center else "node"
    label_y = node.y + radius + 14
    body = (f"<title>{escape(f'{kind}: {node.label}')}</title>"
            f'<circle cx="{node.x:.1f}" cy="{node.y:.1f}" r="{radius:g}" fill="{fill}" stroke="#fff" stroke-width="2"/>'
            + _text(node.x, label_y, short(node.label), size=12, css="node-label",
                    weight="bold" if node.key == center else ""))
    node_svg = f'<a class="{css}" href="{escape(node.href)}">{body}</a>' if node.href else f'<g class="{css}">{body}</g>'
    if node.more:
        more = text.more % {"count": node.more}
        badge = _text(node.x, label_y + 14, more, size=10, css="more")
        if node.more_href:
            badge = f'<a class="more" href="{escape(node.more_href)}"><title>{escape(more)}</title>{badge}</a>'
        node_svg += badge
    return node_svg
