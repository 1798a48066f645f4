"""The network view's pages and exports, public (atlas) and staff (workspace). Thin: check the
parameters, ask `selectors.neighbourhood` for what this viewer may see, draw or export it.

Public pages go through `atlas.views.public_page` (no login, GET/HEAD, 400/404 pages); staff pages
through `accounts.access.staff_view`. Bad parameters answer 400 with the reason, never a 500.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tnrwatch.accounts.access import ALL_STAFF, staff_view
from tnrwatch.atlas.views import public_page
from tnrwatch.core.errors import ValidationError
from tnrwatch.sharing.outbound import PUBLIC

from . import filters as network_filters
from . import graphml, svg
from .graph import Neighbourhood, split_key
from .selectors import TIE_TYPES, Viewer, neighbourhood, tie_types, viewer_for

PUBLIC_KINDS = {"stations": "station", "organisations": "organization", "people": "person", "addresses": "address"}
FORMATS = ("graphml", "ftm", "stix")
TIED_KINDS = ("station", "organization", "person", "address")  # the kinds whose pages carry the view


def kind_labels() -> dict[str, str]:
    from tnrwatch.registry import subjects

    return {kind: str(subjects.subject(kind).label) for kind in ("station", "organization", "person", "address")}


def tie_labels() -> dict[str, str]:
    return {slug: str(label) for slug, label in TIE_TYPES.items()}


def svg_text(title: str) -> svg.SvgText:
    return svg.SvgText(
        title=title, tie_labels=tie_labels(), kind_labels=kind_labels(),
        contested=_("contested (disputed or refuted)"), supported=_("not contested"),
        more=_("+%(count)d more ties"), since=_("from %(date)s"), until=_("until %(date)s"),
        between=_("%(start)s to %(end)s"),
    )


def network_context(viewer: Viewer, kind: str, pk: int, filters: network_filters.NetworkFilters,
                    page_url: str) -> dict:
    """What `network/_network.html` shows: the drawing, the table of the same ties, the filters."""
    hood = neighbourhood(viewer, kind, pk, filters)
    center = hood.node(hood.center)
    title = _("Ties of %(name)s, %(hops)d hop(s)") % {"name": center.label, "hops": filters.hops}
    names = tie_labels()
    kinds = kind_labels()
    rows = [{
        "tie": t, "type": names.get(t.tie_type, t.tie_type), "source": hood.node(t.source), "target": hood.node(t.target),
        "dates": svg.tie_dates(t, svg_text(title)), "source_kind": kinds.get(split_key(t.source)[0], ""),
        "target_kind": kinds.get(split_key(t.target)[0], ""),
    } for t in hood.ties]
    query = filters.query()
    more_query = filters.query(hops=filters.hops)
    return {
        "network": {
            "hood": hood, "center": center, "title": title, "rows": rows, "filters": filters,
            "svg": mark_safe(svg.render(hood, svg_text(title))),  # noqa: S308 - the renderer escapes every value
            "hidden": hood.hidden, "page_url": page_url, "query": query, "more_query": more_query,
            "tie_types": [(slug, names[slug], slug in filters.tie_types) for slug in tie_types()],
            "more_nodes": [n for n in hood.nodes if n.more],
        },
    }


def _filters(request: HttpRequest) -> network_filters.NetworkFilters:
    return network_filters.parse(dict(request.GET.lists()), tie_types)


def _records(hood: Neighbourhood) -> dict[str, list[int]]:
    """{export kind: ids} of the neighbourhood: its entities, its typed ties and the claims behind
    its ties, for the kinds the sharing exports map (the others are left out, not guessed at)."""
    from tnrwatch.sharing.selectors import KIND_MODELS

    out: dict[str, list[int]] = {kind: [] for kind in KIND_MODELS}
    for key in [n.key for n in hood.nodes] + [t.key for t in hood.ties if t.key]:
        kind, pk = split_key(key)
        if kind in out:
            out[kind].append(pk)
    if "claim" in out:
        out["claim"] = sorted({c for t in hood.ties for c in t.claim_ids})
    return out


def _export(request: HttpRequest, viewer: Viewer, kind: str, pk: int, fmt: str) -> HttpResponse:
    filters = _filters(request)
    hood = neighbourhood(viewer, kind, pk, filters)
    name = f"network-{kind}-{pk}-{filters.hops}hop"
    if fmt == "graphml":
        body = graphml.write(hood, base_url=request.build_absolute_uri("/").rstrip("/"), tie_labels=tie_labels())
        response = HttpResponse(body, content_type="application/graphml+xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.graphml"'
        return response
    if viewer.audience is None:  # staff: STIX and FtM leave the instance, so only as an audience sees them
        raise ValidationError(_("STIX and FollowTheMoney exports of a neighbourhood are made for an audience; "
                                "use the public page's export."))
    from tnrwatch.sharing.exporters import export_records_ftm, export_records_stix

    out = io.StringIO()
    if fmt == "stix":
        export_records_stix(out, audience=viewer.audience, records=_records(hood))
        response = HttpResponse(out.getvalue(), content_type="application/stix+json;version=2.1")
        response["Content-Disposition"] = f'attachment; filename="{name}.stix.json"'
    else:
        export_records_ftm(out, audience=viewer.audience, records=_records(hood))
        response = HttpResponse(out.getvalue(), content_type="application/x-ndjson; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.ftm.json"'
    return response


# -- public ------------------------------------------------------------------------------------------


@public_page
def public_network(request: HttpRequest, kinds: str, pk: int) -> HttpResponse:
    kind = PUBLIC_KINDS[kinds]
    viewer = viewer_for(PUBLIC, request.LANGUAGE_CODE)
    filters = _filters(request)
    context = network_context(viewer, kind, pk, filters, request.path)
    context["exports"] = [(fmt, f"{request.path}{fmt}/") for fmt in FORMATS]
    return render(request, "network/page.html", context)


@public_page
def public_network_export(request: HttpRequest, kinds: str, pk: int, fmt: str) -> HttpResponse:
    return _export(request, viewer_for(PUBLIC, request.LANGUAGE_CODE), PUBLIC_KINDS[kinds], pk, fmt)


def public_entity_network(request: HttpRequest, kind: str, pk: int) -> dict:
    """For the atlas's station and organisation pages: the 1-hop view, linking to the full page."""
    viewer = viewer_for(PUBLIC, request.LANGUAGE_CODE)
    slug = {v: k for k, v in PUBLIC_KINDS.items()}[kind]
    return network_context(viewer, kind, pk, network_filters.NetworkFilters(),
                           reverse("atlas:network", args=[slug, pk]))


