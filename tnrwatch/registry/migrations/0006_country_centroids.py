"""Country points: each country's latitude and longitude from the Natural Earth label point shipped
in atlas/data/world.json (a point inside the country, where Natural Earth puts its name), so map
features of a country, and stations known only by country, have a geometry. Only empty values are
filled: a point an analyst set is kept."""

import json
from pathlib import Path

from django.db import migrations

WORLD = Path(__file__).resolve().parents[2] / "atlas" / "data" / "world.json"


def fill_points(apps, schema_editor):
    Country = apps.get_model("registry", "Country")
    labels = {iso2: row.get("label") for iso2, row in json.loads(WORLD.read_text(encoding="utf-8"))["countries"].items()}
    for country in Country.objects.filter(latitude__isnull=True):
        label = labels.get(country.iso2)
        if label and len(label) == 2:
            country.longitude, country.latitude = float(label[0]), float(label[1])
            country.save(update_fields=["latitude", "longitude"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_source_reuse_terms")]
    operations = [migrations.RunPython(fill_points, migrations.RunPython.noop)]
