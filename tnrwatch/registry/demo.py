"""The demo dataset: every fact the founding article states, as claims that cite it, and the
campaigns (`demo_campaigns.py`) with the public sources that state them.

The founding article is Radio Free Asia's "International concern grows over Chinese 'police
service stations'" (the seed, identified by SEED_SHA256). Its text is not in the repository: only
short verbatim quotes are, each with its character offset and paragraph in the article, so anyone
holding the article can check every quote. Nothing here is invented: where the article gives no
date, no city or no operator, the field stays empty.

Each quote is the shortest span that carries its claim's value (a number with its unit, a country
with its action, a name with its role); the claim's own subject may be left to the cited paragraph.
Claims share quotes, so 59 quotes of 2,317 characters cover 38% of the article (a test keeps it
under 40%).

`demo_load()` writes everything through `registry.services` with actor_label "load_demo", marks
every record TLP:CLEAR, and is idempotent: entities are found again by a natural key (a bureau by
kind and English name, a response by country, action and summary...), claims by their
deterministic key and evidence by (claim, source, quote, stance), so a second run writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Model

from tnrwatch.audit.models import AuditEntry

from . import demo_campaigns, services
from .demo_network import QUOTES as NETWORK_QUOTES_BY_KEY
from .demo_network import NetworkLoader
from .models import (
    Campaign,
    Claim,
    Evidence,
    Figure,
    GovernmentResponse,
    Incident,
    Organization,
    Source,
    Station,
)

ACTOR_LABEL = "load_demo"
NETWORK_QUOTES = frozenset(NETWORK_QUOTES_BY_KEY.values())
MARKING = "clear"
SEED_FILENAME = "000_73e1bc228e699b35.txt"
SEED_SHA256 = "dbfa8af3a38cb7f366be717662c935391c3c67a170f31ab7bffec9ad6292785e"


@dataclass(frozen=True)
class Quote:
    """A verbatim quote from the seed: `text` is seed[start:end], in non-empty line `paragraph`."""

    text: str
    start: int
    paragraph: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


# key: (character offset in the seed text, paragraph number, verbatim text)
_QUOTES: dict[str, tuple[int, int, str]] = {
    "title": (0, 1, "International concern grows over Chinese ‘police service stations’"),
    "sd_rights_group": (235, 4, "Human Rights group Safeguard Defenders"),
    "sd_54": (306, 4, "54 “service stations”"),
    "sd_30": (331, 4, "30 countries"),
    "sd_five": (351, 4, "five continents"),
    "cl_looking": (549, 5, "Chile looking into the reports"),
    "fr_monitoring": (584, 5, "France “monitoring.”"),
    "sd_madrid": (610, 6, "Madrid-based non-governmental organization"),
    "sd_september": (675, 6, "reported in September"),
    "cn_illegal": (724, 6, "“illegal, transnational policing operations”"),
    "beijing_services": (882, 7, "set up to provide essential services"),
    "sd_coerce": (1000, 7, "coerce emigrants into returning home to face criminal charges"),
    "sd_silence": (1069, 7, "silence dissent abroad"),
    "nl_ie_closure": (1107, 8, "Dutch and Irish governments have ordered China to shut down"),
    "probing": (1271, 9, "Czech Republic, Germany, Portugal, Spain, Sweden and the United Kingdom, are probing"),
    "de_no_authority": (1497, 10, "Chinese agencies do not have any executive authority"),
    "de_ministry": (1608, 10, "German Interior Ministry"),
    "hanoi_agents": (1749, 11, "Hanoi’s secret agents"),
    "berlin_abduction": (1787, 11, "abducting a Vietnamese fugitive in Berlin"),
    "berlin_return": (1853, 11, "forcing him to return to Hanoi"),
    "communist": (1962, 12, "ruled by Communist Parties"),
    "vn_apparatus": (2027, 12, "operate similarly, although on a different scale"),
    "fr_ministry": (2083, 13, "French Interior Ministry"),
    "fr_dgsi": (2137, 13, "its General Directorate for Internal Security"),
    "fr_resources": (2234, 13, "monitoring activities of foreign services"),
    "cl_minister": (2361, 14, "Interior Minister Carolina Tohá"),
    "cl_vina": (2443, 14, "city of Viña del Mar"),
    "cl_cabinet": (2477, 14, "cabinet meeting during which the issue was raised"),
    "us": (2556, 16, "United States"),
    "us_new_york": (2580, 16, "investigation into the reported overseas police service station in New York is ongoing"),
    "us_whole_country": (2796, 16, "whole of the country, rather than looking into a single case"),
    "sd_endorse": (2867, 17, "how we’d like foreign governments to respond"),
    "sd_chen": (2933, 17, "Jing-jie Chen, one of the main investigators"),
    "sd_report_title": (2998, 17, "Safeguard Defenders’ report ‘110 Overseas – Chinese Transnational Policing Gone Wild"),
    "cn_110": (3086, 18, "110 is the police emergency number"),
    "stations_110": (3170, 18, "call themselves “110 Overseas Service Stations"),
    "chen_told_rfa": (3381, 19, "Chen told RFA"),
    "sd_urge": (3816, 22, "investigate China’s transnational repression tactics"),
    "sd_mechanisms": (4017, 23, "reporting and protection mechanisms for communities at risk"),
    "two_bureaus": (4285, 25, "mostly by two Chinese Public Security Bureaus"),
    "qingtian": (4337, 25, "Qingtian County in Zhejiang"),
    "fuzhou": (4378, 25, "Fuzhou, the capital of Fujian"),
    "gov_documents": (4419, 26, "Government documents obtained via open sources"),
    "ten_provinces": (4489, 26, "at least ten provinces"),
    "may_be_higher": (4610, 26, "may be much higher"),
    "replicating": (4732, 27, "replicating this kind of overseas service station, like Wenzhou and Wuhai"),
    "cn_driving": (5018, 28, "driving licenses renewed and receive physical examinations"),
    "sd_rejected": (5094, 29, "rejected by Safeguard Defenders"),
    "first_2018": (5161, 29, "first reports of China’s police stations abroad were recorded in 2018"),
    "before_covid": (5232, 29, "before any signs of COVID"),
    "period": (5260, 30, "Between April 2021 and July 2022"),
    "persuaded_230k": (5309, 30, "“persuaded” 230,000 alleged fugitives"),
    "not_all_crimes": (5396, 30, "not all their targets had committed any crimes"),
    "state_media": (5456, 30, "Chinese state media"),
    "no_response_list": (5615, 31, "Argentina, Austria, Brazil, Cambodia, Greece, Hungary, Japan, and Slovakia"),
    "no_response": (5706, 31, "have yet to respond"),
    "ng": (5732, 32, "Nigeria, some journalists"),
    "ng_warned": (5815, 32, "warned against it, even threatened"),
    "ng_nonsense": (5911, 33, "report’s findings are nonsense"),
}
QUOTES: dict[str, Quote] = {key: Quote(text, start, par) for key, (start, par, text) in _QUOTES.items()}

# --- entities (refs are "kind:name"; countries are "country:<ISO2>") ----------------------------

SOURCES: dict[str, dict[str, Any]] = {
    "rfa": {"kind": "news", "title": QUOTES["title"].text, "publisher": "Radio Free Asia",
            "language": "en", "sha256": SEED_SHA256},
    # Cited through the article's words only: the evidence for every claim is the article.
    "report": {"kind": "report", "title": "110 Overseas – Chinese Transnational Policing Gone Wild",
               "publisher": "Safeguard Defenders"},
    **demo_campaigns.SOURCES,
}

ORGANIZATIONS: dict[str, dict[str, Any]] = {
    "qingtian": {"kind": "operating_bureau", "name_en": "Qingtian County Public Security Bureau",
                 "name_zh": "青田县公安局", "country": "CN", "region": "Zhejiang",
                 "aliases": [("青田縣公安局", "zh-hant")]},
    "fuzhou": {"kind": "operating_bureau", "name_en": "Fuzhou Public Security Bureau",
               "name_zh": "福州市公安局", "country": "CN", "region": "Fujian", "place": ("Fuzhou", "CN")},
    "wenzhou": {"kind": "operating_bureau", "name_en": "Wenzhou Public Security Bureau",
                "name_zh": "温州市公安局", "country": "CN", "place": ("Wenzhou", "CN"),
                "aliases": [("溫州市公安局", "zh-hant")]},
    "wuhai": {"kind": "operating_bureau", "name_en": "Wuhai Public Security Bureau",
              "name_zh": "乌海市公安局", "country": "CN", "place": ("Wuhai", "CN"),
              "aliases": [("烏海市公安局", "zh-hant")]},
    "safeguard": {"kind": "ngo", "name_en": "Safeguard Defenders", "country": "ES", "place": ("Madrid", "ES")},
    "de_interior": {"kind": "government_body", "name_en": "German Interior Ministry", "country": "DE"},
    "fr_interior": {"kind": "government_body", "name_en": "French Interior Ministry", "country": "FR"},
    "fr_dgsi": {"kind": "government_body", "name_en": "General Directorate for Internal Security",
                "country": "FR", "aliases": [("DGSI", "fr")]},
    "cl_interior": {"kind": "government_body", "name_en": "Interior Minister of Chile", "country": "CL"},
    **demo_campaigns.ORGANIZATIONS,
}

STATIONS: dict[str, dict[str, Any]] = {
    # The only station the article locates. Its operator and Chinese name are not stated.
    "new_york": {"name_en": "Reported police service station, New York", "country": "US",
                 "place": ("New York", "US"), "status": "reported"},
}

FIGURES: dict[str, dict[str, Any]] = {
    "stations": {"kind": "stations", "value": 54, "label": "overseas police service stations identified by Safeguard Defenders"},
    "countries": {"kind": "countries", "value": 30, "label": "countries with such stations"},
    "continents": {"kind": "continents", "value": 5, "label": "continents with such stations"},
    # "Between April 2021 and July 2022": whole months, so the period ends on the last day of July.
    "persuaded": {"kind": "persuaded_to_return", "value": 230_000,
                  "label": "alleged fugitives “persuaded” by Chinese police to return to China",
                  "period_start": date(2021, 4, 1), "period_end": date(2022, 7, 31)},
    "provinces": {"kind": "provinces", "value": 10,
                  "label": "provinces (at least) in China given mandates to set up similar operations"},
}

_PROBING = ("CZ", "DE", "PT", "ES", "SE", "GB")
_NOT_YET = ("AR", "AT", "BR", "KH", "GR", "HU", "JP", "SK")

RESPONSES: dict[str, dict[str, Any]] = {
    "nl": {"country": "NL", "action": "closure_ordered", "body_kind": "government", "body": "Dutch government",
           "summary": "The Dutch government ordered China to close its overseas police service stations in the Netherlands."},
    "ie": {"country": "IE", "action": "closure_ordered", "body_kind": "government", "body": "Irish government",
           "summary": "The Irish government ordered China to close its overseas police service stations in Ireland."},
    **{f"probe_{iso.lower()}": {
        "country": iso, "action": "investigation", "body_kind": "government", "body": "Government",
        "summary": "The government is probing Safeguard Defenders' allegations of Chinese overseas police service stations."}
       for iso in _PROBING},
    "de_statement": {"country": "DE", "action": "other", "body_kind": "ministry", "body": "German Interior Ministry",
                     "summary": "Statement: Germany does not tolerate foreign state power being exercised on its "
                                "territory, and Chinese agencies have no executive authority there."},
    "fr": {"country": "FR", "action": "monitoring", "body_kind": "police",
           "body": "French Interior Ministry, General Directorate for Internal Security",
           "summary": "The Interior Ministry said its internal security directorate devotes substantial and growing "
                      "resources to monitoring foreign services that may conflict with French sovereignty."},
    "cl": {"country": "CL", "action": "investigation", "body_kind": "ministry", "body": "Interior Minister",
           "place": ("Viña del Mar", "CL"),
           "summary": "The Interior Minister said an investigation is under way in Viña del Mar, after the issue "
                      "was raised in a cabinet meeting."},
    "us_new_york": {"country": "US", "action": "investigation", "body_kind": "government", "body": "",
                    "stations": ["station:new_york"],
                    "summary": "An investigation into the reported police service station in New York is ongoing."},
    "us_broad": {"country": "US", "action": "investigation", "body_kind": "government", "body": "US government",
                 "summary": "The government is looking at China's alleged transnational repression and policing "
                            "across the whole country rather than at a single case."},
    **{f"none_{iso.lower()}": {
        "country": iso, "action": "no_response", "body_kind": "government", "body": "Authorities",
        "summary": "Named by Safeguard Defenders' researchers among the countries whose authorities have yet to respond."}
       for iso in _NOT_YET},
    "ng": {"country": "NG", "action": "denial", "body_kind": "government", "body": "Government agencies",
           "summary": "Government agencies told journalists the report's findings were nonsense; journalists who "
                      "tried to cover the story were warned against it, even threatened."},
}

INCIDENTS: dict[str, dict[str, Any]] = {
    # De-identified: the article names no one, and neither do we. No date: the article gives none.
    "berlin": {"origin_country": "VN", "host_country": "DE", "place": ("Berlin", "DE"), "tactic": "rendition",
               "target_category": "accused_fugitive",
               "summary": "Vietnamese secret agents were accused of abducting a Vietnamese fugitive in Berlin in "
                          "broad daylight and forcing the person back to Hanoi to face criminal charges."},
}

# --- claims: (subject ref, property, value, supporting quotes, refuting quotes) -----------------

CHINA_STATED_PURPOSE = ("Essential services to Chinese citizens overseas, such as renewing driving licences "
               "and physical examinations")
SD_STATED_PURPOSE = "Coercing emigrants to return home to face criminal charges, and silencing dissent abroad"
_BUREAU_CLAIMS = [
    ("kind", "operating_bureau", ("two_bureaus",), ()),
    ("country", "CN", ("two_bureaus",), ()),
    ("operated_stations", "Most of the 54 stations identified by Safeguard Defenders", ("two_bureaus",), ()),
    # Contested: Beijing's stated purpose, refuted by Safeguard Defenders (reports predate COVID).
    ("purpose", CHINA_STATED_PURPOSE, ("beijing_services", "cn_driving"),
     ("sd_rejected", "first_2018", "before_covid")),
    ("purpose", SD_STATED_PURPOSE, ("sd_coerce", "sd_silence"), ()),
]
_REPLICATING = [
    ("kind", "operating_bureau", ("replicating",), ()),
    ("country", "CN", ("replicating",), ()),
    ("activity", "Starting to replicate overseas police service stations", ("replicating",), ()),
]

CLAIMS: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("source:rfa", "title", QUOTES["title"].text, ("title",), ()),
    ("source:rfa", "publisher", "Radio Free Asia", ("chen_told_rfa",), ()),
    ("source:report", "title", SOURCES["report"]["title"], ("sd_report_title",), ()),
    ("source:report", "publisher", "Safeguard Defenders", ("sd_report_title",), ()),
    ("source:report", "published", "September (year not stated)", ("sd_september",), ()),
    ("source:report", "contributor", "Jing-jie Chen, one of the main investigators", ("sd_chen",), ()),
    ("figure:stations", "value", "54", ("sd_54",), ()),
    ("figure:stations", "counted_by", "Safeguard Defenders", ("sd_rights_group", "sd_54"), ()),
    ("figure:stations", "first_reported", "2018", ("first_2018",), ()),
    ("figure:stations", "also_called", "110 Overseas Service Stations", ("stations_110",), ()),
    ("figure:stations", "caveat", "The number of such stations may be much higher", ("may_be_higher",), ()),
    ("figure:countries", "value", "30", ("sd_30",), ()),
    ("figure:continents", "value", "5", ("sd_five",), ()),
    ("figure:persuaded", "value", "230000", ("persuaded_230k",), ()),
    ("figure:persuaded", "period", "April 2021 – July 2022", ("period",), ()),
    ("figure:persuaded", "reported_by", "Chinese state media", ("state_media",), ()),
    ("figure:persuaded", "caveat", "Not all the targets had committed any crimes", ("not_all_crimes",), ()),
    ("figure:provinces", "value", "10", ("ten_provinces",), ()),
    ("figure:provinces", "qualifier", "at least", ("ten_provinces",), ()),
    ("figure:provinces", "based_on", "Government documents obtained via open sources", ("gov_documents",), ()),
    ("country:CN", "alleged_activity", "Illegal, transnational policing operations", ("cn_illegal",), ()),
    ("country:CN", "police_emergency_number", "110", ("cn_110",), ()),
    ("country:CN", "ruled_by", "Communist Party", ("communist",), ()),
    ("country:VN", "ruled_by", "Communist Party", ("communist",), ()),
    ("country:VN", "security_apparatus", "Operates like China's, on a different scale", ("vn_apparatus",), ()),
    *[("organization:qingtian", *c) for c in _BUREAU_CLAIMS],
    ("organization:qingtian", "region", "Zhejiang", ("qingtian",), ()),
    *[("organization:fuzhou", *c) for c in _BUREAU_CLAIMS],
    ("organization:fuzhou", "region", "Fujian", ("fuzhou",), ()),
    ("organization:fuzhou", "city", "Fuzhou", ("fuzhou",), ()),
    *[("organization:wenzhou", *c) for c in _REPLICATING],
    ("organization:wenzhou", "city", "Wenzhou", ("replicating",), ()),
    *[("organization:wuhai", *c) for c in _REPLICATING],
    ("organization:wuhai", "city", "Wuhai", ("replicating",), ()),
    ("organization:safeguard", "kind", "ngo", ("sd_madrid",), ()),
    ("organization:safeguard", "based_in", "Madrid", ("sd_madrid",), ()),
    ("organization:safeguard", "focus", "Human rights", ("sd_rights_group",), ()),
    ("organization:safeguard", "recommendation", "Investigate China's transnational repression tactics",
     ("sd_urge",), ()),
    ("organization:safeguard", "recommendation",
     "Set up reporting and protection mechanisms for communities at risk", ("sd_mechanisms",), ()),
    ("organization:de_interior", "kind", "government_body", ("de_ministry",), ()),
    ("organization:fr_interior", "kind", "government_body", ("fr_ministry",), ()),
    ("organization:fr_dgsi", "part_of", "French Interior Ministry", ("fr_ministry", "fr_dgsi"), ()),
    ("organization:fr_dgsi", "activity", "Monitoring activities of foreign services", ("fr_resources",), ()),
    ("organization:cl_interior", "office_holder", "Carolina Tohá", ("cl_minister",), ()),
    ("station:new_york", "status", "reported", ("us_new_york",), ()),
    ("station:new_york", "place", "New York", ("us_new_york",), ()),
    ("station:new_york", "country", "US", ("us",), ()),
    ("response:nl", "action", "closure_ordered", ("nl_ie_closure",), ()),
    ("response:ie", "action", "closure_ordered", ("nl_ie_closure",), ()),
    *[(f"response:probe_{iso.lower()}", "action", "investigation", ("probing",), ()) for iso in _PROBING],
    ("response:de_statement", "action", "other", ("de_ministry",), ()),
    ("response:de_statement", "body", "German Interior Ministry", ("de_ministry",), ()),
    ("response:de_statement", "statement", "Chinese agencies have no executive authority in Germany",
     ("de_no_authority",), ()),
    ("response:fr", "action", "monitoring", ("fr_monitoring", "fr_resources"), ()),
    ("response:fr", "body", "French Interior Ministry, General Directorate for Internal Security",
     ("fr_ministry", "fr_dgsi"), ()),
    ("response:cl", "action", "investigation", ("cl_looking",), ()),
    ("response:cl", "place", "Viña del Mar", ("cl_vina",), ()),
    ("response:cl", "body", "Interior Minister", ("cl_minister",), ()),
    ("response:cl", "context", "Raised at a cabinet meeting", ("cl_cabinet",), ()),
    ("response:us_new_york", "action", "investigation", ("us_new_york",), ()),
    ("response:us_new_york", "station", "New York", ("us_new_york",), ()),
    ("response:us_new_york", "progress", "ongoing", ("us_new_york",), ()),
    ("response:us_broad", "action", "investigation", ("us_whole_country",), ()),
    ("response:us_broad", "scope", "The whole country rather than a single case", ("us_whole_country",), ()),
    ("response:us_broad", "endorsed_by", "Safeguard Defenders", ("sd_endorse", "sd_chen"), ()),
    *[(f"response:none_{iso.lower()}", "action", "no_response", ("no_response_list", "no_response"), ())
      for iso in _NOT_YET],
    ("response:ng", "action", "denial", ("ng_nonsense",), ()),
    ("response:ng", "country", "NG", ("ng",), ()),
    ("response:ng", "journalists", "Journalists covering the story were warned against it, even threatened",
     ("ng", "ng_warned"), ()),
    ("incident:berlin", "origin_country", "VN", ("hanoi_agents",), ()),
    ("incident:berlin", "host_country", "DE", ("berlin_abduction",), ()),
    ("incident:berlin", "place", "Berlin", ("berlin_abduction",), ()),
    ("incident:berlin", "tactic", "rendition", ("berlin_abduction", "berlin_return"), ()),
    ("incident:berlin", "target_category", "accused_fugitive", ("berlin_abduction",), ()),
]


# --- the loader -----------------------------------------------------------------------------


@dataclass
class DemoLoadResult:
    """What one run wrote: entities created per kind, claims and evidence items added."""

    created: dict[str, int] = field(default_factory=dict)
    claims: int = 0
    evidence: int = 0
    evidence_removed: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.claims or self.evidence or self.evidence_removed or any(self.created.values()))


class _Loader:
    def __init__(self) -> None:
        self.refs: dict[str, Model] = {}
        self.result = DemoLoadResult()
        self.kw = {"actor": None, "actor_label": ACTOR_LABEL}
        self.wanted: set[tuple[str, str, str]] = set()

    def _place(self, spec: tuple[str, str] | None):
        if spec is None:
            return None
        name, iso2 = spec
        return services.place_get_or_create(**self.kw, name_en=name, country=services.country_get(iso2))

    def _ensure(self, ref: str, existing: Model | None, create) -> None:  # noqa: ANN001 - a callable
        if existing is None:
            existing = create()
            kind = ref.split(":")[0]
            self.result.created[kind] = self.result.created.get(kind, 0) + 1
        self.refs[ref] = existing

    def capture_seed(self) -> None:
        """Capture the founding article as its source's evidence copy, through the ingestion
        capture service like any ingested document (blob by SHA-256, extracted text, candidates),
        once: a source with the seed's hash and text is not captured again."""
        if Source.objects.filter(sha256=SEED_SHA256).exclude(text="").exists():
            return
        path = seed_path()
        if path is None:
            self.result.notes.append(f"The founding article ({SEED_FILENAME}) is not in ../shared/seed or "
                                     "/work/shared/seed: its source is recorded as not captured.")
            return
        from tnrwatch.ingestion import services as ingestion

        job = ingestion.job_create(actor=None, actor_label=ACTOR_LABEL, origins=[str(path)], enqueue=False)
        for document in job.documents.all():
            ingestion.document_process(document_id=document.pk, actor_label=ACTOR_LABEL)
        if not Source.objects.filter(sha256=SEED_SHA256).exists():
            self.result.notes.append("The seed file found does not have the founding article's SHA-256: not used.")

    def sources(self) -> None:
        self.capture_seed()
        for name, spec in SOURCES.items():
            if spec.get("sha256") and not Source.objects.filter(sha256=spec["sha256"]).exists():
                spec = {k: val for k, val in spec.items() if k != "sha256"}  # not captured: no hash to claim
            lookup = {"sha256": spec["sha256"]} if spec.get("sha256") else {
                "title": spec["title"], "publisher": spec["publisher"]}
            existing = Source.objects.filter(**lookup).first()
            if existing is None and "sha256" not in spec and name == "rfa":
                existing = Source.objects.filter(title=spec["title"], publisher=spec["publisher"]).first()
            self._ensure(f"source:{name}", existing,
                         lambda spec=spec: services.source_create(**self.kw, marking=MARKING, **spec))
            self._as_specified(self.refs[f"source:{name}"], spec)

    def _as_specified(self, source: Source, spec: dict[str, Any]) -> None:
        """A source the capture created gets the dataset's bibliographic fields and marking."""
        fields = {k: val for k, val in spec.items() if k != "sha256" and getattr(source, k) != val}
        if fields:
            services.source_update(**self.kw, source=source, **fields)
        if source.marking != MARKING:
            services.marking_set(**self.kw, obj=source, marking=MARKING)

    def organizations(self) -> None:
        for name, spec in ORGANIZATIONS.items():
            fields = {k: val for k, val in spec.items() if k not in ("country", "place", "aliases")}
            fields["country"] = services.country_get(spec["country"])
            fields["place"] = self._place(spec.get("place"))
            existing = Organization.objects.filter(kind=spec["kind"], name_en=spec["name_en"]).first()
            self._ensure(f"organization:{name}", existing, lambda f=fields, s=spec: services.organization_create(
                **self.kw, marking=MARKING, aliases=s.get("aliases", []), **f))

    def stations(self) -> None:
        for name, spec in STATIONS.items():
            country = services.country_get(spec["country"])
            fields = {**spec, "country": country, "place": self._place(spec.get("place"))}
            existing = Station.objects.filter(name_en=spec["name_en"], country=country).first()
            self._ensure(f"station:{name}", existing,
                         lambda f=fields: services.station_create(**self.kw, marking=MARKING, **f))

    def figures(self) -> None:
        for name, spec in FIGURES.items():
            existing = Figure.objects.filter(kind=spec["kind"], label=spec["label"]).first()
            self._ensure(f"figure:{name}", existing,
                         lambda s=spec: services.figure_create(**self.kw, marking=MARKING, **s))

    def responses(self) -> None:
        for name, spec in RESPONSES.items():
            country = services.country_get(spec["country"])
            fields = {**spec, "country": country, "place": self._place(spec.get("place")),
                      "stations": [self.refs[r] for r in spec.get("stations", [])]}
            existing = GovernmentResponse.objects.filter(
                country=country, action=spec["action"], summary=spec["summary"]).first()
            self._ensure(f"response:{name}", existing,
                         lambda f=fields: services.response_create(**self.kw, marking=MARKING, **f))

    def incidents(self) -> None:
        for name, spec in INCIDENTS.items():
            origin = services.country_get(spec["origin_country"])
            host = services.country_get(spec["host_country"])
            fields = {**spec, "origin_country": origin, "host_country": host, "place": self._place(spec.get("place"))}
            existing = Incident.objects.filter(origin_country=origin, host_country=host, tactic=spec["tactic"],
                                               summary=spec["summary"]).first()
            self._ensure(f"incident:{name}", existing,
                         lambda f=fields: services.incident_create(**self.kw, marking=MARKING, **f))

    def campaigns(self) -> None:
        for name, spec in demo_campaigns.CAMPAIGNS.items():
            fields = {k: val for k, val in spec.items() if k not in ("part_of", "attributed_to")}
            fields["part_of"] = self.refs[f"campaign:{spec['part_of']}"] if spec.get("part_of") else None
            existing = Campaign.objects.filter(name_en=spec["name_en"]).first()
            self._ensure(f"campaign:{name}", existing, lambda f=fields, s=spec: services.campaign_create(
                **self.kw, marking=MARKING, attributed_to=[self.refs[r] for r in s.get("attributed_to", [])], **f))

    def campaign_claims(self) -> None:
        """The campaigns' claims: the founding article's quotes at their offsets, the other public
        sources' quotes without offsets (no copy of them is captured here)."""
        for ref, prop, value, quotes in demo_campaigns.CLAIMS:
            for source_key, text in quotes:
                source = self.refs[f"source:{source_key}"]
                kw: dict[str, Any] = {"quote": text}
                if source_key == "rfa":
                    quote = QUOTES[text]
                    start, end = _offsets(source.text, quote)
                    kw = {"quote": quote.text, "location": f"paragraph {quote.paragraph}", "start": start, "end": end}
                claim = services.claim_assert(**self.kw, subject=self._subject(ref), prop=prop, value=value,
                                              source=source, stance=Evidence.Stance.SUPPORTS, marking=MARKING, **kw)
                self.wanted.add((claim.key, kw["quote"].strip(), Evidence.Stance.SUPPORTS))

    def _subject(self, ref: str) -> Model:
        if ref.startswith("country:"):
            return services.country_get(ref.split(":", 1)[1])
        return self.refs[ref]

    def claims(self) -> None:
        source = self.refs["source:rfa"]
        for ref, prop, value, supporting, refuting in CLAIMS:
            subject = self._subject(ref)
            for stance, keys in ((Evidence.Stance.SUPPORTS, supporting), (Evidence.Stance.REFUTES, refuting)):
                for key in keys:
                    quote = QUOTES[key]
                    start, end = _offsets(source.text, quote)
                    claim = services.claim_assert(
                        **self.kw, subject=subject, prop=prop, value=value, source=source, quote=quote.text,
                        stance=stance, location=f"paragraph {quote.paragraph}", start=start,
                        end=end, marking=MARKING,
                    )
                    self.wanted.add((claim.key, quote.text.strip(), stance))

    def superseded_quotes(self) -> None:
        """Quotes an earlier version of this dataset loaded and this one no longer uses (they were
        trimmed or merged) come off their claims, so a re-run converges on the current dataset.
        Only evidence this loader added is touched (found through its audit rows); an analyst's
        quotes from the same article stay."""
        loaded = AuditEntry.objects.filter(actor_label=ACTOR_LABEL, action__in=("claim.create", "claim.evidence_add"))
        evidence_ids = {entry.data.get("evidence") for entry in loaded.only("data")} - {None}
        for evidence in Evidence.objects.filter(pk__in=evidence_ids).select_related("claim"):
            if evidence.quote in NETWORK_QUOTES:
                continue  # the network's own quotes (demo_network.py), not the article's
            if (evidence.claim.key, evidence.quote, evidence.stance) not in self.wanted:
                services.evidence_remove(**self.kw, evidence=evidence, reason="demo quote superseded by a shorter one")
                self.result.evidence_removed += 1


