"""Headline figures with what they count: stations, countries, continents, provinces, people
"persuaded" to return. Numbers in digits ("230,000", "1.5 million", "23万") or words."""

from __future__ import annotations

import re

from tnrwatch.extraction.candidate import Candidate
from tnrwatch.extraction.languages import lexicons
from tnrwatch.extraction.matcher import unspaced

_WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100, "a dozen": 12, "dozen": 12,
    "zwei": 2, "zweier": 2, "drei": 3, "dreier": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "dix": 10,
    "tre": 3, "quattro": 4, "cinque": 5, "sette": 7, "otto": 8, "nove": 9, "dieci": 10,
    "undici": 11, "dodici": 12, "venti": 20, "trenta": 30,
    "elf": 11, "zwölf": 12, "zwanzig": 20, "dreißig": 30, "onze": 11, "douze": 12, "vingt": 20, "trente": 30,
    "doce": 12, "veinte": 20, "treinta": 30, "elva": 11, "tolv": 12, "tjugo": 20,
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "diez": 10,
    "twee": 2, "drie": 3, "vijf": 5, "tien": 10,
    "dois": 2, "duas": 2, "três": 3, "quatro": 4, "dez": 10,
    "två": 2, "fyra": 4, "fem": 5, "tio": 10,
}
for _lex in lexicons():
    _WORD_NUMBERS.update({w.lower(): n for w, n in _lex.number_words.items()})
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = (r"(?P<num>\d{1,3}(?:[,.\u00a0 ]\d{3})+|\d+(?:[.,]\d+)?(?:\s*(?:million|millions|Millionen|milioni|millones|miljoen|milhões|miljoner))?"
        r"|" + "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True)) + r")")
_ZH_NUM = r"(?P<num>\d+(?:\.\d+)?万?|[一二两兩三四五六七八九十百千万萬]+)"
_FILLER = r"(?P<filler>\s+(?:[^\W\d_][\w'’-]*[\"“”‘’»]?\s+|[\"“”‘’«»„]+\s*){0,3}?)"

_WHAT: dict[str, str] = {
    "stations": r"(?:(?:police )?(?:service )?stations|(?:Polizei)?(?:stationen|wachen|stützpunkte)|"
                r"stations|postes|commissariats|antennes|stazioni|commissariati|centri|comisarías|estaciones|"
                r"centros|politiebureaus|posten|esquadras|delegacias|postos|estações|polisstationer|stationer|"
                r"(?:so-called )?police stations)",
    "countries": r"(?:countries|nations|Ländern|Länder|Staaten|pays|paesi|nazioni|países|naciones|landen|länder)",
    "continents": r"(?:continents|Kontinenten|Kontinente|continenti|continentes|continenten|kontinenter)",
    "provinces": r"(?:provinces|Provinzen|province|provincias|provincies|províncias|provinser)",
}
_WHAT_ZH: dict[str, str] = {
    "stations": r"(?![名位人])(?:个|個|家|座|处|處)?(?:(?!个|個|国家|國家|名|人)[^\d，。、]){0,16}?(?:服[务務]站|警[务務]站|站点|站點|海外110|警察站)",
    "countries": r"(?:个|個)?(?:国家|國家)",
    "continents": r"(?:个|個)?(?:大洲|洲)",
    "provinces": r"(?:个|個)?(?:省份|省)",
}
for _lex in lexicons():
    for _what, _nouns in _lex.counted.items():
        _spaced = [n for n in _nouns if not unspaced(n)]
        _bare = [n for n in _nouns if unspaced(n)]
        if _spaced:
            _WHAT[_what] = _WHAT[_what][:-1] + "|" + "|".join(_spaced) + ")"
        if _bare:
            _WHAT_ZH[_what] = "(?:" + _WHAT_ZH[_what] + "|" + "|".join(_bare) + ")"
# Numbers are found first, then what follows each one is read, so that a rejected long match
# ("30 countries across five continents") does not hide a shorter one ("five continents").
_NUMBERS = re.compile(rf"\b{_NUM}\b", re.I)
_NUMBERS_ZH = re.compile(rf"(?<![\d.]){_ZH_NUM}")
_TAILS = [(what, re.compile(rf"{_FILLER}?\s*{noun}\b", re.I)) for what, noun in _WHAT.items()]
_TAILS_ZH = [(what, re.compile(rf"(?:多|余|餘)?{noun}")) for what, noun in _WHAT_ZH.items()]
MAX_NUMBERS = 40  # per sentence: a table of numbers is not a sentence of figures
_OTHER_NOUN = re.compile("|".join(_WHAT.values()) + "|" + "|".join(rf"\b{re.escape(w)}\b" for w in _WORD_NUMBERS) + r"|\d", re.I)
_OVERSEAS_110 = re.compile(r"110\W*(?:overseas|海外|übersee|outre-mer|oltremare|ultramar)|海外110", re.I)
_PERSUADED_CUE = re.compile(r"persuad|return|überred|rückkehr|persuad|rentr|rientr|rimpatri|regres|"
                            r"overgehaald|terugkeer|terug te keren|convenc|regress|övertal|återvänd|劝返|勸返|回国|回國", re.I)
