"""The engines' structures again, with what bounds a common word's cost: SQLite's FTS5 table indexes
the entry's kind (a group's kinds narrow the matches inside FTS5), PostgreSQL gets a `head` vector
(titles and names) with its own GIN index. Rebuilt from the entry rows."""

from django.db import migrations


def reinstall(apps, schema_editor):
    from tnrwatch.search.backends import backend

    engine = backend(schema_editor.connection)
    engine.uninstall()
    engine.install()
    engine.rebuild()


class Migration(migrations.Migration):
    dependencies = [("search", "0004_person_kind")]
    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
