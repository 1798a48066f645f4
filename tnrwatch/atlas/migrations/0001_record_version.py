"""The public record's version, kept by triggers on every registry table (atlas/record_version.py)."""

from django.db import migrations


def install(apps, schema_editor):  # noqa: ANN001 - migration signature
    from tnrwatch.atlas import record_version

    record_version.install(schema_editor.connection)


def uninstall(apps, schema_editor):  # noqa: ANN001 - migration signature
    from tnrwatch.atlas import record_version

    record_version.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_merge")]
    operations = [migrations.RunPython(install, uninstall, elidable=False)]
