"""The search form's parameters (query string) as a query, filters and a page; bad values raise
QueryError with a message for the searcher (never a 500)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext

from tnrwatch.registry import vocabulary as v

from .selectors import GROUPS, MAX_PAGE, SearchFilters
from .text import MAX_QUERY_LENGTH, QueryError, clean

MAX_PARAM = 100


def _value(params: Any, name: str, limit: int = MAX_PARAM) -> str:
    raw = params.get(name, "") or ""
    if len(raw) > limit:
        raise QueryError(gettext("The parameter “%(name)s” is too long (at most %(limit)s characters).") % {"name": name, "limit": limit})
    return clean(raw).strip()


def _date(params: Any, name: str) -> date | None:
    raw = _value(params, name, 10)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise QueryError(gettext("“%(name)s” must be a date written YYYY-MM-DD.") % {"name": name}) from exc


def _query(params: Any) -> str:
    query = params.get("q", "") or ""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(gettext("This search is too long: at most %(limit)s characters (it has %(length)s).")
                         % {"limit": MAX_QUERY_LENGTH, "length": len(query)})
    if clean(query.replace("\t", " ").replace("\n", " ").replace("\r", " ")) != query.replace("\t", " ").replace("\n", " ").replace("\r", " "):
        raise QueryError(gettext("The search contains control characters (such as NUL); type it again without them."))
    return query


def _staff_filters(params: Any) -> tuple[str, str]:
    """(marking, review state): the workspace-only filters."""
    marking = _value(params, "marking", 16)
    if marking and marking not in v.MARKINGS:
        raise QueryError(gettext("Unknown marking."))
    status = _value(params, "status", 16)
    if status and status not in v.CLAIM_STATUSES:
        raise QueryError(gettext("Unknown review state."))
    return marking, status


def parse(params: Any, *, staff: bool) -> tuple[str, SearchFilters, int]:
    """(query, filters, page) from a QueryDict; workspace-only filters are read only for staff."""
    query = _query(params)
    group = _value(params, "kind", 16)
    if group and group not in GROUPS:
        raise QueryError(gettext("“kind” must be entity, claim or source."))
    country = _value(params, "country", 2).upper()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise QueryError(gettext("“country” must be a two-letter ISO 3166 code."))
    language = _value(params, "language", 16).lower()
    if language and not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in language):
        raise QueryError(gettext("“language” must be a language code such as en, zh or de."))
    marking, status = _staff_filters(params) if staff else ("", "")
    date_from, date_to = _date(params, "from"), _date(params, "to")
    if date_from and date_to and date_from > date_to:
        raise QueryError(gettext("The start date is after the end date."))
    raw_page = _value(params, "page", 9) or "1"
    if not raw_page.isdigit() or not 1 <= int(raw_page) <= MAX_PAGE:
        raise QueryError(gettext("The page must be a whole number from 1 to %(max)s.") % {"max": MAX_PAGE})
    filters = SearchFilters(group=group, country=country, language=language, date_from=date_from, date_to=date_to,
                            publisher=_value(params, "publisher"), marking=marking, status=status)
    return query, filters, int(raw_page)
