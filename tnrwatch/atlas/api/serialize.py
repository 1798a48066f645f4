"""The public API's JSON: one page of a list (`{count, limit, offset, next, previous, results}`),
and each record's shape, from rows the selectors have already loaded (no lazy queries here).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tnrwatch.registry import vocabulary as v
from tnrwatch.sharing.outbound import incident_row_date, station_host, station_operator

from .. import api_selectors as sel
from .. import exports
from .. import schemas as s

# -- pagination -----------------------------------------------------------------------------------


def _page(request: HttpRequest, qs: Any, query: s.PageQuery, serialize) -> dict:
    count = len(qs) if isinstance(qs, list) else qs.count()
    items = list(qs[query.offset: query.offset + query.limit])
    return {
        "count": count,
        "limit": query.limit,
        "offset": query.offset,
        "next": _link(request, query.offset + query.limit) if query.offset + query.limit < count else None,
        "previous": _link(request, max(query.offset - query.limit, 0)) if query.offset > 0 else None,
        "results": [serialize(item) for item in items],
    }


def _link(request: HttpRequest, offset: int) -> str:
    params = request.GET.copy()
    params["offset"] = str(offset)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


# -- serialisation (from rows loaded by the selectors; no lazy queries here) -----------------------


def _country_ref(country) -> dict | None:
    return {"iso2": country.iso2, "name_en": country.name_en} if country is not None else None


def _place(place) -> dict | None:
    if place is None:
        return None
    return {"name_en": place.name_en, "name_zh": place.name_zh, "latitude": place.latitude, "longitude": place.longitude}


def _org_ref(org) -> dict | None:
    return {"id": org.pk, "kind": org.kind, "name_en": org.name_en, "name_zh": org.name_zh} if org is not None else None


def _station_ref(station) -> dict:
    return {"id": station.pk, "name_en": station.name_en, "name_zh": station.name_zh,
            "status": station.public_status, "country": station.country.iso2}


def _claim_ref(claim) -> dict:
    return {"id": claim.pk, "prop": claim.prop, "value": claim.value, "status": claim.status}


def _country(country, stats: dict) -> dict:
    st = stats.get(country.pk, {})
    return {
        "iso2": country.iso2, "iso3": country.iso3, "name_en": country.name_en,
        "name_zh_hans": country.name_zh_hans, "name_zh_hant": country.name_zh_hant,
        "continent": country.continent, "latitude": country.latitude, "longitude": country.longitude,
        "stations_count": st.get("stations", 0), "responses_count": st.get("responses", 0),
        "strongest_response": st.get("strongest_response"),
    }


def _station(station) -> dict:
    return {
        "id": station.pk, "name_en": station.name_en, "name_zh": station.name_zh, "status": station.public_status,
        "country": _country_ref(station.country), "place": _place(station.place),
        "operator": _org_ref(station_operator(station)),
        "host_organization": _org_ref(station_host(station)),
        "first_reported": station.first_reported, "description": station.description,
        "updated_at": station.updated_at,
    }


def _response(response) -> dict:
    return {
        "id": response.pk, "country": _country_ref(response.country), "action": response.action,
        "action_label": v.RESPONSE_ACTIONS.get(response.action, response.action),
        "body_kind": response.body_kind, "body": response.body, "date": response.date,
        "date_precision": response.date_precision, "place": _place(response.place), "summary": response.summary,
        "stations": [_station_ref(st) for st in response.stations.all()], "updated_at": response.updated_at,
    }


def _organization(org) -> dict:
    return {
        "id": org.pk, "kind": org.kind, "name_en": org.name_en, "name_zh": org.name_zh,
        "country": _country_ref(org.country), "region": org.region, "description": org.description,
        "updated_at": org.updated_at,
    }


def _incidents(rows: list) -> list[dict]:
    """Serialise de-identified incident rows (see outbound.incident_rows), links in two queries."""
    places, stations = sel.incident_links(rows)
    return [
        {
            "id": row.pk, "date": incident_row_date(row), "date_precision": exports.row_precision(row),
            "origin_country": _country_ref_iso(row.origin_country), "host_country": _country_ref_iso(row.host_country),
            "place": _place(places.get(row.place_id)) if row.place_id else None, "tactic": row.tactic,
            "target_category": row.target_category, "summary": row.summary,
            "stations": [_station_ref(stations[sid]) for sid in row.station_ids if sid in stations],
            "coarsened": row.coarsened,
        }
        for row in rows
    ]


def _country_ref_iso(iso2: str) -> dict:
    return {"iso2": iso2, "name_en": _country_names().get(iso2, iso2)}


def _country_names() -> dict[str, str]:
    global _COUNTRY_NAMES
    if _COUNTRY_NAMES is None:  # ISO 3166 reference data, loaded by a migration and never edited
        _COUNTRY_NAMES = dict(sel.Country.objects.values_list("iso2", "name_en"))
    return _COUNTRY_NAMES


_COUNTRY_NAMES: dict[str, str] | None = None


def _evidence(ev) -> dict:
    return {
        "id": ev.pk, "source_id": ev.source_id, "source_title": ev.source.title, "source_url": ev.source.url,
        "quote": ev.quote, "stance": ev.stance, "location": ev.location, "start": ev.start, "end": ev.end,
    }


def _claim(claim) -> dict:
    return {
        "id": claim.pk, "key": claim.key, "subject_type": claim.subject_type, "subject_id": claim.subject_id,
        "prop": claim.prop, "value": claim.value, "status": claim.status,
        "evidence": [_evidence(ev) for ev in claim.evidence.all()], "updated_at": claim.updated_at,
    }


def _source(source) -> dict:
    return {
        "id": source.pk, "kind": source.kind, "title": source.title, "publisher": source.publisher,
        "author": source.author, "url": source.url, "published": source.published, "language": source.language,
        "sha256": source.sha256, "captured_at": source.captured_at,
        "republish_allowed": source.republish_allowed, "reuse_terms": source.reuse_terms,
    }


DETAIL_CLAIMS = 200  # claims listed in a detail view; the rest through /claims?subject_type=...


def _claim_refs(subject_type: str, subject_id: int) -> list[dict]:
    return [_claim_ref(c) for c in sel.claims_about(subject_type=subject_type, subject_id=subject_id)[:DETAIL_CLAIMS]]
