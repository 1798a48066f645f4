"""Review services: accept (optionally corrected) or reject a candidate.

Accepting turns the candidate into a registry Claim whose evidence is the candidate's verbatim
quote and offsets in the Source; the subject is the entity the candidate names (found across
scripts) or a new one. Rejecting is remembered on the candidate row, whose key the extractor's
next proposals are checked against, so the same candidate is not proposed again. Both leave an
audit row in the same transaction.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ConflictError, ValidationError
from tnrwatch.registry import services as registry
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.models import (
    Alias,
    Claim,
    Figure,
    GovernmentResponse,
    Organization,
    Person,
    Station,
)

from .. import review_people
from ..matching import figure_kind, organization_by_name, station_by_place
from ..models import Candidate

EDITABLE = ("country", "action", "city", "operator", "value", "what", "date", "body",
            "name", "role", "organization", "basis", "address")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def clean_fields(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Validated candidate fields (a correction, or the extractor's proposal). Raises ValidationError."""
    out: dict[str, Any] = {}
    for name in EDITABLE:
        value = raw.get(name)
        if value is None:
            out[name] = None
            continue
        value = str(value).strip()
        if "\x00" in value:
            raise ValidationError(gettext("NUL characters are not allowed."))
        if len(value) > 300:
            raise ValidationError(gettext("The %(name)s is too long (300 characters at most).") % {"name": name})
        out[name] = value or None
    if out["country"]:
        out["country"] = registry.country_get(out["country"]).iso2
    if out["action"] and out["action"] not in v.RESPONSE_ACTIONS:
        raise ValidationError(gettext("Unknown response action %(action)r.") % {"action": out['action']})
    if out["value"] is not None:
        try:
            number = float(out["value"])
        except ValueError as exc:
            raise ValidationError(gettext("The value must be a number.")) from exc
        if not (0 <= number < 10**12) or number != number:
            raise ValidationError(gettext("The value must be a number between 0 and 10¹²."))
        out["value"] = int(number) if number == int(number) else number
    if out["date"] and not _DATE.match(out["date"]):
        raise ValidationError(gettext("A date is YYYY, YYYY-MM or YYYY-MM-DD."))
    if kind == "person":
        review_people.check_person_fields(out)
    if kind == "address":
        review_people.check_address_fields(out)
    required = {"response": ("country", "action"), "station": ("country", "city"),
                "operator": ("operator",), "figure": ("value",)}.get(kind, ())
    missing = [name for name in required if not out.get(name)] if kind != "figure" else (
        ["value"] if out["value"] is None else [])
    if missing:
        raise ValidationError(gettext("A %(kind)s needs: %(names)s.") % {"kind": kind, "names": ', '.join(missing)})
    return out


_BODY_KINDS = (  # the first word found decides; a name without any of them stays "government"
    ("police", ("police", "polizei", "politie", "polis", "polizia", "policía", "policia", "security service",
                "intelligence", "警")),
    ("court", ("court", "prosecut", "judge", "tribunal", "gericht", "rechtbank", "法院", "检察", "檢察")),
    ("parliament", ("parliament", "congress", "senate", "bundestag", "tweede kamer", "assembly", "议会", "國會", "国会")),
    ("ministry", ("ministry", "minister", "department", "ministerie", "ministerium", "ministère", "ministerio",
                  "部")),
)


def body_kind(body: str) -> str:
    """The kind of an acting body named in a text ("Ministry of Justice" -> ministry)."""
    lowered = (body or "").lower()
    for kind, words in _BODY_KINDS:
        if any(word in lowered for word in words):
            return kind
    return "government"


def _parse_date(text: str | None) -> tuple[date | None, str]:
    match = _DATE.match(text or "")
    if not match:
        return None, "day"
    year, month, day = match.groups()
    try:
        return date(int(year), int(month or 1), int(day or 1)), "day" if day else "month" if month else "year"
    except ValueError:
        return None, "day"


