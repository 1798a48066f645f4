"""Government responses: which government did what, read sentence by sentence.

The actor is the country whose government acts, not any country nearby: for each trigger the
nearest country before it that can govern (a country name in subject position, or an adjective
or name attached to a government word: "the Dutch and Irish governments", "Germany's interior
ministry", 荷兰政府) and the countries listed with it. China qualifies only for denials and
protests; an object ("ordered China to shut down") never does. Failing that, a country named
after the trigger with "by"/"in" ("closed by Irish police"), then the sentence's "In Chile, ..."
frame, then, for a sentence that names a government body, the actor of the sentence before."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tnrwatch.extraction import actor_model
from tnrwatch.extraction.actors import (
    FRAME,
    Context,
    actors_of,
    eligible_before,
    governed,
    pairs_of,
    seats,
)
from tnrwatch.extraction.candidate import Candidate
from tnrwatch.extraction.dates import find_dates
from tnrwatch.extraction.lexicon import (
    ACCORDING_RE,
    ASK_RE,
    COMPOUND_GOVERNMENT_RE,
    GOVERNMENT_RE,
    GOVERNMENT_WORDS,
    GOVERNMENT_WORDS_ZH,
    GOVERNMENT_ZH_RE,
    MODAL_RE,
    STATION_RE,
    body_matches,
    body_of,
)
from tnrwatch.extraction.matcher import (
    Gazetteer,
    Match,
)
from tnrwatch.extraction.triggers import MAX_TRIGGERS, Trigger, clause_start, find_triggers, negated

# Members of parliament ask the government; their asking is not the government's act.
_NOT_ASKERS = {"mps", "lawmakers", "legislators"}


# "Asked about the reports, the ministry said": a reporter's question, not a request.
_ASKED_ABOUT = re.compile(r"\s+(?:about|whether|if|by|for comment)\b", re.I)


def _modal(text: str, s_start: int, s_end: int, trig: Trigger, countries: list[Match]) -> bool:
    lo = max(clause_start(text, s_start, trig.start), trig.start - 80)
    if MODAL_RE.search(text, lo, trig.start):
        return True
    asks = [a for a in ASK_RE.finditer(text, lo, trig.end) if not _ASKED_ABOUT.match(text, a.end())]
    if not asks:
        return False
    ask = asks[-1]
    # Asked by a government body before the verb ("Ministers have asked Beijing"): its act.
    gov = [g.group().lower() for g in GOVERNMENT_RE.finditer(text, lo, ask.start())]
    if any(g not in _NOT_ASKERS for g in gov) or GOVERNMENT_ZH_RE.search(text, lo, ask.start()):
        return False
    # Asked by a government named before the verb: its act. Otherwise a request to it.
    return not any(m.payload and m.end <= ask.start() and eligible_before(text, m, s_start, s_end, trig.action)
                   for m in countries)


_STATION_RELATIVE = re.compile(r"(?:[,-]\s*)?\b(?:which|that|who|che|die|der|das|que|qui|som|dat|který|ktorý|koji|која|које)\b"
                               r"(?:\s+[^\W\d_]+){0,3}\s*$", re.I)


def _stations_own_act(text: str, s_start: int, trig: Trigger) -> bool:
    """What a station does is not a response: "uno sportello che raccoglieva informazioni",
    "an office which monitored dissidents"."""
    relative = _STATION_RELATIVE.search(text, max(s_start, trig.start - 50), trig.start)
    if relative is None:
        return False
    noun = text[max(s_start, relative.start() - 40):relative.start()].rstrip()
    found = list(STATION_RE.finditer(noun))
    return bool(found) and found[-1].end() >= len(noun) - 1


# An investigation a government has not opened is its lack of response (the conventions: "no
# investigation is known" is no_response); a closure or charge not made is no label at all.
NEGATED_IS_NO_RESPONSE = {"investigation"}


@lru_cache(maxsize=1)
def government_gazetteer() -> Gazetteer:
    """Government words, to tell at a glance whether a sentence names a governing body."""
    gaz = Gazetteer()
    for word in GOVERNMENT_WORDS + GOVERNMENT_WORDS_ZH:
        gaz.add(word, True, genitive=True)  # "des Innenministeriums"
    return gaz


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One sentence and what the document-wide passes found in it."""

    text: str
    start: int
    end: int
    lang: str
    countries: list[Match]  # with the capitals that stand for their governments
    cities: list[Match]
    government: list[Match]
    frame: list[Match]  # "In Chile, ...": the countries the sentence is set in


