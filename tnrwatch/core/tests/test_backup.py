"""Backups that restore: the drill, on SQLite (the default run) or PostgreSQL (`make test-postgres`).

Given an instance with the demo record, reports with attachments submitted through a real gunicorn
server, replies both ways, an analyst's note and captured documents, when it is backed up and the
archive restored into an empty folder (and an empty database), then every id and every ciphertext's
hash is the same, every receipt opens its report, every report, message, note and attachment
decrypts, every captured document matches its SHA-256 and the audit chain verifies. Bad archives are
refused with the target untouched, a full disk leaves no archive named as complete, and a backup
taken while reports arrive restores to a consistent state.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import uuid

import pytest
from django.db import connection

from tnrwatch.intake import crypto
from tnrwatch.intake.tests.live import GunicornServer

from .instance import Instance

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

REPLIES = r"""
import django
django.setup()
from tnrwatch.accounts.models import User
from tnrwatch.intake import services
from tnrwatch.intake.models import Report
analyst = User.objects.create_user(username="drill-analyst", password="correct horse battery staple", role="analyst")
for n, report in enumerate(Report.objects.order_by("id")):
    services.message_from_analyst(actor=analyst, report=report, body=f"Thank you. Question {n}?")
    if n % 2 == 0:
        services.message_from_reporter(report=report, body=f"Answer {n}.")
        services.note_add(actor=analyst, report=report, body=f"Private note {n}.")
