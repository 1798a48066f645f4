"""The demo's campaigns: Fox Hunt, Sky Net and "110 Overseas", with the bodies they are attributed
to, each fact a claim citing a public source by a short verbatim quote.

Fox Hunt and Sky Net are not in the founding article, so their claims cite the public reports
that state them (a Xinhua dispatch, a China Daily article, Wikipedia's article on the operation),
recorded as sources without a captured copy (their quotes cannot be checked against a copy here;
`tnrwatch verify` says so). "110 Overseas" is named in the founding article; who runs it comes
from a later report. The descriptions are this project's own words. Nothing else is added: no
station is linked to a campaign, because none of these sources names one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

SOURCES: dict[str, dict[str, Any]] = {
    "xinhua_2015": {"kind": "news", "title": "150 fugitives captured in \"Fox Hunt 2015\"", "publisher": "Xinhua",
                    "published": date(2015, 5, 14), "language": "en",
                    "url": "http://en.chinagate.cn/2015-05/14/content_35574025.htm"},
    "chinadaily_2016": {"kind": "news", "title": "Repatriation and recovery targeted to combat graft",
                        "publisher": "China Daily", "author": "Zhang Yi", "published": date(2016, 5, 6), "language": "en",
                        "url": "http://www.chinadaily.com.cn/cndy/2016-05/06/content_25099771.htm"},
    "wikipedia_fox_hunt": {"kind": "other", "title": "Operation Fox Hunt", "publisher": "Wikipedia", "language": "en",
                           "url": "https://en.wikipedia.org/wiki/Operation_Fox_Hunt"},
    "thebl_110": {"kind": "news", "title": "China's overseas police stations use fake addresses and mushroom worldwide",
                  "publisher": "The BL", "language": "en",
                  "url": "https://m.thebl.tv/china/chinas-overseas-police-stations-use-fake-addresses-and-mushroom-worldwide.html"},
}

ORGANIZATIONS: dict[str, dict[str, Any]] = {
    "mps": {"kind": "government_body", "name_en": "Ministry of Public Security", "name_zh": "公安部", "country": "CN",
            "aliases": [("MPS", "en")]},
}

CAMPAIGNS: dict[str, dict[str, Any]] = {
    "sky_net": {"name_en": "Sky Net", "name_zh": "天网",
                "description": "A Chinese state operation to bring back from abroad people it accuses of corruption "
                               "and economic crimes; Fox Hunt is one of its parts."},
    "fox_hunt": {"name_en": "Fox Hunt", "name_zh": "猎狐", "first_seen": date(2014, 6, 1), "first_seen_precision": "month",
                 "part_of": "sky_net", "attributed_to": ["organization:mps"],
                 "objective": "Returning to China people it suspects of economic crimes who live abroad.",
                 "description": "A yearly operation of China's public security organs to return suspects from abroad, "
                                "which critics and several governments say also reaches dissidents."},
    "overseas_110": {"name_en": "110 Overseas", "name_zh": "海外110", "attributed_to": ["organization:fuzhou"],
                     "description": "The name some overseas police service stations go by, after China's police "
                                    "emergency number; reported as a programme of the Fuzhou police."},
}

# (subject ref, property, value, [(source key, verbatim quote)]); "rfa" quotes are keys of demo.QUOTES.
CLAIMS: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    ("campaign:fox_hunt", "launched", "June 2014", [("wikipedia_fox_hunt", "Operation Fox Hunt was launched in June 2014.")]),
    ("campaign:fox_hunt", "part_of", "Sky Net", [
        ("xinhua_2015", "\"Fox hunt 2015\" is part of the \"Skynet\" operation"),
        ("chinadaily_2016", "Fox Hunt forms part of the Sky Net campaign")]),
    ("campaign:fox_hunt", "run_by", "Ministry of Public Security", [
        ("xinhua_2015", "the Ministry of Public Security (MPS) said"),
        ("chinadaily_2016", "outlined by the Ministry of Public Security")]),
    ("campaign:fox_hunt", "targets", "Economic crime suspects", [("xinhua_2015", "targets economic crime suspects")]),
    ("campaign:sky_net", "led_by", "China's top anti-graft agency", [
        ("chinadaily_2016", "the Sky Net campaign led by China's top anti-graft agency")]),
    ("campaign:overseas_110", "also_called", "110 Overseas Service Stations", [("rfa", "stations_110")]),
    ("campaign:overseas_110", "named_after", "China's police emergency number, 110", [("rfa", "cn_110")]),
    ("campaign:overseas_110", "run_by", "Fuzhou Public Security Bureau", [
        ("thebl_110", "110 Overseas is part of an anti-fraud program managed by the Fuzhou Public Security Bureau")]),
    ("organization:mps", "kind", "government_body", [("xinhua_2015", "the Ministry of Public Security (MPS)")]),
    ("organization:mps", "country", "CN", [("xinhua_2015", "returned to China from overseas")]),
    # The sources themselves (each record states what it is through a quote).
    ("source:xinhua_2015", "publisher", "Xinhua", [("xinhua_2015", "Xinhua, May 14, 2015")]),
    ("source:chinadaily_2016", "publisher", "China Daily", [("chinadaily_2016", "By Zhang Yi | China Daily")]),
    ("source:wikipedia_fox_hunt", "subject", "Operation Fox Hunt", [("wikipedia_fox_hunt", "Operation Fox Hunt was launched in June 2014.")]),
    ("source:thebl_110", "subject", "110 Overseas", [("thebl_110", "These stations, also known as “110 Overseas,”")]),
]
