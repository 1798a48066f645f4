"""Stations (a city abroad where a station is said to be) and operating bureaus (the Chinese
public security bureau said to run it), sentence by sentence."""

from __future__ import annotations

import re
from functools import lru_cache

from tnrwatch.extraction.candidate import Candidate
from tnrwatch.extraction.lexicon import (
    BUREAU_RE,
    EMBASSY_RE,
    GOVERNMENT_RE,
    LANGUAGE_HOMES,
    LOCATIVE_AFTER_RE,
    LOCATIVE_SUFFIX_RE,
    OTHER_STATION_PATTERNS,
    OTHER_STATION_RE,
    SITE_RE,
    STATION_CONTEXT_RE,
    STATION_GENERIC_RE,
    STATION_PATTERNS,
    STATION_PLACE_WORDS,
    STATION_RE,
)
from tnrwatch.extraction.matcher import GatedPatterns, Match, unspaced
from tnrwatch.extraction.places import CityRef

_POLICE_NEXT = re.compile(
    r"^\s*(?:county |city |municipal )?(?:police|Polizei|polizia|polic[ií]a|politie|polisen|rendőr\w*|policie|polícia|"
    r"policija|полициј\w*|politi\w*|αστυνομ\w*|authorities|bureau|PSB|Behörden?|autorités|autorità|autoridades|"
    r"autoriteiten|myndighet\w*|hatóság\w*|úřad\w*|公安[局厅廳]?|警察|警方|警侨|警僑|当局|當局|市公安局|경찰|공안|-run\b|-linked\b|-operated\b)",
    re.I,
)
_POLICE_BEFORE = re.compile(
    r"(?:police|polices|Polizei\w*|polizi[ae]|polic[ií]as?|politie|polis\w*|policiers?|police forces?|policie|"
    r"pol[ií]ci\w*|полициј\w*|politi\w*|αστυνομ\w*|rendőr\w*|policejní úřad\w*|policajn\w* úrad\w*)\s+"
    r"(?:(?:from|of|in|aus|von|de|di|da|del|dei|delle|van|från|i|z|ze|zo|iz|из|fra|από|v|ve|vo|u|у|σε|στο)\s+"
    r"(?:the\s+|okresu\s+|města\s+|mesta\s+|county\s+|city\s+|grada\s+|града\s+|der\s+Stadt\s+|της\s+|του\s+)?|"
    # a genitive with no preposition: "policie okresu Čching-tchien", "der Polizei der Stadt
    # Fuzhou", "policija grada Vendžoua", "η αστυνομία της Φουτζόου"
    r"(?:okresu|města|mesta|grada|града|der\s+Stadt|des\s+Kreises|della\s+città\s+di|της|του)\s+)$|"
    r"\b(?:run|set up|opened|operated|established|managed|linked to|tied to|betrieben von|gegründet von|gérée? par|"
    r"gestit[oa] da|aperta da|gestionad[oa] por|abiert[oa] por|geopend door|gerund door|drivs av|geridas? por)\s+"
    r"(?:by\s+)?(?:the\s+|la\s+|le\s+|il\s+|de\s+)?$",
    re.I,
)
_COUNTY_AFTER = re.compile(r"^\s*(?:County|县|縣|Kreis|comté|contea|condado|district)", re.I)


_LOCATIVE = re.compile(
    r"(?:\b(?:in|at|a|à|au|aux|en|em|no|na|nel|nella|nelle|nei|i|im|bei|dans|near|di|de|del|da|"
    r"city of|stadt|ciudad de|cidade de|città di|ville de|stad|staden|including|such as|like|tra cui|come|"
    r"incluid[oa]s?|como|darunter|wie|dont|comme|waaronder|zoals|bland annat)\s+(?:the\s+|der\s+|la\s+|le\s+|el\s+)?"
    r"(?:Greater\s+|Metro\s+|central\s+|downtown\s+|Lower\s+|Upper\s+|Midtown\s+|East\s+|West\s+|North\s+|South\s+|Groß-|Gran\s+|Grand\s+)?|"
    r"[在于於]|位于|位於)$",
    re.I,
)
# Each language's words that place a station ("in", "v", "στην", "including").
_PLACE_WORDS = "|".join(sorted((w.replace(" ", r"\s+") for w in STATION_PLACE_WORDS), key=len, reverse=True))
_PLACE_BEFORE = re.compile(
    rf"\b(?:{_PLACE_WORDS})\s+(?:the\s+|der\s+|la\s+|le\s+|el\s+|o\s+|a\s+)?"
    r"(?:Greater\s+|Metro\s+|central\s+|downtown\s+|East\s+|West\s+|North\s+|South\s+)?$", re.I)
