"""Production refuses what it must, in a fresh process with TNR_ENV=production: TNR_DEBUG=true
stops start-up with a clear message; the data folder, database, WAL and log file are created
0700/0600 even under a permissive umask."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess

import pytest

from .live import PROJECT, VENV_BIN

pytestmark = pytest.mark.slow


def production_env(data_dir, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TNR_", "DJANGO_", "DATABASE_URL"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "tnrwatch.config.settings", "TNR_ENV": "production", "TNR_DATA_DIR": str(data_dir),
        "TNR_SECRET_KEY": "s" * 50, "TNR_RECEIPT_KEY": "r" * 50, "TNR_AUDIT_KEY": "a" * 50,
        "TNR_ALLOWED_HOSTS": "tnrwatch.example.org", "TNR_LOG_FILE": str(data_dir / "logs" / "tnrwatch.log"),
        "TNR_LOG_LEVEL": "INFO",
    })
    env.update(extra)
    return env


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [str(VENV_BIN / "python"), "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True,
        timeout=180, check=False, preexec_fn=lambda: os.umask(0o022),  # noqa: PLW1509 - sets only the umask
    )


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_debug_is_refused_in_production(tmp_path):
    done = manage(production_env(tmp_path / "data", TNR_DEBUG="true"), "check")
    assert done.returncode != 0
    assert "TNR_DEBUG=true is refused with TNR_ENV=production" in done.stderr


def test_data_folder_database_wal_and_log_are_private_whatever_the_umask(tmp_path):
    data = tmp_path / "data"
    done = manage(production_env(data), "migrate", "--noinput", "-v0")
    assert done.returncode == 0, done.stderr[-2000:]
    database, log = data / "tnrwatch.sqlite3", data / "logs" / "tnrwatch.log"
    assert mode(data) == 0o700 and mode(data / "logs") == 0o700
    assert mode(database) == 0o600 and mode(log) == 0o600
    assert all(mode(p) & 0o077 == 0 for p in data.rglob("*") if p.is_file()), {p.name: oct(mode(p)) for p in data.rglob("*")}
    # SQLite gives its WAL and shared-memory files the database's own mode, even under umask 022
    old = os.umask(0o022)
    try:
        conn = sqlite3.connect(database)
        try:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            conn.execute("CREATE TABLE probe (x)")
            conn.commit()
            wal, shm = data / "tnrwatch.sqlite3-wal", data / "tnrwatch.sqlite3-shm"
            assert wal.exists() and mode(wal) == 0o600 and mode(shm) == 0o600
        finally:
            conn.close()
    finally:
        os.umask(old)


@pytest.mark.django_db
def test_the_read_only_role_sees_no_intake_audit_rows(client, analyst, staff_client):
    from django.test import Client
    from django.urls import reverse

    from tnrwatch.intake import services
    from tnrwatch.intake.models import Report

    from .conftest import multipart_form

    # Given a report that an analyst opened and answered (intake audit rows: who opened which report)
    Client().post(reverse("intake:form"), multipart_form())
    report = Report.objects.get()
    services.report_open(actor=analyst.user, report=report, identities=[analyst.identity])
    services.message_from_analyst(actor=analyst.user, report=report, body="Are you safe?")
    # The read-only role's audit page and workspace home show none of them, even when asked for them
    reader = staff_client("read_only", "reader")
    for url in (reverse("workspace:audit"), reverse("workspace:audit") + "?action=intake.",
                reverse("workspace:audit") + f"?subject=report:{report.pk}", reverse("workspace:home")):
        page = reader.get(url)
        assert page.status_code == 200 and "<td>intake." not in page.content.decode(), url  # the action column
    # while an analyst's audit page has them
    colleague = staff_client("analyst", "colleague")
    assert "<td>intake.report_opened</td>" in colleague.get(reverse("workspace:audit")).content.decode()
