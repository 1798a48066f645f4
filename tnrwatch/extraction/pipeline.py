"""`extract(text, lang=None) -> list[Candidate]`: the whole extractor, one pass per text."""

from __future__ import annotations

import re
from bisect import bisect_left

from tnrwatch.extraction.actors import Context, document_host
from tnrwatch.extraction.candidate import Candidate
from tnrwatch.extraction.countries import country_gazetteer
from tnrwatch.extraction.figures import sentence_figures
from tnrwatch.extraction.lang import detect_language
from tnrwatch.extraction.lexicon import body_matches
from tnrwatch.extraction.matcher import Match, lower_same_length
from tnrwatch.extraction.people import sentence_addresses, sentence_people
from tnrwatch.extraction.places import china_gazetteer, city_gazetteer
from tnrwatch.extraction.responses import government_gazetteer, sentence_responses
from tnrwatch.extraction.sentences import sentence_spans
from tnrwatch.extraction.stations import (
    sentence_operators,
    sentence_stations,
    sentences_about_stations,
)

MAX_CHARS = 2_000_000  # longer texts are read up to here; a news article is ~5,000


def extract(text: str, lang: str | None = None) -> list[Candidate]:
    """Candidate claims found in `text`, in order of position. Never raises on any str."""
    if not isinstance(text, str) or not text.strip():
        return []
    text = text[:MAX_CHARS]
    given = lang
    lang = lang or detect_language(text)
    low = lower_same_length(text)
    out: list[Candidate] = []
    countries = country_gazetteer().find(text, low)
    spans = sentence_spans(text)
    cities = city_gazetteer().find(text, low)
    china_places = china_gazetteer().find(text, low)
    government = government_gazetteer().find(text, low)
    bodies = body_matches(text, low)
    doc_countries = {m.payload.iso2 for m in countries if m.payload}
    about = sentences_about_stations(text, spans, low) if cities or countries else [False] * len(spans)
    doc_has_station = any(about)
    context = Context(host=document_host(text, countries, cities, lang))
    starts = _Starts(countries, cities, china_places, government, bodies)
    for i, (s_start, s_end) in enumerate(spans):
        s_lang = given or _sentence_language(text, s_start, s_end, lang)
        in_countries = _within(countries, s_start, s_end, starts.countries)
        named: set[str] = set()
        for m in in_countries:
            # One "country" candidate per country per sentence: the first mention.
            if m.payload is None or m.payload.iso2 in named:
                continue
            named.add(m.payload.iso2)
            out.append(Candidate(kind="country", country=m.payload.iso2, quote=text[m.start:m.end],
                                 start=m.start, end=m.end, lang=s_lang, confidence=0.9))
        in_cities = _within(cities, s_start, s_end, starts.cities)
        in_government = _within(government, s_start, s_end, starts.government)
        in_bodies = _within(bodies, s_start, s_end, starts.bodies)
        out.extend(sentence_responses(text, s_start, s_end, in_countries, s_lang, context,
                                      in_cities, in_government, in_bodies))
        near = (i > 0 and about[i - 1]) or (i + 1 < len(spans) and about[i + 1])
        out.extend(sentence_stations(text, s_start, s_end, in_cities,
                                     in_countries, doc_countries, s_lang, doc_has_station, near, about[i]))
        out.extend(sentence_operators(text, s_start, s_end,
                                      _within(china_places, s_start, s_end, starts.china_places), s_lang))
        out.extend(sentence_figures(text, s_start, s_end, s_lang))
        out.extend(sentence_people(text, s_start, s_end, s_lang, in_countries + in_cities, in_bodies))
        out.extend(sentence_addresses(text, s_start, s_end, s_lang, in_cities, context.host))
    out.sort(key=lambda c: (c.start, c.kind))
    return _headline_once(text, spans, _one_station_level(out))


def _key(c: Candidate) -> tuple[str | float | None, ...]:
    return (c.kind, c.country, c.action, c.city, c.operator, c.value, c.what)


def _headline_once(text: str, spans: list[tuple[int, int]], out: list[Candidate]) -> list[Candidate]:
    """A headline (a first line on its own) that repeats what the body says gives one candidate:
    the body's, whose sentence says more."""
    if len(spans) < 2 or "\n" not in text[spans[0][1]:spans[1][0]]:
        return out
    head_end = spans[0][1]
    in_body = {_key(c) for c in out if c.start >= head_end}
    return [c for c in out if c.start >= head_end or _key(c) not in in_body]


def _one_station_level(out: list[Candidate]) -> list[Candidate]:
    """A country-level station is dropped where the text places a station in a city of that
    country: the city says more."""
    with_city = {c.country for c in out if c.kind == "station" and c.city}
    return [c for c in out if not (c.kind == "station" and c.city is None and c.country in with_city)]


class _Starts:
    """Where each document-wide match list's matches start, computed once per text."""

    def __init__(self, countries: list[Match], cities: list[Match], china_places: list[Match],
                 government: list[Match], bodies: list[Match]) -> None:
        self.countries = [m.start for m in countries]
        self.cities = [m.start for m in cities]
        self.china_places = [m.start for m in china_places]
        self.government = [m.start for m in government]
        self.bodies = [m.start for m in bodies]


def _within(matches: list[Match], start: int, end: int, starts: list[int] | None = None) -> list[Match]:
    """The matches inside [start, end); `starts` (each match's start, precomputed once per
    text) saves a key function call per comparison."""
    if starts is None:
        starts = [m.start for m in matches]
    lo = bisect_left(starts, start)
    hi = bisect_left(starts, end, lo)
    return [m for m in matches[lo:hi] if m.end <= end]


_HAN = re.compile(r"[\u3400-\u9fff]")


def _sentence_language(text: str, start: int, end: int, doc_lang: str) -> str:
    """The document's language, unless the sentence is in another script (a Chinese quote in
    an English article, an English line in a Chinese notice)."""
    han = len(_HAN.findall(text, start, end))
    chinese_doc = doc_lang.startswith("zh")
    if chinese_doc and han * 3 < end - start or not chinese_doc and han * 3 >= end - start > 0:
        return detect_language(text[start:end])
    return doc_lang
