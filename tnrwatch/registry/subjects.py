"""The kinds of record in the registry, and everything other apps need to know about each one.

This is the one table of subject types: which model holds a kind, its name in claims, audit rows,
search and URLs (`subject_type`), its label, its workspace and public pages, how it leaves as STIX,
and the roles it plays (subject of claims, mergeable, end of a tie, node of the network view...).
Every app asks this module (`subject("station").model`, `of_model(obj)`, `kinds(exported=True)`)
instead of keeping its own dict; `registry/tests/test_subjects.py` fails when a module elsewhere
defines a table of subject types.

Pure Python (no Django import at module level, so the Django-free `sharing/stix.py` can use it);
`SubjectKind.model` and the labels reach Django only when read.

Adding a kind of record
-----------------------
1. The model in `registry/models.py` (or a module it imports), with a `marking` if it can be shared.
2. One `SubjectKind(...)` line below. Its place in `SUBJECTS` is the order of choice lists
   (`Claim.subject_type`, forms), so append, unless you also write the migration of those choices.
   Set only the roles it has: `claim_subject` to let claims be about it, `fact_backed` if the
   publication rule must see a quoted claim before it shows the record, `stix_type` +
   `stix_extension` to export it, `workspace_slug` to give it workspace pages (then add its form
   and services to `registry/views/kinds.py`), `public_page` if the atlas has a page for it.
3. The rest follows from this table: the claim form and API accept the new subject type, the
   audit rows name it, the publication rule checks its claims, the export carries it.
   `docs/architecture.md` ("How to add a new kind of record") walks through the remaining layers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a label for `makemessages` (which looks for this name); translated when read."""
    return message


class UnknownSubjectTypeError(KeyError):
    """A subject type that is not in the registry's table."""


@dataclass(frozen=True)
class SubjectKind:
    subject_type: str  # in claims, audit rows, search entries, exports' own fields
    model_name: str  # the model's class name in the `registry` app
    label_msgid: str
    plural_msgid: str
    claim_subject: bool = True  # a claim may be about it (`Claim.subject_type` choices)
    fact_backed: bool = False  # the publication rule shows it only with a quoted public claim about it
    workspace_slug: str | None = None  # /workspace/<slug>/ (its form and services: registry/views/kinds.py)
    public_page: str | None = None  # URL name of its atlas page (takes the record's pk)
    stix_type: str | None = None  # the STIX 2.1 object type it leaves as (exported kinds only)
    stix_extension: str | None = None  # its `kind` in the tnrwatch STIX extension
    search_group: str | None = None  # its group in search results ("entity", "claim", "source")
    mergeable: bool = False  # duplicates can be merged (registry/services/merge.py)
    tie_end: bool = False  # can be an end of a Tie
    network_node: bool = False  # drawn in the network view
    network_slug: str | None = None  # /<slug>/<pk>/network/ on the atlas, if it has a public network page

    @property
    def model(self) -> Any:
        from django.apps import apps

        return apps.get_model("registry", self.model_name)

    @property
    def label(self) -> Any:
        from django.utils.translation import gettext_lazy

        return gettext_lazy(self.label_msgid)

    @property
    def plural(self) -> Any:
        from django.utils.translation import gettext_lazy

        return gettext_lazy(self.plural_msgid)

    @property
    def exported(self) -> bool:
        return self.stix_type is not None


