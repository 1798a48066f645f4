"""The audit models moved from the registry app to this one without moving a row.

Given a database migrated to the last registry migration before the move, with a chained log in
it, migrating on keeps every row and the chain head where they were, and the chain still verifies.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tnrwatch.audit import services
from tnrwatch.audit.models import AuditChainHead, AuditEntry

BEFORE_THE_MOVE = ("registry", "0008_campaigns")


@pytest.mark.django_db(transaction=True)
def test_a_chain_written_before_the_move_still_verifies_after_it():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_THE_MOVE])
    try:
        # Given: the registry owns the audit models, and its tables hold a chained log
        state = MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE)
        assert ("registry", "auditentry") in state.models and ("audit", "auditentry") not in state.models
        for i in range(5):
            with transaction.atomic():
                services.audit_record(actor=None, actor_label="before-move", action="test.before_move",
                                      subject_type="source", subject_id=i, data={"i": i})
        before = list(AuditEntry.objects.order_by("seq").values_list("id", "seq", "mac"))
        head = AuditChainHead.objects.values_list("seq", "last_mac", "head_mac").get(pk=1)
    finally:
        # When: the move's migrations run (registry 0009, audit 0001)
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    # Then: the same rows in the same table, the same head, and the chain holds
    assert ("audit", "0001_initial") in MigrationExecutor(connection).loader.applied_migrations
    assert AuditEntry._meta.db_table == "registry_auditentry"
    assert list(AuditEntry.objects.order_by("seq").values_list("id", "seq", "mac")) == before and len(before) >= 5
    assert AuditChainHead.objects.values_list("seq", "last_mac", "head_mac").get(pk=1) == head
    check, problems = services.audit_chain_verify()
    assert check.ok and not problems and check.rows == len(before)
