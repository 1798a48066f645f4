"""Language of a text: scripts for Chinese (simplified or traditional, told apart with OpenCC),
Japanese, Korean, Cyrillic and Greek; function-word counts for the Latin-script languages.

Small, deterministic and fast; good enough to label candidates (the response and station patterns
of every language run on every text regardless) and captured documents (`language_code`, the one
detector of the project: ingestion asks it too)."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from tnrwatch.gazetteer.names import to_simplified

_WORD = re.compile(r"[^\W\d_]+", re.U)

# The most frequent short function words of each language, minus those shared with others.
_FUNCTION_WORDS: dict[str, str] = {
    "en": "the of and to in is that for was with on are by have has this from which were been their it its not but would government said",
    "de": "der die das und ist nicht mit den dem des ein eine einer auf sich auch wurde wird von zu im für sind hat haben bei nach regierung",
    "fr": "le la les et des est une dans du pour que qui sur pas au aux par ont été cette sont il elle ses leur gouvernement",
    "it": "il di che e la le della del per sono non gli una con dei nel nella ha alla anche stato è governo questo",
    "es": "el los las de que y en del por con una para es no se ha lo su al como más sus gobierno fue este",
    "nl": "de het een van en is dat op niet zijn voor met te die er ook aan door naar heeft wordt bij regering",
    "pt": "o os as de que e do da dos das em um uma para com não por se mais foi pelo pela ao governo são",
    "sv": "och att det som en är på för med av till den har inte om ett var från de regeringen också",
    "pl": "w na z że się nie do jest to jak po przez oraz dla są rząd",
    "ro": "și în care cu pe că este din nu pentru guvernul",
}


# Letters and endings that tell the Latin-script languages apart in short sentences.
_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("es", re.compile(r"ñ|[¿¡]|ción\b|ciones\b|ía\b|ías\b")),
    ("pt", re.compile(r"[ãõ]|ção\b|ções\b|\blh|nh[ao]")),
    ("it", re.compile(r"zion[ei]\b|ità\b|\bgli\b|\bdell[ae']|\bnell[ae']")),
    ("fr", re.compile(r"eau|[èêë]|\b[ldq]u?'|\bqu'|ière\b")),
    ("de", re.compile(r"ß|sch|ung\b|ungen\b|keit\b|heit\b|[äöü]")),
    ("nl", re.compile(r"ij|\baa|oe[kn]|\bhet\b|\bvan\b")),
    ("sv", re.compile(r"å|\boch\b|ning\b|\bför\b")),
    ("ro", re.compile(r"[ăâșțşţ]")),
]


def _function_words() -> dict[str, str]:
    from tnrwatch.extraction.languages import lexicons

    table = dict(_FUNCTION_WORDS)
    for lex in lexicons():
        if lex.function_words:
            table[lex.code] = lex.function_words
    return table


@lru_cache(maxsize=1)
def _cues() -> list[tuple[str, re.Pattern[str]]]:
    from tnrwatch.extraction.languages import lexicons

    cues = {lang: cue for lang, cue in _CUES}
    for lex in lexicons():
        if lex.cue:
            cues[lex.code] = re.compile(lex.cue)
    return list(cues.items())


@lru_cache(maxsize=1)
def _word_lang() -> dict[str, dict[str, int]]:
    seen: dict[str, set[str]] = {}
    for lang, words in _function_words().items():
        for w in words.split():
            seen.setdefault(w, set()).add(lang)
    table: dict[str, dict[str, int]] = {}
    for w, langs in seen.items():
        # A word shared by several languages still counts, but for less.
        table[w] = {lang: (2 if len(langs) == 1 else 1) for lang in langs}
    return table


_SCRIPTS = {
    "cjk": re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]"),
    "kana": re.compile(r"[\u3040-\u30ff]"),
    "hangul": re.compile(r"[\uac00-\ud7af]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "greek": re.compile(r"[\u0370-\u03ff]"),
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f]"),
}


def detect_language(text: str, sample: int = 3000) -> str:
    """A BCP 47 tag (`en`, `de`, `zh-Hans`, `zh-Hant`, ...) or `und` when there is no signal."""
    head = text[:sample]
    counts = {name: len(rx.findall(head)) for name, rx in _SCRIPTS.items()}
    cjk, kana, hangul = counts["cjk"], counts["kana"], counts["hangul"]
    cyrillic, greek = counts["cyrillic"], counts["greek"]
    letters = sum(counts.values())
    if not letters:
        return "und"
    if kana and kana * 10 >= cjk:
        return "ja"
    if hangul * 2 >= letters:
        return "ko"
    if cjk * 3 >= letters:
        han = "".join(_SCRIPTS["cjk"].findall(head))
        simplified = to_simplified(han)
        changed = sum(1 for a, b in zip(han, simplified, strict=False) if a != b)
        return "zh-Hant" if changed * 50 > len(han) or changed >= 3 else "zh-Hans"
    if cyrillic * 2 >= letters:
        if re.search(r"[ђћџљњј]", head):
            return "sr"
        return "uk" if re.search(r"[іїєґ]", head) else "ru"
    if greek * 2 >= letters:
        return "el"
    scores: dict[str, int] = {}
    table = _word_lang()
    for word in _WORD.findall(head.lower()):
        for lang, weight in table.get(word, {}).items():
            scores[lang] = scores.get(lang, 0) + weight
    ranked = sorted(scores.values(), reverse=True)
    if ranked and ranked[0] > (ranked[1] if len(ranked) > 1 else 0) + 4:
        # A cue adds at most 4 to a language: the function words have decided.
        return max(sorted(scores), key=lambda lang: scores[lang])
    low = head.lower()
    for lang, cue in _cues():
        # Counted up to 4: stop at the fourth hit instead of finding them all.
        hits = sum(1 for _ in islice(cue.finditer(low), 4))
        if hits:
            scores[lang] = scores.get(lang, 0) + hits
    if not scores:
        return "und"
    return max(sorted(scores), key=lambda lang: scores[lang])


def language_code(text: str) -> str:
    """The primary language subtag of `text` (`en`, `zh`, `sr`, ...), or "" when it has fewer than
    12 letters or no signal: the shape `Source.language` has always stored for captured documents,
    so stored and exported values keep it (`detect_language` gives the script too)."""
    sample = text[:5000]
    if sum(ch.isalpha() for ch in sample) < 12:
        return ""
    tag = detect_language(sample)
    return "" if tag == "und" else tag.split("-")[0]
