"""Accepting a person or an address the extractor proposed (issue 17): the pure checks apart
from the writes, which go through the registry's services (each with its audit row).

A person candidate becomes a Person (TLP:AMBER whatever the instance's default, public actors
only: its `basis` must be one of the registry's PUBLIC_ACTOR_BASES), a claim about their role
with the quote as evidence (AMBER too), and, when the text names the organisation they act for,
a tie to it: employment for an official or spokesperson, directorship for a leader; a defendant
gets no tie. The extractor proposes only people named with a public role (extraction/people.py
says how and where that fails); the reviewer is the one who decides that someone is a public
actor, and the naming standard (sharing/outbound/people.py) decides whether they are ever shown.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from tnrwatch.core.errors import ValidationError
from tnrwatch.registry import services as registry
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.models import Address, Alias, Organization, Person

from .matching import name_keys, organization_by_name
from .models import Candidate

PERSON_MARKING = "amber"
TIE_FOR_BASIS = {"official": "employment", "organization_leader": "directorship"}
ORG_KIND_FOR_BASIS = {"official": "government_body", "organization_leader": "host_organization"}


def check_person_fields(f: dict[str, Any]) -> None:
    """A person needs a name and a public basis the registry knows. Raises ValidationError."""
    if not f.get("name"):
        raise ValidationError(gettext("A person needs: name."))
    if f.get("basis") not in v.PUBLIC_ACTOR_BASES:
        raise ValidationError("A person is recorded only as a public actor: basis must be one of "
                              + ", ".join(v.PUBLIC_ACTOR_BASES) + ".")


def check_address_fields(f: dict[str, Any]) -> None:
    missing = [name for name in ("address", "country") if not f.get(name)]
    if missing:
        raise ValidationError(gettext("An address needs: %(names)s.") % {"names": ', '.join(missing)})


def person_by_name(name: str) -> Person | None:
    """The recorded person of that name (across scripts and spellings), or None."""
    keys = name_keys(name)
    if not keys:
        return None
    ids = Alias.objects.filter(subject_type="person", normalized__in=keys).values_list("subject_id", flat=True)
    return Person.objects.filter(pk__in=list(ids[:20])).order_by("pk").first()


def person_subject(actor: Any, candidate: Candidate, f: dict[str, Any], matched: Person | None) -> tuple[Person, str, str]:
    check_person_fields(f)
    person = matched or person_by_name(f["name"])
    if person is None:
        han = any("\u4e00" <= ch <= "\u9fff" for ch in f["name"])  # a Chinese name is its own Latin form too
        person = registry.person_create(actor=actor, name_en=f["name"], name_zh=f["name"] if han else "",
                                        public_basis=f["basis"], position=f.get("role") or "",
                                        marking=PERSON_MARKING)
    return person, "role", f.get("role") or v.PUBLIC_ACTOR_BASES[f["basis"]]


def person_tie(actor: Any, candidate: Candidate, person: Person, f: dict[str, Any]) -> None:
    """The tie to the organisation the text names for the person, when there is one to make."""
    kind = TIE_FOR_BASIS.get(f["basis"])
    name = (f.get("organization") or "").strip()
    if kind is None or not name:
        return
    org = organization_by_name(name) or registry.organization_create(
        actor=actor, kind=ORG_KIND_FOR_BASIS[f["basis"]], name_en=name[:300],
        country=registry.country_get(f["country"]) if f.get("country") else None)
    if isinstance(org, Organization):
        registry.tie_create(actor=actor, kind=kind, from_end=person, to_end=org, source=candidate.source,
                            quote=candidate.quote, quote_start=candidate.start, quote_end=candidate.end,
                            role=(f.get("role") or "")[:300], location=f"characters {candidate.start}-{candidate.end}")


def address_subject(actor: Any, candidate: Candidate, f: dict[str, Any]) -> tuple[Address, str, str]:
    check_address_fields(f)
    country = registry.country_get(f["country"])
    address = Address.objects.filter(country=country, full=f["address"]).first() or registry.address_create(
        actor=actor, full=f["address"], country=country, city=f.get("city") or "")
    return address, "address", f["address"]
