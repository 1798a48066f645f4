"""One module per language the extractor reads, each defining `LEXICON`, a `Lexicon`.

Adding a language is one new module here (listed in `CODES`) plus development texts: nothing
else in `tnrwatch/extraction/` names a language's words. What each field means, and how the
pipeline reads it, is said on the field. Patterns are Python regular expressions, matched
case-insensitively; "words" fields are literal words (regex syntax allowed), wrapped in word
boundaries for alphabetic scripts and matched as they are for Chinese, Japanese and Korean.

`triggers` run on every text (a French quote in an English article is still read);
`local_triggers` and `local_negation` run only in sentences detected as this language, for words
that mean something else elsewhere (French "nie", he denies, is German "nie", never).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

# Languages read, in the order their patterns are assembled.
CODES = ("en", "de", "fr", "it", "es", "nl", "pt", "sv", "zh", "ja", "ko", "hu", "cs", "sk", "no",
         "sr", "el")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything the extractor knows about one language."""

    code: str  # BCP 47 primary subtag ("zh" covers zh-Hans and zh-Hant, "sr" both scripts)
    # Response actions (registry.vocabulary.RESPONSE_ACTIONS) -> patterns; each pattern must
    # start with a literal (after an optional \b) so the trigger automaton can gate it.
    triggers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    local_triggers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Nouns for government bodies ("ministry", "polizia"): a sentence naming none and no
    # country has no actor; a country next to one governs.
    government: tuple[str, ...] = ()
    # Negation before a trigger in the same clause cancels it ("has not ordered").
    negation: tuple[str, ...] = ()
    local_negation: tuple[str, ...] = ()
    # Negation written after the trigger (Hungarian "vizsgálatról nem tudni", no investigation is
    # known): a regex matched right after it.
    negation_after: str = ""
    # "According to" ("enligt", "según", 据): a trigger right after one names a source ("según la
    # investigación"), not an act.
    according: tuple[str, ...] = ()
    # Calls for action and hedges: "urged ... to investigate", "should close".
    modal: tuple[str, ...] = ()
    # Order and necessity ("must", "ordered", *måste*, *sommés*, 责令): a closure with no agent
    # written with one is the state's order ("Verksamheten måste upphöra"); one without is
    # a state of affairs ("the office is closed").
    necessity: tuple[str, ...] = ()
    # Verbs of asking: an act of the asking government, not of the one asked.
    ask: tuple[str, ...] = ()
    # Clause boundaries (regex fragments) for the negation and modality windows.
    clause_breaks: tuple[str, ...] = ()
    # Prepositions of place: "authorities in Chile" act, "stations in Italy" do not.
    locative: tuple[str, ...] = ()
    # "the government of Canada": a country after one of these and a government word acts.
    of: tuple[str, ...] = ()
    # Words before a country that make it an object or a place ("to", "against").
    non_actor: tuple[str, ...] = ()
    # What may stand between two countries of one list ("and", articles).
    list_glue: tuple[str, ...] = ()
    # Embassy and consulate nouns (regex fragments): their city is not a station's.
    embassy: tuple[str, ...] = ()
    # Station nouns (regex fragments): a sentence with one may place a station.
    station: tuple[str, ...] = ()
    # Generic nouns ("centre", "office", "stanice") that are a station only with police or China
    # in sight (a word of `context` in the sentence); they must also be in `station`.
    station_generic: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    # Stations of another kind ("train station").
    other_station: tuple[str, ...] = ()
    # Words for "sites" that point at stations in a text about them.
    sites: tuple[str, ...] = ()
    # "public security" and its translations (an operating bureau nearby).
    bureau: tuple[str, ...] = ()
    # Words that may stand before a station's city ("in", "including").
    station_place: tuple[str, ...] = ()
    # Case endings that place a name ("Magyarországon", "Kínában") and what follows a name to
    # place it in unspaced scripts ("日本に", "한국에서"): regexes, matched at the name's end.
    locative_suffix: str = ""
    locative_after: str = ""
    # What follows a country that makes it an object ("中国側に", "중국 측에") or a
    # non-government agent ("Chinese media", "한국 언론"): regexes matched right after the name.
    object_after: str = ""
    non_government: tuple[str, ...] = ()
    # The countries a text in this language is most likely about (Valencia is in Spain).
    homes: tuple[str, ...] = ()
    # The acting body, by English label, for `body` on response candidates.
    bodies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Country names and adjectives no offline package ships for this language:
    # ISO alpha-2 -> "form|form*" ("*" marks a stem that takes an inflection).
    names: Mapping[str, str] = field(default_factory=dict)
    adjectives: Mapping[str, str] = field(default_factory=dict)
    # Government bodies whose name says their country ("PST", "BIS"): ISO alpha-2 -> "form|form".
    institutions: Mapping[str, str] = field(default_factory=dict)
    # pycountry locales whose country names are this language's; with `inflects`, each name
    # is matched as a stem (a final vowel dropped) that may take an ending: "Německu", "Kínában".
    locales: tuple[str, ...] = ()
    inflects: bool = False
    # The language's second script, as a function from its Latin spelling (Serbian Cyrillic):
    # the home cities' inflected stems are matched in it too ("у Смедереву" as "u Smederevu").
    transliterate: Callable[[str], str] | None = None
    # City spellings geonames lacks (inflected, native script, neighbourhoods): form -> the
    # English geonames name ("Praze" -> "Prague", "秋葉原" -> "Tokyo").
    cities: Mapping[str, str] = field(default_factory=dict)
    # Places in China in this language's transliteration: English name -> forms.
    china_places: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Dictionary forms (lemmas) of trigger words, by action: every inflected form simplemma
    # knows for them is matched, in sentences of this language (see forms.py: the forms are
    # computed once, offline, into data/forms.json). `lemma_lang` is simplemma's code.
    lemmas: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lemma_lang: str = ""
    # Numbers in words ("két": 2) and the nouns of what headline figures count, by FIGURE_KINDS
    # slug ("stations", "countries", "continents", "provinces"): regex fragments.
    number_words: Mapping[str, int] = field(default_factory=dict)
    counted: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Frequent function words for language detection (space-separated).
    function_words: str = ""
    # Spellings or endings that mark the language in short sentences (one regex).
    cue: str = ""
    # People the extractor may propose (people.py): role nouns (regex fragments, matched from a
    # word start) by public basis (registry.vocabulary.PUBLIC_ACTOR_BASES: "official",
    # "organization_leader", "court_record"); words that make a named person private (a victim, a
    # reporter, a relative): a name near one is never proposed.
    public_roles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    private_roles: tuple[str, ...] = ()
    # Whether the language writes compound nouns ("Justitieministern", "Landeskriminalamt"): its
    # government nouns then also end a longer word.
    compounds: bool = False
    # Street words for addresses (regex fragments): "Via", "straße", "rue", "路".
    streets: tuple[str, ...] = ()
    notes: str = field(default="", compare=False)


@lru_cache(maxsize=1)
def lexicons() -> tuple[Lexicon, ...]:
    """Every language's lexicon, in `CODES` order."""
    out = []
    for code in CODES:
        module = importlib.import_module(f"tnrwatch.extraction.languages.{code}")
        lex = module.LEXICON
        if lex.code != code:
            raise ValueError(f"languages/{code}.py defines the lexicon of {lex.code!r}")
        out.append(lex)
    return tuple(out)


def lexicon(code: str) -> Lexicon | None:
    """The lexicon of a language tag ("zh-Hant" -> zh, "sr-Latn" -> sr), or None."""
    base = (code or "").split("-")[0].lower()
    base = {"nb": "no", "nn": "no"}.get(base, base)
    return next((lex for lex in lexicons() if lex.code == base), None)