def sentence_responses(text: str, s_start: int, s_end: int, countries: list[Match], lang: str,
                       context: Context, cities: list[Match] | None = None,
                       government: list[Match] | None = None,
                       bodies: list[Match] | None = None) -> list[Candidate]:
    """The responses one sentence reports, each once per (country, action); updates `context`
    with the sentence's actors for the sentences after it."""
    if bodies is None:
        bodies = [m for m in body_matches(text[:s_end]) if m.start >= s_start]
    if government is None:
        government = [m for m in government_gazetteer().find(text[:s_end]) if m.start >= s_start]
    if not government:  # "Justitieministern vill ...": a compound the gazetteer does not hold
        government = [Match(m.start(), m.end(), True) for m in COMPOUND_GOVERNMENT_RE.finditer(text, s_start, s_end)]
    sentence = _sentence(text, s_start, s_end, countries, lang, cities or [], government)
    has_actor = bool(government) or any(m.payload for m in sentence.countries) or bool(context.host)
    triggers = find_triggers(text, s_start, s_end, lang)[:MAX_TRIGGERS] if has_actor else []
    dates = find_dates(text, s_start, s_end) if triggers else []
    out: list[Candidate] = []
    seen: set[tuple[str, str]] = set()
    for found in triggers:
        read = _read(sentence, found)
        if read is None:
            continue
        trig, scale = read
        date = min(dates, key=lambda d: abs(d[0] - trig.start))[2] if dates else None
        for iso2, confidence in _decide(sentence, trig, context).items():
            if (iso2, trig.action) in seen:
                continue
            seen.add((iso2, trig.action))
            out.append(Candidate(kind="response", country=iso2, action=trig.action,
                                 quote=text[s_start:s_end], start=s_start, end=s_end, lang=lang,
                                 confidence=round(confidence * scale, 3), date=date,
                                 body=body_of(bodies, trig.start)))
    _carry(sentence, context, [c.country for c in out if c.country])
    return out


def _sentence(text: str, s_start: int, s_end: int, countries: list[Match], lang: str,
              cities: list[Match], government: list[Match]) -> _Sentence:
    seat_matches = seats(text, s_start, cities)
    if seat_matches:
        countries = sorted(countries + seat_matches, key=lambda m: m.start)
    frame = [m for m in countries if m.payload and not m.payload.adjective and m.start - s_start < 40
             and FRAME.match(text[s_start:m.start]) and m.payload.iso2 != "CN"]
    return _Sentence(text, s_start, s_end, lang, countries, cities, government, frame)


def _read(s: _Sentence, trig: Trigger) -> tuple[Trigger, float] | None:
    """The trigger as the sentence reports it, and a factor on its confidence; None when it
    reports no act (negated, a call for action, what a station does)."""
    if negated(s.text, s.start, trig, s.lang):
        if trig.action not in NEGATED_IS_NO_RESPONSE:
            return None
        # "No investigation has been opened", "nije pokrenula istragu": an act a government
        # has not taken is its lack of response (the labelling conventions' no_response).
        return Trigger("no_response", trig.start, trig.end), 0.8
    if _modal(s.text, s.start, s.end, trig, s.countries) or _stations_own_act(s.text, s.start, trig):
        return None
    if ACCORDING_RE.search(s.text, max(s.start, trig.start - 40), trig.start):
        return None  # "según la investigación", "enligt granskningen": a source, not an act
    if trig.action == "closure_ordered" and _china_announces(s, trig):
        return None  # "the Chinese embassy said the centres had been closed": China's own act
    return trig, 1.0


