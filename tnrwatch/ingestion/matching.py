"""Find the registry entity a candidate names, across scripts and transliterations.

Names are compared by `Alias.normalized` (`gazetteer.names.normalize_name`: simplified script,
case-folded, no accents or punctuation). Known English and pinyin forms of common operating
bureaus are added as search keys, so "Fuzhou police", "Fuzhou Public Security Bureau" and
福州市公安局 meet on one organisation.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Model

from tnrwatch.gazetteer.names import normalize_name
from tnrwatch.registry.models import Alias, Figure, GovernmentResponse, Organization, Station

# English/pinyin forms of the Chinese administrative suffixes in bureau names.
_BUREAU_SUFFIXES = re.compile(
    r"\s*(municipal|county|city|district|provincial)?\s*(public security bureau|police( department| bureau)?|psb|"
    r"gonganju|gong an ju)\s*$",
    re.I,
)
_ZH_SUFFIXES = re.compile(r"(市|县|區|区|省)?(公安局|警方)$")


def name_keys(name: str) -> set[str]:
    """Normalised search keys of a name: the name itself and its bare place stem for bureaus."""
    name = (name or "").strip()
    if not name:
        return set()
    keys = {normalize_name(name)}
    stem = _BUREAU_SUFFIXES.sub("", name).strip()
    if stem and stem != name:
        keys.add(normalize_name(stem))
    zh_stem = _ZH_SUFFIXES.sub("", normalize_name(name))
    if zh_stem and zh_stem != normalize_name(name):
        keys.add(zh_stem)
    keys.discard("")
    return keys


def organization_by_name(name: str) -> Organization | None:
    keys = name_keys(name)
    if not keys:
        return None
    ids = Alias.objects.filter(subject_type="organization", normalized__in=keys).values_list("subject_id", flat=True)
    org = Organization.objects.filter(pk__in=list(ids[:20])).order_by("pk").first()
    if org is not None:
        return org
    # Bureaus are often named by their place alone ("Fuzhou police"): compare stems both ways.
    for candidate in Organization.objects.filter(kind="operating_bureau").only("pk", "name_en", "name_zh")[:2000]:
        if keys & (name_keys(candidate.name_en) | name_keys(candidate.name_zh)):
            return candidate
    return None


def station_by_place(city: str, country: str) -> Station | None:
    if not city or not country:
        return None
    qs = Station.objects.filter(country__iso2=country.upper())
    station = qs.filter(place__name_en__iexact=city).order_by("pk").first()
    if station is not None:
        return station
    key = normalize_name(city)
    for candidate in qs.select_related("place").only("pk", "name_en", "place__name_en")[:2000]:
        if candidate.place and normalize_name(candidate.place.name_en) == key:
            return candidate
        if key and key in normalize_name(candidate.name_en):
            return candidate
    return None


def entity_match(kind: str, fields: dict[str, Any]) -> tuple[str, Model] | None:
    """(subject_type, entity) the candidate names, or None."""
    if kind == "operator" and fields.get("operator"):
        org = organization_by_name(str(fields["operator"]))
        return ("organization", org) if org else None
    if kind == "station":
        station = station_by_place(str(fields.get("city") or ""), str(fields.get("country") or ""))
        return ("station", station) if station else None
    if kind == "response" and fields.get("country") and fields.get("action"):
        response = (GovernmentResponse.objects.filter(country__iso2=str(fields["country"]).upper(),
                                                      action=fields["action"]).order_by("pk").first())
        return ("response", response) if response else None
    if kind == "person" and fields.get("name"):
        from .review_people import person_by_name

        person = person_by_name(str(fields["name"]))
        return ("person", person) if person else None
    if kind == "figure" and fields.get("value") is not None:
        try:
            value = int(float(fields["value"]))
        except (TypeError, ValueError):
            return None
        figure = Figure.objects.filter(value=value, kind=figure_kind(fields.get("what"))).order_by("pk").first()
        return ("figure", figure) if figure else None
    return None


def figure_kind(what: Any) -> str:
    from tnrwatch.registry.vocabulary import FIGURE_KINDS

    text = str(what or "").strip().lower()
    if text in FIGURE_KINDS:
        return text
    if "station" in text:
        return "stations"
    if "countr" in text:
        return "countries"
    if "continent" in text:
        return "continents"
    if "return" in text or "persuad" in text:
        return "persuaded_to_return"
    if "province" in text:
        return "provinces"
    return "other"
