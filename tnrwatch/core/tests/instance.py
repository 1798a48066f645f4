"""A whole tnrwatch instance in a folder (and, for PostgreSQL, its own database), driven through
`manage.py` in subprocesses as an operator would: for the backup drill and the deployment tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]
PG = "postgres://postgres@127.0.0.1:5432/"

# Run inside an instance: everything a restore must bring back, as JSON (ids, ciphertext hashes,
# and whether each secret still opens). The audit rows are read before receipts are checked.
FINGERPRINT = r"""
import hashlib, json, os, django
django.setup()
from tnrwatch.intake import crypto, services
from tnrwatch.intake.blobs import blob_store
from tnrwatch.intake.models import Attachment, Message, Note, Report
from tnrwatch.ingestion.blobs import default_store
from tnrwatch.ingestion.models import Document
from tnrwatch.audit.models import AuditEntry
from tnrwatch.registry.models import Claim, Evidence, Source, Station

identity = crypto.identity_parse(os.environ["DRILL_IDENTITY"])
sha = lambda data: hashlib.sha256(bytes(data)).hexdigest()

def opens(ciphertext):
    try:
        crypto.decrypt(ciphertext, [identity])
        return True
    except crypto.DecryptionError:
        return False

store, documents = blob_store(), default_store()
out = {"audit": [list(r) for r in AuditEntry.objects.order_by("seq").values_list("id", "seq", "mac")]}
for name, model in (("claims", Claim), ("evidence", Evidence), ("sources", Source), ("stations", Station)):
    out[name] = sorted(model.objects.values_list("id", flat=True))
out["reports"] = {r.pk: [sha(r.answers_ct), opens(bytes(r.answers_ct))] for r in Report.objects.all()}
out["messages"] = {m.pk: [m.report_id, sha(m.body_ct), opens(bytes(m.body_ct))] for m in Message.objects.all()}
out["notes"] = {n.pk: [n.report_id, sha(n.body_ct), opens(bytes(n.body_ct))] for n in Note.objects.all()}
attachments = {}
for a in Attachment.objects.all():
    try:
        with store.open(a.blob_id) as handle:
            data = handle.read()
        attachments[a.pk] = [a.report_id, a.blob_id, sha(data), opens(data)]
    except FileNotFoundError:
        attachments[a.pk] = [a.report_id, a.blob_id, None, False]
out["attachments"] = attachments
docs = {}
for d in Document.objects.exclude(sha256=""):
    with documents.open(d.sha256) as handle:
        docs[d.pk] = [d.sha256, sha(handle.read())]
out["documents"] = docs
out["receipts"] = {}
for receipt in json.loads(os.environ.get("DRILL_RECEIPTS", "[]")):
    try:
        access = services.receipt_check(receipt=receipt)
    except services.ReceiptInvalidError:
        out["receipts"][receipt] = None
        continue
    # the receipt opens its report, and the reporter's key (derived from it) still reads the thread
    thread = [bytes(m.body_ct) for m in Message.objects.filter(report=access.report)]
    try:
        out["receipts"][receipt] = [access.report.pk, all(crypto.decrypt(ct, [access.identity]) for ct in thread)]
    except crypto.DecryptionError:
        out["receipts"][receipt] = None
print(json.dumps(out))
"""


class Instance:
    def __init__(self, data_dir: Path, database: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.database = database
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TNR_", "DJANGO_", "DATABASE_URL"))},
            "DJANGO_SETTINGS_MODULE": "tnrwatch.config.settings", "TNR_ENV": "test",
            "TNR_DATA_DIR": str(self.data_dir), "PYTHONUNBUFFERED": "1",
            # Drills submit reports in bulk: an intake budget they never reach (it has its own tests)
            "TNR_INTAKE_BUDGET_REPORTS_PER_HOUR": "1000000", "TNR_INTAKE_BUDGET_BYTES_PER_HOUR": str(10 ** 13),
        }
        if database:
            self.env["DATABASE_URL"] = PG + database
            psql("DROP DATABASE IF EXISTS " + database)
            psql("CREATE DATABASE " + database)

    def drop(self) -> None:
        if self.database:
            psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")

    def run(self, *args: str, env: dict | None = None, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, *args], cwd=PROJECT, env={**self.env, **(env or {})},  # noqa: S603
                              capture_output=True, text=True, timeout=timeout, check=False)
        if check and done.returncode:
            raise AssertionError(f"{' '.join(args)[:200]} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
        return done

    def manage(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run("manage.py", *args, **kwargs)

    def script(self, code: str, env: dict | None = None) -> str:
        return self.run("-c", code, env=env).stdout

    def fingerprint(self, identity: str, receipts: list[str]) -> dict:
        return json.loads(self.script(FINGERPRINT, env={"DRILL_IDENTITY": identity, "DRILL_RECEIPTS": json.dumps(receipts)}))

    def files(self) -> list[Path]:
        return sorted(p for p in self.data_dir.rglob("*") if p.is_file())


def psql(statement: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c", statement],  # noqa: S603,S607
                   check=True, capture_output=True, timeout=120)
