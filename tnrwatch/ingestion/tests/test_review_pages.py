"""The review pages, through the real HTTP stack and database: roles, highlighting, decisions, audit."""

from __future__ import annotations

import pytest

from tnrwatch.audit.models import AuditEntry
from tnrwatch.ingestion.models import Candidate, Document, IngestJob
from tnrwatch.ingestion.services import candidates_propose
from tnrwatch.registry import services
from tnrwatch.registry.models import (
    Claim,
    Country,
    GovernmentResponse,
    Organization,
    Station,
)

TEXT = (
    "On 1 November 2022 the Dutch government ordered the closure of two police stations. "
    "One station in Rotterdam was run by the Fuzhou Public Security Bureau. "
    "青田县公安局 also opened a station. Safeguard Defenders counted 54 stations."
)


def _span(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


def _candidate(kind: str, quote: str, **fields):
    start, end = _span(quote)
    return {"kind": kind, "quote": quote, "start": start, "end": end, "lang": "en", "confidence": 0.8,
            "country": None, "action": None, "city": None, "operator": None, "value": None, "what": None,
            "date": None, **fields}


@pytest.fixture
def source(db):
    src = services.source_create(actor_label="t", title="Dutch order closure", sha256="c" * 64, text=TEXT, language="en")
    candidates_propose(source=src, document=None, candidates=[
        _candidate("response", "the Dutch government ordered the closure of two police stations",
                   country="NL", action="closure_ordered", date="2022-11-01"),
        _candidate("station", "One station in Rotterdam was run by the Fuzhou Public Security Bureau",
                   country="NL", city="Rotterdam", operator="Fuzhou Public Security Bureau"),
        _candidate("operator", "青田县公安局", operator="Qingtian County Public Security Bureau"),
        _candidate("figure", "counted 54 stations", value=54, what="stations"),
        _candidate("country", "Dutch", country="NL"),  # a bare mention: context, not proposed
    ])
    return src


def _cand(source, kind):
    return Candidate.objects.get(source=source, kind=kind)


def _clean_markup(html: str) -> None:
    assert "<script" not in html
    assert " style=" not in html


@pytest.mark.parametrize("role", ["admin", "analyst", "reviewer", "read_only"])
def test_every_staff_role_sees_the_queue_and_the_source(staff_client, source, role):
    client = staff_client(role)
    page = client.get("/ingestion/")
    assert page.status_code == 200
    assert "Dutch order closure" in page.content.decode()
    detail = client.get(f"/ingestion/sources/{source.pk}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    _clean_markup(html)
    # candidates are highlighted server-side by their offsets
    assert '<mark class="k-response st-pending"' in html
    assert ">the Dutch government ordered the closure of two police stations</mark>" in html
    assert "青田县公安局</mark>" in html
    assert Candidate.objects.filter(source=source).count() == 4  # the bare country mention was not proposed


def test_anonymous_is_sent_to_login(client, source):
    response = client.get("/ingestion/")
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]
    response = client.post(f"/ingestion/candidates/{_cand(source, 'response').pk}/accept/")
    assert response.status_code == 302
    assert _cand(source, "response").status == "pending"


def test_read_only_cannot_decide(staff_client, source):
    client = staff_client("read_only")
    response = client.post(f"/ingestion/candidates/{_cand(source, 'response').pk}/accept/")
    assert response.status_code == 403
    assert client.post(f"/ingestion/candidates/{_cand(source, 'figure').pk}/reject/").status_code == 403
    assert not Claim.objects.exists()


def test_accepting_a_response_creates_the_response_and_a_claim_with_the_quote(staff_client, source):
    client = staff_client("reviewer")
    candidate = _cand(source, "response")
    response = client.post(f"/ingestion/candidates/{candidate.pk}/accept/")
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == "accepted"
    gov = GovernmentResponse.objects.get()
    assert (gov.country.iso2, gov.action, str(gov.date)) == ("NL", "closure_ordered", "2022-11-01")
    claim = candidate.claim
    assert (claim.subject_type, claim.subject_id, claim.prop, claim.value) == ("response", gov.pk, "action", "closure_ordered")
    evidence = claim.evidence.get()
    assert evidence.source == source
    assert evidence.quote == "the Dutch government ordered the closure of two police stations"
    assert TEXT[evidence.start:evidence.end] == evidence.quote
    assert AuditEntry.objects.filter(action="candidate.accept", subject_id=str(candidate.pk)).exists()
    assert AuditEntry.objects.filter(action="response.create").exists()
    assert AuditEntry.objects.filter(action="claim.create").exists()
    # accepting twice is refused with a message, not an error page
    again = client.post(f"/ingestion/candidates/{candidate.pk}/accept/", follow=True)
    assert again.status_code == 200
    assert "already accepted" in again.content.decode()


def test_accepting_a_station_links_place_operator_and_existing_entities(staff_client, source):
    cn = Country.objects.get(iso2="CN")
    fuzhou = services.organization_create(actor_label="t", kind="operating_bureau", name_en="Fuzhou Public Security Bureau",
                                          name_zh="福州市公安局", country=cn)
    client = staff_client("analyst")
    client.post(f"/ingestion/candidates/{_cand(source, 'station').pk}/accept/")
    station = Station.objects.get()
    assert (station.country.iso2, station.place.name_en, station.operator) == ("NL", "Rotterdam", fuzhou)
    assert Claim.objects.filter(subject_type="station", subject_id=station.pk, prop="location", value="Rotterdam, NL").exists()
    assert Claim.objects.filter(subject_type="station", subject_id=station.pk, prop="operator").exists()
    # a second source naming the same station links to it instead of creating another
    other = services.source_create(actor_label="t", title="Other", sha256="d" * 64, text=TEXT)
    candidates_propose(source=other, document=None, candidates=[
        _candidate("station", "One station in Rotterdam", country="NL", city="Rotterdam")])
    linked = Candidate.objects.get(source=other)
    assert (linked.match_type, linked.match_id) == ("station", station.pk)


def test_operator_named_in_chinese_links_to_the_existing_bureau(staff_client, db):
    cn = Country.objects.get(iso2="CN")
    # the registry knows the bureau under its English and traditional-script names
    qingtian = services.organization_create(actor_label="t", kind="operating_bureau",
                                            name_en="Qingtian County Public Security Bureau", name_zh="青田縣公安局", country=cn)
    src = services.source_create(actor_label="t", title="Notice", sha256="e" * 64, text=TEXT)
    candidates_propose(source=src, document=None, candidates=[_candidate("operator", "青田县公安局", operator="青田县公安局")])
    candidate = Candidate.objects.get(source=src)
    assert (candidate.match_type, candidate.match_id) == ("organization", qingtian.pk)
    staff_client("analyst").post(f"/ingestion/candidates/{candidate.pk}/accept/")
    assert Organization.objects.count() == 1
    assert Claim.objects.get().subject_id == qingtian.pk


def test_rejected_candidate_is_not_proposed_again(staff_client, source):
    client = staff_client("reviewer")
    candidate = _cand(source, "figure")
    response = client.post(f"/ingestion/candidates/{candidate.pk}/reject/", {"reason": "counts offices, not stations"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == "rejected"
    assert candidate.reason == "counts offices, not stations"
    assert AuditEntry.objects.filter(action="candidate.reject", subject_id=str(candidate.pk)).exists()
    # When the extractor proposes the same thing again (e.g. the source is re-extracted)
    created = candidates_propose(source=source, document=None,
                                 candidates=[_candidate("figure", "counted 54 stations", value=54, what="stations")])
    # Then nothing new waits for review
    assert created == 0
    assert Candidate.objects.filter(source=source, kind="figure").count() == 1


def test_correct_then_accept(staff_client, source):
    client = staff_client("analyst")
    candidate = _cand(source, "figure")
    form = client.get(f"/ingestion/candidates/{candidate.pk}/correct/")
    assert form.status_code == 200
    _clean_markup(form.content.decode())
    # invalid corrections are form errors, never a 500
    bad = client.post(f"/ingestion/candidates/{candidate.pk}/correct/", {"value": "many", "country": "ZZ"})
    assert bad.status_code == 400
    huge = client.post(f"/ingestion/candidates/{candidate.pk}/correct/", {"value": "54", "what": "x" * 1_000_000})
    assert huge.status_code == 400
    nul = client.post(f"/ingestion/candidates/{candidate.pk}/correct/", {"value": "54", "what": "a\x00b"})
    assert nul.status_code == 400
    unknown = client.post(f"/ingestion/candidates/{candidate.pk}/correct/", {"value": "54", "country": "ZZ"})
    assert unknown.status_code == 400
    assert "Unknown country code" in unknown.content.decode()
    ok = client.post(f"/ingestion/candidates/{candidate.pk}/correct/",
                     {"value": "55", "what": "persuaded to return", "country": ""})
    assert ok.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == "accepted"
    assert candidate.accepted_fields["value"] == 55
    claim = candidate.claim
    assert (claim.subject_type, claim.prop, claim.value) == ("figure", "value", "55")
    entry = AuditEntry.objects.get(action="candidate.accept", subject_id=str(candidate.pk))
    assert entry.data["corrected"]["value"] == 55


def test_hostile_input_gets_4xx_not_500(staff_client, source):
    client = staff_client("analyst")
    assert client.get("/ingestion/sources/999999/").status_code == 404
    assert client.post("/ingestion/candidates/999999/accept/").status_code == 404
    assert client.get("/ingestion/candidates/1/accept/").status_code == 405
    candidate = _cand(source, "operator")
    response = client.post(f"/ingestion/candidates/{candidate.pk}/reject/", {"reason": "x" * 5000}, follow=True)
    assert response.status_code == 200
    candidate.refresh_from_db()
    assert candidate.status == "pending"
    assert client.get("/ingestion/documents/?status=\x00&job=abc&page=-1").status_code == 200
    assert client.get("/ingestion/merge/?subject_type=planet&kept=x").status_code == 400
    assert client.get("/ingestion/merge/?subject_type=station&kept=1&merged=999").status_code == 404


def test_documents_page_shows_status_and_errors(staff_client, db):
    job = IngestJob.objects.create(label="t", total=2)
    Document.objects.create(job=job, origin="/data/bomb.zip", status="failed",
                            error="Archives and compressed files are not accepted (zip): unpack them")
    Document.objects.create(job=job, origin="https://example.org/a", status="queued")
    client = staff_client("read_only")
    page = client.get(f"/ingestion/documents/?job={job.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    _clean_markup(html)
    assert "/data/bomb.zip" in html and "Archives and compressed files are not accepted" in html
    assert "failed: 1" in html and "queued: 1" in html
    only_failed = client.get("/ingestion/documents/?status=failed").content.decode()
    assert "example.org" not in only_failed


def test_merge_is_reviewed_and_can_be_undone_through_the_pages(staff_client, db):
    cn = Country.objects.get(iso2="CN")
    kept = services.organization_create(actor_label="t", kind="operating_bureau", name_en="Fuzhou Public Security Bureau",
                                        name_zh="福州市公安局", country=cn)
    merged = services.organization_create(actor_label="t", kind="operating_bureau", name_en="Fuzhou police",
                                          name_zh="福州市公安局", country=cn)
    reviewer = staff_client("reviewer", username="rev")
    listing = reviewer.get("/ingestion/duplicates/")
    assert listing.status_code == 200
    assert f"kept={kept.pk}&amp;merged={merged.pk}" in listing.content.decode()
    url = f"/ingestion/merge/?subject_type=organization&kept={kept.pk}&merged={merged.pk}"
    assert reviewer.get(url).status_code == 403  # merging is for analysts and admins
    analyst = staff_client("analyst", username="ana")
    preview = analyst.get(url)
    assert preview.status_code == 200
    _clean_markup(preview.content.decode())
    done = analyst.post("/ingestion/merge/", {"subject_type": "organization", "kept": kept.pk, "merged": merged.pk,
                                              "reason": "same bureau"})
    assert done.status_code == 302
    assert not Organization.objects.filter(pk=merged.pk).exists()
    entry = AuditEntry.objects.get(action="entity.merge")
    assert entry.actor_label == "ana" and entry.data["reason"] == "same bureau"
    merges = analyst.get("/ingestion/merges/").content.decode()
    assert f"/ingestion/merges/{entry.pk}/undo/" in merges
    assert analyst.post(f"/ingestion/merges/{entry.pk}/undo/").status_code == 302
    assert Organization.objects.filter(pk=merged.pk).exists()
    assert AuditEntry.objects.filter(action="entity.unmerge").count() == 1
    again = analyst.post(f"/ingestion/merges/{entry.pk}/undo/", follow=True)
    assert "already undone" in again.content.decode()
    # an audit row that is not a merge cannot be "undone"
    other = AuditEntry.objects.filter(action="organization.create").first()
    assert analyst.post(f"/ingestion/merges/{other.pk}/undo/").status_code == 404


def test_accepted_operator_learns_its_chinese_name(staff_client, db):
    text = "The Fuzhou Public Security Bureau (福州市公安局) runs the station. Later: 福州市公安局 again."
    src = services.source_create(actor_label="t", title="Notice", sha256="f" * 64, text=text)
    first_quote = "The Fuzhou Public Security Bureau (福州市公安局) runs the station."
    candidates_propose(source=src, document=None, candidates=[{
        "kind": "operator", "operator": "Fuzhou Public Security Bureau", "quote": first_quote,
        "start": 0, "end": len(first_quote), "lang": "en", "confidence": 0.7}])
    client = staff_client("analyst")
    client.post(f"/ingestion/candidates/{Candidate.objects.get(source=src).pk}/accept/")
    org = Organization.objects.get()
    assert AuditEntry.objects.filter(action="alias.add", subject_id=str(org.pk)).exists()
    # a later candidate naming the bureau only in Chinese links to it
    start = text.rindex("福州市公安局")
    candidates_propose(source=src, document=None, candidates=[{
        "kind": "operator", "operator": "福州市公安局", "quote": "福州市公安局", "start": start, "end": start + 6}])
    later = Candidate.objects.filter(source=src, status="pending").get()
    assert (later.match_type, later.match_id) == ("organization", org.pk)


def test_capture_form_queues_urls_and_never_local_paths(staff_client, db, http_server, django_capture_on_commit_callbacks):
    http_server.routes["/a"] = (200, {"Content-Type": "text/plain; charset=utf-8"}, b"The Czech police investigated.")
    assert staff_client("reviewer", username="r").get("/ingestion/capture/").status_code == 403
    client = staff_client("analyst")
    page = client.get("/ingestion/capture/")
    assert page.status_code == 200
    _clean_markup(page.content.decode())
    # local paths and other schemes are refused: a web user must not make the server read its files
    for hostile in ["/etc/passwd", "file:///etc/passwd", "ftp://example.org/x", "https://", "a\x00b", "x" * 500_000]:
        response = client.post("/ingestion/capture/", {"urls": hostile})
        assert response.status_code == 400, hostile
    assert not Document.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/ingestion/capture/", {"urls": f"{http_server.base}/a\n\n"})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.status == "extracted"  # the test queue runs at once
    assert AuditEntry.objects.filter(action="ingest.job_create", actor_label=client.user.username).exists()


def test_accepting_a_response_fills_in_the_acting_body_the_text_names(staff_client, db):
    # Given a response candidate naming its acting body, and one (proposed before bodies were
    # extracted) without the key at all
    src = services.source_create(actor_label="t", title="Bodies", sha256="b" * 64, text=TEXT, language="en")
    quote = "the Dutch government ordered the closure of two police stations"
    with_body = _candidate("response", quote, country="NL", action="closure_ordered", date="2022-11-01",
                           body="Ministry of Justice and Security")
    without = {k: val for k, val in _candidate("response", "ordered the closure", country="NL",
                                                action="investigation").items() if k != "body"}
    candidates_propose(source=src, document=None, candidates=[with_body, without])
    client = staff_client("reviewer")
    # When both are accepted
    for candidate in Candidate.objects.filter(source=src).order_by("start"):
        assert client.post(f"/ingestion/candidates/{candidate.pk}/accept/").status_code == 302
    # Then the response the first created carries the body; the other names none (nothing invented)
    named = GovernmentResponse.objects.get(action="closure_ordered")
    assert (named.body, named.body_kind) == ("Ministry of Justice and Security", "ministry")
    assert GovernmentResponse.objects.get(action="investigation").body == ""
    created = AuditEntry.objects.get(action="response.create", subject_id=str(named.pk))
    assert created.data["fields"]["body"] == "Ministry of Justice and Security"


def test_a_corrected_body_is_used_and_a_matched_response_without_one_is_filled(staff_client, source):
    nl = Country.objects.get(iso2="NL")
    from datetime import date

    existing = services.response_create(actor_label="t", country=nl, action="closure_ordered",
                                        date=date(2022, 11, 1), summary="Closure ordered")
    candidate = _cand(source, "response")
    response = staff_client("reviewer").post(f"/ingestion/candidates/{candidate.pk}/correct/", {
        "country": "NL", "action": "closure_ordered", "date": "2022-11-01", "body": "Rotterdam police"})
    assert response.status_code == 302
    existing.refresh_from_db()
    assert (existing.body, existing.body_kind) == ("Rotterdam police", "police")
    assert AuditEntry.objects.filter(action="response.update", subject_id=str(existing.pk)).exists()


def test_accept_keeps_it_private_accept_and_publish_makes_it_public(staff_client, source, settings):
    from django.urls import reverse

    from tnrwatch.sharing.outbound import PUBLIC, outbound_queryset

    settings.TNR_DEFAULT_MARKING = "amber"
    # Given an analyst, "accept" records the claim at the default marking and says it is not public,
    analyst = staff_client("analyst")
    page = analyst.get(reverse("ingestion:source", args=[source.pk])).content.decode()
    assert "Accept and publish" not in page  # analysts propose; reviewers publish
    response = _cand(source, "response")
    done = analyst.post(reverse("ingestion:accept", args=[response.pk]), follow=True).content.decode()
    claim = Claim.objects.get(pk=Candidate.objects.get(pk=response.pk).claim_id)
    assert claim.marking == "amber" and claim.evidence.get().marking == "amber"
    assert "not public" in done and not outbound_queryset(Claim, PUBLIC).filter(pk=claim.pk).exists()
    # and an analyst's "accept and publish" is refused without deciding anything.
    figure = _cand(source, "figure")
    analyst.post(reverse("ingestion:accept", args=[figure.pk]), {"publish": "1"})
    assert Candidate.objects.get(pk=figure.pk).status == "pending"
    # When a reviewer accepts and publishes, the claim, its quote, its source and its subject are public.
    reviewer = staff_client("reviewer", username="rev-q")
    assert "Accept and publish" in reviewer.get(reverse("ingestion:source", args=[source.pk])).content.decode()
    reviewer.post(reverse("ingestion:accept", args=[figure.pk]), {"publish": "1"})
    published = Claim.objects.get(pk=Candidate.objects.get(pk=figure.pk).claim_id)
    assert outbound_queryset(Claim, PUBLIC).filter(pk=published.pk).exists()
    assert AuditEntry.objects.filter(action="claim.publish", subject_id=str(published.pk)).exists()
