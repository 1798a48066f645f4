"""The smallest public record the atlas pages need, built through registry.services.

Fixture strategy: one public source; a station in Rotterdam (with a traditional-Chinese alias)
operated by a public bureau; every public record with a public quote (the publication rule); a Dutch closure order and a disputed claim with evidence for and
against; a headline figure; an incident. Beside it, one record of each kind marked AMBER, whose
names must never appear on a public page.
"""

from __future__ import annotations

from datetime import date

import pytest

from tnrwatch.registry import services
from tnrwatch.registry.models import Country

SECRET = "AMBERSECRET"


@pytest.fixture
def atlas_record(db):
    nl = Country.objects.get(iso2="NL")
    cn = Country.objects.get(iso2="CN")
    de = Country.objects.get(iso2="DE")
    label = {"actor_label": "test"}
    src = services.source_create(**label, title="International concern grows over police stations",
                                 publisher="Radio Free Asia", url="https://www.rfa.org/english/x.html",
                                 published=date(2022, 11, 2), language="en", marking="clear",
                                 text="The Dutch government ordered China to shut down two stations.")
    rotterdam = services.place_get_or_create(**label, name_en="Rotterdam", country=nl)
    bureau = services.organization_create(**label, kind="operating_bureau", name_en="Fuzhou Public Security Bureau",
                                          name_zh="福州市公安局", country=cn, region="Fujian", marking="clear")
    station = services.station_create(**label, name_en="Fuzhou police service station Rotterdam", name_zh="福州警侨服务站",
                                       country=nl, place=rotterdam, operator=bureau, marking="clear",
                                       aliases=[("鹿特丹福州警僑服務站", "zh-hant")])
    response = services.response_create(**label, country=nl, action="closure_ordered", body="Dutch Foreign Ministry",
                                        date=date(2022, 11, 1), summary="Ordered the stations closed.",
                                        stations=[station], marking="clear")
    germany = services.response_create(**label, country=de, action="investigation", body="Interior Ministry",
                                       date=date(2022, 10, 1), summary="Probing.", marking="clear")
    closure = services.claim_assert(**label, subject=response, prop="action", value="closure_ordered", source=src,
                                    quote="The Dutch government ordered China to shut down", marking="clear")
    services.claim_assert(**label, subject=germany, prop="action", value="investigation", source=src,
                          quote="Germany is probing", marking="clear")
    denied = services.claim_assert(**label, subject=station, prop="operates_as", value="police station", source=src,
                                   quote="a police service station", marking="clear")
    denied = services.claim_assert(**label, subject=station, prop="operates_as", value="police station", source=src,
                                   quote="it is only a volunteer centre", stance="refutes", marking="clear")
    services.claim_assert(**label, subject=bureau, prop="role", value="operates overseas police stations", source=src,
                          quote="run by the Fuzhou police", marking="clear")
    figure = services.figure_create(**label, kind="stations", value=54, label="overseas police stations",
                                    marking="clear")
    figure_claim = services.claim_assert(**label, subject=figure, prop="value", value="54", source=src,
                                         quote="54 overseas police service stations", marking="clear")
    incident = services.incident_create(**label, date=date(2017, 7, 23), origin_country=Country.objects.get(iso2="VN"),
                                        host_country=de, tactic="rendition", target_category="dissident",
                                        summary="A man was abducted in Berlin.", marking="clear")
    services.claim_assert(**label, subject=incident, prop="tactic", value="rendition", source=src,
                          quote="abducted in Berlin", marking="clear")
    # Non-public records: nothing of these may appear on a public page.
    hidden_src = services.source_create(**label, title=f"{SECRET} source", marking="amber")
    hidden_station = services.station_create(**label, name_en=f"{SECRET} station", country=nl, marking="amber")
    services.response_create(**label, country=Country.objects.get(iso2="FR"), action="conviction",
                             body=f"{SECRET} court", summary=SECRET, marking="amber")
    services.organization_create(**label, kind="host_organization", name_en=f"{SECRET} association", marking="amber")
    services.incident_create(**label, origin_country=cn, host_country=nl, tactic="threats", summary=SECRET,
                             marking="amber")
    services.figure_create(**label, kind="other", value=999, label=SECRET, marking="amber")
    hidden_claim = services.claim_assert(**label, subject=station, prop="note", value=SECRET, source=src,
                                         quote=f"{SECRET} quote", marking="amber")
    leaked_subject = services.claim_assert(**label, subject=hidden_station, prop="status", value="open",
                                           source=src, quote=f"{SECRET} subject", marking="clear")
    services.claim_assert(**label, subject=station, prop="opened", value="2018", source=hidden_src,
                          quote=f"{SECRET} hidden source quote", marking="clear")
    return {
        "source": src, "station": station, "bureau": bureau, "response": response, "closure": closure,
        "disputed": denied, "figure": figure, "figure_claim": figure_claim, "incident": incident,
        "hidden_claim": hidden_claim, "leaked_subject": leaked_subject, "hidden_source": hidden_src,
        "hidden_station": hidden_station,
    }
