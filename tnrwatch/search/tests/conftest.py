"""The smallest record full-text search needs, written through registry.services (so the index is
kept by the same calls as in production).

Fixture strategy: public sources in English, Chinese (traditional script) and Spanish, a public
station and bureau with Chinese names, claims about them; and beside them one hidden record of each
kind (AMBER and RED, and a public claim resting only on an AMBER quote) whose every text field holds
the canary word, which must never come back from a public search, on any path.
"""

from __future__ import annotations

from datetime import date

import pytest

from tnrwatch.registry import services
from tnrwatch.registry.models import Country

CANARY = "zqxcanaryword"
CANARY_ZH = "鸊鷉鸊鷉"  # rare characters, traditional script


@pytest.fixture
def record(db):
    label = {"actor_label": "test"}
    # The public sources' copies may be republished, so their passages come from their text (a copy
    # that may not be: test_passages.py).
    free = {"republish_allowed": True, "reuse_terms": "CC BY 4.0"}
    nl, cn, es = (Country.objects.get(iso2=c) for c in ("NL", "CN", "ES"))
    title_hit = services.source_create(
        **label, **free, title="Qingtian hometown association", publisher="Radio Free Asia", language="en",
        published=date(2022, 11, 2), marking="clear",
        text="A report on the association and its ties to the county's public security bureau.")
    mention = services.source_create(
        **label, **free, title="A long report on diaspora groups", publisher="Example Daily", language="en",
        published=date(2023, 1, 5), marking="clear",
        text=("Community life in Europe. " * 30) + "Among many groups, a Qingtian association was named once. "
        + ("More text about other things. " * 30))
    chinese = services.source_create(
        **label, **free, title="海外警察服務站調查", publisher="自由亞洲電台", language="zh", published=date(2022, 12, 1),
        marking="clear", text="報道指出，溫州市公安局在鹿特丹設立了一個海外警察服務站。<script>alert(1)</script>")
    spanish = services.source_create(
        **label, **free, title="Informe desde Chile", publisher="Diario", language="es", published=date(2023, 3, 3),
        marking="clear", text="La estación fue vista en Viña del Mar, según vecinos.")
    bureau = services.organization_create(**label, kind="operating_bureau", name_en="Wenzhou Public Security Bureau",
                                          name_zh="温州市公安局", country=cn, marking="clear")
    station = services.station_create(**label, name_en="Rotterdam service station", name_zh="鹿特丹警侨服务站",
                                       country=nl, operator=bureau, marking="clear",
                                       aliases=[("鹿特丹溫州警僑服務站", "zh-hant")])
    claim = services.claim_assert(**label, subject=station, prop="operator", value="Wenzhou Public Security Bureau",
                                  source=chinese, quote="溫州市公安局在鹿特丹設立了", marking="clear")
    chile = services.response_create(**label, country=es, action="investigation", body="Fiscalía",
                                     date=date(2023, 3, 1), summary="Investigación abierta.", marking="clear")
    # Every public fact cites a public quote (the publication rule may require one per record).
    services.claim_assert(**label, subject=bureau, prop="name", value="温州市公安局", source=chinese,
                          quote="溫州市公安局", marking="clear")
    services.claim_assert(**label, subject=chile, prop="action", value="investigation", source=spanish,
                          quote="La estación fue vista en Viña del Mar", marking="clear")
    # Hidden records: the canary in every searchable field.
    hidden = {
        "amber_source": services.source_create(**label, title=f"{CANARY} memo {CANARY_ZH}", publisher=CANARY,
                                               marking="amber", text=f"Only {CANARY} here, {CANARY_ZH}.",
                                               language="en", published=date(2023, 1, 1)),
        "red_source": services.source_create(**label, title=f"{CANARY} red", marking="red", text=CANARY),
        "amber_station": services.station_create(**label, name_en=f"{CANARY} station", name_zh=CANARY_ZH,
                                                 country=nl, marking="amber", description=CANARY),
        "amber_bureau": services.organization_create(**label, kind="operating_bureau", name_en=f"{CANARY} bureau",
                                                     country=cn, marking="amber"),
    }
    # A public claim about a public station whose only quote is AMBER: it must stay in.
    hidden["claim_amber_quote"] = services.claim_assert(
        **label, subject=station, prop="note", value=f"{CANARY} claim", source=hidden["amber_source"],
        quote=f"Only {CANARY} here", marking="clear")
    # A public claim about a hidden station.
    hidden["claim_hidden_subject"] = services.claim_assert(
        **label, subject=hidden["amber_station"], prop="note", value=f"{CANARY} about hidden", source=title_hit,
        quote="A report on the association", marking="clear")
    return {"title_hit": title_hit, "mention": mention, "chinese": chinese, "spanish": spanish, "bureau": bureau,
            "station": station, "claim": claim, "chile": chile, "hidden": hidden}