_PEOPLE = re.compile(rf"\b{_NUM}(?:\s+(?:alleged|suspected|Chinese|\w+)){{0,2}}\s+(?:fugitives|people|persons|individuals|suspects|nationals|citizens|"
                     r"Personen|Menschen|Flüchtige|personnes|fugitifs|persone|latitanti|personas|prófugos|fugitivos|mensen|"
                     r"personen|voortvluchtigen|pessoas|personer|människor)\b", re.I)
_PEOPLE_ZH = re.compile(rf"{_ZH_NUM}(?:多|余|餘)?(?:名|人)")


def parse_number(raw: str) -> float | int | None:
    raw = raw.strip()
    low = raw.lower()
    if low in _WORD_NUMBERS:
        return _WORD_NUMBERS[low]
    mult = 1
    m = re.match(r"^(.*?)\s*(million|millions|millionen|milioni|millones|miljoen|milhões|miljoner)$", low)
    if m:
        low, mult = m.group(1), 1_000_000
        low = low.replace(",", ".")
    if low.endswith(("万", "萬")):
        low, mult = low[:-1], 10_000
    if re.fullmatch(r"\d{1,3}(?:[,.\u00a0 ]\d{3})+", low) and mult == 1:
        return int(re.sub(r"\D", "", low))
    if re.fullmatch(r"[一二两兩三四五六七八九十百千万萬]+", low):
        return _zh_number(low)
    try:
        value = float(low.replace(",", ".")) * mult
    except ValueError:
        return None
    return int(value) if value == int(value) else value


def _zh_number(s: str) -> int | None:
    total, section, digit = 0, 0, 0
    units = {"十": 10, "百": 100, "千": 1000}
    for ch in s:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in units:
            section += (digit or 1) * units[ch]
            digit = 0
        elif ch in ("万", "萬"):
            total += (section + digit) * 10_000
            section, digit = 0, 0
    value = total + section + digit
    return value or None


_ANY_NUMBER = re.compile(r"\d|[一二两兩三四五六七八九十百千万萬]|\b(?:" + "|".join(re.escape(w) for w in _WORD_NUMBERS) + r")\b", re.I)


_DIGITS = re.compile(r"[\d一二两兩三四五六七八九十百千万萬]")
_LETTERS = re.compile(r"[^\W\d_]+")


def sentence_figures(text: str, s_start: int, s_end: int, lang: str) -> list[Candidate]:
    out: list[Candidate] = []
    if not _DIGITS.search(text, s_start, s_end) and not any(
            w.lower() in _WORD_NUMBERS for w in _LETTERS.findall(text, s_start, s_end)):
        return out
    seen: set[tuple[str, float]] = set()

    def add(what: str, raw: str, confidence: float) -> None:
        value = parse_number(raw)
        if value is None or value <= 1 or (what != "persuaded_to_return" and value > 100_000):
            return
        if (what, value) in seen:
            return
        seen.add((what, value))
        out.append(Candidate(kind="figure", value=value, what=what, quote=text[s_start:s_end],
                             start=s_start, end=s_end, lang=lang, confidence=confidence))

    for numbers, tails in ((_NUMBERS, _TAILS), (_NUMBERS_ZH, _TAILS_ZH)):
        for i, n in enumerate(numbers.finditer(text, s_start, s_end)):
            num = n.group("num")
            if i >= MAX_NUMBERS:
                break
            if re.fullmatch(r"(?:19|20)\d\d", num):
                continue
            for what, tail in tails:
                m = tail.match(text, n.end(), s_end)
                if not m:
                    continue
                filler = (m.groupdict().get("filler") or "").lower()
                around = text[max(s_start, n.start() - 4):m.end()]
                if _OTHER_NOUN.search(filler) or (num == "110" and _OVERSEAS_110.search(around)):
                    continue
                add(what, num, 0.8)
    if _PERSUADED_CUE.search(text, s_start, s_end):
        for pattern in (_PEOPLE, _PEOPLE_ZH):
            for m in pattern.finditer(text, s_start, s_end):
                add("persuaded_to_return", m.group("num"), 0.7)
    return out
