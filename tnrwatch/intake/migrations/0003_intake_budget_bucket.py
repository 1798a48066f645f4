"""The intake budget becomes one leaky bucket (levels that drain at the hourly rate), so a flood
is bounded at any moment and a real report gets through soon after the flood stops, rather than
at the next full hour. The table only ever held counters; nothing is carried over."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0002_reporter_key_v2_and_budget"),
    ]

    operations = [
        migrations.DeleteModel(name="IntakeBudget"),
        migrations.CreateModel(
            name="IntakeBudget",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reports", models.FloatField(default=0)),
                ("bytes", models.FloatField(default=0)),
                ("updated_at", models.FloatField(default=0)),
            ],
        ),
    ]
