"""How the workspace edits each kind of record: its form, create and update services, list columns.

Which kinds have workspace pages, and their slug, model and labels, are the registry's table of
kinds (`registry/subjects.py`: `workspace_slug`); this module adds what only the workspace needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from .. import forms, services, subjects
from ..subjects import SubjectKind


@dataclass(frozen=True)
class Kind:
    subject: SubjectKind
    form: type[forms.EntityForm]
    create: Callable[..., Any]
    update: Callable[..., Any]
    update_arg: str  # keyword the update service takes the record as
    columns: tuple[tuple[Any, str], ...]  # (heading, attribute path) for the list
    search: tuple[str, ...]
    related: tuple[str, ...] = ()

    @property
    def slug(self) -> str:  # in URLs
        return self.subject.workspace_slug or ""

    @property
    def subject_type(self) -> str:  # in claims and audit rows
        return self.subject.subject_type

    @property
    def model(self) -> type:
        return self.subject.model

    @property
    def label(self) -> Any:
        return self.subject.label

    @property
    def plural(self) -> Any:
        return self.subject.plural

    def update_call(self, obj: Any, **kwargs: Any) -> Any:
        return self.update(**{self.update_arg: obj}, **kwargs)


KINDS: dict[str, Kind] = {
    k.slug: k
    for k in [
        Kind(subjects.subject("station"), forms.StationForm,
             services.station_create, services.station_update, "station",
             ((_("Name"), "name_en"), (_("Chinese name"), "name_zh"), (_("Country"), "country"),
              (_("City"), "place.name_en"), (_("Status"), "get_status_display")),
             ("name_en", "name_zh", "description"), ("country", "place")),
        Kind(subjects.subject("organization"), forms.OrganizationForm,
             services.organization_create, services.organization_update, "organization",
             ((_("Name"), "name_en"), (_("Chinese name"), "name_zh"), (_("Kind"), "get_kind_display"),
              (_("Country"), "country")),
             ("name_en", "name_zh", "region", "description"), ("country",)),
        Kind(subjects.subject("response"), forms.ResponseForm,
             services.response_create, services.response_update, "response",
             ((_("Country"), "country"), (_("Action"), "get_action_display"), (_("Body"), "body"),
              (_("Date"), "date")),
             ("body", "summary"), ("country",)),
        Kind(subjects.subject("incident"), forms.IncidentForm,
             services.incident_create, services.incident_update, "incident",
             ((_("Date"), "date"), (_("Host country"), "host_country"), (_("Tactic"), "get_tactic_display"),
              (_("Target"), "get_target_category_display")),
             ("summary",), ("host_country", "origin_country")),
        Kind(subjects.subject("source"), forms.SourceForm,
             services.source_create, services.source_update, "source",
             ((_("Title"), "title"), (_("Publisher"), "publisher"), (_("Published"), "published_label"),
              (_("Language"), "language")),
             ("title", "publisher", "author", "url"), ()),
        Kind(subjects.subject("figure"), forms.FigureForm,
             services.figure_create, services.figure_update, "figure",
             ((_("Kind"), "get_kind_display"), (_("Value"), "value"), (_("What is counted"), "label"),
              (_("Period end"), "period_end")),
             ("label",), ("country",)),
        Kind(subjects.subject("person"), forms.PersonForm,
             services.person_create, services.person_update, "person",
             ((_("Name"), "name_en"), (_("Chinese name"), "name_zh"), (_("Named as"), "get_public_basis_display"),
              (_("Roles"), "position"), (_("Country"), "country")),
             ("name_en", "name_zh", "position", "description"), ("country",)),
        Kind(subjects.subject("address"), forms.AddressForm,
             services.address_create, services.address_update, "address",
             ((_("Address"), "full"), (_("City"), "city"), (_("Country"), "country"),
              (_("Position"), "geo_precision")),
             ("full", "street", "postcode", "city"), ("country",)),
        Kind(subjects.subject("tie"), forms.TieForm,
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
