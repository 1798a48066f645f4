"""Korean: national dailies, broadcasters, police and prosecution announcements.

Particles attach to nouns ("경찰은", "중국의"): words here match without word boundaries."""

from tnrwatch.extraction.languages import Lexicon

LEXICON = Lexicon(
    code="ko",
    triggers={
        "conviction": ("유죄", "징역", "실형"),
        "arrest_or_charge": ("송치", "기소", "체포", "구속", "입건"),
        "closure_ordered": ("폐쇄", "운영 중단", "영업 중단", "문을 닫"),
        "legislation": ("법안", "법 개정", "개정안"),
        "investigation": ("수사", "압수수색", "조사", "내사", "확인 중", "들여다"),
        "diplomatic_protest": ("확인을 요청", "사실관계 확인", "우려를 전달", "유감을 표명", "항의", "유감", "해명을 요구", "설명을 요구", "초치"),
        "monitoring": ("예의주시", "주시", "모니터링", "감시"),
        "denial": ("파악된 바 없", "파악하지 못", "알지 못", "일축", "자원봉사", "부인했", "부인하", "근거 없는", "사실무근", "사실이 아니"),
        "no_response": ("언급할 사항", "밝힐 수 없", "답하지 않", "응답하지 않", "입장을 내지 않", "언급을 피"),
    },
    government=("정부", "경찰", "경찰청", "외교부", "국정원", "국가정보원", "방첩 당국", "정보당국", "검찰", "지검",
                "법무부", "국회", "당국", "대사관", "장관", "대변인", "안보수사"),
    # Korean negates after the verb: 항의하지 않았다, 수사에 착수하지 않았다, 조치를 취하지 못했다;
    # 안/못 stand before the verb, after its object ("조사를 안 했다").
    negation_after=r"[^.,!?\"“”]{0,10}?(?:지\s*(?:않|못)|\s안\s|\s못\s|계획이\s*없|적이\s*없)",
    necessity=("명령", "지시", "요구"),
    modal=("해야", "촉구", "가능성"),
    ask=("요구", "요청"),
    list_glue=("와", "과", "및", "·"),
    embassy=("대사관", "영사관"),
    station=("비밀경찰서", "비밀 경찰서", "해외경찰서", "해외 경찰서", "경찰서", "거점", "사무실"),
    station_generic=("거점", "사무실"),
    context=("경찰", "중국", "공안"),
    sites=("사무실", "식당", "거점"),
    bureau=("공안",),
    locative_after=r"(?:에서|에|내|국내)",
    object_after=r"(?: ?측)?(?:에|에게|을|를|과|와|으로|로)",
    non_government=("언론", "매체", "기자", "단체", "인"),
    homes=("KR",),
    locales=("ko",),
    names={"KR": "한국|대한민국", "CN": "중국|중국 측|베이징", "US": "미국", "GB": "영국", "JP": "일본"},
    cities={"송파구": "Seoul", "강남": "Seoul", "서울": "Seoul", "제주": "Jeju City"},
    china_places={"Qingtian": ("칭톈",), "Fuzhou": ("푸저우",), "Wenzhou": ("원저우",), "Nantong": ("난퉁",)},
    number_words={},
    counted={"stations": ("곳", "개소", "개의 비밀경찰서"), "countries": ("개국", "개 나라", "개 국가"), "continents": ("개 대륙", "대륙")},
    bodies={"Ministry of Foreign Affairs": ("외교부",), "police": ("경찰",), "prosecutor": ("검찰", "지검"),
            "parliament": ("국회",), "court": ("법원",)},
)
