"""The smallest record that has every kind the sharing formats carry, built through the registry
services (the path the app uses), plus canaries planted where nothing may leak from.

Record: an operating bureau, a host association, two stations (one CLEAR in Rotterdam, one AMBER),
a government response, an incident, a source with claims and evidence. Canaries (strings that must
never appear in any output): a RED station, a private note, a report (intake), a sub-threshold
incident from a report in a city of its own.
"""

from __future__ import annotations

from datetime import date

from tnrwatch.registry import services as rs
from tnrwatch.registry.models import Country

CANARY_RED = "CANARY-RED-7f3a"
CANARY_NOTE = "CANARY-PRIVATE-NOTE-91bc"
CANARY_REPORT = "CANARY-REPORT-5d2e"
CANARY_SUBTHRESHOLD = "CANARY-SUBTHRESHOLD-CITY-c04f"
CANARY_INCIDENT_SUMMARY = "CANARY-INCIDENT-SUMMARY-a8d1"
CANARIES = (CANARY_RED, CANARY_NOTE, CANARY_REPORT, CANARY_SUBTHRESHOLD, CANARY_INCIDENT_SUMMARY)


def country(iso2: str) -> Country:
    return Country.objects.get(iso2=iso2)


def build_record(marking: str = "clear") -> dict:
    nl, cn, de = country("NL"), country("CN"), country("DE")
    label = "test"
    rotterdam = rs.place_get_or_create(actor_label=label, name_en="Rotterdam", country=nl, latitude=51.92, longitude=4.48)
    bureau = rs.organization_create(actor_label=label, kind="operating_bureau", name_en="Fuzhou Public Security Bureau",
                                    name_zh="福州市公安局", country=cn, marking=marking)
    host = rs.organization_create(actor_label=label, kind="host_organization", name_en="Rotterdam Fujian Association",
                                  country=nl, place=rotterdam, marking=marking)
    station = rs.station_create(actor_label=label, name_en="Fuzhou police service station Rotterdam", name_zh="福州警侨服务站",
                                country=nl, place=rotterdam, operator=bureau, host_organization=host,
                                first_reported=date(2022, 9, 12), marking=marking)
    amber_station = rs.station_create(actor_label=label, name_en="Qingtian service station Berlin", country=de, marking="amber")
    response = rs.response_create(actor_label=label, country=nl, action="closure_ordered", body_kind="ministry",
                                  body="Dutch Ministry of Foreign Affairs", date=date(2022, 11, 1),
                                  summary="The Netherlands ordered the stations closed.", stations=[station], marking=marking)
    incident = rs.incident_create(actor_label=label, date=date(2022, 10, 3), origin_country=cn, host_country=nl,
                                  tactic="coercion_by_proxy", summary="Relatives were pressed to make him return.",
                                  stations=[station], marking=marking)
    source = rs.source_create(actor_label=label, kind="news", title="International concern grows over Chinese police service stations",
                              publisher="RFA", url="https://www.rfa.org/english/news/china/police-stations-11032022.html",
                              published=date(2022, 11, 3), marking=marking)
    claim = rs.claim_assert(actor_label=label, subject=station, prop="status", value="closure_ordered", source=source,
                            quote="the Dutch and Irish governments have ordered China to shut down its overseas police service stations",
                            marking=marking)
    rs.claim_assert(actor_label=label, subject=response, prop="summary", value="closure ordered", source=source,
                    quote="ordered China to shut down", marking=marking)
    # Every record that states a fact has a quote behind it (the publication rule).
    for subject, prop, value, quote, mark in (
        (bureau, "role", "operates overseas police stations", "the Fuzhou police run stations abroad", marking),
        (host, "role", "hosts a station", "the association hosts the station in Rotterdam", marking),
        (incident, "tactic", "coercion_by_proxy", "relatives in China were pressed", marking),
        (amber_station, "location", "Berlin, DE", "a station in Berlin", "amber"),
    ):
        rs.claim_assert(actor_label=label, subject=subject, prop=prop, value=value, source=source, quote=quote, marking=mark)
    return {"station": station, "amber_station": amber_station, "bureau": bureau, "host": host, "response": response,
            "incident": incident, "source": source, "claim": claim, "place": rotterdam}


