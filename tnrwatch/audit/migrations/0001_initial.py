# The audit trail's models, taken over from the registry app (registry 0009) with their tables and
# rows: state only, no statement runs. A database created after this still gets the tables from the
# registry's own migrations 0001 and 0004, which run first.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('registry', '0009_audit_moves_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('actor_label', models.CharField(help_text="Username, or 'system' / a command name", max_length=150)),
                        ('action', models.CharField(db_index=True, max_length=64)),
                        ('subject_type', models.CharField(blank=True, max_length=32)),
                        ('subject_id', models.CharField(blank=True, max_length=64)),
                        ('data', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False)),
                        ('seq', models.BigIntegerField(blank=True, editable=False, help_text='Position in the audit chain', null=True, unique=True)),
                        ('mac', models.CharField(blank=True, editable=False, help_text="HMAC-SHA256 over the previous row's MAC and this row's fields", max_length=64)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name_plural': 'audit entries',
                        'db_table': 'registry_auditentry',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['subject_type', 'subject_id'], name='registry_au_subject_888cf8_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='AuditChainHead',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('seq', models.BigIntegerField(default=0)),
                        ('last_mac', models.CharField(blank=True, max_length=64)),
                        ('head_mac', models.CharField(blank=True, max_length=64)),
                    ],
                    options={
                        'db_table': 'registry_auditchainhead',
                    },
                ),
                migrations.CreateModel(
                    name='AuditCheck',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('checked_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('rows', models.PositiveIntegerField()),
                        ('head_seq', models.BigIntegerField(default=0)),
                        ('ok', models.BooleanField()),
                        ('first_problem', models.TextField(blank=True)),
                        ('mac', models.CharField(blank=True, help_text="HMAC under the audit key: a forged 'passed' shows as invalid", max_length=64)),
                    ],
                    options={
                        'db_table': 'registry_auditcheck',
                        'ordering': ['-checked_at', '-id'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
