"""The name forms the matcher compares (no database): Wade-Giles and half-converted spellings read
as pinyin, and the one-letter deletions the blocking index carries for mistyped names."""

from __future__ import annotations

from followthemoney import model
from nomenklatura.matching import LogicV2

from tnrwatch.xref import matching, romanised


def test_wade_giles_whole_or_half_converted_reads_as_pinyin():
    assert ["zhang", "xiao", "ming"] in romanised.wade_giles_readings("chang hsiao-ming")
    assert ["deng", "xiao", "ping"] in romanised.wade_giles_readings("teng hsiao-p'ing")
    assert ["deng", "xiao", "ping"] in romanised.wade_giles_readings("teng hsiao-p’ing")  # typographic apostrophe
    assert ["mao", "ze", "dong"] in romanised.wade_giles_readings("mao tse-tung")
    # half-converted: a Wade-Giles final with the pinyin initial, a Wade-Giles initial with the pinyin final
    assert ["lu", "yong", "zi"] in romanised.wade_giles_readings("lu yung-tsi")
    assert ["xiao", "ming"] in romanised.wade_giles_readings("hsiaoming")  # run together


def test_words_that_are_not_romanised_chinese_have_no_reading():
    assert romanised.wade_giles_readings("rome hometown association") == []
    assert romanised.wade_giles_readings("") == []
    assert len(romanised.wade_giles_readings("chang chen chih-chung ch'ing")) <= romanised.MAX_READINGS


def _person(names, zh=None):
    proxy = model.make_entity("Person")
    proxy.id = f"p-{abs(hash(tuple(names)))}"
    proxy.add("name", names[0])
    proxy.add("alias", [*names[1:], *([zh] if zh else [])])
    return proxy


def test_a_wade_giles_name_meets_the_chinese_name_and_a_pinyin_one_gets_no_wade_giles_reading():
    score = LogicV2.compare(matching.prepared(_person(["Lu Yung-Tsi"])), matching.prepared(_person(["Lu Yongzi"], "吕永子")),
                            LogicV2.default_config()).score
    assert score >= matching.DEFAULT_THRESHOLD
    # a name that is pinyin already is compared as pinyin only (Chen stays chen, not also zhen)
    assert "zhen wei" not in matching.name_variants("Chen Wei", person=True)


def test_the_blocking_copy_carries_one_letter_deletions_and_the_scoring_copy_does_not():
    proxy = _person(["Wang Xiaoming"], "王小明")
    deletions = set(matching.for_blocking(proxy).get("alias")) - set(matching.prepared(proxy).get("alias"))
    assert len(deletions) == 1
    assert {"xiaomng", "wangxiaomng", "ang"} <= set(next(iter(deletions)).split())
    assert "xiaomng" not in " ".join(matching.prepared(proxy).get("alias"))
    assert "王小明" in matching.for_blocking(proxy).get("alias")
