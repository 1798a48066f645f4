"""Writes for the reporting channel and the inbox. Each is atomic and leaves an audit row.

Audit rows never carry anything a reporter wrote: only ids, states and counts. The modules, by
sub-topic: `keys` (recipient keys, unlock), `reports` (submission, receipts, the message thread),
`inbox` (the analysts' actions on a report), `resources` (protection resources) and `retention`
(purge and blob sweep). Callers import from here: `from tnrwatch.intake import services`.
"""

from tnrwatch.core.errors import ConflictError, NotFoundOrForbiddenError, ValidationError

from ..blobs import blob_store
from .budget import IntakeBusyError, budget_room
from .inbox import (
    OpenedReport,
    attachment_open,
    attachment_strip_record,
    attachment_strip_request,
    note_add,
    report_assign,
    report_delete,
    report_link,
    report_open,
    report_promote,
    report_rekey,
    report_set_risk,
    report_set_state,
)
from .keys import (
    identities_lock,
    identities_unlock,
    recipient_key_add_offline,
    recipient_key_create,
    recipient_key_retire,
)
from .notices import notices_send
from .reports import (
    REPORTER,
    ReceiptInvalidError,
    ReporterAccess,
    StoredUpload,
    message_from_analyst,
    message_from_reporter,
    receipt_check,
    report_submit,
    reporter_add,
)
from .resources import resource_delete, resource_save
from .retention import blobs_sweep, reports_delete_bulk, reports_purge_expired

__all__ = [
    "REPORTER",
    "ConflictError",
    "IntakeBusyError",
    "NotFoundOrForbiddenError",
    "OpenedReport",
    "ReceiptInvalidError",
    "ReporterAccess",
    "StoredUpload",
    "ValidationError",
    "attachment_open",
    "attachment_strip_record",
    "attachment_strip_request",
    "blob_store",
    "budget_room",
    "blobs_sweep",
    "identities_lock",
    "identities_unlock",
    "message_from_analyst",
    "message_from_reporter",
    "note_add",
    "notices_send",
    "receipt_check",
    "recipient_key_add_offline",
    "recipient_key_create",
    "recipient_key_retire",
    "report_assign",
    "report_delete",
    "report_link",
    "report_open",
    "report_promote",
    "report_rekey",
    "report_set_risk",
    "report_set_state",
    "report_submit",
    "reporter_add",
    "reports_delete_bulk",
    "reports_purge_expired",
    "resource_delete",
    "resource_save",
]
