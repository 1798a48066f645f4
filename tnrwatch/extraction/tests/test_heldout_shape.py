"""The held-out set's file is well formed: it loads, its labels use the registry's vocabularies and
ISO 3166-1 alpha-2 codes, and its ids are unique. This checks the data, not the extractor's scores.
"""

from __future__ import annotations

import json
from pathlib import Path

import pycountry
import pytest

from tnrwatch.registry.vocabulary import FIGURE_KINDS, RESPONSE_ACTIONS

HELDOUT = Path(__file__).resolve().parent.parent / "heldout" / "texts.json"
LANGS = {
    "en", "zh-Hans", "zh-Hant", "it", "de", "es", "fr", "nl", "pt", "sv",
    "ja", "ko", "hu", "cs", "sk", "no", "sr-Cyrl", "sr-Latn", "el",
}
KEYS = {"id", "lang", "text", "responses", "stations", "operators", "figures"}
ALPHA2 = {c.alpha_2 for c in pycountry.countries}


@pytest.fixture(scope="module")
def texts() -> list[dict]:
    data = json.loads(HELDOUT.read_text(encoding="utf-8"))
    assert set(data) == {"about", "texts"}
    assert isinstance(data["about"], str) and data["about"].strip()
    return data["texts"]


def test_every_text_has_exactly_the_documented_keys(texts):
    for item in texts:
        assert set(item) == KEYS, item.get("id")
        assert isinstance(item["text"], str) and item["text"].strip(), item["id"]


def test_ids_are_unique_and_start_with_their_language(texts):
    ids = [item["id"] for item in texts]
    assert len(ids) == len(set(ids))
    for item in texts:
        assert item["lang"] in LANGS, item["id"]
        assert item["id"].lower().startswith(item["lang"].lower() + "-"), item["id"]


def test_responses_name_a_country_and_a_known_action(texts):
    for item in texts:
        for pair in item["responses"]:
            assert isinstance(pair, list) and len(pair) == 2, item["id"]
            country, action = pair
            assert country in ALPHA2, (item["id"], country)
            assert action in RESPONSE_ACTIONS, (item["id"], action)
        assert len({tuple(p) for p in item["responses"]}) == len(item["responses"]), item["id"]


def test_stations_are_a_city_or_null_and_a_country(texts):
    for item in texts:
        for pair in item["stations"]:
            assert isinstance(pair, list) and len(pair) == 2, item["id"]
            city, country = pair
            assert city is None or (isinstance(city, str) and city.strip()), item["id"]
            assert country in ALPHA2, (item["id"], country)
        assert len({tuple(p) for p in item["stations"]}) == len(item["stations"]), item["id"]


def test_operators_are_place_names(texts):
    for item in texts:
        assert all(isinstance(o, str) and o.strip() for o in item["operators"]), item["id"]
        assert len(set(item["operators"])) == len(item["operators"]), item["id"]


def test_figures_are_a_number_and_a_known_kind(texts):
    for item in texts:
        for pair in item["figures"]:
            assert isinstance(pair, list) and len(pair) == 2, item["id"]
            value, what = pair
            assert isinstance(value, (int, float)) and not isinstance(value, bool), item["id"]
            assert what in FIGURE_KINDS, (item["id"], what)


def test_every_language_has_at_least_four_texts(texts):
    per_lang = {lang: 0 for lang in LANGS}
    for item in texts:
        per_lang[item["lang"]] += 1
    assert len(texts) >= 80
    assert min(per_lang.values()) >= 4, per_lang
