"""The demo's network: the people, address and ties behind the reported New York station, from
public reporting of the 2023 prosecution in the Eastern District of New York.

Facts only, each with its source: the US Department of Justice announced on 17 April 2023 that a
complaint charged two New York residents, Lu Jianwang and Chen Jinping, with conspiring to act as
agents of the PRC government and with obstruction of justice, for helping to open and operate a
police station in Manhattan's Chinatown on behalf of the Fuzhou branch of the Ministry of Public
Security; Reuters reported the same charges; the New York Post (as republished) placed the
station at 107 East Broadway, in premises of the America ChangLe Association. They are charges,
not findings: the claims say "charged" and "alleged", and the page says a claim is not a finding
of guilt.

The quotes are short verbatim spans of those public pages; the sources are not captured here
(no copy, no text), so anyone can check them at the address given. The two people are named
because their claims rest on two independent publishers (the naming standard,
`docs/people.md`); they enter AMBER like every person and are published through
`claim_publish`, which checks the standard. Idempotent: people by name, the address by its text,
ties by their deterministic key, claims by theirs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Model

from . import services
from .models import Address, Claim, Organization, Person, Source, Station, Tie, tie_key

ACTOR: dict[str, Any] = {"actor": None, "actor_label": "load_demo"}

SOURCES: dict[str, dict[str, Any]] = {
    "doj": {"kind": "official", "title": "Two Arrested for Operating Illegal Overseas Police Station of the Chinese Government",
            "publisher": "U.S. Department of Justice", "published": date(2023, 4, 17), "language": "en",
            "url": "https://www.justice.gov/opa/pr/two-arrested-operating-illegal-overseas-police-station-chinese-government"},
    "reuters": {"kind": "news", "title": "Two arrested setting up Chinese ‘secret police station’ in New York",
                "publisher": "Reuters (in The Age)", "author": "Luc Cohen", "published": date(2023, 4, 18),
                "language": "en",
                "url": "https://www.theage.com.au/world/north-america/two-arrested-setting-up-chinese-secret-police-station-in-new-york-20230418-p5d17b.html"},
    "post": {"kind": "news", "title": "Dozens protest outside Chinese police station in New York over alleged spying",
             "publisher": "New York Post (republished by Dallas Press News)", "language": "en",
             "url": "https://dallaspressnews.com/dozens-protest-outside-chinese-police-station-in-new-york-over-alleged-spying"},
}
QUOTES = {
    "doj_names": "“Harry” Lu Jianwang, 61, of the Bronx, and Chen Jinping, 59, of Manhattan",
    "doj_charge": "Lu and Chen are charged with conspiring to act as agents of the PRC government",
    "doj_operate": "Lu and Chen helped open and operate the clandestine police station",
    "doj_fuzhou": "on behalf of the Fuzhou branch of the MPS",
    "reuters_charge": "Lu Jianwang, 61, and Chen Jinping, 59, face charges of conspiring to act as agents of China’s government",
    "reuters_operate": "arrested two New York residents for allegedly operating a Chinese “secret police station”",
    "post_address": "outside 107 East Broadway, where the nonprofit ChangLe Association Inc owns and operates a “service station”",
}
CHARGE = "charged (complaint unsealed 17 April 2023, E.D.N.Y.) with conspiring to act as agents of the PRC government"
PEOPLE: dict[str, dict[str, Any]] = {
    "lu": {"name_en": "Lu Jianwang", "aliases": [("Harry Lu", "en")], "position": "defendant (charged 2023)"},
    "chen": {"name_en": "Chen Jinping", "aliases": [], "position": "defendant (charged 2023)"},
}


class NetworkLoader:
    """Loads the network after the founding article's records (it needs the New York station and
    the Fuzhou bureau from them)."""

    def __init__(self, created: dict[str, int]) -> None:
        self.created = created
        self.sources: dict[str, Source] = {}

    def _count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1

    def load(self) -> None:
        station = Station.objects.filter(name_en="Reported police service station, New York", country__iso2="US").first()
        fuzhou = Organization.objects.filter(kind="operating_bureau", name_en="Fuzhou Public Security Bureau").first()
        if station is None or fuzhou is None:
            return  # the founding article's records are not there: nothing to tie to
        for name, spec in SOURCES.items():
            found = Source.objects.filter(title=spec["title"], publisher=spec["publisher"]).first()
            if found is None:
                found = services.source_create(**ACTOR, marking="clear", **spec)
                self._count("source")
            self.sources[name] = found
        us = services.country_get("US")
        people = {key: self._person(spec, us) for key, spec in PEOPLE.items()}
        for person in people.values():
            self._publish(services.claim_assert(**ACTOR, subject=person, prop="charge", value=CHARGE,
                                                source=self.sources["doj"], quote=QUOTES["doj_charge"]))
            self._evidence(person, "charge", CHARGE, "reuters", "reuters_charge")
            self._evidence(person, "charge", CHARGE, "doj", "doj_names")
        assoc = Organization.objects.filter(kind="host_organization", name_en="America ChangLe Association").first()
        if assoc is None:
            assoc = services.organization_create(**ACTOR, kind="host_organization", name_en="America ChangLe Association",
                                                 country=us)
            self._count("organization")
        self._publish(self._claim(assoc, "kind", "host_organization", "post", "post_address"))
        address = Address.objects.filter(country=us, full="107 East Broadway, New York, NY").first()
        if address is None:
            address = services.address_create(**ACTOR, full="107 East Broadway, New York, NY",
                                              street="107 East Broadway", city="New York", country=us)
            self._count("address")
        self._publish(self._claim(address, "described_as", "building of the reported station", "post", "post_address"))
        for person in people.values():
            self._tie("unknown", person, station, ("doj", "doj_operate"), ("reuters", "reuters_operate"),
                      role="helped open and operate the station (alleged)", start=date(2022, 1, 1), start_precision="year",
                      end=date(2022, 1, 1), end_precision="year")
        self._tie("affiliation", station, fuzhou, ("doj", "doj_fuzhou"), role="on behalf of (alleged)")
        self._tie("located_at", station, address, ("post", "post_address"))
        self._tie("ownership", assoc, station, ("post", "post_address"), role="owns and operates (reported)")

    def _person(self, spec: dict[str, Any], us: Model) -> Person:
        person = Person.objects.filter(name_en=spec["name_en"], public_basis="court_record").first()
        if person is None:
            person = services.person_create(**ACTOR, name_en=spec["name_en"], public_basis="court_record", country=us,
                                            position=spec["position"], aliases=spec["aliases"])
            self._count("person")
        return person

    def _claim(self, subject: Model, prop: str, value: str, source: str, quote: str) -> Claim:
        return services.claim_assert(**ACTOR, subject=subject, prop=prop, value=value, source=self.sources[source],
                                     quote=QUOTES[quote])

    def _evidence(self, subject: Model, prop: str, value: str, source: str, quote: str) -> None:
        claim = services.claim_assert(**ACTOR, subject=subject, prop=prop, value=value, source=self.sources[source],
                                      quote=QUOTES[quote])
        self._publish(claim)

    def _tie(self, kind: str, a: Model, b: Model, first: tuple[str, str], *more: tuple[str, str], **fields: Any) -> None:
        ends = [(services.subject_type_of(x), x.pk) for x in (a, b)]
        start = fields.get("start")
        label = "" if start is None else {"year": f"{start:%Y}", "month": f"{start:%Y-%m}"}.get(
            fields.get("start_precision", "day"), start.isoformat())
        tie = Tie.objects.filter(key=tie_key(kind, ends[0], ends[1], fields.get("role", ""), label)).first()
        if tie is None:
            tie = services.tie_create(**ACTOR, kind=kind, from_end=a, to_end=b, source=self.sources[first[0]],
                                      quote=QUOTES[first[1]], **fields)
            self._count("tie")
        for source, quote in more:
            services.tie_evidence_add(**ACTOR, tie=tie, source=self.sources[source], quote=QUOTES[quote])
        self._publish(Claim.objects.filter(subject_type="tie", subject_id=tie.pk).order_by("id").first())

    def _publish(self, claim: Claim | None) -> None:
        """Publish through the rule's preview; a claim already public (a second run) is left as it is."""
        if claim is None:
            return
        preview = services.claim_publication_preview(claim=claim)
        if preview.allowed and preview.changes:
            services.claim_publish(**ACTOR, claim=claim)