# -- workspace ---------------------------------------------------------------------------------------


def _workspace_kind(slug: str) -> str:
    from tnrwatch.registry import subjects

    found = subjects.by_workspace_slug(slug)
    if found is None:  # the URL converter only lets the workspace's slugs through
        raise KeyError(slug)
    return found.subject_type


def _bad_request(view: Callable) -> Callable:
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ValidationError as exc:
            return render(request, "core/error.html", {"status": 400, "title": _("Bad request"),
                                                       "message": exc.message}, status=400)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@staff_view(*ALL_STAFF)
@require_safe
@_bad_request
def workspace_network(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user, request.LANGUAGE_CODE)
    filters = _filters(request)
    context = network_context(viewer, _workspace_kind(kind), pk, filters, request.path)
    context["exports"] = [("graphml", reverse("workspace:network_graphml", args=[kind, pk]))]
    return render(request, "network/workspace_page.html", context)


@staff_view(*ALL_STAFF)
@require_safe
@_bad_request
def workspace_network_export(request: HttpRequest, kind: str, pk: int, fmt: str) -> HttpResponse:
    return _export(request, viewer_for(request.user, request.LANGUAGE_CODE), _workspace_kind(kind), pk, fmt)


def workspace_entity_network(request: HttpRequest, kind: str, pk: int) -> dict:
    """For the workspace's entity pages: the 1-hop view, as staff see it."""
    viewer = viewer_for(request.user, request.LANGUAGE_CODE)
    return network_context(viewer, kind, pk, network_filters.NetworkFilters(), viewer.network_page(kind, pk))
