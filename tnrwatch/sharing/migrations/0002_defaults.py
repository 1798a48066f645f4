import uuid

from django.db import migrations

KINDS = ["organization", "station", "response", "incident", "source", "claim"]


def create_defaults(apps, schema_editor):
    SharingInstance = apps.get_model("sharing", "SharingInstance")
    Collection = apps.get_model("sharing", "Collection")
    if not SharingInstance.objects.exists():
        SharingInstance.objects.create(uuid=uuid.uuid4())
    Collection.objects.get_or_create(
        slug="record",
        defaults={"id": uuid.uuid4(), "title": "The record", "kinds": KINDS,
                  "description": "Stations, organisations, government responses, incidents, sources and claims."},
    )
    Collection.objects.get_or_create(
        slug="stations",
        defaults={"id": uuid.uuid4(), "title": "Stations and responses", "kinds": ["organization", "station", "response"],
                  "description": "Overseas police stations, their operators and host governments' responses."},
    )


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
