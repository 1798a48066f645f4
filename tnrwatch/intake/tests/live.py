"""A real production server (gunicorn) on 127.0.0.1 with its own data folder, for process-level tests.

The server runs with an on-disk SQLite database (WAL), its own TMPDIR and log files inside the data
folder, so a test can search every byte the server wrote. Its only recipient is an offline age key
whose identity the test keeps in memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tnrwatch.intake import crypto

PROJECT = Path(__file__).resolve().parents[3]
VENV_BIN = Path(sys.executable).parent
# The access-log format we recommend (SECURITY.md): no %(h)s / %(a)s / %(f)s, no query string.
SAFE_ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(L)s'
RECEIPT_RE = re.compile(rb'id="receipt">([0-9A-Z-]+)<')
TOKEN_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class GunicornServer:
    def __init__(self, data_dir: Path, *, workers: int = 2, access_log: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.tmp_dir = self.data_dir / "tmp"
        self.log_dir = self.data_dir / "logs"
        for folder in (self.tmp_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.workers = workers
        self.access_log = access_log
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._csrf: tuple[str, str] | None = None  # one CSRF cookie and token, reused by submit()
        identity, public_key = crypto.identity_generate()
        self.identity = crypto.identity_parse(identity)
        self.public_key = public_key
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TNR_", "DJANGO_", "DATABASE_URL"))},
            "DJANGO_SETTINGS_MODULE": "tnrwatch.config.settings",
            "TNR_ENV": "test", "TNR_DATA_DIR": str(self.data_dir), "TMPDIR": str(self.tmp_dir),
            "TNR_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1",
            # These tests submit hundreds of reports: a budget they never reach (it has its own tests)
            "TNR_INTAKE_BUDGET_REPORTS_PER_HOUR": "1000000", "TNR_INTAKE_BUDGET_BYTES_PER_HOUR": str(10 ** 13),
        }

    # --- lifecycle --------------------------------------------------------------------------------

    def manage(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
            [str(VENV_BIN / "python"), "manage.py", *args], cwd=PROJECT, env=self.env,
            capture_output=True, text=True, timeout=120, check=False,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def prepare(self) -> GunicornServer:
        self.manage("migrate", "--noinput", "-v0")
        self.manage("intake_add_recipient", "--label", "offline test key", "--public-key", self.public_key)
        return self

    def start(self) -> GunicornServer:
        command = [
            str(VENV_BIN / "gunicorn"), "tnrwatch.config.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--error-logfile", str(self.log_dir / "error.log"), "--capture-output",
            "--timeout", "120", "--graceful-timeout", "5",
        ]
        if self.access_log:
            command += ["--access-logfile", str(self.log_dir / "access.log"), "--access-logformat", SAFE_ACCESS_LOG_FORMAT]
        stdout = (self.log_dir / "stdout.log").open("ab")
        self.process = subprocess.Popen(command,  # noqa: S603 - our own gunicorn, fixed arguments
                                        cwd=PROJECT, env=self.env, stdout=stdout, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + (self.log_dir / "error.log").read_text()[-3000:])
            try:
                if self.request("GET", "/report/")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def kill9(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # the arbiter and its workers, no clean-up
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()

    # --- HTTP -------------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 120) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def submit(self, fields: dict[str, str | list[str]], files: list[tuple[str, bytes]] = (), headers: dict | None = None) -> tuple[int, str | None]:
        """GET the form (CSRF cookie and token), POST the report; (status, receipt or None)."""
        headers = dict(headers or {})
        if self._csrf is None or headers:
            status, response_headers, page = self.request("GET", "/report/", headers=headers)
            self._csrf = (response_headers.get("Set-Cookie", "").split(";", 1)[0], TOKEN_RE.search(page).group(1).decode())
        cookie, token = self._csrf
        body, content_type = encode_multipart({**fields, "csrfmiddlewaretoken": token}, files)
        headers.update({"Content-Type": content_type, "Cookie": cookie})
        status, _, page = self.request("POST", "/report/", body=body, headers=headers)
        match = RECEIPT_RE.search(page)
        return status, (match.group(1).decode() if match else None)

    # --- what the server left on disk -------------------------------------------------------------

    @contextlib.contextmanager
    def db(self):
        """A plain connection to the server's database (a `mode=ro` one can misread a live WAL)."""
        conn = sqlite3.connect(self.data_dir / "tnrwatch.sqlite3", timeout=30)
        try:
            yield conn
        finally:
            conn.close()

    def receipt_key(self) -> bytes:
        return (self.data_dir / "receipt_key").read_text().strip().encode()

    def report_for(self, receipt: str) -> tuple[int, bytes] | None:
        normalized = crypto.receipt_normalize(receipt)
        digest = hmac.new(self.receipt_key(), b"receipt/v1:" + normalized.encode(), hashlib.sha256).hexdigest()
        assert digest == crypto.receipt_hash(normalized, self.receipt_key())
        with self.db() as conn:
            row = conn.execute("SELECT id, answers_ct FROM intake_report WHERE receipt_hash = ?", (digest,)).fetchone()
        return row

    def attachment_blobs(self, report_id: int) -> list[Path]:
        with self.db() as conn:
            rows = conn.execute("SELECT blob_id FROM intake_attachment WHERE report_id = ? ORDER BY position", (report_id,)).fetchall()
        return [self.data_dir / "intake" / f"{blob_id}.age" for (blob_id,) in rows]

    def files(self) -> list[Path]:
        return sorted(p for p in self.data_dir.rglob("*") if p.is_file())


def encode_multipart(fields: dict[str, str | list[str]], files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "----tnrwatch" + os.urandom(8).hex()
    chunks: list[bytes] = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + item.encode() + b"\r\n")
    for filename, content in files:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def file_contains(path: Path, *needles: bytes, block: int = 16 * 1024 * 1024) -> bytes | None:
    """The first of `needles` found in the file, else None (one pass, overlapping blocks)."""
    keep = max(len(n) for n in needles) - 1
    overlap = b""
    with path.open("rb") as handle:
        while chunk := handle.read(block):
            window = overlap + chunk
            for needle in needles:
                if needle in window:
                    return needle
            overlap = window[-keep:] if keep else b""
    return None