_GOVERNED_PLACE = re.compile(
    r"\b(?:prosecutors?|prosecutor's office|judges?|procura|prefettura|questura|tribunale|court|tribunal|Staatsanwaltschaft|parquet|fiscalía|"
    r"rechtbank|ministry|ministère|ministero|ministerio|ministerie|mayor|sindaco|maire|alcalde|burgemeester)\s+(?:\w+\s+)?(?:of|di|de|del|van|von|in)\s+$",
    re.I,
)
# Where an organisation has its seat (not a station): "con sede en Madrid", "mit Sitz in",
# "headquartered in", and after the name in the languages that put it there.
_SEAT_BEFORE = re.compile(
    r"(?:\b(?:con|com) sede (?:en|a|em|in)|\bsediad[oa] em|\bmit Sitz in|\bheadquartered in|\bbased in|"
    r"\bbasée? à|\bgevestigd in|\bmed säte i|\bse sídlem v|\bso sídlom v|\bsa sedištem u|"
    r"\bConven(?:io|ción|tion|zione)(?: de| di| of)?|\bÜbereinkommen|\bVerdrag van|\bAmérica|\bAmerica)\s+$", re.I)
_SEAT_AFTER = re.compile(r"\s*(?:에\s*본부를|에\s*본부|に本部を|i székhelyű|-i székhelyű)")
_GLUE = re.compile(r"^(?:\s*(?:,|and|und|et|e|y|en|och|og|és|a|az|i|και|the|和|、|与|與|及|や|と|와|과)\s*)+$", re.I)


_NEW_YORK = {"New York City", "Manhattan", "Brooklyn", "Queens", "The Bronx", "Staten Island"}
# "the Rotterdam office", "the Prague station": the city names the station.
_STATION_AFTER = re.compile(r"^\s*(?:[\w-]+\s+)?(?:police\s+)?(?:stations?|offices?|outposts?|cent(?:re|er)s?|branch)\b", re.I)


_OTHER_STATION = OTHER_STATION_RE
_NEXT_WORDS = re.compile(r"\s*(?:[^\W\d_]+\s+)?")


def _station_noun_follows(text: str, end: int) -> bool:
    """A station noun right after the place, or one word on: "a dublini rendőrőrsöt",
    "Pražské pobočky", "the Prague police station"."""
    first = len(text[end:end + 5]) - len(text[end:end + 5].lstrip())
    if STATION_RE.match(text, end + first):
        return True
    m = _NEXT_WORDS.match(text, end, min(len(text), end + 40))
    return bool(m and m.end() > end + first and STATION_RE.match(text, m.end()))


def _mentions_station(text: str, start: int, end: int) -> bool:
    others = [(m.start(), m.end()) for m in _OTHER_STATION.finditer(text, start, end)]
    for m in STATION_RE.finditer(text, start, end):
        if any(a <= m.start() < b for a, b in others):
            continue
        # A bare "stazione", "centre" or "office" is something else unless police or China are
        # in sight.
        if " " not in m.group() and _NEEDS_CONTEXT.match(m.group()) and not _POLICE_CONTEXT.search(text, start, end):
            continue
        return True
    return False


_POLICE_CONTEXT = STATION_CONTEXT_RE
_NEEDS_CONTEXT = STATION_GENERIC_RE


def city_name(ref: CityRef) -> str:
    return "New York" if ref.name in _NEW_YORK else ref.name


def document_mentions_stations(text: str) -> bool:
    return _mentions_station(text, 0, len(text))


def sentences_about_stations(text: str, spans: list[tuple[int, int]], low: str | None = None) -> list[bool]:
    """For each sentence, does it speak of a station (not a train or radio station)? One pass
    of the station patterns over the text, not one per sentence."""
    from bisect import bisect_right

    starts = [a for a, _ in spans]
    out = [False] * len(spans)
    others = [(a, b) for a, b, _ in _other_station_gate().finditer(text, low)]
    for start, end, word in _station_gate().finditer(text, low):
        i = bisect_right(starts, start) - 1
        if i < 0 or out[i] or end > spans[i][1]:
            continue
        if others and any(a <= start < b for a, b in others):
            continue
        if " " not in word and _NEEDS_CONTEXT.match(word) and not _POLICE_CONTEXT.search(text, *spans[i]) and not (
                i > 0 and _POLICE_CONTEXT.search(text, *spans[i - 1])):
            continue  # a bare "office" is a station with police or China in sight, or just before
        out[i] = True
    return out


@lru_cache(maxsize=1)
def _station_gate() -> GatedPatterns:
    return GatedPatterns(STATION_PATTERNS)


@lru_cache(maxsize=1)
def _other_station_gate() -> GatedPatterns:
    """The other kinds of station ("train station", 駅), gated like the station nouns: one
    alternation over the whole text tried every branch at every position."""
    return GatedPatterns(OTHER_STATION_PATTERNS)