"""


def _database_name(suffix: str) -> str | None:
    if connection.vendor != "postgresql":
        return None
    return f"{connection.settings_dict['NAME']}_{suffix}_{uuid.uuid4().hex[:6]}".replace("-", "_")


def _server(instance: Instance) -> GunicornServer:
    server = GunicornServer(instance.data_dir, workers=2, access_log=False)
    # The intake's hourly budget (a flood guard) would answer "busy" to the drill's steady stream
    server.env.update({"TNR_INTAKE_BUDGET_REPORTS_PER_HOUR": "1000000", "TNR_INTAKE_BUDGET_BYTES_PER_HOUR": str(1 << 40)})
    if instance.database:
        server.env["DATABASE_URL"] = instance.env["DATABASE_URL"]
    return server


def _submit(server: GunicornServer, n: int, attachments: int = 1) -> str:
    files = [(f"photo-{n}-{i}.jpg", os.urandom(50_000 + 1000 * i)) for i in range(attachments)]
    status, receipt = server.submit({"what_happened": f"Report {n}: they called my parents.", "country": "NL",
                                     "city": "Rotterdam", "wants_reply": "yes", "tactics": ["home_visits"]}, files)
    assert status == 200 and receipt, status
    return receipt


@pytest.fixture(scope="module")
def drill(tmp_path_factory, django_db_blocker):
    with django_db_blocker.unblock():
        source_db = _database_name("drill_src")
    root = tmp_path_factory.mktemp("drill")
    source = Instance(root / "source", source_db)
    server = _server(source)
    server.prepare()  # migrate, and the offline recipient key whose identity the test keeps
    source.manage("load_demo")
    server.start()
    try:
        receipts = [_submit(server, n, attachments=n % 3) for n in range(6)]
    finally:
        server.stop()
    source.script(REPLIES)
    documents = root / "documents"
    documents.mkdir()
    (documents / "notice.txt").write_text("The police service station in Rotterdam was ordered closed.\n" * 20)
    (documents / "article.html").write_text("<html><body><p>Overseas police stations were reported in 53 countries.</p></body></html>")
    source.manage("ingest", "--no-progress", str(documents))
    backup_identity, backup_recipient = crypto.identity_generate()
    identity_file = root / "backup-identity.txt"
    identity_file.write_text(f"# test backup key\n{backup_identity}\n")
    backups = root / "backups"
    backups.mkdir()
    done = source.manage("backup", str(backups), "--recipient", backup_recipient)
    archive = next(backups.glob("tnrwatch-backup-*.tar.age"))
    yield {"root": root, "source": source, "server": server, "receipts": receipts, "archive": archive,
           "identity_file": identity_file, "recipient": backup_recipient, "backup_output": done.stdout,
           "report_identity": str(server.identity)}
    source.drop()


def _empty_instance(drill, name: str) -> Instance:
    return Instance(drill["root"] / name, _database_name(name))


def test_restore_brings_back_everything(drill):
    # Given the backup of an instance with reports, attachments, replies, notes and captured documents
    source = drill["source"]
    assert "backup written" in drill["backup_output"]
    assert not list(drill["archive"].parent.glob("*.partial-*"))
    # When it is restored into an empty folder and database
    target = _empty_instance(drill, "restored")
    try:
        restored = target.manage("restore", str(drill["archive"]), "--identity", str(drill["identity_file"]))
        assert "restored" in restored.stdout
        target.manage("migrate", "--noinput", "-v0")
        # Then both instances hold the same record, ids, ciphertexts and secrets
        before = source.fingerprint(drill["report_identity"], drill["receipts"])
        after = target.fingerprint(drill["report_identity"], drill["receipts"])
        assert after == before
        assert len(after["reports"]) == 6 and len(after["attachments"]) == 6
        assert len(after["messages"]) == 9 and len(after["notes"]) == 3 and len(after["documents"]) >= 2  # the two ingested here, and the founding article where load_demo found it
        assert len(after["claims"]) > 50 and len(after["audit"]) > 100
        # every receipt opens its report; every report, message, note and attachment decrypts
        assert all(opened and thread_reads for opened, thread_reads in after["receipts"].values())
        assert all(ok for _sha, ok in after["reports"].values())
        assert all(row[-1] for table in ("messages", "notes", "attachments") for row in after[table].values())
        # every captured document still matches its SHA-256
        assert all(expected == actual for expected, actual in after["documents"].values())
        # and the audit chain verifies on the restored instance
        assert "audit chain OK" in target.manage("audit", "verify").stdout
        # and the record verifies: every copy's hash, every quote at its offsets, the publication rule
        assert " 0 failures" in target.manage("verify").stdout
    finally:
        target.drop()


def test_restore_into_a_used_instance_is_refused(drill):
    done = drill["source"].manage("restore", str(drill["archive"]), "--identity", str(drill["identity_file"]), check=False)
    assert done.returncode != 0
    assert "restore needs an empty data folder and an empty database" in done.stderr


def _refused(drill, archive, identity_file, expected: str) -> None:
    target = _empty_instance(drill, f"refused-{uuid.uuid4().hex[:4]}")
    try:
        target.run("-c", "import django; django.setup()")  # settings write their demo secret_key once
        before = target.files()
        done = target.manage("restore", str(archive), "--identity", str(identity_file), check=False)
        assert done.returncode != 0
        assert "restore refused" in done.stderr and expected in done.stderr, done.stderr[-1500:]
        assert "the target was not changed" in done.stderr
        # the target is untouched: no database, no blobs, no keys, no staging folder
        assert target.files() == before
        assert not list(target.data_dir.glob(".restore-*"))
        if target.database:
            tables = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", target.database, "-Atc",  # noqa: S607
                                     "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"],
                                    capture_output=True, text=True, check=True).stdout.strip()
            assert tables == "0"
    finally:
        target.drop()


def test_truncated_archive_is_refused(drill, tmp_path):
    data = drill["archive"].read_bytes()
    truncated = tmp_path / "truncated.tar.age"
    truncated.write_bytes(data[: len(data) * 2 // 3])
    _refused(drill, truncated, drill["identity_file"], "truncated or was altered")


def test_tampered_archive_is_refused(drill, tmp_path):
    data = bytearray(drill["archive"].read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.tar.age"
    tampered.write_bytes(bytes(data))
    _refused(drill, tampered, drill["identity_file"], "truncated or was altered")


def test_archive_for_another_key_is_refused(drill, tmp_path):
    other = tmp_path / "other-identity.txt"
    other.write_text(crypto.identity_generate()[0] + "\n")
    _refused(drill, drill["archive"], other, "wrong key")


def test_backup_without_a_recipient_is_refused(drill, tmp_path):
    done = drill["source"].manage("backup", str(tmp_path), check=False)
    assert done.returncode != 0 and "No backup recipient" in done.stderr
    assert not list(tmp_path.iterdir())


def test_backup_to_a_full_disk_leaves_no_archive(drill, tmp_path):
    # Given a destination with room for only part of the archive (a 256 KiB tmpfs)
    full = tmp_path / "full"
    full.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(full)],  # noqa: S607
                             capture_output=True, text=True, check=False)
    if mounted.returncode:
        if os.environ.get("CI"):
            pytest.fail(f"cannot mount a small tmpfs under CI: {mounted.stderr.strip()}")
        pytest.skip(f"a full disk is simulated with a small tmpfs, which needs root: {mounted.stderr.strip()}")
    try:
        # When a backup is written there
        done = drill["source"].manage("backup", str(full), "--recipient", drill["recipient"], check=False)
        # Then it fails with the reason, and nothing is left, least of all a file named as complete
        assert done.returncode != 0
        assert "No space left on device" in done.stderr and "no archive written" in done.stderr
        assert list(full.iterdir()) == []
    finally:
        subprocess.run(["umount", str(full)], check=False)  # noqa: S607


def test_backup_while_reports_arrive_restores_consistent(drill):
    # Given reports arriving through gunicorn while a backup is taken
    source, server = drill["source"], _server(drill["source"])
    server.start()
    receipts_before_backup: list[str] = []
    stop, arriving, errors = threading.Event(), [], []

    def keep_submitting() -> None:
        n = 100
        while not stop.is_set():
            try:
                arriving.append(_submit(server, n, attachments=2))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            n += 1

    try:
        receipts_before_backup.extend(_submit(server, n) for n in range(50, 53))
        threads = [threading.Thread(target=keep_submitting) for _ in range(2)]
        for thread in threads:
            thread.start()
        while len(arriving) < 3:
            time.sleep(0.1)
        backups = drill["root"] / "busy-backups"
        backups.mkdir()
        source.manage("backup", str(backups / "busy.tar.age"), "--recipient", drill["recipient"])
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        server.stop()
    assert not errors, errors[:3]
    # When it is restored
    target = _empty_instance(drill, "busy-restored")
    try:
        target.manage("restore", str(backups / "busy.tar.age"), "--identity", str(drill["identity_file"]))
        after = target.fingerprint(drill["report_identity"], receipts_before_backup + arriving)
        # Then every report it holds is whole: answers decrypt, every attachment's blob is there and
        # decrypts, and the reports acknowledged before the backup began are all in it
        assert all(ok for _sha, ok in after["reports"].values())
        assert all(row[2] is not None and row[3] for row in after["attachments"].values())
        assert {row[0] for row in after["attachments"].values()} <= {int(pk) for pk in after["reports"]}
        assert all(after["receipts"][r] for r in receipts_before_backup)
        assert "audit chain OK" in target.manage("audit", "verify").stdout
    finally:
        target.drop()
        shutil.rmtree(target.data_dir, ignore_errors=True)

