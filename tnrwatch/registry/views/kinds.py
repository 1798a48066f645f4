"""The record types the workspace edits, and how: model, form, create and update services."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .. import forms, services
from ..models import (
    Address,
    Figure,
    GovernmentResponse,
    Incident,
    Organization,
    Person,
    Source,
    Station,
    Tie,
)


@dataclass(frozen=True)
class Kind:
    slug: str  # in URLs
    subject_type: str  # in claims and audit rows
    model: type
    label: Any
    plural: Any
    form: type[forms.EntityForm]
    create: Callable[..., Any]
    update: Callable[..., Any]
    update_arg: str  # keyword the update service takes the record as
    columns: tuple[tuple[Any, str], ...]  # (heading, attribute path) for the list
    search: tuple[str, ...]
    related: tuple[str, ...] = ()

    def update_call(self, obj: Any, **kwargs: Any) -> Any:
        return self.update(**{self.update_arg: obj}, **kwargs)


KINDS: dict[str, Kind] = {
    k.slug: k
    for k in [
        Kind("stations", "station", Station, _("Station"), _("Stations"), forms.StationForm,
             services.station_create, services.station_update, "station",
             ((_("Name"), "name_en"), (_("Chinese name"), "name_zh"), (_("Country"), "country"),
              (_("City"), "place.name_en"), (_("Status"), "get_status_display")),
             ("name_en", "name_zh", "description"), ("country", "place")),
        Kind("organizations", "organization", Organization, _("Organisation"), _("Organisations"),
             forms.OrganizationForm, services.organization_create, services.organization_update, "organization",
             ((_("Name"), "name_en"), (_("Chinese name"), "name_zh"), (_("Kind"), "get_kind_display"),
              (_("Country"), "country")),
             ("name_en", "name_zh", "region", "description"), ("country",)),
        Kind("responses", "response", GovernmentResponse, _("Government response"), _("Government responses"),
             forms.ResponseForm, services.response_create, services.response_update, "response",
             ((_("Country"), "country"), (_("Action"), "get_action_display"), (_("Body"), "body"),
              (_("Date"), "date")),
             ("body", "summary"), ("country",)),
        Kind("incidents", "incident", Incident, _("Incident"), _("Incidents"), forms.IncidentForm,
             services.incident_create, services.incident_update, "incident",
             ((_("Date"), "date"), (_("Host country"), "host_country"), (_("Tactic"), "get_tactic_display"),
              (_("Target"), "get_target_category_display")),
             ("summary",), ("host_country", "origin_country")),
        Kind("sources", "source", Source, _("Source"), _("Sources"), forms.SourceForm,
             services.source_create, services.source_update, "source",
             ((_("Title"), "title"), (_("Publisher"), "publisher"), (_("Published"), "published_label"),
              (_("Language"), "language")),
             ("title", "publisher", "author", "url"), ()),
        Kind("figures", "figure", Figure, _("Figure"), _("Figures"), forms.FigureForm,
             services.figure_create, services.figure_update, "figure",
             ((_("Kind"), "get_kind_display"), (_("Value"), "value"), (_("What is counted"), "label"),
              (_("Period end"), "period_end")),
             ("label",), ("country",)),
        Kind("people", "person", Person, _("Person"), _("People"), forms.PersonForm,
             services.person_create, services.person_update, "person",
             ((_("Name"), "name_en"), (_("Chinese name"), "name_zh"), (_("Named as"), "get_public_basis_display"),
              (_("Roles"), "position"), (_("Country"), "country")),
             ("name_en", "name_zh", "position", "description"), ("country",)),
        Kind("addresses", "address", Address, _("Address"), _("Addresses"), forms.AddressForm,
             services.address_create, services.address_update, "address",
             ((_("Address"), "full"), (_("City"), "city"), (_("Country"), "country"),
              (_("Position"), "geo_precision")),
             ("full", "street", "postcode", "city"), ("country",)),
        Kind("ties", "tie", Tie, _("Tie"), _("Ties"), forms.TieForm,
             services.tie_create, services.tie_update, "tie",
             ((_("Kind"), "get_kind_display"), (_("From"), "from_label"), (_("To"), "to_label"),
              (_("Role"), "role"), (_("Start"), "start_date"), (_("End"), "end_date")),
             ("role",), ()),
    ]
}


def attr_path(obj: Any, path: str) -> Any:
    """Follow a dotted attribute path; call methods such as get_status_display; None-safe."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
        if callable(obj):
            obj = obj()
    return obj


class NodeKindConverter:
    """The record types that are nodes of the network view (a tie is one of its edges)."""

    regex = "|".join(k for k in KINDS if k != "ties")

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if not re.fullmatch(self.regex, value):
            raise ValueError(value)
        return value


class ReplyKindConverter:
    """The workspace's record types that may answer the claims on their record (right of reply)."""

    regex = "people|organizations|stations"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if not re.fullmatch(self.regex, value):
            raise ValueError(value)
        return value


class KindConverter:
    """URL converter that only matches the workspace's record types (anything else is a 404)."""

    regex = "|".join(KINDS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if value not in KINDS:
            raise ValueError(value)
        return value
