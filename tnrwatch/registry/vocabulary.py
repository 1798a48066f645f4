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

# Subjects a claim can be about.
SUBJECT_TYPES = ("country", "place", "organization", "station", "response", "incident", "source", "figure")


def strongest_response(actions: list[str]) -> str | None:
    """The strongest action among `actions`, or None when there are none."""
    known = [a for a in actions if a in RESPONSE_STRENGTH]
    if not known:
        return None
    return max(known, key=lambda a: RESPONSE_STRENGTH[a])
