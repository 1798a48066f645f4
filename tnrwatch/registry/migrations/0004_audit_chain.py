# The audit log becomes a keyed hash chain (registry/audit_chain.py, now audit/chain.py); existing rows are chained in
# the order they were written (created_at, then id).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def chain_existing(apps, schema_editor):
    from tnrwatch.audit import chain as audit_chain
    from tnrwatch.audit.services import audit_key

    AuditEntry = apps.get_model("registry", "AuditEntry")
    AuditChainHead = apps.get_model("registry", "AuditChainHead")
    db = schema_editor.connection.alias
    key = audit_key()
    seq, last_mac, batch = 0, audit_chain.GENESIS, []
    for entry in AuditEntry.objects.using(db).order_by("created_at", "id").iterator(chunk_size=2000):
        seq += 1
        entry.seq = seq
        entry.mac = last_mac = audit_chain.row_mac(
            key, last_mac, seq=seq, actor_id=entry.actor_id, actor_label=entry.actor_label, action=entry.action,
            subject_type=entry.subject_type, subject_id=entry.subject_id, data=entry.data, created_at=entry.created_at)
        batch.append(entry)
        if len(batch) >= 2000:
            AuditEntry.objects.using(db).bulk_update(batch, ["seq", "mac"])
            batch = []
    if batch:
        AuditEntry.objects.using(db).bulk_update(batch, ["seq", "mac"])
    AuditChainHead.objects.using(db).update_or_create(
        pk=1, defaults={"seq": seq, "last_mac": last_mac, "head_mac": audit_chain.head_mac(key, seq, last_mac)})


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0003_scale_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(default=0)),
                ('last_mac', models.CharField(blank=True, max_length=64)),
                ('head_mac', models.CharField(blank=True, max_length=64)),
            ],
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
                'ordering': ['-checked_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='auditentry',
            name='mac',
            field=models.CharField(blank=True, editable=False, help_text="HMAC-SHA256 over the previous row's MAC and this row's fields", max_length=64),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='seq',
            field=models.BigIntegerField(blank=True, editable=False, help_text='Position in the audit chain', null=True, unique=True),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='created_at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
