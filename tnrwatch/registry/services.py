"""Writes to the record. Every public function is keyword-only, atomic, and leaves an AuditEntry.

Callers pass `actor` (a User, or None for system jobs such as the demo loader, with `actor_label`
naming the job). Reads live in `selectors.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Model

from tnrwatch.core import sql
from tnrwatch.core.errors import ConflictError, ValidationError

from . import vocabulary as v
from .models import (
    Alias,
    AuditEntry,
    Claim,
    Country,
    Evidence,
    Figure,
    GovernmentResponse,
    Incident,
    Organization,
    Place,
    Source,
    Station,
    StationStatusChange,
    claim_key,
)
from .names import normalize_name

SUBJECT_MODELS: dict[str, str] = {
    "country": "Country",
    "place": "Place",
    "organization": "Organization",
    "station": "Station",
    "response": "GovernmentResponse",
    "incident": "Incident",
    "source": "Source",
    "figure": "Figure",
}
MODEL_SUBJECTS: dict[str, str] = {model: subject for subject, model in SUBJECT_MODELS.items()}


def subject_type_of(obj: Model) -> str:
    try:
        return MODEL_SUBJECTS[type(obj).__name__]
    except KeyError as exc:
        raise ValidationError(f"{type(obj).__name__} cannot be the subject of a claim") from exc


def _actor_label(actor: Any, actor_label: str | None) -> str:
    if actor_label:
        return actor_label
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return "system"


def audit_record(
    *,
    actor: Any,
    action: str,
    subject: Model | None = None,
    subject_type: str = "",
    subject_id: str | int = "",
    data: dict | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Write one audit row. Call it inside the transaction of the change it records."""
    if subject is not None:
        subject_type = MODEL_SUBJECTS.get(type(subject).__name__, type(subject).__name__.lower())
        subject_id = subject.pk
    user = actor if (actor is not None and getattr(actor, "is_authenticated", False)) else None
    # One INSERT from the model without the ORM's compiler: every write in the project passes here.
    return sql.insert(AuditEntry(
        actor=user,
        actor_label=_actor_label(actor, actor_label),
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        data=data or {},
    ))


def _check_choice(value: str, vocabulary: dict[str, str], what: str) -> None:
    if value not in vocabulary:
        raise ValidationError(f"Unknown {what} {value!r}; expected one of: {', '.join(vocabulary)}")


def _create(model: type[Model], *, actor: Any, actor_label: str | None, audit_action: str, **fields: Any) -> Any:
    if "marking" in fields and fields["marking"] is None:
        fields.pop("marking")
    if "city" in fields:
        _city_to_place(model, fields, actor=actor, actor_label=actor_label)
    if "marking" in fields:
        _check_choice(fields["marking"], v.MARKINGS, "marking")
    obj = model(**{k: val for k, val in fields.items() if k != "stations"})
    obj.full_clean(exclude=["stations"])
    obj.save()
    if fields.get("stations"):
        obj.stations.set(fields["stations"])
    audit_record(actor=actor, action=audit_action, subject=obj, data={"fields": _jsonable(fields)}, actor_label=actor_label)
    return obj


