"""Folding and tokenising text for the full-text index, the same way for documents and queries.
No Django import.

Both database engines index what this module produces, so SQLite and PostgreSQL match the same
things:

- `fold`: Unicode NFKC (full-width ＡＢＣ１２３ becomes ABC123), case-folded, accents removed
  (Viña = Vina), Chinese in Simplified script (OpenCC t2s: 溫州 = 温州).
- `index_terms`: the folded text as space-separated terms. Runs of Chinese, Japanese or Korean
  characters become overlapping two-character terms (海外警察 -> 海外 外警 警察), the CJK
  bigram scheme of Lucene's CJKAnalyzer. We chose bigrams over a trigram index for the documents
  because a two-character query (警察, 温州) is the commonest Chinese query and neither FTS5's
  trigram tokenizer nor pg_trgm can answer one from the index (both need three characters);
  the trigram index is kept for names, where substrings of three or more characters matter.
- `parse_query`: the user's text as a list of `Unit`s (a term, a prefix or a phrase), all of which
  must match. Nothing the user types reaches the engines' query syntax: NEAR, AND, OR, NOT, `*`
  in the middle of a word, brackets and quotes are words or separators here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# Han (with extensions and compatibility ideographs), kana, Hangul syllables and jamo, bopomofo.
_CJK = ("\u1100-\u11ff\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31bf\u31f0-\u31ff"
        "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f")
_TOKEN = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_HAS_CJK = re.compile(f"[{_CJK}]")
_WORD = re.compile(r"[^\W_]+")

MAX_QUERY_LENGTH = 200  # characters; the form says so, the parser refuses more
MAX_UNITS = 12  # terms and phrases in one query
MAX_INDEXED_CHARS = 200_000  # of one document's text; PostgreSQL's tsvector has a 1 MB ceiling


class QueryError(ValueError):
    """The query cannot be searched; the message says why, in words for the searcher."""


class EmptyQueryError(QueryError):
    """The query has nothing to search for (no letters or digits): the form is shown again."""


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _marks() -> re.Pattern:
    """Non-spacing marks (accents) of the Basic Multilingual Plane, built once (~0.1 s)."""
    ranges: list[str] = []
    start = prev = -2
    for c in range(0x10000):
        # Kana voicing marks (が, ぱ) are letters of their own, not accents.
        if unicodedata.category(chr(c)) == "Mn" and c not in (0x3099, 0x309A):
            if c != prev + 1:
                if start >= 0:
                    ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
                start = c
            prev = c
    ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
    return re.compile("[" + "".join(ranges) + "]")


def _fold_latin(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return _marks().sub("", unicodedata.normalize("NFKD", text))


def fold(text: str) -> str:
    """The searchable form of `text` (see the module docstring)."""
    if text.isascii():  # most English text: NFKC, accents and scripts change nothing (4x faster)
        return text.lower()
    text = _fold_latin(text or "")
    if _HAS_CJK.search(text):
        text = _t2s().convert(text)
    return unicodedata.normalize("NFC", text)


def tokens(folded: str) -> list[str]:
    """The terms of already folded text, CJK runs as bigrams (a single CJK character stays one)."""
    out: list[str] = []
    for word in _WORD.findall(folded):
        if not _HAS_CJK.search(word):  # most words: no CJK, one term
            out.append(word)
            continue
        for m in _TOKEN.finditer(word):
            run = m.group("cjk")
            if run is None:
                out.append(m.group("word"))
            elif len(run) == 1:
                out.append(run)
            else:
                out.extend([run[i:i + 2] for i in range(len(run) - 1)])
    return out


def index_terms(text: str, limit: int = MAX_INDEXED_CHARS) -> str:
    """What the engines index for `text`: its folded terms separated by spaces."""
    return " ".join(tokens(fold((text or "")[:limit])))


def squash(text: str) -> str:
    """Folded with everything but letters and digits removed: `Xi Jin-ping` -> `xijinping`; for the
    trigram index of names, so spacing and hyphens in a name do not matter."""
    return "".join(m.group(0) for m in _TOKEN.finditer(fold(text)))


@lru_cache(maxsize=1)
def _pinyin():
    import pypinyin

    return pypinyin


def pinyin_forms(name: str) -> list[str]:
    """Pinyin readings of the Chinese characters in `name`, without tones, syllables apart and
    together (温州 -> "wen zhou", "wenzhou"). Tone marks in a query fold away, so Wēnzhōu and
    Wenzhou both match; tone digits (wen1zhou1) are dropped by the query side."""
    if not _HAS_CJK.search(name or ""):
        return []
    syllables = [s for s in _pinyin().lazy_pinyin(name, errors="ignore") if s.isascii() and s.isalpha()]
    if not syllables:
        return []
    return [" ".join(syllables), "".join(syllables)]


# --- stemming ----------------------------------------------------------------------------------

# Snowball stemmers (PyStemmer) for the languages of captured documents that have one. Uyghur,
# Tibetan, Chinese, Japanese, Korean and Vietnamese have none and are never stemmed: their words
# match as written (CJK as bigrams), as before.
STEMMERS = {"en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian", "nl": "dutch",
            "pt": "portuguese", "sv": "swedish", "no": "norwegian", "nb": "norwegian", "nn": "norwegian",
            "da": "danish", "fi": "finnish", "hu": "hungarian", "ro": "romanian", "ru": "russian", "cs": "czech",
            "el": "greek", "tr": "turkish", "ca": "catalan", "pl": "polish", "sr": "serbian", "lt": "lithuanian"}
_STEMMABLE = re.compile(r"[^\W\d_]{3,}")


@lru_cache(maxsize=32)
def _stemmer(algorithm: str):  # noqa: ANN202 - a Stemmer.Stemmer
    import Stemmer

    return Stemmer.Stemmer(algorithm)


def stem_terms(terms: str, language: str) -> str:
    """The distinct Snowball stems of the words among `terms` (folded index terms) for a document in
    `language` ("" when the language has no stemmer). Indexed beside the words, so "stations",
    "stationed" and "station" meet at "station"; phrases still match the words as written."""
    algorithm = STEMMERS.get((language or "").lower().split("-")[0])
    if not algorithm:
        return ""
    words = [w for w in dict.fromkeys(terms.split()) if _STEMMABLE.fullmatch(w) and not _HAS_CJK.search(w)]
    return " ".join(dict.fromkeys(_stemmer(algorithm).stemWords(words)))


@lru_cache(maxsize=4096)
def query_stems(term: str) -> tuple[str, ...]:
    """Every stemmer's stem of a query word (the searcher's language is unknown): matched against
    the documents' stems, beside the word itself."""
    if not _STEMMABLE.fullmatch(term) or _HAS_CJK.search(term):
        return ()
    return tuple(sorted({_stemmer(a).stemWord(term) for a in set(STEMMERS.values())}))


