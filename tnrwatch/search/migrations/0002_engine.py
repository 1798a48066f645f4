"""The database engine's own full-text structures over search_entry (see search/backends/)."""

from django.db import migrations


def install(apps, schema_editor):
    from tnrwatch.search.backends import backend

    backend(schema_editor.connection).install()


def uninstall(apps, schema_editor):
    from tnrwatch.search.backends import backend

    backend(schema_editor.connection).uninstall()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(install, uninstall)]
