"""Background work: the Redis queue in production, tested against the real server on 127.0.0.1."""

from __future__ import annotations

import io
import os
import uuid

import pytest
from django.core.management import call_command

from tnrwatch.ingestion.models import Document
from tnrwatch.ingestion.progress import ProgressBar, render


def _redis_or_skip(url: str):
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
        return client
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            raise  # under CI the server must be there
        pytest.skip(f"no Redis server at {url} ({exc}); start one to test the production queue")


@pytest.mark.django_db
def test_redis_queue_with_a_separate_worker(tmp_path, settings):
    client = _redis_or_skip(settings.TNR_REDIS_URL)
    name = f"tnrwatchtest{uuid.uuid4().hex[:8]}"  # huey keeps only letters and digits of a name
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(3):
        (folder / f"doc{i}.txt").write_text(f"Document {i}: the Canadian police investigated the stations.")
    try:
        # Given documents queued on Redis by `ingest --no-wait`
        out = io.StringIO()
        call_command("ingest", str(folder), "--queue", "redis", "--queue-name", name, "--no-wait",
                     stdout=out, stderr=io.StringIO())
        assert "Queued 3 documents" in out.getvalue()
        assert set(Document.objects.values_list("status", flat=True)) == {"queued"}
        assert any(name in key.decode() for key in client.keys("*"))  # really on the server
        # When a worker runs what is queued
        out = io.StringIO()
        call_command("ingest_worker", "--queue", "redis", "--queue-name", name, "--burst", stdout=out)
        # Then every document is captured
        assert "Ran 3 tasks" in out.getvalue()
        assert set(Document.objects.values_list("status", flat=True)) == {"extracted"}
    finally:
        for key in client.keys(f"*{name}*"):
            client.delete(key)


def test_progress_bar_is_plain_text():
    assert render(12, 40, width=8) == "[##      ] 12/40"
    assert render(40, 40, width=8, failed=3) == "[########] 40/40  3 failed"
    stream = io.StringIO()
    bar = ProgressBar(stream, 1000, width=10)
    for done in range(1001):
        bar.update(done)
    lines = stream.getvalue().splitlines()
    assert 10 <= len(lines) <= 12  # not a line per document when not on a terminal
    assert lines[-1] == "[##########] 1000/1000"


@pytest.mark.django_db
def test_ingest_stops_waiting_when_no_worker_comes(tmp_path):
    # Given a Redis queue nobody works (a name no worker listens on)
    from django.conf import settings

    client = _redis_or_skip(settings.TNR_REDIS_URL)
    name = f"tnrwatchtest{uuid.uuid4().hex[:8]}"
    doc = tmp_path / "a.txt"
    doc.write_text("The Irish police investigated.")
    err = io.StringIO()
    try:
        call_command("ingest", str(doc), "--queue", "redis", "--queue-name", name, "--stall-seconds", "0",
                     stdout=io.StringIO(), stderr=err)
    finally:
        for key in client.keys(f"*{name}*"):
            client.delete(key)
    # Then the command returns, saying what is left and how to finish it
    assert "still queued" in err.getvalue() and "ingest_worker" in err.getvalue()
    assert Document.objects.get().status == "queued"


@pytest.mark.django_db
def test_worker_registers_every_apps_tasks(tmp_path):
    import sys
    from importlib.util import find_spec

    from django.apps import apps

    out = io.StringIO()
    call_command("ingest_worker", "--burst", stdout=out)
    # every app's tasks module (and so its periodic tasks) is loaded into the same consumer
    with_tasks = [c.name for c in apps.get_app_configs() if find_spec(f"{c.name}.tasks") is not None]
    assert "tnrwatch.ingestion" in with_tasks
    assert all(f"{name}.tasks" in sys.modules for name in with_tasks)
    assert "Ran" in out.getvalue()
