"""A timeline of government responses: an inline SVG bar chart drawn on the server (no script),
one bar per year from the first dated response to the last, with the count above each bar. The
page shows the same figures as a table beside it (the chart is `role="img"`, named by its
caption), so nothing depends on seeing the picture."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 200
TOP, BOTTOM, SIDE = 22, 26, 8


def years_filled(counts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Every year from the first to the last, with 0 for a year without a response."""
    if not counts:
        return []
    by_year = dict(counts)
    return [(year, by_year.get(year, 0)) for year in range(counts[0][0], counts[-1][0] + 1)]


def render_timeline(counts: list[tuple[int, int]], *, label: str) -> SafeString:
    """The SVG, or "" when no response is dated. Every piece of text is escaped here."""
    years = years_filled(counts)
    if not years:
        return mark_safe("")  # noqa: S308 - empty
    highest = max(n for _year, n in years) or 1
    slot = (WIDTH - 2 * SIDE) / len(years)
    bar = max(2.0, slot * 0.7)
    every = max(1, round(len(years) / 12))  # a year label at most every ~55 px
    plot = HEIGHT - TOP - BOTTOM
    out = [f'<svg class="timeline-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'role="img" aria-label="{escape(label)}" preserveAspectRatio="xMidYMid meet">',
           f'<line class="axis" x1="{SIDE}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - SIDE}" y2="{HEIGHT - BOTTOM}"/>']
    for i, (year, n) in enumerate(years):
        x = SIDE + i * slot + (slot - bar) / 2
        h = plot * n / highest
        y = HEIGHT - BOTTOM - h
        centre = x + bar / 2
        if n:
            out.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}"/>')
            out.append(f'<text class="count" x="{centre:.1f}" y="{y - 5:.1f}">{n}</text>')
        if i % every == 0 or i == len(years) - 1:
            out.append(f'<text class="year" x="{centre:.1f}" y="{HEIGHT - 8}">{year}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - numbers and the escaped label only