def _jsonable(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, val in fields.items():
        if isinstance(val, Model):
            out[key] = val.pk
        elif isinstance(val, date):
            out[key] = val.isoformat()
        elif isinstance(val, list | tuple):
            out[key] = [x.pk if isinstance(x, Model) else x for x in val]
        else:
            out[key] = val
    return out


@transaction.atomic
def source_create(*, actor: Any = None, actor_label: str | None = None, **fields: Any) -> Source:
    """Create a Source. A source with the SHA-256 of an existing one is that one (returned as is)."""
    sha = fields.get("sha256")
    if sha:
        existing = Source.objects.filter(sha256=sha).first()
        if existing is not None:
            return existing
    return _create(Source, actor=actor, actor_label=actor_label, audit_action="source.create", **fields)


@transaction.atomic
def organization_create(*, actor: Any = None, actor_label: str | None = None, aliases: list[tuple[str, str]] = (), **fields: Any) -> Organization:
    _check_choice(fields.get("kind", ""), v.ORGANIZATION_KINDS, "organization kind")
    org = _create(Organization, actor=actor, actor_label=actor_label, audit_action="organization.create", **fields)
    _aliases_add(org, "organization", [(org.name_en, "en"), (org.name_zh, "zh"), *aliases])
    return org


@transaction.atomic
def station_create(*, actor: Any = None, actor_label: str | None = None, aliases: list[tuple[str, str]] = (), **fields: Any) -> Station:
    if "status" in fields:
        _check_choice(fields["status"], v.STATION_STATUSES, "station status")
    station = _create(Station, actor=actor, actor_label=actor_label, audit_action="station.create", **fields)
    _aliases_add(station, "station", [(station.name_en, "en"), (station.name_zh, "zh"), *aliases])
    StationStatusChange.objects.create(
        station=station, status=station.status, date=station.first_reported, reason="Recorded",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return station


@transaction.atomic
def response_create(*, actor: Any = None, actor_label: str | None = None, **fields: Any) -> GovernmentResponse:
    _check_choice(fields.get("action", ""), v.RESPONSE_ACTIONS, "response action")
    return _create(GovernmentResponse, actor=actor, actor_label=actor_label, audit_action="response.create", **fields)


@transaction.atomic
def incident_create(*, actor: Any = None, actor_label: str | None = None, **fields: Any) -> Incident:
    _check_choice(fields.get("tactic", ""), v.INCIDENT_TACTICS, "incident tactic")
    return _create(Incident, actor=actor, actor_label=actor_label, audit_action="incident.create", **fields)


@transaction.atomic
def figure_create(*, actor: Any = None, actor_label: str | None = None, **fields: Any) -> Figure:
    _check_choice(fields.get("kind", ""), v.FIGURE_KINDS, "figure kind")
    return _create(Figure, actor=actor, actor_label=actor_label, audit_action="figure.create", **fields)


def _aliases_add(obj: Model, subject_type: str, names: list[tuple[str, str]]) -> None:
    for name, language in names:
        name = (name or "").strip()
        if not name:
            continue
        Alias.objects.get_or_create(
            subject_type=subject_type,
            subject_id=obj.pk,
            name=name,
            defaults={"language": language, "normalized": normalize_name(name)},
        )


@transaction.atomic
def alias_add(*, actor: Any, subject: Model, name: str, language: str = "", actor_label: str | None = None) -> Alias:
    subject_type = subject_type_of(subject)
    name = name.strip()
    if not name or len(name) > 300:
        raise ValidationError("A name must have 1 to 300 characters.")
    alias, _created = Alias.objects.get_or_create(
        subject_type=subject_type, subject_id=subject.pk, name=name,
        defaults={"language": language, "normalized": normalize_name(name)},
    )
    audit_record(actor=actor, action="alias.add", subject=subject, data={"name": name, "language": language}, actor_label=actor_label)
    return alias


@transaction.atomic
def claim_assert(
    *,
    actor: Any = None,
    actor_label: str | None = None,
    subject: Model,
    prop: str,
    value: str,
    source: Source,
    quote: str,
    stance: str = Evidence.Stance.SUPPORTS,
    location: str = "",
    start: int | None = None,
    end: int | None = None,
    status: str | None = None,
    marking: str | None = None,
) -> Claim:
    """Record that `source` says (or denies, with stance="refutes") that subject.prop = value.

    The claim is found or created by its deterministic key; the quote is added as evidence.
    A quote must be verbatim and non-empty: there is no evidence without one.
    """
    value = str(value).strip()
    quote = (quote or "").strip()
    if not prop or not value:
        raise ValidationError("A claim needs a property and a value.")
    if not quote:
        raise ValidationError("Evidence needs a verbatim quote from the source.")
    if "\x00" in quote or "\x00" in value:
        raise ValidationError("NUL characters are not allowed.")
    if stance not in Evidence.Stance.values:
        raise ValidationError(f"Unknown stance {stance!r}.")
    if status is not None:
        _check_choice(status, v.CLAIM_STATUSES, "claim status")
    if marking is not None:
        _check_choice(marking, v.MARKINGS, "marking")
    subject_type = subject_type_of(subject)
    key = claim_key(subject_type, subject.pk, prop, value)
    user = actor if getattr(actor, "is_authenticated", False) else None
    claim = Claim.objects.filter(key=key).first()
    created = claim is None
    if created:
        fields: dict[str, Any] = {"key": key, "subject_type": subject_type, "subject_id": subject.pk, "prop": prop,
                                  "value": value, "status": status or "alleged", "created_by": user}
        if marking is not None:
            fields["marking"] = marking
        claim = Claim.objects.create(**fields)
    evidence, new_evidence = Evidence.objects.get_or_create(
        claim=claim, source=source, quote=quote, stance=stance,
        defaults={"location": location, "start": start, "end": end, "created_by": user,
                  "marking": marking or claim.marking},
    )
    if created or new_evidence:
        audit_record(
            actor=actor, actor_label=actor_label,
            action="claim.create" if created else "claim.evidence_add",
            subject_type="claim", subject_id=claim.pk,
            data={"subject": f"{subject_type}:{subject.pk}", "prop": prop, "value": value,
                  "source": source.pk, "evidence": evidence.pk, "stance": stance},
        )
    if new_evidence and stance == Evidence.Stance.REFUTES and claim.status == "alleged":
        # Contested facts are first-class: a refuting source makes the claim disputed, never hidden.
        claim.status = "disputed"
        claim.save(update_fields=["status", "updated_at"])
    return claim


@transaction.atomic
def evidence_remove(*, actor: Any = None, actor_label: str | None = None, evidence: Evidence, reason: str) -> None:
    """Take one quote off its claim, with the reason in the audit row.

    A claim keeps at least one quote: a fact that no source supports any more is retracted with
    `claim_set_status`, not left without evidence.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Removing a quote needs a reason.")
    if not Evidence.objects.filter(claim_id=evidence.claim_id).exclude(pk=evidence.pk).exists():
        raise ConflictError("This is the claim's only quote; retract the claim instead.")
    audit_record(
        actor=actor, actor_label=actor_label, action="claim.evidence_remove", subject_type="claim",
        subject_id=evidence.claim_id,
        data={"evidence": evidence.pk, "source": evidence.source_id, "stance": evidence.stance, "reason": reason},
    )
    evidence.delete()


@transaction.atomic
def claim_set_status(*, actor: Any, claim: Claim, status: str, reason: str, actor_label: str | None = None) -> Claim:
    _check_choice(status, v.CLAIM_STATUSES, "claim status")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("A status change needs a reason.")
    old = claim.status
    claim.status = status
    claim.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, actor_label=actor_label, action="claim.status", subject_type="claim",
                 subject_id=claim.pk, data={"from": old, "to": status, "reason": reason})
    return claim


@transaction.atomic
def station_set_status(
    *, actor: Any, station: Station, status: str, reason: str, date: date | None = None,
    claim: Claim | None = None, actor_label: str | None = None,
) -> Station:
    _check_choice(status, v.STATION_STATUSES, "station status")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("A status change needs a reason.")
    old = station.status
    station.status = status
    station.save(update_fields=["status", "updated_at"])
    StationStatusChange.objects.create(
        station=station, status=status, date=date, reason=reason, claim=claim,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, actor_label=actor_label, action="station.status", subject=station,
                 data={"from": old, "to": status, "reason": reason, "claim": claim.pk if claim else None})
    return station


@transaction.atomic
def marking_set(*, actor: Any, obj: Model, marking: str, actor_label: str | None = None) -> Model:
    _check_choice(marking, v.MARKINGS, "marking")
    old = obj.marking  # type: ignore[attr-defined]
    obj.marking = marking  # type: ignore[attr-defined]
    obj.save(update_fields=["marking", "updated_at"])
    audit_record(actor=actor, actor_label=actor_label, action="marking.set", subject=obj,
                 subject_type="claim" if isinstance(obj, Claim) else "", data={"from": old, "to": marking})
    return obj


def country_get(iso2: str) -> Country:
    try:
        return Country.objects.get(iso2=(iso2 or "").upper())
    except Country.DoesNotExist as exc:
        raise ValidationError(f"Unknown country code {iso2!r}; expected ISO 3166-1 alpha-2.") from exc


@transaction.atomic
def place_get_or_create(
    *, actor: Any = None, actor_label: str | None = None, name_en: str, country: Country,
    name_zh: str = "", latitude: float | None = None, longitude: float | None = None,
) -> Place:
    """The place called `name_en` in `country`; created (with gazetteer coordinates when the offline
    geonames gazetteer knows it) if new."""
    name_en = name_en.strip()
    if not name_en:
        raise ValidationError("A place needs a name.")
    place = Place.objects.filter(name_en=name_en, country=country).first()
    if place is not None:
        return place
    geonameid = None
    if latitude is None or longitude is None:
        from .gazetteer import city_lookup

        hit = city_lookup(name_en, country.iso2)
        if hit is not None:
            latitude, longitude, geonameid = hit["latitude"], hit["longitude"], hit["geonameid"]
    if geonameid is not None and Place.objects.filter(geonameid=geonameid).exists():
        geonameid = None
    place = Place.objects.create(name_en=name_en, name_zh=name_zh, country=country,
                                 latitude=latitude, longitude=longitude, geonameid=geonameid)
    audit_record(actor=actor, actor_label=actor_label, action="place.create", subject=place,
                 data={"name_en": name_en, "country": country.iso2})
    return place


# --- edits from the analyst workspace --------------------------------------------------------

# Fields an edit never touches: identity, provenance, and what has its own audited service
# (status: claim_set_status / station_set_status; marking: marking_set).
_NOT_EDITABLE = frozenset({"id", "pk", "key", "status", "marking", "created_at", "updated_at",
                           "sha256", "captured_at", "from_report", "created_by"})


def _city_to_place(model: type[Model], fields: dict[str, Any], *, actor: Any, actor_label: str | None) -> None:
    """Replace a free-text `city` by the matching Place in the record's country ("" clears it)."""
    city = (fields.pop("city") or "").strip()
    if not city:
        fields["place"] = None
        return
    country = fields.get("host_country" if model is Incident else "country")
    if country is None:
        raise ValidationError("A city needs a country.")
    fields["place"] = place_get_or_create(actor=actor, actor_label=actor_label, name_en=city, country=country)


def _audit_value(val: Any) -> Any:
    if isinstance(val, Model):
        return val.pk
    if isinstance(val, date):
        return val.isoformat()
    return val


def _update(obj: Any, *, actor: Any, actor_label: str | None, audit_action: str, **fields: Any) -> Any:
    """Apply `fields` to `obj`, validate, save, and audit what changed (old and new values)."""
    from django.core.exceptions import FieldDoesNotExist
    from django.core.exceptions import ValidationError as DjangoValidationError

    forbidden = set(fields) & _NOT_EDITABLE
    if forbidden:
        raise ValidationError(f"These fields change through their own action: {', '.join(sorted(forbidden))}")
    if "city" in fields:
        country_field = "host_country" if isinstance(obj, Incident) else "country"
        city_fields = {"city": fields.pop("city"), country_field: fields.get(country_field, getattr(obj, country_field))}
        _city_to_place(type(obj), city_fields, actor=actor, actor_label=actor_label)
        fields["place"] = city_fields["place"]
    stations = fields.pop("stations", None)
    changes: dict[str, list[Any]] = {}
    for name, new in fields.items():
        try:
            obj._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise ValidationError(f"Unknown field {name!r}") from exc
        old = getattr(obj, name)
        if old != new:
            changes[name] = [_audit_value(old), _audit_value(new)]
            setattr(obj, name, new)
    if stations is not None:
        old_ids = sorted(obj.stations.values_list("pk", flat=True))
        new_ids = sorted(st.pk for st in stations)
        if old_ids != new_ids:
            changes["stations"] = [old_ids, new_ids]
    if not changes:
        return obj
    try:
        obj.full_clean(exclude=["stations"])
    except DjangoValidationError as exc:
        raise ValidationError(" ".join(exc.messages)) from exc
    obj.save()
    if "stations" in changes:
        obj.stations.set(stations)
    audit_record(actor=actor, actor_label=actor_label, action=audit_action, subject=obj, data={"changes": changes})
    return obj


@transaction.atomic
def organization_update(*, actor: Any, organization: Organization, actor_label: str | None = None, **fields: Any) -> Organization:
    """Edit an organisation; a changed name keeps the old one as an alias (search still finds it)."""
    if "kind" in fields:
        _check_choice(fields["kind"], v.ORGANIZATION_KINDS, "organization kind")
    org = _update(organization, actor=actor, actor_label=actor_label, audit_action="organization.update", **fields)
    _aliases_add(org, "organization", [(org.name_en, "en"), (org.name_zh, "zh")])
    return org


@transaction.atomic
def station_update(*, actor: Any, station: Station, actor_label: str | None = None, **fields: Any) -> Station:
    """Edit a station's descriptive fields (its status changes only through station_set_status)."""
    station = _update(station, actor=actor, actor_label=actor_label, audit_action="station.update", **fields)
    _aliases_add(station, "station", [(station.name_en, "en"), (station.name_zh, "zh")])
    return station


@transaction.atomic
def response_update(*, actor: Any, response: GovernmentResponse, actor_label: str | None = None, **fields: Any) -> GovernmentResponse:
    if "action" in fields:
        _check_choice(fields["action"], v.RESPONSE_ACTIONS, "response action")
    return _update(response, actor=actor, actor_label=actor_label, audit_action="response.update", **fields)


@transaction.atomic
def incident_update(*, actor: Any, incident: Incident, actor_label: str | None = None, **fields: Any) -> Incident:
    if "tactic" in fields:
        _check_choice(fields["tactic"], v.INCIDENT_TACTICS, "incident tactic")
    return _update(incident, actor=actor, actor_label=actor_label, audit_action="incident.update", **fields)


@transaction.atomic
def source_update(*, actor: Any, source: Source, actor_label: str | None = None, **fields: Any) -> Source:
    """Edit a source's bibliographic fields (its captured content and hash never change)."""
    if "text" in fields:
        raise ValidationError("The captured text of a source cannot be edited.")
    return _update(source, actor=actor, actor_label=actor_label, audit_action="source.update", **fields)


@transaction.atomic
def figure_update(*, actor: Any, figure: Figure, actor_label: str | None = None, **fields: Any) -> Figure:
    if "kind" in fields:
        _check_choice(fields["kind"], v.FIGURE_KINDS, "figure kind")
    return _update(figure, actor=actor, actor_label=actor_label, audit_action="figure.update", **fields)
