"""Small display helpers for the atlas templates."""

from __future__ import annotations

from django import template

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
