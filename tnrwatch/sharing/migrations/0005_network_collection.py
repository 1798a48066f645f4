import uuid

from django.db import migrations


def create_network(apps, schema_editor):
    # People and their ties are personal data: a partner receives them only when granted this
    # collection on purpose, never through "The record".
    Collection = apps.get_model("sharing", "Collection")
    Collection.objects.get_or_create(
        slug="network",
        defaults={"id": uuid.uuid4(), "title": "People, addresses and ties", "kinds": ["person", "address", "tie"],
                  "description": "Public actors named under the naming standard, street addresses, and the typed ties "
                                 "between stations, organisations, people and addresses."},
    )


def remove_network(apps, schema_editor):
    apps.get_model("sharing", "Collection").objects.filter(slug="network").delete()


class Migration(migrations.Migration):
    dependencies = [("sharing", "0004_taxii_listed_objects")]
    operations = [migrations.RunPython(create_network, remove_network)]
