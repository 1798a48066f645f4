"""Small display helpers for the atlas templates."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from django import template
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from tnrwatch.registry import vocabulary as v

if TYPE_CHECKING:
    from tnrwatch.registry.models import Country

register = template.Library()


@register.filter
def precise_date(obj, field: str = "date") -> str:  # noqa: ANN001 - a record with date + date_precision
    """A record's date at the precision it is known (2022-11, 2018), ISO style in every language."""
    value = getattr(obj, field, None)
    if value is None:
        return ""
    precision = getattr(obj, "date_precision", "day")
    if precision == "year":
        return f"{value:%Y}"
    if precision == "month":
        return f"{value:%Y-%m}"
    return value.isoformat()


@register.filter
def station_status(slug: str) -> str:
    """The label of a station status slug (for `public_status`, the status the public may see)."""
    from tnrwatch.registry.models import Station

    return str(dict(Station._meta.get_field("status").flatchoices).get(slug, slug))


@register.filter
def country_name(country, language: str) -> str:  # noqa: ANN001 - a Country
    return country.name_for(language) if country is not None else ""


@register.filter
def web_url(value: str) -> bool:
    """True for a plain http(s) address, the only kind we turn into a link."""
    return isinstance(value, str) and value.lower().startswith(("https://", "http://"))


@register.filter
def grouped(value) -> str:  # noqa: ANN001 - an int
    """230000 -> 230,000 in every language (the comma grouping is usual in Chinese too)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


# --- claims in words ----------------------------------------------------------------------------


# Properties with a display name; any other property is shown with its underscores as spaces.
PROP_LABELS = {
    "action": pgettext_lazy("claim property", "Action"),
    "status": pgettext_lazy("claim property", "Status"),
    "kind": pgettext_lazy("claim property", "Kind"),
    "tactic": pgettext_lazy("claim property", "Tactic"),
    "target_category": pgettext_lazy("claim property", "Target"),
    "country": pgettext_lazy("claim property", "Country"),
    "host_country": pgettext_lazy("claim property", "Host country"),
    "origin_country": pgettext_lazy("claim property", "Origin state"),
    "place": pgettext_lazy("claim property", "City"),
    "city": pgettext_lazy("claim property", "City"),
    "value": pgettext_lazy("claim property", "Value"),
    "operator": pgettext_lazy("claim property", "Operator"),
    "body": pgettext_lazy("claim property", "Body"),
    "first_reported": pgettext_lazy("claim property", "First reported"),
    "purpose": pgettext_lazy("claim property", "Purpose"),
    "period": pgettext_lazy("claim property", "Period"),
}
VALUE_VOCABULARIES = {
    "action": v.RESPONSE_ACTIONS, "status": {**v.CLAIM_STATUSES, **v.STATION_STATUSES},
    "kind": {**v.ORGANIZATION_KINDS, **v.FIGURE_KINDS}, "tactic": v.INCIDENT_TACTICS,
    "target_category": v.TARGET_CATEGORIES,
}
COUNTRY_PROPS = {"country", "host_country", "origin_country"}


@lru_cache(maxsize=1)
def _country_names() -> dict[str, Country]:
    from tnrwatch.registry.models import Country

    return {c.iso2: c for c in Country.objects.all()}


@register.filter
def prop_label(prop: str) -> str:
    """"target_category" -> "Target", in the current language; a property without a display name
    reads with its underscores as spaces ("operated_stations" -> "Operated stations")."""
    return str(PROP_LABELS.get(prop) or prop.replace("_", " ").capitalize())


@register.filter
def claim_value(claim) -> str:  # noqa: ANN001 - a Claim
    """A claim's value in words: a vocabulary slug as its label ("closure_ordered" -> "Closure
    ordered"), a country code as the country's name, in the current language; any other value as is."""
    prop, value = claim.prop, claim.value
    vocabulary = VALUE_VOCABULARIES.get(prop)
    if vocabulary and value in vocabulary:
        return _(vocabulary[value])
    if prop in COUNTRY_PROPS and len(value) == 2 and value.isalpha():
        country = _country_names().get(value.upper())
        if country is not None:
            return country.name_for(get_language() or "en")
    return value


@register.filter
def subject_label(subject_type: str) -> str:
    """"organization" -> "Organisation" (the registry's label of the kind, translated)."""
    from tnrwatch.registry.subjects import label_of

    return label_of(subject_type)


@register.filter
def claim_text(claim) -> str:  # noqa: ANN001 - a Claim
    """"Action: Closure ordered" rather than "action: closure_ordered", in the current language."""
    return _("%(prop)s: %(value)s") % {"prop": prop_label(claim.prop), "value": claim_value(claim)}


# The list pages' exports: the API endpoint of the same list with the page's filters and the rows
# of the page on screen (limit and offset), and the streamed CSV (and GeoJSON where records have a
# place) of every record under the same filters.
_LIST_ENDPOINTS = {"stations": "station_list", "incidents": "incident_list", "sources": "source_list",
                   "responses": "response_list", "claims": "claim_list"}
_GEOJSON_KINDS = {"stations", "incidents", "responses"}


@register.inclusion_tag("atlas/_exports.html")
def export_links(kind: str, filters: str = "", page=None, extra: str = "") -> dict:  # noqa: ANN001 - a Page
    from urllib.parse import parse_qsl, urlencode

    from django.urls import reverse

    params = dict(parse_qsl(filters or ""))
    params.update(dict(parse_qsl(extra or "")))
    every = "?" + urlencode(params) if params else ""
    paged = dict(params)
    if page is not None and getattr(page, "paginator", None) is not None:
        paged["limit"] = str(page.paginator.per_page)
        paged["offset"] = str((page.number - 1) * page.paginator.per_page)
    return {
        "json_url": reverse(f"api-1:{_LIST_ENDPOINTS[kind]}") + "?" + urlencode(paged),
        "csv_url": reverse("api-1:export_csv", kwargs={"kind": kind}) + every,
        "geojson_url": reverse("api-1:export_geojson_kind", kwargs={"kind": kind}) + every
        if kind in _GEOJSON_KINDS else "",
        "filtered": bool(params),
    }
