"""Fixtures for the ingestion tests.

Fixture strategy: documents are written into the test's tmp folder (the smallest file that shows
the case), URLs are served by a real HTTP server on 127.0.0.1 in a thread, and the blob store and
queue live under a per-test data folder. The default queue runs tasks immediately; tests of the
SQLite and Redis queues build their own.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@pytest.fixture(autouse=True)
def ingestion_settings(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.TNR_INGEST_ALLOW_PRIVATE_HOSTS = True  # the test server is on loopback
    from tnrwatch.ingestion.tasks import huey

    before = huey.immediate
    huey.immediate = True
    yield settings
    huey.immediate = before


class Routes(dict):
    """path -> (status, headers dict, body bytes)."""


@pytest.fixture
def http_server():
    routes = Routes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            status, headers, body = routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.routes = routes
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()

