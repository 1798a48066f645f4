"""Property tests: any Unicode text, however hostile, gives candidates whose offsets are exact."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tnrwatch.extraction import extract

# Fragments that trigger every part of the extractor, to be mixed with arbitrary text.
FRAGMENTS = [
    "The Dutch and Irish governments ordered China to shut down", "police station in Dublin",
    "荷兰政府已下令关闭", "青田县公安局", "海外110", "54 stations in 30 countries", "23万人",
    "ha smentito", "no ha cerrado", "1. November 2022", "have yet to respond", ". ", "。", "\n",
    "U.S.", "İ", "ß", "ﬁ", "\u0130stanbul", "e\u0301", "\x00", "\ufeff", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_unicode_never_raises(text):
    for c in extract(text):
        assert text[c.start:c.end] == c.quote


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=30))
def test_mixed_fragments_give_exact_offsets(parts):
    text = " ".join(parts)
    for c in extract(text):
        assert text[c.start:c.end] == c.quote
        assert c.kind in ("response", "station", "operator", "figure", "country", "person", "address")
        assert 0.0 <= c.confidence <= 1.0


def test_hostile_long_inputs_finish_with_exact_offsets():
    # Long runs without sentence ends, dense triggers, dense numbers, one 300,000-letter word.
    for text in ("investigation by Germany " * 4000, "1 " * 20000, "x" * 300_000,
                 "荷兰政府已下令关闭" * 3000, "Dutch " * 10000, "<div>" * 20000):
        for c in extract(text):
            assert text[c.start:c.end] == c.quote


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=()), max_size=400))
def test_lone_surrogates_and_control_characters_never_raise(text):
    # Text decoded with errors="surrogateescape" upstream can carry lone surrogates.
    for c in extract(text):
        assert text[c.start:c.end] == c.quote


def test_a_text_of_100000_country_names_finishes_with_exact_offsets():
    # Country names in many scripts, with government words and triggers between them: the
    # worst case for the gazetteers, the actor model's pairs and the station pass.
    names = ["Germany", "Nederland", "Magyarországon", "Čína", "中国", "일본", "Ελλάδα", "Србија", "Kina"]
    text = " ".join(f"{names[i % len(names)]} police closed" if i % 7 == 0 else names[i % len(names)]
                    for i in range(100_000))
    found = extract(text)
    for c in found[:: max(1, len(found) // 500)]:
        assert text[c.start:c.end] == c.quote
    assert len(found) < 200_000
