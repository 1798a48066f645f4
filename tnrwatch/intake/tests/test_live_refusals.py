"""Refused requests against the real production server (gunicorn, 2 workers): nothing kept.

The exact cases reported against the channel: a 50 MB upload without a CSRF cookie, and a client
that goes away in the middle of its upload. Also the embedded worker: orphaned blobs left by a
crash are swept when the server starts.
"""

from __future__ import annotations

import os
import socket
import time

import pytest

from .live import GunicornServer, encode_multipart

pytestmark = pytest.mark.slow
MB = 1024 * 1024


def blob_bytes(server: GunicornServer) -> int:
    root = server.data_dir / "intake"
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def report_count(server: GunicornServer) -> int:
    with server.db() as conn:
        return conn.execute("SELECT count(*) FROM intake_report").fetchone()[0]


def wait_until(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = GunicornServer(tmp_path_factory.mktemp("intake-refusals")).prepare()
    # Orphans a crash left behind: an interrupted upload and a blob whose row never committed
    blobs = server.data_dir / "intake"
    blobs.mkdir(exist_ok=True)
    old = time.time() - 7200
    for name in ("a" * 32 + ".part", "b" * 32 + ".age"):
        (blobs / name).write_bytes(os.urandom(4096))
        os.utime(blobs / name, (old, old))
    server.start()
    yield server
    server.stop()


def test_orphans_from_a_crash_are_swept_at_start_up(server):
    assert wait_until(lambda: blob_bytes(server) == 0)


def test_a_50_mb_upload_without_csrf_cookie_leaves_nothing(server):
    wait_until(lambda: blob_bytes(server) == 0)
    body, content_type = encode_multipart({"what_happened": "no cookie", "wants_reply": "no"}, [("big.bin", os.urandom(50 * MB))])
    status, _, _ = server.request("POST", "/report/", body=body, headers={"Content-Type": content_type})
    assert status == 403
    assert blob_bytes(server) == 0 and report_count(server) == 0  # at once: before the response was sent


def test_a_client_gone_mid_upload_leaves_nothing(server):
    body, content_type = encode_multipart({"what_happened": "cut off", "wants_reply": "no"}, [("big.bin", os.urandom(8 * MB))])
    # GET the form for a CSRF cookie and token, so only the disconnect can refuse this one
    status, headers, page = server.request("GET", "/report/")
    cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall((f"POST /report/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
                      f"Cookie: {cookie}\r\nContent-Length: {len(body)}\r\n\r\n").encode())
        sock.sendall(body[: len(body) // 2])
        # the half that arrived was encrypted and written as it streamed in
        assert wait_until(lambda: blob_bytes(server) > 1 * MB)
    # the client is gone: the worker sees the body end early, refuses it and removes the blob
    assert wait_until(lambda: blob_bytes(server) == 0)
    assert report_count(server) == 0
    assert server.submit({"what_happened": "a real report", "wants_reply": "no"})[0] == 200  # the server is fine
