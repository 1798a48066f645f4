"""The index stays consistent with the record: deletions (the text gone from the engine's own
structures), merges and their undo, imports, and `tnrwatch reindex`."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection

from tnrwatch.registry import services
from tnrwatch.registry.models import Source
from tnrwatch.registry.services import entity_merge, entity_unmerge
from tnrwatch.search.backends import backend
from tnrwatch.search.models import SearchEntry
from tnrwatch.search.selectors import SearchFilters, search
from tnrwatch.sharing.outbound import PUBLIC

from .test_search import verified

pytestmark = pytest.mark.django_db

DELETED = "xylodeletedterm"


def _engine_holds(term: str) -> bool:
    """Whether any of the engine's own structures still holds `term`."""
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("SELECT count(*) FROM search_words_data WHERE instr(block, %s) > 0", [term.encode()])
            in_segments = c.fetchone()[0]
            c.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, search_words, row)")
            c.execute("SELECT count(*) FROM temp.search_vocab WHERE term = %s", [term])
            return bool(in_segments or c.fetchone()[0])
        c.execute("SELECT count(*) FROM search_entry WHERE document @@ to_tsquery('simple', %s)", [term])
        return bool(c.fetchone()[0])


def test_a_deleted_source_leaves_the_index_and_the_engine(record, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        src = services.source_create(actor_label="test", title="To be deleted", marking="clear",
                                     text=f"Only this document says {DELETED}.")
    assert _engine_holds(DELETED)
    assert search(DELETED, PUBLIC).groups["source"].count == 1
    # When the source is deleted (and the transaction commits: the purge runs on commit)
    with django_capture_on_commit_callbacks(execute=True):
        Source.objects.filter(pk=src.pk).delete()
    # Then no search finds it, no entry row holds it, and the engine's segments no longer hold the term
    assert search(DELETED, PUBLIC).groups["source"].count == 0
    assert not SearchEntry.objects.filter(body__contains=DELETED).exists()
    assert not _engine_holds(DELETED)


def test_sqlite_runs_with_secure_delete():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as c:
        c.execute("PRAGMA secure_delete")
        assert c.fetchone()[0] == 1


def test_a_merge_and_its_undo_keep_the_index_current(record):
    # Given two stations, the second known by a name only it has
    first = record["station"]
    second = services.station_create(actor_label="test", name_en="Duplicate post", name_zh="重复的站",
                                      country=first.country, marking="clear", aliases=[("Vlaardingen post", "en")])
    services.claim_assert(actor_label="test", subject=second, prop="note", value="Seen in Vlaardingen",
                          source=record["title_hit"], quote="A report", marking="clear")

    def entity_ids(q):
        return [(h.kind, h.object_id) for h in search(q, PUBLIC, SearchFilters(group="entity")).groups["entity"].hits]

    assert entity_ids("Vlaardingen") == [("station", second.pk)]
    # When it is merged into the first
    entry = entity_merge(actor=None, actor_label="test", subject_type="station", kept_id=first.pk, merged_id=second.pk)
    # Then its alias finds the kept station, and the merged one is gone from the index
    assert entity_ids("Vlaardingen") == [("station", first.pk)]
    assert not SearchEntry.objects.filter(kind="station", object_id=second.pk).exists()
    claim_hits = search("Vlaardingen", PUBLIC, SearchFilters(group="claim")).groups["claim"].hits
    assert [h.label.split(":")[0] for h in claim_hits] == [first.name_en]
    # And undoing the merge brings the merged station back into the index
    entity_unmerge(actor=None, actor_label="test", merge_entry_id=entry.pk)
    assert entity_ids("Vlaardingen") == [("station", second.pk)]


def test_reindex_rebuilds_the_same_index_with_a_progress_bar(record):
    before = {(e.kind, e.object_id, e.title, e.names, e.body, e.names_raw, e.countries)
              for e in SearchEntry.objects.all()}
    counts = {q: search(q, PUBLIC).groups["source"].count for q in ("Vina", "温州", "report")}
    err, out = io.StringIO(), io.StringIO()
    call_command("reindex", stdout=out, stderr=err)
    assert "Indexed" in out.getvalue() and "/" in err.getvalue() and "[" in err.getvalue()
    after = {(e.kind, e.object_id, e.title, e.names, e.body, e.names_raw, e.countries)
             for e in SearchEntry.objects.all()}
    assert after == before
    assert {q: search(q, PUBLIC).groups["source"].count for q in counts} == counts


def test_the_index_never_holds_incident_text_or_markings(record):
    services.incident_create(actor_label="test", date=None, origin_country=record["bureau"].country,
                             host_country=record["station"].country, tactic="rendition", summary="secretplace123",
                             marking="clear")
    assert not SearchEntry.objects.filter(body__contains="secretplace123").exists()
    assert "marking" not in {f.name for f in SearchEntry._meta.get_fields()}


def test_index_size_is_reported():
    assert backend().size_bytes() >= 0


def test_a_rolled_back_deletion_does_not_stop_later_purges(record, django_capture_on_commit_callbacks):
    # Given a deletion whose transaction rolls back (its purge hook is dropped with it)
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        src = services.source_create(actor_label="test", title="To be deleted", marking="clear",
                                     text=f"Only this document says {DELETED}.")
    try:
        with transaction.atomic():
            Source.objects.filter(pk=src.pk).delete()
            raise RuntimeError("the request failed")
    except RuntimeError:
        pass
    assert _engine_holds(DELETED)
    # When it is deleted again and commits, the engine is still purged
    with django_capture_on_commit_callbacks(execute=True):
        Source.objects.filter(pk=src.pk).delete()
    assert not _engine_holds(DELETED)


@pytest.mark.django_db(transaction=True)
def test_a_deletion_leaves_results_at_commit_and_the_engine_in_the_background(settings, monkeypatch, make_staff):
    # Given the server's default: purges run on a background thread, not in the deleting request
    from tnrwatch.search import tasks
    from tnrwatch.search.backends import base
    from tnrwatch.search.models import PendingPurge

    settings.TNR_SEARCH_PURGE = "background"
    ran_in: list[str] = []
    engine_class = type(backend())
    original = engine_class.purge

    def purge_spy(self):
        ran_in.append(threading.current_thread().name)
        return original(self)

    monkeypatch.setattr(engine_class, "purge", purge_spy)
    assert issubclass(engine_class, base.Backend)
    src = services.source_create(actor_label="test", title="To be deleted", marking="clear",
                                 text=f"Only this document says {DELETED}.")
    analyst = verified(make_staff("analyst"))
    assert search(DELETED, PUBLIC).groups["source"].count == 1
    # When it is deleted (the transaction commits)
    Source.objects.filter(pk=src.pk).delete()
    # Then no search, public or staff, returns it from the commit on, whether or not the purge ran yet
    assert search(DELETED, PUBLIC).groups["source"].count == 0
    assert search(DELETED, analyst).groups["source"].count == 0
    assert not SearchEntry.objects.filter(body__contains=DELETED).exists()
    # And the purge runs on the purge thread, after which the engine's segments no longer hold it
    assert tasks.purge_wait(timeout=60)
    assert ran_in and all(name == "search-purge" for name in ran_in)
    assert not _engine_holds(DELETED)
    assert not PendingPurge.objects.exists()


def test_a_purge_owed_is_recorded_with_the_deletion_and_paid_by_the_periodic_task(record):
    from tnrwatch.search import tasks
    from tnrwatch.search.models import PendingPurge

    src = services.source_create(actor_label="test", title="To be deleted", marking="clear",
                                 text=f"Only this document says {DELETED}.")
    # When a deletion's transaction has not committed yet (inside the test's), the purge is owed, not run
    Source.objects.filter(pk=src.pk).delete()
    assert PendingPurge.objects.count() == 1
    assert search(DELETED, PUBLIC).groups["source"].count == 0
    # Then whoever runs the pending purges (start-up, the worker's periodic task) pays it
    tasks.purge_pending_task.call_local()
    assert not _engine_holds(DELETED)
    if connection.vendor == "sqlite":
        assert not PendingPurge.objects.exists()
        assert tasks.purge_pending() is False
    else:  # VACUUM cannot run inside the test's transaction: the purge stays owed, not dropped
        assert PendingPurge.objects.count() == 1