# --- queries -----------------------------------------------------------------------------------

_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "「": '"', "」": '"',
                         "『": '"', "』": '"', "＂": '"'})
_TONE_DIGITS = re.compile(r"(?<=[a-z])[1-5](?=[a-z]|$)")


@dataclass(frozen=True)
class Unit:
    """One thing that must match: `terms` in this order (a phrase when more than one), the last
    one as a prefix when `prefix`."""

    terms: tuple[str, ...]
    prefix: bool = False
    text: str = ""  # the folded text the user typed for it, for highlighting


@dataclass
class Query:
    units: list[Unit]
    raw: str
    notices: list[str] = field(default_factory=list)  # what was ignored, to tell the searcher
    squashed: str = ""  # the whole query for the names' trigram index (letters and digits only)

    def highlight_needles(self) -> list[str]:
        """Folded strings to mark in a passage: each phrase whole, each term alone."""
        return [u.text for u in self.units if u.text]


def clean(raw: str) -> str:
    """NUL and other control characters become spaces; the rest is kept."""
    return _CONTROL.sub(" ", raw or "")


def parse_query(raw: str) -> Query:
    """The units of the user's query. Raises QueryError with a message for the searcher."""
    raw = clean(raw).strip()
    if not raw:
        raise EmptyQueryError("Type a word, a name or a phrase to search for.")
    if len(raw) > MAX_QUERY_LENGTH:
        raise QueryError(f"This search is too long: at most {MAX_QUERY_LENGTH} characters (it has {len(raw)}).")
    notices: list[str] = []
    text = raw.translate(_QUOTES)
    parts = text.split('"')
    if len(parts) % 2 == 0:  # an unbalanced quote: the text after it is plain words
        notices.append("A quotation mark had no partner; the words after it were searched one by one.")
        parts = [*parts[:-2], parts[-2] + " " + parts[-1]]
    units: list[Unit] = []
    dropped: set[str] = set()
    for i, part in enumerate(parts):
        if i % 2:  # inside quotes: one phrase
            folded = fold(part)
            terms = tuple(tokens(folded))
            if terms:
                units.append(Unit(terms, text=" ".join(_TOKEN_TEXT(folded))))
            continue
        for word in part.split():
            if word in _OPERATORS:
                dropped.add(word)
                continue
            prefix = word.endswith("*") and len(word.rstrip("*")) >= 2
            folded = fold(word)
            for m in _TOKEN.finditer(folded):
                if m.group("cjk") is not None:
                    run = m.group("cjk")
                    if len(run) == 1:
                        units.append(Unit((run,), prefix=True, text=run))
                    else:
                        units.append(Unit(tuple(tokens(run)), text=run))
                else:
                    units.append(Unit((m.group("word"),), text=m.group("word")))
            if prefix and units and len(units[-1].terms) == 1 and not _HAS_CJK.search(units[-1].terms[0]):
                units[-1] = Unit(units[-1].terms, prefix=True, text=units[-1].text)
    if dropped:
        notices.append("Search operators are not supported; " + ", ".join(sorted(dropped))
                       + " " + ("was" if len(dropped) == 1 else "were") + " left out and every other word must match.")
    units = list(dict.fromkeys(units))  # each unit once, in order
    if not units:
        raise EmptyQueryError("There is nothing to search for in this query: it has no letters or digits.")
    if len(units) > MAX_UNITS:
        notices.append(f"Only the first {MAX_UNITS} words and phrases were searched.")
        units = units[:MAX_UNITS]
    squashed = _TONE_DIGITS.sub("", "".join(u.text.replace(" ", "") for u in units))
    return Query(units=units, raw=raw, notices=notices, squashed=squashed)


def _TOKEN_TEXT(folded: str) -> list[str]:  # noqa: N802 - reads as the token texts of a phrase
    return [m.group(0) for m in _TOKEN.finditer(folded)]


def fts5_match(query: Query) -> str:
    """The FTS5 MATCH expression: every unit a quoted phrase (terms never contain a quote)."""
    parts = []
    for unit in query.units:
        phrase = '"' + " ".join(unit.terms) + '"'
        stems = query_stems(unit.terms[0]) if len(unit.terms) == 1 and not unit.prefix else ()
        if stems:  # the word as written, or a stem of it among the stems column's terms
            parts.append("(" + " OR ".join([phrase, *(f'"{x}"' for x in stems if x != unit.terms[0])]) + ")")
        else:
            parts.append(phrase + ("*" if unit.prefix else ""))
    return " AND ".join(parts)


def has_cjk(text: str) -> bool:
    return bool(_HAS_CJK.search(text))