@transaction.atomic
def candidate_accept(*, actor: Any, candidate: Candidate, corrections: dict[str, Any] | None = None,
                     publish: bool = False) -> Claim:
    """Accept the candidate (with `corrections` applied): a Claim with the quote as evidence, at
    the instance's default marking (new records, claims and quotes alike). With `publish`, the
    claim is then published (`registry.claim_publish`) in the same transaction: a refusal undoes
    the acceptance too, so nothing is left half done. The caller checks the actor may publish."""
    candidate = Candidate.objects.select_for_update().select_related("source").get(pk=candidate.pk)
    if candidate.status != Candidate.Status.PENDING:
        raise ConflictError(gettext("This candidate was already %(status)s.") % {"status": candidate.status})
    fields = clean_fields(candidate.kind, {**candidate.fields, **(corrections or {})})
    corrected = {k: fields[k] for k in EDITABLE if fields[k] != candidate.fields.get(k)} if corrections else {}
    subject, prop, value = _subject_for(actor, candidate, fields, use_match=not corrected)
    claim = registry.claim_assert(
        actor=actor, subject=subject, prop=prop, value=value, source=candidate.source,
        quote=candidate.quote, start=candidate.start, end=candidate.end,
        location=f"characters {candidate.start}-{candidate.end}",
        # A claim that names a person is AMBER, like the person (docs/people.md).
        marking=review_people.PERSON_MARKING if candidate.kind == "person" else None,
    )
    if candidate.kind == "person":
        review_people.person_tie(actor, candidate, subject, fields)
    if candidate.kind == "station" and fields.get("operator"):
        operator = _operator(actor, fields["operator"], candidate.quote)
        registry.claim_assert(actor=actor, subject=subject, prop="operator", value=operator.name_en,
                              source=candidate.source, quote=candidate.quote, start=candidate.start, end=candidate.end)
    candidate.status = Candidate.Status.ACCEPTED
    candidate.claim = claim
    candidate.accepted_fields = fields
    candidate.match_type = registry.subject_type_of(subject)
    candidate.match_id = subject.pk
    candidate.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    candidate.decided_at = timezone.now()
    candidate.save()
    audit_record(
        actor=actor, action="candidate.accept", subject_type="candidate", subject_id=candidate.pk,
        data={"source": candidate.source_id, "kind": candidate.kind, "claim": claim.pk,
              "subject": f"{candidate.match_type}:{subject.pk}", "corrected": corrected, "publish": publish},
    )
    if publish:
        registry.claim_publish(actor=actor, claim=claim)
        claim.refresh_from_db()
    return claim


