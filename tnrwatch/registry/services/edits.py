"""Edits from the analyst workspace: descriptive fields (`*_update`), a station's status, markings.

An edit audits exactly what changed (old and new values). Status and marking are not fields an
edit may touch: they change only through `station_set_status`, `claim_set_status` and `marking_set`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ValidationError
from tnrwatch.search import services as search_index

from .. import vocabulary as v
from ..models import (
    Campaign,
    Claim,
    Figure,
    GovernmentResponse,
    Incident,
    Organization,
    Source,
    Station,
    StationStatusChange,
)
from .audit import _check_choice
from .entities import _aliases_add, _city_to_place


@transaction.atomic
def station_set_status(
    *, actor: Any, station: Station, status: str, reason: str, date: date | None = None,
    claim: Claim | None = None, actor_label: str | None = None,
) -> Station:
    _check_choice(status, v.STATION_STATUSES, "station status")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("A status change needs a reason."))
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


# Fields an edit never touches: identity, provenance, and what has its own audited service
# (status: claim_set_status / station_set_status; marking: marking_set).
_NOT_EDITABLE = frozenset({"id", "pk", "key", "status", "marking", "created_at", "updated_at",
                           "sha256", "captured_at", "from_report", "created_by",
                           "republish_allowed", "reuse_terms"})


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
        raise ValidationError(gettext("These fields change through their own action: %(names)s") % {"names": ', '.join(sorted(forbidden))})
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
            raise ValidationError(gettext("Unknown field %(name)r") % {"name": name}) from exc
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
    search_index.index_entity(entity=org)
    return org


@transaction.atomic
def station_update(*, actor: Any, station: Station, actor_label: str | None = None, **fields: Any) -> Station:
    """Edit a station's descriptive fields (its status changes only through station_set_status)."""
    station = _update(station, actor=actor, actor_label=actor_label, audit_action="station.update", **fields)
    _aliases_add(station, "station", [(station.name_en, "en"), (station.name_zh, "zh")])
    search_index.index_entity(entity=station)
    return station


@transaction.atomic
def response_update(*, actor: Any, response: GovernmentResponse, actor_label: str | None = None, **fields: Any) -> GovernmentResponse:
    if "action" in fields:
        _check_choice(fields["action"], v.RESPONSE_ACTIONS, "response action")
    response = _update(response, actor=actor, actor_label=actor_label, audit_action="response.update", **fields)
    search_index.index_entity(entity=response)
    return response


@transaction.atomic
def incident_update(*, actor: Any, incident: Incident, actor_label: str | None = None, **fields: Any) -> Incident:
    if "tactic" in fields:
        _check_choice(fields["tactic"], v.INCIDENT_TACTICS, "incident tactic")
    return _update(incident, actor=actor, actor_label=actor_label, audit_action="incident.update", **fields)


@transaction.atomic
def campaign_update(*, actor: Any, campaign: Campaign, actor_label: str | None = None, **fields: Any) -> Campaign:
    """Edit a campaign's descriptive fields (name, description, objective, first seen); audited."""
    return _update(campaign, actor=actor, actor_label=actor_label, audit_action="campaign.update", **fields)


@transaction.atomic
def source_update(*, actor: Any, source: Source, actor_label: str | None = None, **fields: Any) -> Source:
    """Edit a source's bibliographic fields (its captured content and hash never change)."""
    if "text" in fields:
        raise ValidationError(gettext("The captured text of a source cannot be edited."))
    source = _update(source, actor=actor, actor_label=actor_label, audit_action="source.update", **fields)
    search_index.index_source(source=source)
    return source


@transaction.atomic
def figure_update(*, actor: Any, figure: Figure, actor_label: str | None = None, **fields: Any) -> Figure:
    if "kind" in fields:
        _check_choice(fields["kind"], v.FIGURE_KINDS, "figure kind")
    return _update(figure, actor=actor, actor_label=actor_label, audit_action="figure.update", **fields)


REUSE_TERMS_MAX = 500


@transaction.atomic
def source_reuse_set(*, actor: Any, source: Source, republish_allowed: bool, reuse_terms: str,
                     actor_label: str | None = None) -> Source:
    """Record whether the public may read a source's captured text and download its copy, and why.

    Republishing needs its licence or reason (CC BY 4.0; an official notice; a court filing); the
    terms may be kept when republishing is switched off again. Old and new values are audited.
    """
    terms = (reuse_terms or "").strip()
    if "\x00" in terms or len(terms) > REUSE_TERMS_MAX:
        raise ValidationError(gettext("The licence or reason must be at most %(limit)s characters, without NUL.") % {"limit": REUSE_TERMS_MAX})
    if republish_allowed and not terms:
        raise ValidationError(gettext("Say under which licence, or for what reason, this source may be republished."))
    source = Source.objects.select_for_update().get(pk=source.pk)
    before = {"republish_allowed": source.republish_allowed, "reuse_terms": source.reuse_terms}
    after = {"republish_allowed": bool(republish_allowed), "reuse_terms": terms}
    if before == after:
        return source
    source.republish_allowed, source.reuse_terms = after["republish_allowed"], after["reuse_terms"]
    source.save(update_fields=["republish_allowed", "reuse_terms", "updated_at"])
    audit_record(actor=actor, actor_label=actor_label, action="source.reuse", subject=source,
                 data={name: [before[name], after[name]] for name in after if before[name] != after[name]})
    return source
