"""Sources: the publisher as the naming standard compares it, and whether an analyst confirmed the kind."""

from django.db import migrations, models


def fill_keys(apps, schema_editor):
    from tnrwatch.registry.publishers import publisher_key

    Source = apps.get_model("registry", "Source")
    batch = []
    for source in Source.objects.only("pk", "publisher", "url").iterator(chunk_size=2000):
        source.publisher_key = publisher_key(source.publisher, source.url)
        batch.append(source)
        if len(batch) >= 2000:
            Source.objects.bulk_update(batch, ["publisher_key"])
            batch = []
    Source.objects.bulk_update(batch, ["publisher_key"])


def partner_kinds_unconfirmed(apps, schema_editor):
    """A court record or registry a partner's import made has not been checked by an analyst."""
    Source = apps.get_model("registry", "Source")
    StixObjectRef = apps.get_model("sharing", "StixObjectRef")
    imported = StixObjectRef.objects.filter(subject_type="source", imported=True).values("subject_id")
    Source.objects.filter(kind__in=("court", "registry"), pk__in=imported).update(kind_confirmed=False)


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_merge"), ("sharing", "0006_campaign_kind")]

    operations = [
        migrations.AddField("source", "publisher_key", models.CharField(blank=True, editable=False, max_length=300)),
        migrations.AddField("source", "kind_confirmed", models.BooleanField(
            default=True, verbose_name="Kind checked",
            help_text="An analyst has checked that the document is of this kind (a partner's word is not enough to name a person)")),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.RunPython(partner_kinds_unconfirmed, migrations.RunPython.noop),
    ]