@transaction.atomic
def candidate_reject(*, actor: Any, candidate: Candidate, reason: str = "") -> Candidate:
    """Reject the candidate; it stays rejected when the source is extracted again."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != Candidate.Status.PENDING:
        raise ConflictError(gettext("This candidate was already %(status)s.") % {"status": candidate.status})
    reason = (reason or "").strip()
    if "\x00" in reason or len(reason) > 2000:
        raise ValidationError(gettext("The reason must be at most 2,000 characters, without NUL."))
    candidate.status = Candidate.Status.REJECTED
    candidate.reason = reason
    candidate.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_record(actor=actor, action="candidate.reject", subject_type="candidate", subject_id=candidate.pk,
                          data={"source": candidate.source_id, "kind": candidate.kind, "key": candidate.key,
                                "reason": reason[:500]})
    return candidate


def _matched(candidate: Candidate, model: type) -> Any:
    if candidate.match_id is None:
        return None
    return model.objects.filter(pk=candidate.match_id).first()


_ZH_BUREAU = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:公安局|公安廳|公安厅|警察局)")


def _operator(actor: Any, name: str, quote: str = "", org: Organization | None = None) -> Organization:
    """The bureau called `name` (matched across scripts), created if new; the name as written and a
    single Chinese bureau name in the quote are added as aliases so the next mention matches."""
    org = org or organization_by_name(name)
    if org is None:
        org = registry.organization_create(actor=actor, kind="operating_bureau", name_en=name[:300],
                                           country=registry.country_get("CN"))
    names = {name.strip()}
    zh_names = set(_ZH_BUREAU.findall(quote or ""))
    if len(zh_names) == 1:
        names |= zh_names
    known = set(Alias.objects.filter(subject_type="organization", subject_id=org.pk).values_list("name", flat=True))
    for alias in sorted(names - known):
        if alias and len(alias) <= 300:
            registry.alias_add(actor=actor, subject=org, name=alias,
                               language="zh" if any("\u4e00" <= ch <= "\u9fff" for ch in alias) else "")
    return org


def _subject_for(actor: Any, candidate: Candidate, f: dict[str, Any], *, use_match: bool) -> tuple[Any, str, str]:
    """The entity the accepted candidate is about, and the property and value of its claim."""
    kind = candidate.kind
    if kind == "person":
        return review_people.person_subject(actor, candidate, f, _matched(candidate, Person) if use_match else None)
    if kind == "address":
        return review_people.address_subject(actor, candidate, f)
    subject_for = _SUBJECTS.get(kind)
    if subject_for is None:
        raise ValidationError(gettext("Candidates of kind %(kind)r cannot be accepted.") % {"kind": kind})
    return subject_for(actor, candidate, f, use_match)


def _response_subject(actor: Any, candidate: Candidate, f: dict[str, Any], use_match: bool) -> tuple[Any, str, str]:
    country = registry.country_get(f["country"])
    when, precision = _parse_date(f.get("date"))
    response = _matched(candidate, GovernmentResponse) if use_match else None
    if response is None or response.country_id != country.pk or response.action != f["action"]:
        response = GovernmentResponse.objects.filter(country=country, action=f["action"], date=when).first()
    body = f.get("body") or ""
    if response is None:
        response = registry.response_create(
            actor=actor, country=country, action=f["action"], date=when, date_precision=precision,
            summary=candidate.quote[:2000], body=body, body_kind=body_kind(body),
        )
    elif body and not response.body:  # the acting body fills a response that did not name one
        registry.response_update(actor=actor, response=response, body=body, body_kind=body_kind(body))
    return response, "action", f["action"]


def _station_subject(actor: Any, candidate: Candidate, f: dict[str, Any], use_match: bool) -> tuple[Any, str, str]:
    country = registry.country_get(f["country"])
    station = _matched(candidate, Station) if use_match else None
    if station is None or station.country_id != country.pk:
        station = station_by_place(f["city"], country.iso2)
    if station is None:
        place = registry.place_get_or_create(actor=actor, name_en=f["city"][:200], country=country)
        operator = _operator(actor, f["operator"], candidate.quote) if f.get("operator") else None
        station = registry.station_create(actor=actor, name_en=f"{f['city']} station"[:300], country=country,
                                          place=place, operator=operator)
    return station, "location", f"{f['city']}, {country.iso2}"


def _operator_subject(actor: Any, candidate: Candidate, f: dict[str, Any], use_match: bool) -> tuple[Any, str, str]:
    org = _matched(candidate, Organization) if use_match else None
    org = _operator(actor, f["operator"], candidate.quote, org=org)
    # The operator's own city (e.g. Fuzhou) is where the bureau is, not where a station is.
    return org, "role", "operates overseas police stations"


def _figure_subject(actor: Any, candidate: Candidate, f: dict[str, Any], use_match: bool) -> tuple[Any, str, str]:
    figure_kind_slug = figure_kind(f.get("what"))
    value = int(float(f["value"]))
    figure = _matched(candidate, Figure) if use_match else None
    if figure is None or figure.value != value:
        figure = Figure.objects.filter(kind=figure_kind_slug, value=value).first()
    if figure is None:
        country = registry.country_get(f["country"]) if f.get("country") else None
        figure = registry.figure_create(actor=actor, kind=figure_kind_slug, value=value,
                                        label=(f.get("what") or v.FIGURE_KINDS[figure_kind_slug])[:300],
                                        country=country)
    return figure, "value", str(value)


_SUBJECTS = {"response": _response_subject, "station": _station_subject, "operator": _operator_subject,
             "figure": _figure_subject}
