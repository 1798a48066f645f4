"""Search pages: the public atlas search (`/search/`, rendered by `atlas.views.search` through
`page_context`), its CSV/JSON export and Atom feed, and the workspace search (`/workspace/search/`).

Thin: parse the parameters, call `selectors.search` with the searcher's scope (`PUBLIC`, or the
staff user), render. Bad input is a 400 page or response with the reason, never a 500.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from tnrwatch.accounts.access import ALL_STAFF, staff_view
from tnrwatch.atlas.exports import safe_cell
from tnrwatch.registry import vocabulary as v
from tnrwatch.sharing.outbound import PUBLIC

from . import params as search_params
from .selectors import PER_PAGE, SearchResults, search
from .text import MAX_QUERY_LENGTH, EmptyQueryError, QueryError

EXPORT_COLUMNS = ("kind", "id", "label", "url", "published", "language", "marking", "status", "detail", "passage")
FEED_ENTRIES = 50


def page_context(request: HttpRequest, who: Any) -> tuple[dict[str, Any], int]:
    """The context of a search page for `who` (an Audience or a staff user), and its HTTP status."""
    staff = who is not PUBLIC
    context: dict[str, Any] = {
        "query": request.GET.get("q", "")[:MAX_QUERY_LENGTH], "max_length": MAX_QUERY_LENGTH, "staff": staff,
        "error": "", "markings": list(v.MARKINGS.items()), "statuses": list(v.CLAIM_STATUSES.items()),
        "export_csv": reverse("search:workspace_export_csv" if staff else "atlas:search_export_csv"),
        "export_json": reverse("search:workspace_export_json" if staff else "atlas:search_export_json"),
    }
    try:
        query, filters, page = search_params.parse(request.GET, staff=staff)
        context["filter_values"] = filters
        if not query.strip():
            return context, 200
        results = search(query, who, filters, page)
    except EmptyQueryError as exc:
        context["notice"] = str(exc)
        return context, 200
    except QueryError as exc:
        context["error"] = str(exc)
        return context, 400
    base: dict[str, Any] = {"q": query, **filters.as_params()}
    context.update(results=results, params=urlencode(base), page=page,
                   previous=urlencode({**base, "page": page - 1}) if page > 1 else "",
                   next=urlencode({**base, "page": page + 1})
                   if any(g.has_next for g in results.groups.values()) else "",
                   export=urlencode({**base, "page": page}))
    return context, 200


def render_page(request: HttpRequest, who: Any, template: str) -> HttpResponse:
    """The search page for `who`; a query that cannot be searched is a 400 page with the reason."""
    context, status = page_context(request, who)
    if status == 400:
        return render(request, "core/error.html", {"status": 400, "title": "Bad request", "message": context["error"]},
                      status=400)
    return render(request, template, context)


def _results_or_400(request: HttpRequest, who: Any) -> SearchResults | HttpResponse:
    try:
        query, filters, page = search_params.parse(request.GET, staff=who is not PUBLIC)
        return search(query, who, filters, page)
    except QueryError as exc:
        return HttpResponse(str(exc) + "\n", status=400, content_type="text/plain; charset=utf-8")


def _rows(request: HttpRequest, results: SearchResults) -> list[dict[str, Any]]:
    return [{"kind": h.kind, "id": h.object_id, "label": h.label, "url": request.build_absolute_uri(h.url),
             "published": h.published.isoformat() if h.published else "", "language": h.language,
             "marking": h.marking, "status": h.status, "detail": h.detail, "passage": h.plain_passage}
            for h in results.hits()]


def _export(request: HttpRequest, who: Any, fmt: str) -> HttpResponse:
    """The hits on screen (same parameters, same page) as CSV or JSON."""
    results = _results_or_400(request, who)
    if isinstance(results, HttpResponse):
        return results
    rows = _rows(request, results)
    if fmt == "json":
        body = json.dumps({"query": results.query.raw, "filters": results.filters.as_params(), "page": results.page,
                           "per_page": PER_PAGE, "notices": results.notices, "results": rows},
                          cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([safe_cell(row[c]) for c in EXPORT_COLUMNS])
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="search.{fmt}"'
    return response


@login_not_required
@require_safe
def public_export(request: HttpRequest, fmt: str) -> HttpResponse:
    return _export(request, PUBLIC, fmt)


@staff_view(*ALL_STAFF)
@require_safe
def workspace_export(request: HttpRequest, fmt: str) -> HttpResponse:
    return _export(request, request.user, fmt)


@login_not_required
@require_safe
def public_feed(request: HttpRequest) -> HttpResponse:
    """An Atom feed of a saved search: the public sources matching it, most recently added first."""
    try:
        query, filters, _page = search_params.parse(request.GET, staff=False)
        filters = type(filters)(**{**filters.__dict__, "group": "source"})
        results = search(query, PUBLIC, filters, 1, per_page=FEED_ENTRIES, recent=True)
    except QueryError as exc:
        return HttpResponse(str(exc) + "\n", status=400, content_type="text/plain; charset=utf-8")
    link = request.build_absolute_uri(reverse("atlas:search") + "?" + urlencode({"q": query, **filters.as_params()}))
    feed = Atom1Feed(title=f"tnrwatch search: {results.query.raw}", link=link, feed_url=request.build_absolute_uri(),
                     description=f"Public sources matching “{results.query.raw}”", language="en")
    for hit in results.hits():
        feed.add_item(title=hit.label, link=request.build_absolute_uri(hit.url), description=hit.plain_passage,
                      unique_id=request.build_absolute_uri(hit.url),
                      pubdate=None if hit.published is None else _midnight(hit.published))
    return HttpResponse(feed.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")


def _midnight(day: Any) -> Any:
    from datetime import UTC, datetime, time

    return datetime.combine(day, time(0, 0), tzinfo=UTC)


@staff_view(*ALL_STAFF)
@require_safe
def workspace_search(request: HttpRequest) -> HttpResponse:
    return render_page(request, request.user, "search/workspace.html")