def _placed(text: str, s_start: int, m: Match, *, city: bool = True) -> bool:
    """Is the place named as where something is ("in Hungary", "v Praze", "Budapesten", 在荷兰)?
    Cities also take the looser prepositions ("the station of Prato", "from Toronto")."""
    head = text[max(s_start, m.start - 30):m.start]
    if city and (_LOCATIVE.search(head) or _FROM.search(head)):
        return True
    if city:  # "u Novom Beogradu", "in Nieuw-West Amsterdam": one capitalised word between
        shorter = _MODIFIER.sub("", head)
        if shorter != head and (_LOCATIVE.search(shorter) or _PLACE_BEFORE.search(shorter)):
            return True
    return bool(_PLACE_BEFORE.search(head) or head.endswith(("在", "于", "於", "位于", "位於"))
                or LOCATIVE_SUFFIX_RE.search(text, m.start, m.end) or LOCATIVE_AFTER_RE.match(text, m.end))


_MODIFIER = re.compile(r"(?<=\s)[A-ZÀ-ÞА-ЯЂЉЊЋЏ][^\W\d_]+\s+$")
_FROM = re.compile(r"\b(?:from|von|de|da|desde)\s+(?:the\s+)?$", re.I)
# "no evidence of stations in Switzerland", "there are no such stations in X": none there.
_NONE_THERE = re.compile(
    r"\b(?:no (?:evidence|proof|indication|sign)s? (?:of|that)|there (?:are|were|is) no|not aware of any|found no|"
    r"keine (?:Hinweise|Belege|Beweise|Erkenntnisse)|gibt es keine|finns inga|ne postoje|не постоје|no existen|não existem|non esistono|neexistujú|aucune preuve|nessuna prova|ninguna prueba|geen (?:bewijs|aanwijzingen)|"
    r"nenhuma prova|inga bevis|ingen (?:bevis|holdepunkter)|nincs tudomás|nemá\w* žádné|nemá\w* (?:žiadne )?informácie|"
    r"nema (?:nikakvih )?(?:dokaza|saznanja)|δεν υπάρχουν)\b|存在しない|不存在|없다|없는", re.I)


def _governing(head: str) -> bool:
    """Does `head` end in a government noun and a preposition ("authorities in", "governments
    including")?"""
    words = re.findall(r"[^\W\d_]+", head)[-3:]
    return len(words) >= 2 and any(GOVERNMENT_RE.fullmatch(w) for w in words[:-1]) and not STATION_RE.search(" ".join(words))


def sentence_stations(text: str, s_start: int, s_end: int, cities: list[Match],
                      countries: list[Match], doc_countries: set[str], lang: str,
                      doc_has_station: bool = False, near_station: bool = False,
                      about: bool | None = None) -> list[Candidate]:
    """Stations placed in this sentence: at a city, or at country level ("two stations in
    Hungary", "v Česku") when the sentence names no city of that country. A sentence without a
    station word counts when it names sites in a text about stations, or when the sentence
    before or after speaks of a station and this one of police or China."""
    if not cities and not countries:
        return []
    if about is None:
        about = _mentions_station(text, s_start, s_end)
    if not about and not (
            doc_has_station and SITE_RE.search(text, s_start, s_end)) and not (
            near_station and _POLICE_CONTEXT.search(text, s_start, s_end)):
        return []
    out = _city_stations(text, s_start, s_end, cities, countries, doc_countries, lang)
    placed_cities = {c.country for c in out}
    located: list[Match] = []
    none_there = _NONE_THERE.search(text, s_start, s_end)
    for m in countries:
        if none_there and none_there.start() < m.start:
            break
        ref = m.payload
        if ref is None or ref.adjective or ref.institution or ref.iso2 == "CN":
            continue
        head = text[max(s_start, m.start - 30):m.start]
        chained = located and _GLUE.match(text[located[-1].end:m.start])
        if text[m.end:m.end + 6].lower().startswith(("-based", " based")) or EMBASSY_RE.search(head):
            continue
        if not (chained or _placed(text, s_start, m, city=False)) or _governing(head):
            continue  # "governments including Germany" act; they are not where stations are
        located.append(m)
        if ref.iso2 in placed_cities:
            continue
        placed_cities.add(ref.iso2)
        out.append(Candidate(kind="station", country=ref.iso2, city=None, quote=text[s_start:s_end],
                             start=s_start, end=s_end, lang=lang, confidence=0.6))
    return out