_ = gettext_noop
SUBJECTS: tuple[SubjectKind, ...] = (
    SubjectKind("country", "Country", _("Country"), _("Countries")),
    SubjectKind("place", "Place", _("Place"), _("Places")),
    SubjectKind("organization", "Organization", _("Organisation"), _("Organisations"), fact_backed=True,
                workspace_slug="organizations", public_page="atlas:organization", stix_type="identity",
                stix_extension="organization", search_group="entity", mergeable=True, tie_end=True, network_node=True,
                network_slug="organisations"),
    SubjectKind("station", "Station", _("Station"), _("Stations"), fact_backed=True, workspace_slug="stations",
                public_page="atlas:station", stix_type="infrastructure", stix_extension="station",
                search_group="entity", mergeable=True, tie_end=True, network_node=True, network_slug="stations"),
    SubjectKind("response", "GovernmentResponse", _("Government response"), _("Government responses"),
                fact_backed=True, workspace_slug="responses", public_page="atlas:response", stix_type="grouping",
                stix_extension="government-response", search_group="entity", mergeable=True, network_node=True),
    SubjectKind("incident", "Incident", _("Incident"), _("Incidents"), fact_backed=True, workspace_slug="incidents",
                stix_type="incident", stix_extension="incident", network_node=True),
    SubjectKind("source", "Source", _("Source"), _("Sources"), workspace_slug="sources", public_page="atlas:source",
                stix_type="report", stix_extension="source", search_group="source", network_node=True),
    SubjectKind("figure", "Figure", _("Figure"), _("Figures"), fact_backed=True, workspace_slug="figures",
                mergeable=True, network_node=True),
    # A claim is a record too (exported, searchable, with a page), but never the subject of a claim.
    SubjectKind("claim", "Claim", _("Claim"), _("Claims"), claim_subject=False, public_page="atlas:claim",
                stix_type="note", stix_extension="claim", search_group="claim"),
    # People, addresses and ties (docs/people.md) leave as STIX through `sharing/stix_network.py`,
    # with no kind of their own in the extension; new exported kinds go at the end (an exported
    # kind's place is its rank in TAXII paging cursors).
    SubjectKind("person", "Person", _("Person"), _("People"), fact_backed=True, workspace_slug="people",
                public_page="atlas:person", stix_type="identity", search_group="entity", mergeable=True,
                tie_end=True, network_node=True, network_slug="people"),
    SubjectKind("address", "Address", _("Address"), _("Addresses"), fact_backed=True, workspace_slug="addresses",
                public_page="atlas:address", stix_type="location", tie_end=True, network_node=True,
                network_slug="addresses"),
    SubjectKind("tie", "Tie", _("Tie"), _("Ties"), fact_backed=True, workspace_slug="ties", stix_type="relationship"),
    # Named operations (Fox Hunt, Sky Net, "110 Overseas"): attributed to organisations, using stations.
    SubjectKind("campaign", "Campaign", _("Campaign"), _("Campaigns"), fact_backed=True, public_page="atlas:campaign",
                stix_type="campaign", stix_extension="campaign"),
)
del _

_BY_TYPE: dict[str, SubjectKind] = {s.subject_type: s for s in SUBJECTS}
_BY_MODEL: dict[str, SubjectKind] = {s.model_name: s for s in SUBJECTS}
_BY_EXTENSION: dict[str, SubjectKind] = {s.stix_extension: s for s in SUBJECTS if s.stix_extension}
_BY_SLUG: dict[str, SubjectKind] = {s.workspace_slug: s for s in SUBJECTS if s.workspace_slug}


def subject(subject_type: str) -> SubjectKind:
    """The kind named `subject_type`; `UnknownSubjectTypeError` if there is none."""
    try:
        return _BY_TYPE[subject_type]
    except KeyError as exc:
        raise UnknownSubjectTypeError(subject_type) from exc


def get(subject_type: str) -> SubjectKind | None:
    return _BY_TYPE.get(subject_type)


def label_of(subject_type: str, pk: int | None = None) -> str:
    """"Station" (or "Station #3" with a pk), the kind's label in the reader's language, for
    pages that name a record by its type; a type not in the table reads with spaces for underscores."""
    kind = _BY_TYPE.get(subject_type)
    label = str(kind.label) if kind else subject_type.replace("_", " ").capitalize()
    return label if pk is None else f"{label} #{pk}"


def of_model(model_or_obj: Any) -> SubjectKind | None:
    """The kind of a registry model (or of one of its rows); None for models that are no kind."""
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    kind = _BY_MODEL.get(model.__name__)
    if kind is None or getattr(getattr(model, "_meta", None), "app_label", "registry") != "registry":
        return None
    return kind


def by_stix_extension(extension_kind: str) -> SubjectKind | None:
    return _BY_EXTENSION.get(extension_kind)


def by_workspace_slug(slug: str) -> SubjectKind | None:
    return _BY_SLUG.get(slug)


def kinds(**roles: Any) -> tuple[SubjectKind, ...]:
    """The kinds, in table order, whose attributes equal the given ones
    (`kinds(mergeable=True)`, `kinds(exported=True)`, `kinds(search_group="entity")`)."""
    return tuple(s for s in SUBJECTS if all(getattr(s, name) == value for name, value in roles.items()))


def types(**roles: Any) -> tuple[str, ...]:
    """The subject types of `kinds(**roles)`."""
    return tuple(s.subject_type for s in kinds(**roles))


# The subject types a claim can be about, in the order of the choice lists.
CLAIM_SUBJECT_TYPES: tuple[str, ...] = types(claim_subject=True)
