"""Trigger words in every inflected form: each lexicon's `lemmas` (dictionary forms) expanded
with simplemma's dictionaries, inverted, into data/forms.json.

Why offline: simplemma's dictionary of one language takes 1.5-10 s to load and tens of MB of
memory, so lemmatising at run time would cost more than the whole extraction of a thousand
articles. Inverting the dictionaries once gives the same matching on dictionary forms as a
small table ({language: {form: action}}), read into the trigger automaton like any word.

    python -m tnrwatch.extraction.forms      # rebuild data/forms.json (needs simplemma)

Forms that begin with a negating prefix the lemma lacks ("nezavřela" for "zavřít") are left
out: a negated action is not an action. Serbian forms are written in both scripts.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

FORMS_PATH = Path(__file__).resolve().parent / "data" / "forms.json"
_NEGATING = {"cs": "ne", "sk": "ne", "sr": "ne"}
MIN_FORM = 4  # shorter forms are too often other words


@lru_cache(maxsize=1)
def forms() -> dict[str, dict[str, str]]:
    """{language code: {inflected form (lower case): action}}; empty when the file is absent."""
    try:
        table: dict[str, dict[str, str]] = json.loads(FORMS_PATH.read_text(encoding="utf-8"))["forms"]
        return table
    except (OSError, ValueError, KeyError):
        return {}


def build() -> dict[str, dict[str, str]]:
    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

    from tnrwatch.extraction.languages import lexicons
    from tnrwatch.extraction.languages.sr import to_cyrillic

    factory = DefaultDictionaryFactory()
    out: dict[str, dict[str, str]] = {}
    for lex in lexicons():
        if not lex.lemmas or not lex.lemma_lang:
            continue
        wanted = {lemma.lower(): action for action, lemmas in lex.lemmas.items() for lemma in lemmas}
        table: dict[str, str] = {lemma: action for lemma, action in wanted.items()}
        dictionary = factory.get_dictionary(lex.lemma_lang)
        negating = _NEGATING.get(lex.code)
        for form in dictionary:
            lemma = dictionary[form].lower()
            action = wanted.get(lemma)
            if action is None or len(form) < MIN_FORM:
                continue
            form = form.lower()
            if negating and form.startswith(negating) and not lemma.startswith(negating):
                continue
            table.setdefault(form, action)
        if lex.code == "sr":
            table |= {to_cyrillic(form): action for form, action in table.items()}
        out[lex.code] = dict(sorted(table.items()))
    return out


def main(argv: list[str] | None = None) -> int:
    table = build()
    FORMS_PATH.parent.mkdir(exist_ok=True)
    FORMS_PATH.write_text(json.dumps({
        "about": "Inflected forms of the lexicons' trigger lemmas, from simplemma's dictionaries "
                 "(python -m tnrwatch.extraction.forms).",
        "forms": table}, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print({code: len(t) for code, t in table.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
