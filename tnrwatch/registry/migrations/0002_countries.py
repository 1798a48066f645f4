from django.db import migrations


def load_countries(apps, schema_editor):
    from tnrwatch.gazetteer.countries import country_rows

    Country = apps.get_model("registry", "Country")
    existing = set(Country.objects.values_list("iso2", flat=True))
    Country.objects.bulk_create([Country(**row) for row in country_rows() if row["iso2"] not in existing])


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