def plant_canaries() -> dict:
    """Records that must never leave, each carrying a canary string."""
    from tnrwatch.sharing.models import PrivateNote

    nl, cn, fr = country("NL"), country("CN"), country("FR")
    label = "test"
    red_station = rs.station_create(actor_label=label, name_en=f"Station {CANARY_RED}", country=nl, marking="red")
    red_source = rs.source_create(actor_label=label, title=f"Source {CANARY_RED}", marking="red")
    clear_source = rs.source_create(actor_label=label, title="A clear source", marking="clear")
    # A CLEAR claim about a RED station must not leave either: it would reveal the station.
    rs.claim_assert(actor_label=label, subject=red_station, prop="name", value=f"named {CANARY_RED}", source=clear_source,
                    quote=f"quote {CANARY_RED}", marking="clear")
    rs.claim_assert(actor_label=label, subject=nl, prop="note", value=f"cites red {CANARY_RED}", source=red_source,
                    quote=f"red quote {CANARY_RED}", marking="clear")
    station = rs.station_create(actor_label=label, name_en="Noted station", country=nl, marking="clear")
    rs.claim_assert(actor_label=label, subject=station, prop="location", value="NL", source=clear_source,
                    quote="a station in the Netherlands", marking="clear")
    PrivateNote.objects.create(subject_type="station", subject_id=station.pk, text=f"note {CANARY_NOTE}")
    city = rs.place_get_or_create(actor_label=label, name_en=CANARY_SUBTHRESHOLD, country=fr, latitude=45.0, longitude=2.0)
    sub = rs.incident_create(actor_label=label, date=date(2023, 4, 5), origin_country=cn, host_country=fr, place=city,
                             tactic="threats", summary=f"From a report: {CANARY_INCIDENT_SUMMARY} {CANARY_REPORT}",
                             from_report=True, marking="clear")
    rs.claim_assert(actor_label=label, subject=sub, prop="detail", value=f"detail {CANARY_REPORT}", source=clear_source,
                    quote=f"the reporter said {CANARY_REPORT}", marking="clear")
    _plant_report(incident=sub, station=station)
    return {"red_station": red_station, "noted_station": station, "subthreshold_incident": sub}


def _plant_report(incident=None, station=None) -> None:
    """A report in the intake app (its engineer owns the schema; a field we cannot fill is skipped):
    the canary in its receipt, key, answers, a message and an analysts' note, linked to the incident."""
    from django.apps import apps
    from django.db import transaction

    try:
        Report = apps.get_model("intake", "Report")
    except LookupError:
        return
    canary = CANARY_REPORT.encode()
    try:
        with transaction.atomic():
            report = Report.objects.create(receipt_hash=CANARY_REPORT, reporter_public_key=CANARY_REPORT, answers_ct=canary,
                                           incident=incident)
            if station is not None:
                report.stations.add(station)
            for name in ("Message", "Note"):
                model = apps.get_model("intake", name)
                fields = {"report": report, "body_ct": canary}
                if name == "Message":
                    fields["author"] = "reporter"
                model.objects.create(**fields)
    except Exception:  # noqa: BLE001 - the intake schema is not ours
        return


def cite(subject, *, source=None, marking: str = "clear", quote: str | None = None):  # noqa: ANN001, ANN201
    """A claim with a quote about `subject`, so that the record passes the publication rule
    (a station, organisation, response, incident or figure is public only with a public quote)."""
    if source is None:
        source = rs.source_create(actor_label="test", title=f"Source about {subject}", marking=marking)
    return rs.claim_assert(actor_label="test", subject=subject, prop="recorded", value="yes", source=source,
                           quote=quote or f"a quote about {type(subject).__name__} {subject.pk}", marking=marking)
