"""The registry's controlled vocabularies: machine slugs shared by the models, the API, the
exports and the extractor. Pure Python, no Django import, so the extractor can use it as is.
"""

from __future__ import annotations

# Government responses, strongest first. The order drives "strongest response" on the map.
RESPONSE_ACTIONS: dict[str, str] = {
    "conviction": "Conviction",
    "arrest_or_charge": "Arrest or charge",
    "closure_ordered": "Closure ordered",
    "legislation": "Legislation",
    "investigation": "Investigation",
    "diplomatic_protest": "Diplomatic protest",
    "monitoring": "Monitoring",
    "other": "Other action",
    "denial": "Official denial or dismissal",
    "no_response": "No public response yet",
}
RESPONSE_STRENGTH: dict[str, int] = {
    slug: len(RESPONSE_ACTIONS) - i for i, slug in enumerate(RESPONSE_ACTIONS)
}

RESPONSE_BODIES: dict[str, str] = {
    "government": "Government",
    "ministry": "Ministry",
    "police": "Police or security service",
    "parliament": "Parliament",
    "court": "Court or prosecutor",
    "other": "Other body",
}

STATION_STATUSES: dict[str, str] = {
    "reported": "Reported",
    "corroborated": "Corroborated",
    "disputed": "Disputed",
    "denied": "Denied",
    "closure_ordered": "Closure ordered",
    "closed": "Closed",
}

CLAIM_STATUSES: dict[str, str] = {
    "alleged": "Alleged",
    "corroborated": "Corroborated",
    "disputed": "Disputed",
    "retracted": "Retracted",
}

# Freedom House style tactics of transnational repression.
INCIDENT_TACTICS: dict[str, str] = {
    "coercion_by_proxy": "Coercion by proxy (family in the home country)",
    "threats": "Threats",
    "surveillance": "Surveillance",
    "detention": "Detention",
    "rendition": "Rendition or abduction",
    "persuaded_to_return": "\"Persuaded to return\"",
    "assault": "Assault",
    "mobility_controls": "Mobility controls (documents, passports)",
    "online_harassment": "Online harassment",
    "other": "Other",
}

TARGET_CATEGORIES: dict[str, str] = {
    "dissident": "Dissident or activist",
    "journalist": "Journalist",
    "ethnic_or_religious_minority": "Ethnic or religious minority",
    "accused_fugitive": "Person accused of a crime",
    "family_member": "Family member",
    "community_member": "Community member",
    "unknown": "Unknown",
}

ORGANIZATION_KINDS: dict[str, str] = {
    "operating_bureau": "Operating bureau (public security)",
    "host_organization": "Host organisation (association, business)",
    "government_body": "Government body",
    "ngo": "NGO or research group",
    "media": "Media",
    "other": "Other",
}

SOURCE_KINDS: dict[str, str] = {
    "news": "News article",
    "report": "Research report",
    "official": "Official document",
    # A court's own record (docket, complaint, indictment, judgment) and an official registry
    # (companies, charities, associations, land): the sources that may name a person on their own.
    "court": "Court record",
    "registry": "Official registry",
    "partner": "Partner feed",
    "csv": "Uploaded table",
    "other": "Other",
}

# Traffic Light Protocol 2.0.
MARKINGS: dict[str, str] = {
    "clear": "TLP:CLEAR",
    "green": "TLP:GREEN",
    "amber": "TLP:AMBER",
    "amber_strict": "TLP:AMBER+STRICT",
    "red": "TLP:RED",
}
MARKING_LEVEL: dict[str, int] = {slug: i for i, slug in enumerate(MARKINGS)}

# What a headline figure counts.
FIGURE_KINDS: dict[str, str] = {
    "stations": "Overseas police stations",
    "countries": "Countries with stations",
    "continents": "Continents with stations",
    "persuaded_to_return": "People \"persuaded\" to return",
    "provinces": "Provinces with mandates",
    "other": "Other",
}

# The subjects a claim can be about: `subjects.CLAIM_SUBJECT_TYPES` (the registry's table of kinds).

# Source kinds that may name a person by themselves (the naming standard, docs/people.md).
NAMING_SOURCE_KINDS = ("court", "registry")

# Why a person may be in the record at all: only public actors (docs/people.md). A reporter, a
# victim or a relative is never a Person; they stay de-identified in intake and incidents.
PUBLIC_ACTOR_BASES: dict[str, str] = {
    "official": "Official (holds or held a public office)",
    "organization_leader": "Leader of an organisation, named in public reporting or a registry",
    "court_record": "Defendant or witness named in a public court record",
}

DATE_PRECISIONS: dict[str, str] = {"day": "day", "month": "month", "year": "year"}

# Typed ties between two entities, after FollowTheMoney's interval schemata. Each kind says which
# entity types may stand at each end (`TIE_ENDS`), and whether its ends are interchangeable.
TIE_KINDS: dict[str, str] = {
    "membership": "Member of",
    "directorship": "Leads or directs",
    "employment": "Employed by",
    "ownership": "Owns",
    "registered_at": "Registered at",
    "located_at": "Located at",
    "funding": "Funds",
    "affiliation": "Affiliated with (bureau or united-front body)",
    "family": "Family tie",
    "same_address_as": "Same address as",
    "unknown": "Other link",
}
TIE_ENDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "membership": (("person", "organization"), ("organization",)),
    "directorship": (("person", "organization"), ("organization", "station")),
    "employment": (("person",), ("organization", "station")),
    "ownership": (("person", "organization"), ("organization", "station", "address")),
    "registered_at": (("organization", "station"), ("address",)),
    "located_at": (("organization", "station", "person"), ("address",)),
    "funding": (("person", "organization"), ("organization", "station")),
    "affiliation": (("organization", "station", "person"), ("organization",)),
    "family": (("person",), ("person",)),
    "same_address_as": (("organization", "station"), ("organization", "station")),
    "unknown": (("person", "organization", "station", "address"), ("person", "organization", "station", "address")),
}
SYMMETRIC_TIES = ("family", "same_address_as")
TIE_END_TYPES = ("person", "organization", "station", "address")
# Who may answer the claims on their record (the right of reply).
REPLY_SUBJECT_TYPES = ("person", "organization", "station")


def strongest_response(actions: list[str]) -> str | None:
    """The strongest action among `actions`, or None when there are none."""
    known = [a for a in actions if a in RESPONSE_STRENGTH]
    if not known:
        return None
    return max(known, key=lambda a: RESPONSE_STRENGTH[a])
