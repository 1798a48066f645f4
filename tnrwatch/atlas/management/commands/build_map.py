"""Regenerate the atlas world map (tnrwatch/atlas/data/world.json) from Natural Earth.

The generated file is committed, so installs never need to run this; run it after changing the
simplification in `atlas/geometry.py` or upgrading the Natural Earth package.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from tnrwatch.atlas.geometry import DEFAULT_TOLERANCE, build_world
from tnrwatch.atlas.map import WORLD_FILE


class Command(BaseCommand):
    help = "Build the simplified world map (SVG paths per ISO country) from the Natural Earth shapefile."

    def add_arguments(self, parser):
        parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE,
                            help="Douglas-Peucker tolerance in SVG units (10 units = 1 degree)")
        parser.add_argument("--output", default=str(WORLD_FILE), help="where to write the JSON")

    def handle(self, *args, **options):
        world = build_world(tolerance=options["tolerance"])
        text = json.dumps(world, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        with open(options["output"], "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        self.stdout.write(f"{len(world['countries'])} countries, {len(text) // 1024} KB -> {options['output']}")
