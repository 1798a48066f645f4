"""The map's shades can be told apart with colour blindness: every pair of land classes (the response
actions, denial, silence, no record) and the station marker against each of them, under normal
vision and simulated protanopia, deuteranopia and tritanopia (ColorAide's simulations), differ by
a CIEDE2000 distance well above a just-noticeable difference (about 2.3)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from coloraide import Color

from tnrwatch.registry import vocabulary as v

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "tnrwatch.css").read_text()
LAND_APART = 5.5  # between any two land classes
MARKER_APART = 5.0  # the marker (white-outlined) against any land class
VISION = [None, "protan", "deutan", "tritan"]


def _fill(selector: str) -> str:
    return re.search(re.escape(selector) + r" \{ fill:(#[0-9a-f]{6})", CSS).group(1)


def _land() -> dict[str, str]:
    shades = {action: _fill(f"svg.worldmap .land.r-{action}") for action in v.RESPONSE_ACTIONS}
    shades["no record"] = _fill("svg.worldmap .land")
    return shades


def _seen(colour: str, vision: str | None) -> Color:
    return Color(colour) if vision is None else Color(colour).filter(vision)


@pytest.mark.parametrize("vision", VISION, ids=lambda x: x or "normal")
def test_every_two_shades_of_the_map_are_apart(vision):
    shades = _land()
    assert len(set(shades.values())) == len(shades)
    for (a, ca), (b, cb) in itertools.combinations(shades.items(), 2):
        distance = _seen(ca, vision).delta_e(_seen(cb, vision), method="2000")
        assert distance >= LAND_APART, (vision, a, b, round(distance, 1))


@pytest.mark.parametrize("vision", VISION, ids=lambda x: x or "normal")
def test_the_station_marker_stands_out_on_every_shade(vision):
    marker = _fill("svg.worldmap .marker circle")
    for name, colour in _land().items():
        distance = _seen(marker, vision).delta_e(_seen(colour, vision), method="2000")
        assert distance >= MARKER_APART, (vision, name, round(distance, 1))


def test_the_legend_swatches_are_the_map_shades():
    for action, colour in _land().items():
        if action != "no record":
            assert f".swatch.r-{action} {{ background:{colour}; }}" in CSS
