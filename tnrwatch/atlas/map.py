"""The home-page world map: an inline SVG, drawn on the server, no script, no tiles.

Geometry comes from `data/world.json`, generated once from Natural Earth (public domain) by
`manage.py build_map` (see `geometry.py`) and shipped with the package. Countries are shaded by
their strongest public government response; each shape links to its country page and carries a
<title> (the accessible name and the hover text). Station markers sit at their city's coordinates,
or at the country's Natural Earth label point when the city is unknown; markers at the same spot
are merged into one with a count.

Region views (Europe, the Americas, Asia–Pacific, Africa) are the same drawing with a closer
viewBox: markers keep a legible size on screen, and the countries with a public record are
labelled, which at world scale would not fit.
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

# (x, y, width, height) in the map's equirectangular units (10 per degree, see geometry.SCALE).
REGIONS: dict[str, tuple[int, int, int, int]] = {
    "world": (0, 60, 3600, 1440),
    "europe": (1560, 200, 720, 380),       # 24°W–48°E, 70°N–32°N
    "americas": (100, 150, 1400, 1330),    # 170°W–30°W, 75°N–58°S
    "asia-pacific": (2400, 350, 1200, 1000),  # 60°E–180°, 55°N–45°S
    "africa": (1580, 500, 780, 900),       # 22°W–56°E, 40°N–50°S
}


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


def render_svg(*, shapes: dict[str, CountryShape], markers: list[Marker], label: str,
               region: str = "world", names: dict[str, str] | None = None) -> SafeString:
    """The SVG markup. Every piece of text is escaped here; the result is safe to embed.
    `names` (ISO alpha-2 -> name) are drawn as labels in a region view."""
    geo = world()
    x0, y0, width, height = REGIONS[region]
    # Marker sizes shrink less than the view, so a closer view shows bigger, clearer markers.
    zoom = (width / 3600) ** 0.5
    viewbox = geo["viewbox"] if region == "world" else f"{x0} {y0} {width} {height}"
    out = [
        f'<svg class="worldmap region-{region}" xmlns="http://www.w3.org/2000/svg" viewBox="{viewbox}" '
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
    if region != "world" and names:
        size = width / 55
        for iso2, name in names.items():
            entry = geo["countries"].get(iso2)
            if not entry:
                continue
            x, y = project(*entry["label"])
            if x0 <= x <= x0 + width and y0 <= y <= y0 + height:
                out.append(f'<text class="label" x="{x:.0f}" y="{y - size:.0f}" font-size="{size:.1f}">{escape(name)}</text>')
    for marker in markers:
        x, y = project(marker.lon, marker.lat)
        radius = (12 if marker.count == 1 else min(30, 12 + 3 * marker.count ** 0.5)) * zoom
        font = 15 * zoom
        count = (f'<text class="count" x="{x:.0f}" y="{y + font / 3:.1f}" font-size="{font:.1f}">{marker.count}</text>'
                 if marker.count > 1 else "")
        out.append(
            f'<a class="marker" href="{escape(marker.href)}"><title>{escape(marker.title)}</title>'
            f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{radius:.1f}"/>{count}</a>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - all interpolated text is escaped above
