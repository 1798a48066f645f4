"""Reporter keys that need the server's receipt key (v2), and the intake budget.

Existing reports keep the first derivation (version 1) until their reporter comes back: the new
key needs the receipt, which the server never stores, so no migration can compute it. The
instance-wide wrong-receipt throttle goes (anyone could use it to lock every reporter out); the
hourly intake budget takes its place as the table of instance-wide counters.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0001_initial"),
    ]

    operations = [
        # Existing rows get 1 (their key was derived from the receipt alone); new ones 2.
        migrations.AddField(
            model_name="report",
            name="reporter_key_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="report",
            name="reporter_key_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.DeleteModel(name="ReceiptThrottle"),
        migrations.CreateModel(
            name="IntakeBudget",
            fields=[
                ("window", models.BigIntegerField(primary_key=True, serialize=False)),
                ("reports", models.PositiveIntegerField(default=0)),
                ("bytes", models.BigIntegerField(default=0)),
            ],
        ),
    ]
