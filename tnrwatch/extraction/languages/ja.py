"""Japanese: national dailies, wire copy, Diet answers, police announcements.

Written without spaces: every word here matches as it is. Kanji shared with Chinese (逮捕, 起訴)
are in zh.py; Japanese forms (調査, 捜査, 書類送検) are here."""

from tnrwatch.extraction.languages import Lexicon

LEXICON = Lexicon(
    code="ja",
    triggers={
        "conviction": ("有罪判決", "有罪", "実刑"),
        "arrest_or_charge": ("書類送検", "送検", "摘発", "立件"),
        "closure_ordered": ("閉鎖", "閉所", "活動停止", "活動を停止", "活動の停止"),
        "legislation": ("法案", "法整備", "法改正"),
        "investigation": ("捜査", "家宅捜索", "捜索", "調査", "実態解明", "事実関係を確認", "事実確認",
                          "調べ"),
        "diplomatic_protest": ("懸念を伝え", "懸念を表明", "説明を求め", "申し入れ", "抗議", "遺憾の意", "容認できない", "伝達"),
        "monitoring": ("注視", "警戒", "情報収集", "動向を注視"),
        "denial": ("把握していない", "把握しておらず", "承知していない", "ボランティア", "否定", "事実無根", "根拠がない", "根拠のない", "存在しない"),
        "no_response": ("差し控え", "コメントを控え", "回答しなかった", "応じていない", "明らかにしていない"),
    },
    government=("政府", "外務省", "警察庁", "警視庁", "公安部", "警察", "当局", "官房長官", "国会", "検察",
                "地検", "法務省", "大使館", "大臣", "外相", "首相", "捜査当局", "府警", "県警"),
    # Japanese negates after the verb: 抗議していない, 捜査を行っておらず, 命じなかった (a few
    # characters of particle and auxiliary between, in the same clause).
    negation_after=r"[をはもにの]?[^。、，！？「」]{0,6}?(?:ておらず|ていない|ていません|ていなかった|しない|しなかった|せず|ません|なかった|ない)",
    necessity=("命じ", "命令", "求め", "要請"),
    modal=("べき", "求める声", "可能性"),
    ask=("求め", "要請"),
    list_glue=("や", "と", "・"),
    embassy=("大使館", "領事館"),
    station=("警察拠点", "海外警察", "拠点", "警察署", "サービスステーション", "サービスセンター", "出先機関"),
    station_generic=("拠点", "出先機関"),
    context=("警察", "公安", "中国"),
    other_station=("駅",),
    sites=("事務所", "拠点"),
    bureau=("公安局",),
    locative_after=r"(?:に|で|国内|内|の各地)",
    object_after=r"(?:側)?(?:に|へ|を|と|から)",
    non_government=("メディア", "報道", "紙", "団体", "人"),
    homes=("JP",),
    locales=("ja",),
    names={"JP": "日本", "KR": "韓国", "US": "米国|アメリカ", "GB": "英国|イギリス", "CN": "中国|中国側|北京"},
    adjectives={"CN": "中国人", "JP": "日本人"},
    cities={"秋葉原": "Tokyo", "千代田区": "Tokyo", "東京都": "Tokyo", "都内": "Tokyo"},
    number_words={},
    counted={"stations": ("(?:か|カ|ヶ|ケ|箇)所", "つの拠点", "拠点"), "countries": ("(?:か|カ|ヶ|ケ)国", "の国"), "continents": ("大陸",)},
    bodies={"Ministry of Foreign Affairs": ("外務省", "外相"), "police": ("警察", "警視庁", "公安部", "府警", "県警"),
            "prosecutor": ("検察", "地検"), "parliament": ("国会",), "court": ("裁判所", "地裁")},
)
