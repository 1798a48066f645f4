"""Shapes of the public JSON API: query parameters (strictly validated) and responses.

Input types reject what has no business in a filter: NUL and other control characters, strings
over `MAX_TEXT` characters, ids outside a 63-bit integer, values outside the controlled
vocabularies. The response shapes are pinned by tests/test_api_contract.py; change them only
with a new API version.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints

from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.subjects import CLAIM_SUBJECT_TYPES

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_OFFSET = 10_000_000
MAX_ID = 2**53  # beyond any real row, and safe for JavaScript clients
MAX_TEXT = 200

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters (such as NUL) are not allowed")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT), AfterValidator(_no_control_characters)]
Iso2 = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

# The vocabularies' slugs, as Literal types built from the vocabulary at run time (so the schema and
# the 400 answers list them); a type checker cannot evaluate that, and sees plain strings.
if TYPE_CHECKING:
    StationStatus: TypeAlias = str
    ResponseAction: TypeAlias = str
    IncidentTactic: TypeAlias = str
    TargetCategory: TypeAlias = str
    ClaimStatus: TypeAlias = str
    SubjectType: TypeAlias = str
    OrganizationKind: TypeAlias = str
    SourceKind: TypeAlias = str
else:
    StationStatus = Literal[tuple(v.STATION_STATUSES)]
    ResponseAction = Literal[tuple(v.RESPONSE_ACTIONS)]
    IncidentTactic = Literal[tuple(v.INCIDENT_TACTICS)]
    TargetCategory = Literal[tuple(v.TARGET_CATEGORIES)]
    ClaimStatus = Literal[tuple(v.CLAIM_STATUSES)]
    SubjectType = Literal[CLAIM_SUBJECT_TYPES]
    OrganizationKind = Literal[tuple(v.ORGANIZATION_KINDS)]
    SourceKind = Literal[tuple(v.SOURCE_KINDS)]
Continent = Literal["AF", "AN", "AS", "EU", "NA", "OC", "SA"]
Year = Annotated[int, Field(ge=1900, le=2200)]


# -- query parameters ---------------------------------------------------------------------------


class PageQuery(Schema):
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0


class CountryFilter(PageQuery):
    continent: Continent | None = None
    has_stations: bool | None = None
    q: Text | None = None


class StationFilter(PageQuery):
    country: Iso2 | None = None
    status: StationStatus | None = None
    operator: Id | None = None
    host_organization: Id | None = None
    q: Text | None = None


class OrganizationFilter(PageQuery):
    kind: OrganizationKind | None = None
    country: Iso2 | None = None
    q: Text | None = None


class ResponseFilter(PageQuery):
    country: Iso2 | None = None
    action: ResponseAction | None = None
    year: Year | None = None
    station: Id | None = None


class IncidentFilter(PageQuery):
    country: Iso2 | None = Field(None, description="host country (ISO 3166-1 alpha-2)")
    origin: Iso2 | None = None
    tactic: IncidentTactic | None = None
    target_category: TargetCategory | None = None
    year: Year | None = None


class ClaimFilter(PageQuery):
    subject_type: SubjectType | None = None
    subject_id: Id | None = None
    status: ClaimStatus | None = None
    prop: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.:-]{1,64}$")] | None = None
    source: Id | None = Field(None, description="only claims with evidence from this source")


class SourceFilter(PageQuery):
    q: Text | None = None
    kind: SourceKind | None = None
    language: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$", max_length=16)] | None = None


class NoQuery(Schema):
    """Endpoints without parameters: any query parameter is rejected as unknown."""


class ExportQuery(Schema):
    pass


# -- responses ----------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str
    errors: list[dict[str, Any]] = []


class PlaceOut(Schema):
    name_en: str
    name_zh: str
    latitude: float | None
    longitude: float | None


class CountryRef(Schema):
    iso2: str
    name_en: str


class OrganizationRef(Schema):
    id: int
    kind: str
    name_en: str
    name_zh: str


class StationRef(Schema):
    id: int
    name_en: str
    name_zh: str
    status: str
    country: str


class ClaimRef(Schema):
    id: int
    prop: str
    value: str
    status: str


class CountryOut(Schema):
    iso2: str
    iso3: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    continent: str
    latitude: float | None
    longitude: float | None
    stations_count: int
    responses_count: int
    strongest_response: str | None


class StationOut(Schema):
    id: int
    name_en: str
    name_zh: str
    status: str
    country: CountryRef
    place: PlaceOut | None
    operator: OrganizationRef | None
    host_organization: OrganizationRef | None
    first_reported: dt.date | None
    description: str
    updated_at: dt.datetime


class StatusChangeOut(Schema):
    status: str
    date: dt.date | None


class ResponseOut(Schema):
    id: int
    country: CountryRef
    action: str
    action_label: str
    body_kind: str
    body: str
    date: dt.date | None
    date_precision: str
    place: PlaceOut | None
    summary: str
    stations: list[StationRef]
    updated_at: dt.datetime


class StationDetailOut(StationOut):
    status_history: list[StatusChangeOut]
    responses: list[ResponseOut]
    claims: list[ClaimRef]


class CountryDetailOut(CountryOut):
    stations: list[StationRef]
    responses: list[ResponseOut]
    claims: list[ClaimRef]


class OrganizationOut(Schema):
    id: int
    kind: str
    name_en: str
    name_zh: str
    country: CountryRef | None
    region: str
    description: str
    updated_at: dt.datetime


class OrganizationDetailOut(OrganizationOut):
    operated_stations: list[StationRef]
    hosted_stations: list[StationRef]
    claims: list[ClaimRef]


class IncidentOut(Schema):
    id: int
    date: dt.date | None
    date_precision: str | None
    origin_country: CountryRef
    host_country: CountryRef
    place: PlaceOut | None
    tactic: str
    target_category: str
    summary: str
    stations: list[StationRef]
    coarsened: bool


class EvidenceOut(Schema):
    id: int
    source_id: int
    source_title: str
    source_url: str
    quote: str
    stance: str
    location: str
    start: int | None
    end: int | None


class ClaimOut(Schema):
    id: int
    key: str
    subject_type: str
    subject_id: int
    prop: str
    value: str
    status: str
    evidence: list[EvidenceOut]
    updated_at: dt.datetime


class SourceOut(Schema):
    id: int
    kind: str
    title: str
    publisher: str
    author: str
    url: str
    published: dt.date | None
    language: str
    sha256: str | None
    captured_at: dt.datetime | None
    republish_allowed: bool
    reuse_terms: str


class SupportedClaimOut(Schema):
    claim: ClaimRef
    subject_type: str
    subject_id: int
    stance: str
    quote: str
    location: str


class SourceDetailOut(SourceOut):
    captured: bool  # this instance holds the evidence copy
    text_url: str | None  # the captured text and the copy, where the source may be republished
    copy_url: str | None
    claims_count: int
    claims: list[SupportedClaimOut]


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """A page of `item`: count, next/previous links and results."""
    return type(  # type: ignore[return-value]
        name,
        (Schema,),
        {
            "__annotations__": {
                "count": int, "limit": int, "offset": int,
                "next": str | None, "previous": str | None, "results": list[item],  # type: ignore[valid-type]
            }
        },
    )


class MapOut(Schema):
    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]]
