"""From a captured article to an accepted claim, with the real extractor."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tnrwatch.ingestion.models import Candidate
from tnrwatch.registry.models import Claim, Source

ARTICLE = (
    "<html><head><title>Netherlands orders closure</title></head><body><article>"
    "<p>The Dutch government ordered the closure of two Chinese police stations in Amsterdam and "
    "Rotterdam on 1 November 2022.</p><p>The stations were run by the Fuzhou Public Security Bureau.</p>"
    "<p>Safeguard Defenders counted 54 stations in 30 countries.</p></article></body></html>"
)


@pytest.mark.django_db
def test_ingested_article_is_reviewed_into_a_claim(tmp_path, staff_client):
    pytest.importorskip("tnrwatch.extraction")
    path = tmp_path / "nl.html"
    path.write_text(ARTICLE)
    call_command("ingest", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    source = Source.objects.get()
    candidates = Candidate.objects.filter(source=source)
    assert candidates.exists()
    for candidate in candidates:
        assert source.text[candidate.start:candidate.end] == candidate.quote  # offsets index the stored text
    response = candidates.filter(kind="response", fields__country="NL", fields__action="closure_ordered").first()
    assert response is not None, list(candidates.values_list("kind", "fields"))
    client = staff_client("analyst")
    assert client.get("/ingestion/").status_code == 200
    page = client.get(f"/ingestion/sources/{source.pk}/").content.decode()
    assert "<mark" in page
    client.post(f"/ingestion/candidates/{response.pk}/accept/")
    claim = Claim.objects.get(subject_type="response")
    assert claim.evidence.get().quote == response.quote


@pytest.mark.django_db
def test_the_acting_body_the_extractor_finds_reaches_the_response(tmp_path, staff_client):
    pytest.importorskip("tnrwatch.extraction")
    from tnrwatch.registry.models import GovernmentResponse

    path = tmp_path / "ie.txt"
    path.write_text("The Irish police investigated the Chinese police station in Dublin in November 2022.")
    call_command("ingest", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    candidate = Candidate.objects.get(kind="response", fields__country="IE")
    body = candidate.fields.get("body")
    assert body, candidate.fields  # the extractor names the acting body here
    staff_client("reviewer").post(f"/ingestion/candidates/{candidate.pk}/accept/")
    assert GovernmentResponse.objects.get(country__iso2="IE").body == body