def _city_stations(text: str, s_start: int, s_end: int, cities: list[Match], countries: list[Match],
                   doc_countries: set[str], lang: str) -> list[Candidate]:
    named = {m.payload.iso2 for m in countries if m.payload}
    out: list[Candidate] = []
    seen: set[tuple[str, str]] = set()
    located: list[Match] = []
    for j, m in enumerate(cities):
        if not _city_is_station_place(text, s_start, cities, j, located):
            continue
        located.append(m)
        iso2, here = _city_country(m.payload, named, doc_countries, lang)
        name = city_name(m.payload)
        if (name, iso2) in seen:
            continue
        seen.add((name, iso2))
        out.append(Candidate(kind="station", country=iso2, city=name, quote=text[s_start:s_end],
                             start=s_start, end=s_end, lang=lang, confidence=0.8 if here else 0.65))
    return out


def _city_is_station_place(text: str, s_start: int, cities: list[Match], j: int, located: list[Match]) -> bool:
    """Is the j-th city named as where something is, and not as an embassy's, a court's or a
    district's city?"""
    m = cities[j]
    head = text[max(s_start, m.start - 25):m.start]
    if text[m.end:m.end + 6].lower().startswith(("-based", " based")) or _SEAT_BEFORE.search(head) \
            or _SEAT_AFTER.match(text, m.end):
        return False  # an NGO's seat ("con sede en Madrid", "스페인에 본부를 둔"), not a station's
    if m.start > 0 and text[m.start - 1] == "-" and any(c.end == m.start - 1 for c in cities[:j]):
        return False  # "Wien-Favoriten": a district of the city before the hyphen
    if (EMBASSY_RE.search(head) and (_LOCATIVE.search(head) or _PLACE_BEFORE.search(head))) or _GOVERNED_PLACE.search(head):
        return False
    chained = located and _GLUE.match(text[located[-1].end:m.start]) or (
        j + 1 < len(cities) and _GLUE.match(text[m.end:cities[j + 1].start])
        and _station_noun_follows(text, cities[j + 1].end))
    return bool(_placed(text, s_start, m) or chained or _STATION_AFTER.match(text[m.end:m.end + 30])
                or _station_noun_follows(text, m.end) or unspaced(text[m.start:m.end]))


def _city_country(ref: CityRef, named: set[str], doc_countries: set[str], lang: str) -> tuple[str, bool]:
    """The country of a city of that name the text means, and whether the sentence names it."""
    options = dict(ref.countries)
    here = [cc for cc in options if cc in named]
    elsewhere = [cc for cc in options if cc in doc_countries]
    # Without a country named, a Spanish text's Valencia is in Spain, not Venezuela.
    home = [cc for cc in LANGUAGE_HOMES.get(lang.split("-")[0], ()) if cc in options]
    return (here or elsewhere or home or [ref.countries[0][0]])[0], bool(here)


def sentence_operators(text: str, s_start: int, s_end: int, places: list[Match],
                       lang: str) -> list[Candidate]:
    if not places:
        return []
    bureau_sentence = bool(BUREAU_RE.search(text, s_start, s_end))
    out: list[Candidate] = []
    seen: set[str] = set()
    attached_flags = []
    for m in places:
        tail = text[m.end:min(s_end, m.end + 40)]
        head = text[max(s_start, m.start - 30):m.start]
        attached_flags.append(bool(_POLICE_NEXT.match(_strip_county(tail)) or _POLICE_BEFORE.search(head)))
    # "the police of Wenzhou and Qingtian", "the Qingtian and Fuzhou police": places listed
    # together are attached together.
    for _ in range(2):
        for i in range(len(places) - 1):
            glued = _GLUE.match(_strip_county(text[places[i].end:places[i + 1].start]))
            if glued and (attached_flags[i] or attached_flags[i + 1]):
                attached_flags[i] = attached_flags[i + 1] = True
    for m, attached in zip(places, attached_flags, strict=True):
        tail = text[m.end:min(s_end, m.end + 40)]
        if not (attached or bureau_sentence):
            continue
        county = m.payload.county or bool(_COUNTY_AFTER.match(tail))
        name = f"{m.payload.name} County Public Security Bureau" if county else \
            f"{m.payload.name} Public Security Bureau"
        if name in seen:
            continue
        seen.add(name)
        out.append(Candidate(kind="operator", operator=name, country="CN", city=m.payload.name,
                             quote=text[s_start:s_end], start=s_start, end=s_end, lang=lang,
                             confidence=0.85 if attached else 0.65))
    return out


def _strip_county(tail: str) -> str:
    # "Csingtien megyei rendőrség", "okresní policie": a county or city adjective before the police
    return re.sub(r"^\s*(?:County|City|Municipal|megyei|városi|okresn\w*|městsk\w*|mestsk\w*|gradsk\w*|градск\w*|"
                  r"市|县|縣|区|區)\s*", " ", tail, flags=re.I)
