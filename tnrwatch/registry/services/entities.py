"""Creating the record's entities: sources, organisations, stations, responses, incidents, figures,
places, and their aliases (names search finds them by).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ValidationError
from tnrwatch.gazetteer.names import normalize_name
from tnrwatch.search import services as search_index

from .. import vocabulary as v
from ..models import (
    Alias,
    Campaign,
    Country,
    Figure,
    GovernmentResponse,
    Incident,
    Organization,
    Place,
    Source,
    Station,
    StationStatusChange,
)
from .audit import _check_choice, subject_type_of


def _create(model: type[Model], *, actor: Any, actor_label: str | None, audit_action: str, **fields: Any) -> Any:
    if "marking" in fields and fields["marking"] is None:
        fields.pop("marking")
    if "city" in fields:
        _city_to_place(model, fields, actor=actor, actor_label=actor_label)
    if "marking" in fields:
        _check_choice(fields["marking"], v.MARKINGS, "marking")
    many = ("stations", "attributed_to")
    obj = model(**{k: val for k, val in fields.items() if k not in many})
    obj.full_clean(exclude=list(many))
    obj.save()
    for name in many:
        if fields.get(name):
            getattr(obj, name).set(fields[name])
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
    source = _create(Source, actor=actor, actor_label=actor_label, audit_action="source.create", **fields)
    search_index.index_source(source=source)
    return source


@transaction.atomic
def organization_create(*, actor: Any = None, actor_label: str | None = None, aliases: list[tuple[str, str]] = (), **fields: Any) -> Organization:
    _check_choice(fields.get("kind", ""), v.ORGANIZATION_KINDS, "organization kind")
    org = _create(Organization, actor=actor, actor_label=actor_label, audit_action="organization.create", **fields)
    _aliases_add(org, "organization", [(org.name_en, "en"), (org.name_zh, "zh"), *aliases])
    search_index.index_entity(entity=org)
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
    search_index.index_entity(entity=station)
    return station


@transaction.atomic
def response_create(*, actor: Any = None, actor_label: str | None = None, **fields: Any) -> GovernmentResponse:
    _check_choice(fields.get("action", ""), v.RESPONSE_ACTIONS, "response action")
    response = _create(GovernmentResponse, actor=actor, actor_label=actor_label, audit_action="response.create", **fields)
    search_index.index_entity(entity=response)
    return response


@transaction.atomic
def incident_create(*, actor: Any = None, actor_label: str | None = None, **fields: Any) -> Incident:
    _check_choice(fields.get("tactic", ""), v.INCIDENT_TACTICS, "incident tactic")
    return _create(Incident, actor=actor, actor_label=actor_label, audit_action="incident.create", **fields)


@transaction.atomic
def campaign_create(*, actor: Any = None, actor_label: str | None = None, aliases: Sequence[tuple[str, str]] = (),
                    attributed_to: Sequence[Organization] = (), **fields: Any) -> Campaign:
    """A named campaign, with the organisations it is attributed to and the stations it uses
    (links shown only where both ends may be: the publication rule); one audit row."""
    if not str(fields.get("name_en", "")).strip():
        raise ValidationError(gettext("A campaign needs a name."))
    campaign = _create(Campaign, actor=actor, actor_label=actor_label, audit_action="campaign.create",
                       **fields, **({"attributed_to": list(attributed_to)} if attributed_to else {}))
    _aliases_add(campaign, "campaign", [(campaign.name_en, "en"), (campaign.name_zh, "zh"), *aliases])
    return campaign


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
        raise ValidationError(gettext("A name must have 1 to 300 characters."))
    alias, _created = Alias.objects.get_or_create(
        subject_type=subject_type, subject_id=subject.pk, name=name,
        defaults={"language": language, "normalized": normalize_name(name)},
    )
    audit_record(actor=actor, action="alias.add", subject=subject, data={"name": name, "language": language}, actor_label=actor_label)
    search_index.index_subject(subject_type=subject_type, subject_id=subject.pk)
    return alias


def country_get(iso2: str) -> Country:
    try:
        return Country.objects.get(iso2=(iso2 or "").upper())
    except Country.DoesNotExist as exc:
        raise ValidationError(gettext("Unknown country code %(iso2)r; expected ISO 3166-1 alpha-2.") % {"iso2": iso2}) from exc


@transaction.atomic
def place_get_or_create(
    *, actor: Any = None, actor_label: str | None = None, name_en: str, country: Country,
    name_zh: str = "", latitude: float | None = None, longitude: float | None = None,
) -> Place:
    """The place called `name_en` in `country`; created (with gazetteer coordinates when the offline
    geonames gazetteer knows it) if new."""
    name_en = name_en.strip()
    if not name_en:
        raise ValidationError(gettext("A place needs a name."))
    place = Place.objects.filter(name_en=name_en, country=country).first()
    if place is not None:
        return place
    geonameid = None
    if latitude is None or longitude is None:
        from tnrwatch.gazetteer.cities import city_lookup

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


def _city_to_place(model: type[Model], fields: dict[str, Any], *, actor: Any, actor_label: str | None) -> None:
    """Replace a free-text `city` by the matching Place in the record's country ("" clears it)."""
    city = (fields.pop("city") or "").strip()
    if not city:
        fields["place"] = None
        return
    country = fields.get("host_country" if model is Incident else "country")
    if country is None:
        raise ValidationError(gettext("A city needs a country."))
    fields["place"] = place_get_or_create(actor=actor, actor_label=actor_label, name_en=city, country=country)