def seed_path() -> Path | None:
    """The founding article in the shared seed folder: ../shared/seed beside the repository, or
    /work/shared/seed; None when neither holds it."""
    repo = Path(__file__).resolve().parents[2]
    for folder in (repo.parent / "shared" / "seed", Path("/work/shared/seed")):
        if (folder / SEED_FILENAME).is_file():
            return folder / SEED_FILENAME
    return None


def _offsets(text: str, quote: Quote) -> tuple[int, int]:
    """The quote's offsets in the stored text: the recorded ones when they hold (or when there is
    no text), else the occurrence nearest to them (text extraction may trim the article's start)."""
    if not text or text[quote.start:quote.end] == quote.text:
        return quote.start, quote.end
    found, at = [], text.find(quote.text)
    while at >= 0:
        found.append(at)
        at = text.find(quote.text, at + 1)
    if not found:
        return quote.start, quote.end
    best = min(found, key=lambda i: abs(i - quote.start))
    return best, best + len(quote.text)


def demo_load() -> DemoLoadResult:
    """Load the demo dataset; idempotent (a second run creates no entity, claim, evidence or audit row).

    Everything is written in one transaction, so a failure leaves the record as it was.
    """
    with transaction.atomic():
        claims_before, evidence_before = Claim.objects.count(), Evidence.objects.count()
        loader = _Loader()
        for step in (loader.sources, loader.organizations, loader.stations, loader.figures,
                     loader.responses, loader.incidents, loader.campaigns, loader.claims, loader.campaign_claims,
                     loader.superseded_quotes):
            step()
        # The people, address and ties behind the New York station, from the 2023 prosecution.
        NetworkLoader(loader.result.created).load()
        loader.result.claims = Claim.objects.count() - claims_before
        loader.result.evidence = Evidence.objects.count() - evidence_before + loader.result.evidence_removed
    return loader.result
