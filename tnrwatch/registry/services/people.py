"""People (public actors only), street addresses, and the right of reply.

A Person is created TLP:AMBER and never CLEAR by a create or an edit: it becomes public only
through the publication of a claim that names it, under the naming standard
(`sharing/outbound/people.py`, `docs/people.md`). Each function is atomic and writes one audit row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ConflictError, ValidationError
from tnrwatch.search import services as search_index

from .. import vocabulary as v
from ..models import Address, Claim, Country, Organization, Person, Reply, Source, Station, Tie
from .audit import _check_choice, subject_type_of
from .entities import _aliases_add, _jsonable, place_get_or_create

PERSON_FIELDS = ("name_en", "name_zh", "public_basis", "position", "country", "birth_date",
                 "birth_date_precision", "description")
PUBLIC = "clear"


class PersonNotPublicActorError(ValidationError):
    """Only public actors (officials, organisation leaders, people named in court records) may be recorded."""


def _text(value: str | None, what: str, *, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(gettext("%(what)s is required.") % {"what": what})
    if "\x00" in value:
        raise ValidationError(gettext("%(what)s: NUL characters are not allowed.") % {"what": what})
    if len(value) > limit:
        raise ValidationError(gettext("%(what)s must be at most %(limit)s characters.") % {"what": what, "limit": limit})
    return value


def _marking_not_public(marking: str | None, default: str) -> str:
    marking = marking or default
    _check_choice(marking, v.MARKINGS, "marking")
    if marking == PUBLIC:
        raise ValidationError(gettext("A person, or a tie to one, becomes public only by publishing a claim that "
                                      "meets the naming standard, never when it is created."))
    return marking


def _person_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError(gettext("Unknown person field(s): %(names)s.") % {"names": ', '.join(sorted(unknown))})
    out = dict(fields)
    for name, limit in (("name_en", 300), ("name_zh", 300), ("position", 500), ("description", 20000)):
        if name in out:
            out[name] = _text(out[name], name.replace("_", " "), limit=limit, required=name == "name_en")
    if "public_basis" in out and out["public_basis"] not in v.PUBLIC_ACTOR_BASES:
        raise PersonNotPublicActorError(
            gettext("Only public actors may be recorded: say why this person is one (%(bases)s). Reporters, victims "
                    "and relatives are never recorded as persons.") % {"bases": ", ".join(v.PUBLIC_ACTOR_BASES)})
    if "birth_date_precision" in out:
        _check_choice(out["birth_date_precision"], v.DATE_PRECISIONS, "date precision")
    if out.get("country") is not None and not isinstance(out["country"], Country):
        raise ValidationError(gettext("A person's country must be a Country."))
    return out


@transaction.atomic
def person_create(
    *, actor: Any = None, actor_label: str | None = None, name_en: str, public_basis: str,
    aliases: list[tuple[str, str]] | tuple[()] = (), marking: str | None = None, **fields: Any,
) -> Person:
    """Record a public actor, AMBER unless a stricter marking is given (never CLEAR)."""
    values = _person_fields({"name_en": name_en, "public_basis": public_basis, **fields})
    person = Person(marking=_marking_not_public(marking, "amber"), **values)
    person.full_clean()
    person.save()
    _aliases_add(person, "person", [(person.name_en, "en"), (person.name_zh, "zh"), *aliases])
    audit_record(actor=actor, actor_label=actor_label, action="person.create", subject=person,
                 data={"fields": _jsonable(values), "marking": person.marking})
    search_index.index_entity(entity=person)
    return person


@transaction.atomic
def person_update(*, actor: Any, person: Person, actor_label: str | None = None, **fields: Any) -> Person:
    """Change a person's descriptive fields; the audit row holds old and new values. The marking is
    not an edit (`marking_set`, publication)."""
    values = _person_fields(fields)
    person = Person.objects.select_for_update().get(pk=person.pk)
    changes = {}
    for name, new in values.items():
        old = getattr(person, name)
        if old != new:
            changes[name] = {"from": _jsonable({"v": old})["v"], "to": _jsonable({"v": new})["v"]}
            setattr(person, name, new)
    if not changes:
        return person
    person.full_clean()
    person.save()
    _aliases_add(person, "person", [(person.name_en, "en"), (person.name_zh, "zh")])
    audit_record(actor=actor, actor_label=actor_label, action="person.update", subject=person,
                 data={"changes": changes})
    search_index.index_entity(entity=person)
    return person


def _coordinate(value: Any, low: float, high: float, what: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(gettext("The %(what)s must be a number.") % {"what": what}) from exc
    if not low <= number <= high:
        raise ValidationError(gettext("The %(what)s must lie between %(low)g and %(high)g.") % {"what": what, "low": low, "high": high})
    return number


@transaction.atomic
def address_create(
    *, actor: Any = None, actor_label: str | None = None, full: str, country: Country, street: str = "",
    postcode: str = "", city: str = "", latitude: Any = None, longitude: Any = None, marking: str | None = None,
) -> Address:
    """Record a street address. Without coordinates it takes its city's from the offline gazetteer
    (`geo_precision` "city"). The same address text in the same country is refused (ConflictError)."""
    if not isinstance(country, Country):
        raise ValidationError(gettext("An address needs a country."))
    full = _text(full, "The address", limit=1000, required=True)
    city = _text(city, "The city", limit=200)
    lat = _coordinate(latitude, -90, 90, "latitude")
    lon = _coordinate(longitude, -180, 180, "longitude")
    if (lat is None) != (lon is None):
        raise ValidationError(gettext("Give both latitude and longitude, or neither."))
    if marking is not None:
        _check_choice(marking, v.MARKINGS, "marking")
    existing = Address.objects.filter(country=country, full=full).first()
    if existing is not None:
        raise ConflictError(gettext("This address is already recorded (address #%(pk)s).") % {"pk": existing.pk})
    place = place_get_or_create(actor=actor, actor_label=actor_label, name_en=city, country=country) if city else None
    precision = "street" if lat is not None else ""
    if lat is None and place is not None and place.latitude is not None:
        lat, lon, precision = place.latitude, place.longitude, "city"
    address = Address(full=full, street=_text(street, "The street", limit=500),
                      postcode=_text(postcode, "The postcode", limit=32), city=city, country=country,
                      place=place, latitude=lat, longitude=lon, geo_precision=precision)
    if marking is not None:
        address.marking = marking
    address.full_clean()
    address.save()
    audit_record(actor=actor, actor_label=actor_label, action="address.create", subject=address,
                 data={"full": full, "country": country.iso2, "city": city, "geo_precision": precision})
    search_index.index_entity(entity=address)
    return address


def _reply_subject_ok(subject: Model, claim: Claim | None) -> None:
    if not isinstance(subject, Person | Organization | Station):
        raise ValidationError(gettext("A reply comes from a person, an organisation or a station."))
    if claim is None:
        return
    subject_type = subject_type_of(subject)
    if claim.subject_type == subject_type and claim.subject_id == subject.pk:
        return
    if claim.subject_type == "tie":
        tie = Tie.objects.filter(pk=claim.subject_id).first()
        if tie is not None and (subject_type, subject.pk) in ((tie.from_type, tie.from_id), (tie.to_type, tie.to_id)):
            return
    raise ValidationError(gettext("A reply answers a claim about its author (or about a tie to them)."))


@transaction.atomic
def right_of_reply_record(
    *, actor: Any, subject: Model, text: str = "", requested_on: date | None = None,
    received_on: date | None = None, source: Source | None = None, claim: Claim | None = None,
    marking: str | None = None, actor_label: str | None = None,
) -> Reply:
    """Record a person's or organisation's response to the claims on their record (or, with an
    empty text and the date they were asked, that they did not answer)."""
    _reply_subject_ok(subject, claim)
    text = _text(text, "The response", limit=20000)
    if not text and requested_on is None:
        raise ValidationError(gettext("Give their response, or the date they were asked when they did not answer."))
    if text and received_on is None and source is None:
        raise ValidationError(gettext("Say when the response was received, or give the document it came in."))
    if requested_on and received_on and received_on < requested_on:
        raise ValidationError(gettext("The response cannot be received before it was asked for."))
    if source is not None and not isinstance(source, Source):
        raise ValidationError(gettext("The reply's document must be a Source."))
    if marking is not None:
        _check_choice(marking, v.MARKINGS, "marking")
    reply = Reply(subject_type=subject_type_of(subject), subject_id=subject.pk, claim=claim, text=text,
                  requested_on=requested_on, received_on=received_on, source=source,
                  created_by=actor if getattr(actor, "is_authenticated", False) else None)
    if marking is not None:
        reply.marking = marking
    reply.full_clean()
    reply.save()
    audit_record(actor=actor, actor_label=actor_label, action="reply.record", subject_type=reply.subject_type,
                 subject_id=reply.subject_id,
                 data={"reply": reply.pk, "claim": claim.pk if claim else None, "answered": bool(text),
                       "source": source.pk if source else None})
    return reply


ADDRESS_FIELDS = ("full", "street", "postcode", "city", "country", "latitude", "longitude")


@transaction.atomic
def address_update(*, actor: Any, address: Address, actor_label: str | None = None, **fields: Any) -> Address:
    """Change an address's fields (a new city takes the gazetteer's coordinates unless coordinates
    are given); the audit row holds old and new values."""
    unknown = set(fields) - set(ADDRESS_FIELDS)
    if unknown:
        raise ValidationError(gettext("Unknown address field(s): %(names)s.") % {"names": ', '.join(sorted(unknown))})
    address = Address.objects.select_for_update().get(pk=address.pk)
    before = {name: getattr(address, name) for name in ADDRESS_FIELDS}
    values = {**before, **fields}
    if not isinstance(values["country"], Country):
        raise ValidationError(gettext("An address needs a country."))
    address.full = _text(values["full"], "The address", limit=1000, required=True)
    address.street = _text(values["street"], "The street", limit=500)
    address.postcode = _text(values["postcode"], "The postcode", limit=32)
    address.city = _text(values["city"], "The city", limit=200)
    address.country = values["country"]
    lat = _coordinate(values["latitude"], -90, 90, "latitude")
    lon = _coordinate(values["longitude"], -180, 180, "longitude")
    if (lat is None) != (lon is None):
        raise ValidationError(gettext("Give both latitude and longitude, or neither."))
    if Address.objects.filter(country=address.country, full=address.full).exclude(pk=address.pk).exists():
        raise ConflictError(gettext("This address is already recorded."))
    moved = bool({"city", "country"} & set(fields))
    if moved:
        address.place = (place_get_or_create(actor=actor, actor_label=actor_label, name_en=address.city,
                                             country=address.country) if address.city else None)
    if lat is not None and (address.geo_precision == "street" or {"latitude", "longitude"} & set(fields)):
        address.latitude, address.longitude, address.geo_precision = lat, lon, "street"
    elif moved or lat is None:
        # The building's own position is unknown: the city's centre from the gazetteer, if any.
        place = address.place
        if place is not None and place.latitude is not None:
            address.latitude, address.longitude, address.geo_precision = place.latitude, place.longitude, "city"
        else:
            address.latitude, address.longitude, address.geo_precision = None, None, ""
    changes = {name: {"from": _jsonable({"v": old})["v"], "to": _jsonable({"v": getattr(address, name)})["v"]}
               for name, old in before.items() if old != getattr(address, name)}
    if not changes:
        return address
    address.full_clean()
    address.save()
    audit_record(actor=actor, actor_label=actor_label, action="address.update", subject=address, data={"changes": changes})
    return address
