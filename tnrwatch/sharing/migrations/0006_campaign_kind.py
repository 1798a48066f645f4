from django.db import migrations


def add_campaigns(apps, schema_editor):
    """The record collection holds every kind: campaigns too (a collection an admin made stays as it is)."""
    Collection = apps.get_model("sharing", "Collection")
    for collection in Collection.objects.filter(slug="record"):
        if "campaign" not in (collection.kinds or []):
            collection.kinds = [*(collection.kinds or []), "campaign"]
            collection.save(update_fields=["kinds"])


class Migration(migrations.Migration):
    dependencies = [("sharing", "0005_network_collection"), ("registry", "0008_campaigns")]
    operations = [migrations.RunPython(add_campaigns, migrations.RunPython.noop)]
