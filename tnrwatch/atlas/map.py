"""The home-page world map: an inline SVG, drawn on the server, no script, no tiles.

Geometry comes from `data/world.json`, generated once from Natural Earth (public domain) by
`manage.py build_map` (see `geometry.py`) and shipped with the package. Countries are shaded by
their strongest public government response; each shape links to its country page and carries a
<title> (the accessible name and the hover text). Station markers sit at their city's coordinates,
or at the country's Natural Earth label point when the city is unknown; markers at the same spot
are merged into one with a count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .geometry import project

WORLD_FILE = Path(__file__).resolve().parent / "data" / "world.json"


@lru_cache(maxsize=1)
def world() -> dict:
    """The generated geometry (read once per process)."""
    with open(WORLD_FILE, encoding="utf-8") as fh:
        return json.load(fh)


def country_point(iso2: str) -> tuple[float, float] | None:
    """(longitude, latitude) of the country's label point, or None when the map lacks it."""
    entry = world()["countries"].get(iso2.upper())
    if not entry:
        return None
    lon, lat = entry["label"]
    return float(lon), float(lat)


@dataclass(frozen=True)
class CountryShape:
    iso2: str
    title: str  # e.g. "Netherlands: Closure ordered"
    href: str | None  # None: drawn, not linked
    shade: str  # a response slug, or "" for none


@dataclass
class Marker:
    lon: float
    lat: float
    title: str
    href: str
    count: int = 1


def render_svg(*, shapes: dict[str, CountryShape], markers: list[Marker], label: str) -> SafeString:
    """The SVG markup. Every piece of text is escaped here; the result is safe to embed."""
    geo = world()
    out = [
        f'<svg class="worldmap" xmlns="http://www.w3.org/2000/svg" viewBox="{geo["viewbox"]}" '
        f'role="group" aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet">',
        '<rect class="sea" x="0" y="0" width="3600" height="1800"/>',
    ]
    out.extend(f'<path class="land other" d="{d}"/>' for d in geo["other"])
    for iso2, entry in geo["countries"].items():
        shape = shapes.get(iso2)
        shade = f" r-{shape.shade}" if shape and shape.shade else ""
        path = f'<path class="land{shade}" id="country-{iso2}" d="{entry["d"]}"/>'
        if shape and shape.href:
            out.append(f'<a href="{escape(shape.href)}"><title>{escape(shape.title)}</title>{path}</a>')
        elif shape:
            out.append(f"<g><title>{escape(shape.title)}</title>{path}</g>")
        else:
            out.append(path)
    for marker in markers:
        x, y = project(marker.lon, marker.lat)
        radius = 9 if marker.count == 1 else min(26, 9 + 3 * marker.count ** 0.5)
        count = f'<text class="count" x="{x:.0f}" y="{y + 5:.0f}">{marker.count}</text>' if marker.count > 1 else ""
        out.append(
            f'<a class="marker" href="{escape(marker.href)}"><title>{escape(marker.title)}</title>'
            f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{radius:.0f}"/>{count}</a>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - all interpolated text is escaped above
