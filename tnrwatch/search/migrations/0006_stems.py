"""Snowball stems of each source's words in its language (search/text.py `stem_terms`), indexed
beside the words; the engines' structures rebuilt with them."""

from django.db import migrations, models


def stem_and_reinstall(apps, schema_editor):
    from tnrwatch.search.backends import backend
    from tnrwatch.search.text import stem_terms

    entry = apps.get_model("search", "SearchEntry")
    batch = []
    for e in entry.objects.filter(kind="source").only("id", "title", "body", "language").iterator(chunk_size=500):
        e.stems = stem_terms(f"{e.title} {e.body}", e.language)
        batch.append(e)
        if len(batch) >= 500:
            entry.objects.bulk_update(batch, ["stems"])
            batch = []
    if batch:
        entry.objects.bulk_update(batch, ["stems"])
    engine = backend(schema_editor.connection)
    engine.uninstall()
    engine.install()
    engine.rebuild()


class Migration(migrations.Migration):
    dependencies = [("search", "0005_kind_and_head")]
    operations = [
        migrations.AddField(model_name="searchentry", name="stems", field=models.TextField(blank=True, default=""),
                            preserve_default=False),
        migrations.RunPython(stem_and_reinstall, migrations.RunPython.noop),
    ]
