"""`tnrwatch verify` on the demo (which captures the founding article through ingestion), and each
kind of damage reported: a corrupted evidence copy, an edited quote, a hidden evidence item.

Fixture strategy: the demo load (the real dataset), with the blob store copied into a temporary
folder where a test damages it (the shared store is read-only and content-addressed).
"""

from __future__ import annotations

import shutil
import stat

import pytest
from django.core.management import CommandError, call_command

from tnrwatch.ingestion.blobs import DocumentStore, default_store
from tnrwatch.registry import services
from tnrwatch.registry.demo import SEED_SHA256, demo_load, seed_path
from tnrwatch.registry.models import Claim, Evidence, Source
from tnrwatch.registry.verification import verify

pytestmark = pytest.mark.django_db
needs_seed = pytest.mark.skipif(seed_path() is None, reason="the founding article is not in the shared seed folder")


@pytest.fixture
def demo():
    demo_load()


@needs_seed
def test_the_demo_captures_the_founding_article_as_its_sources_evidence_copy(demo):
    source = Source.objects.get(sha256=SEED_SHA256)
    assert default_store().exists(SEED_SHA256) and source.captured_at is not None
    assert "police service stations" in source.text and source.marking == "clear"


@needs_seed
def test_verify_reports_no_failure_on_the_demo(demo, capsys):
    report = verify()
    assert report.failures == [] and report.quotes == Evidence.objects.count() > 0
    assert report.public_facts > 0 and report.sources == Source.objects.count()
    call_command("verify")
    out = capsys.readouterr().out.splitlines()[0]
    assert out == report.summary() and out.endswith("0 failures") and " unverifiable, " in out


def _store_copy(tmp_path) -> DocumentStore:
    src = default_store().path_for(SEED_SHA256)
    store = DocumentStore(tmp_path / "blobs")
    dest = store.path_for(SEED_SHA256)
    dest.parent.mkdir(parents=True)
    shutil.copyfile(src, dest)
    return store


@needs_seed
def test_a_corrupted_evidence_copy_is_reported(demo, tmp_path):
    store = _store_copy(tmp_path)
    path = store.path_for(SEED_SHA256)
    path.chmod(stat.S_IWUSR | stat.S_IRUSR)
    with path.open("r+b") as fh:
        fh.seek(100)
        fh.write(b"X")
    report = verify(store=store)
    assert any("does not match its SHA-256" in f for f in report.failures), report.failures
    # The quotes of a copy that does not verify cannot be checked against it either.
    assert report.unverifiable == (Evidence.objects.filter(source__sha256=SEED_SHA256).count()
                                  + Evidence.objects.filter(source__sha256=None).count())  # the campaigns' uncaptured sources


@needs_seed
def test_an_edited_quote_and_a_hidden_evidence_item_are_reported(demo):
    edited = Evidence.objects.filter(start__isnull=False).order_by("pk").first()
    Evidence.objects.filter(pk=edited.pk).update(quote=edited.quote + " (edited)")
    single = next(c for c in Claim.objects.order_by("pk") if c.evidence.count() == 1 and c.pk != edited.claim_id)
    services.marking_set(actor=None, actor_label="t", obj=single.evidence.get(), marking="amber")
    report = verify()
    assert any(f"quote #{edited.pk} " in f and "not found verbatim" in f for f in report.failures), report.failures
    assert any(f"claim #{single.pk}: marked TLP:CLEAR but not public" in f for f in report.failures), report.failures
    with pytest.raises(CommandError):
        call_command("verify")


def test_a_source_not_captured_makes_its_quotes_unverifiable_not_failures():
    nl = services.country_get("NL")
    source = services.source_create(actor_label="t", title="A report we cannot hold", marking="clear")
    services.claim_assert(actor_label="t", subject=nl, prop="note", value="x", source=source, quote="words",
                          marking="clear")
    report = verify()
    assert report.failures == [] and report.unverifiable == 1
    assert any("resting only on quotes from sources not captured" in n for n in report.notes)
