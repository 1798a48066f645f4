"""The audit trail: one AuditEntry per state change, in the keyed hash chain of `chain.py`.

Writes go through `services.audit_record` (one row) and `services.audit_record_many` (a batch,
for imports), called by every app's services inside the transaction of the change they record.
"""
