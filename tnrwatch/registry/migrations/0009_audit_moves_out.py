# The audit trail's models move to the `audit` app. Only Django's record of the models changes:
# the tables (registry_auditentry, registry_auditchainhead, registry_auditcheck) stay where they
# are, with their rows, and `audit/migrations/0001_initial.py` takes them over under the same names.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0008_campaigns'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='AuditEntry'),
                migrations.DeleteModel(name='AuditChainHead'),
                migrations.DeleteModel(name='AuditCheck'),
            ],
            database_operations=[],
        ),
    ]
