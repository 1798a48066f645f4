"""Deletions owe the engine a purge, recorded in their transaction (search/tasks.py); engines that
offer it remove deleted terms in place (FTS5 'secure-delete', SQLite 3.44+)."""

from django.db import migrations, models


def tune(apps, schema_editor):
    from tnrwatch.search.backends import backend

    backend(schema_editor.connection).tune()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engine")]
    operations = [
        migrations.CreateModel(
            name="PendingPurge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created", models.DateTimeField(auto_now_add=True)),
            ],
            options={"db_table": "search_purge_pending"},
        ),
        migrations.RunPython(tune, migrations.RunPython.noop),
    ]