_WORD = re.compile(r"[^\W\d_]+")
_NOUN_ADJECTIVE = {"it", "es", "fr", "pt"}  # languages writing the adjective after its noun
_BY_AGENT = re.compile(r"\b(?:by|von|durch|par|da|dalla|dal|door|av|por|pelo|pela|od|από)\s+(?:the\s+)?$", re.I)


def _china_announces(s: _Sentence, trig: Trigger) -> bool:
    """A closure China announces is not a host government's response (the labelling
    conventions): the only government before the trigger is China's ("the Chinese embassy
    said", "Beijing announced", 中国驻荷兰大使馆表示, "il ministero degli Esteri cinese") and
    no other government is named as the agent after it ("closed by Dutch police")."""
    before = [m for m in s.countries if m.payload and m.end <= trig.start]
    china = [m for m in before if m.payload.iso2 == "CN"]
    opens_beijing = any(c.payload.name == "Beijing" and not s.text[s.start:c.start].strip(" \"'“”„«»")
                        for c in s.cities if c.end <= trig.start)
    if not opens_beijing and not any(governed(s.text, m, s.end) for m in china):
        return False
    if any(eligible_before(s.text, m, s.start, s.end, trig.action) for m in before if m.payload.iso2 != "CN"):
        return False
    if china and _china_addressed(s, china[0]):
        return False
    return not any(m.payload and m.payload.iso2 != "CN" and _BY_AGENT.search(s.text[max(trig.end, m.start - 12):m.start])
                   for m in s.countries if m.start >= trig.end)


def _china_addressed(s: _Sentence, first: Match) -> bool:
    """A government noun before China: "the government told the Chinese embassy to close",
    "des Bundesinnenministeriums wurde die chinesische Botschaft aufgefordert". Not where the
    adjective follows its noun: "il ministero degli Esteri cinese" is China's own ministry."""
    if not (any(g.end <= first.start for g in s.government) or GOVERNMENT_RE.search(s.text, s.start, first.start)
            or COMPOUND_GOVERNMENT_RE.search(s.text, s.start, first.start)):
        return False
    head = " ".join(_WORD.findall(s.text, max(s.start, first.start - 60), first.start)[-4:])
    return not (first.payload.adjective and s.lang.split("-")[0] in _NOUN_ADJECTIVE and GOVERNMENT_RE.search(head))


def _decide(s: _Sentence, trig: Trigger, context: Context) -> dict[str, float]:
    """The trigger's actors and their confidence: the rules' answer, checked by the actor model."""
    # A government noun China qualifies ("the Chinese police") does not make the sentence's
    # unnamed actor a host government.
    has_gov = any(not any(0 <= g.start - m.end <= 3 and m.payload and m.payload.iso2 == "CN" for m in s.countries)
                  for g in s.government)
    actors, confidence = actors_of(s.text, s.start, s.end, s.countries, trig, s.frame, context, has_gov, s.lang)
    if not actors and s.cities and any(g.end <= trig.start for g in s.government) and not [
            m for m in s.countries if m.payload and m.payload.iso2 != "CN"]:
        # "la Procura di Firenze ha aperto un'inchiesta": the city says which country.
        actors, confidence = [s.cities[0].payload.countries[0][0]], 0.5
    pairs = pairs_of(s.text, s.start, s.end, s.countries, trig, s.frame, context, s.lang, actors)
    if actor_model.COLLECT is not None:
        actor_model.COLLECT.extend(pairs)
        return {cc: confidence for cc in actors}
    chosen, confidences = actor_model.decide(pairs, actors, confidence)
    return {cc: confidences.get(cc, confidence) for cc in chosen}


def _carry(s: _Sentence, context: Context, acted: list[str]) -> None:
    """What the sentence leaves for the next: its actors, its frame, or the governments it names."""
    if acted:
        context.actors = tuple(dict.fromkeys(acted))
    elif s.frame:
        context.actors = tuple(dict.fromkeys(m.payload.iso2 for m in s.frame))
    else:
        named = [m.payload.iso2 for m in s.countries[:MAX_TRIGGERS] if m.payload
                 and m.payload.iso2 != "CN" and governed(s.text, m, s.end)]
        if named:  # sentences that name countries only as places keep the actor before them
            context.actors = tuple(dict.fromkeys(named))
