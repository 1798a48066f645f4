"""English: wire copy, ministry statements, parliamentary answers, court filings."""

from tnrwatch.extraction.languages import Lexicon

_W = r"[^\W\d_]*"  # the rest of a word

LEXICON = Lexicon(
    code="en",
    triggers={
        "conviction": (
            r"\bconvicted\b", r"\bfound guilty\b", r"\bsentenced\b", r"\bpleaded guilty\b", r"\bconviction\b",
        ),
        "arrest_or_charge": (
            r"\barrest(?:ed|s|ing)?\b", r"\bcharged\b", r"\bdetain(?:ed|s|ing)?\b", r"\bprosecut(?:ed|ing)\b",
            r"\bcharges against\b", r"\bindict" + _W,
        ),
        "closure_ordered": (
            r"\border(?:ed|s|ing)?\b[^.;]{0,60}?\b(?:to )?(?:shut|clos)" + _W,
            r"\bclosure" + _W, r"\bshut(?:ting)? (?:it |them |the \w+ )?down\b", r"\bshut down\b",
            r"\bceas(?:e|es|ed|ing) (?:all |their |its )?(?:operations|operating|activities|activity)\b",
            r"\bstop(?:s|ped|ping)? (?:all |their |its )?(?:operations|operating|activities|activity)\b",
            r"\bhalt(?:s|ed|ing)? (?:all |their |its )?(?:operations|operating|activities|activity)\b",
            r"\bend(?:s|ed|ing)? (?:all |their |its )?(?:operations|operating|activities|activity)\b",
            r"\b(?:told|asked|instructed|demanded|required)\b[^.;]{0,40}\bto (?:close|shut)\b",
            r"\b(?:closed|close|closing) (?:down )?(?:the |two |three |all |its |their |a |both )?"
            r"(?:\w+ ){0,3}?(?:stations?|offices?|centres?|centers?|outposts?)\b",
            r"\b(?:were|was|been|be|have|has|had) (?:now |since |been )?(?:closed|shut)\b",
            r"\bforced (?:\w+ )?to close\b",
        ),
        "legislation": (
            r"\b(?:passed|adopted|introduced|proposed|tabled|approved|enacted)\b[^.;]{0,40}\b(?:law|bill|legislation|act)\b",
            r"\bforeign (?:agents?|influence) (?:law|bill|registry|registration|transparency)" + _W,
            r"\bnew law\b", r"\blegislation\b",
        ),
        "investigation": (
            r"\binvestigat" + _W + r"(?<!bureau of investigation)", r"\bprob(?:e|es|ed|ing)\b",
            r"\braid(?:ed|s)?\b", r"\bsearched\b[^.;]{0,30}\b(?:premises|offices?|building|station)",
            r"\bcheck(?:ing|ed)?\b (?:the |these |those )?(?:information|reports?|claims|allegations|whether)\b",
            r"\blook(?:ing|s|ed)? into\b",
            r"\binquir(?:y|ies)\b", r"\b(?:carrying out|conducting|carried out|made) (?:\w+ )?checks\b",
            r"\bchecks (?:on|into)\b",
            r"\b(?:gathering|collecting|seeking) (?:more )?information\b",
            r"\benquir(?:y|ies)\b", r"\bexamin(?:e|es|ed|ing)\b", r"\binvestigation" + _W,
        ),
        "diplomatic_protest": (
            r"\bsummon(?:ed|s)?\b[^.;]{0,40}\b(?:ambassador|envoy|chargé)",
            r"\b(?:lodged|filed|made) (?:a )?(?:formal |strong )?protest\b",
            r"\bdémarche\b", r"\bexpel(?:led|s)?\b[^.;]{0,30}\bdiplomat" + _W,
        ),
        "monitoring": (
            r"\bmonitor(?:s|ed|ing)?\b", r"\bkeeping (?:a close )?(?:an )?eye\b",
            r"\bwatching (?:\w+ )?closely\b", r"\bfollowing (?:the \w+ |it |this )?closely\b",
            r"\bsurveill" + _W,
        ),
        "denial": (
            r"\bden(?:y|ies|ied|ying)\b", r"\bdismiss(?:ed|es)\b",
            r"\brejected\b[^.;]{0,30}\b(?:report|allegation|claim|accusation)s?\b",
            r"\bnonsense\b", r"\bbaseless\b", r"\bgroundless\b", r"\buntrue\b",
            r"\b(?:completely|totally|entirely|utterly|simply) (?:false|untrue|wrong|fabricated)\b",
            r"\bno (?:evidence|proof|indication)s? (?:of|that)\b",
            r"\bunfounded\b", r"\bfabricat" + _W, r"\bsmear" + _W,
            r"\b(?:refused|declined|refuses|declines) to (?:investigate|act|close|take action|open an? \w+)\b",
            r"\b(?:not|never) (?:found|seen) any (?:evidence|proof|indication)s?\b",
            r"\b(?:saw|see|sees|seeing|found|finds) no (?:reason|need|grounds?|cause) to\b",
            r"\bfound no (?:evidence|proof|indication)s?\b",
        ),
        "no_response": (
            r"\b(?:have|has|had) yet to (?:respond|react|comment|act|take)\w*",
            r"\b(?:have|has|had) not (?:yet )?(?:publicly )?(?:responded|reacted|commented|acted)\b",
            r"\bno (?:public |official )?(?:response|reaction)\b",
            r"\bdid not respond\b(?! (?:immediately )?to (?:a |our |multiple |repeated |several )?(?:\w+ )?requests? for comment)",
            r"\bremained silent\b",
            r"\b(?:have|has|had) not (?:yet )?taken (?:any )?(?:action|steps|measures)\b", r"\bno action\b",
        ),
        "other": (
            r"\b(?:revoked|lifted|overturned|reversed|rescinded|withdrew)\b[^.;]{0,40}\b(?:order|closure|decision|ban)\b",
            r"\b(?:order|closure|decision|ban)\b[^.;]{0,60}\b(?:was|were|has been|had been|have been) "
            r"(?:later |since |subsequently )?(?:lifted|revoked|overturned|reversed|rescinded|withdrawn|suspended)\b",
            r"\b(?:allowed|permitted)\b[^.;]{0,30}\breopen" + _W, r"\breopen(?:ed|ing)?\b",
        ),
    },
    government=(
        "government", "governments", "authorities", "authority", "ministry", "minister", "ministers",
        "police", "officials", "parliament", "lawmakers", "legislators", "mps", "prosecutor", "prosecutors",
        "court", "security service", "intelligence", "foreign office", "foreign ministry", "cabinet",
        "state department", "home office", "prime minister", "premier", "chancellor", "interior",
        "department of justice", "justice department", "agencies", "agency", "garda", "gardaí", "embassy",
        "administration", "officers", "consulate", "ambassador", "envoy", "regulators", "spokesperson",
        "spokesman", "spokeswoman", "fbi", "rcmp",
    ),
    negation=("not", "n't", "never", "no", "nor", "neither", "refused to", "declined to", "denied",
              "denies", "deny", "without", "rather than", "instead of"),
    modal=(r"urg(?:e|es|ed|ing)", r"call(?:s|ed|ing)? (?:on|for)", "should", "must", "would like", "ought",
           "need to", r"appeal\w*", r"wants?", "whether", "could", "might", "possibly", "potential"),
    ask=(r"ask(?:s|ed)?", r"demand\w*", r"request\w*"),
    clause_breaks=(r",\s+(?:but|while|whereas|although|however)\b",),
    locative=("in", "at"),
    of=("of",),
    non_actor=("to", "from", "against", "into", "on", "at", "toward", "towards", "about", "over", "with", "for"),
    list_glue=(",", "and", "&", "as well as", "the"),
    embassy=(r"embass\w*", r"consulat\w*"),
    station=(
        r"(?:police|service|liaison|overseas|110) (?:service )?(?:stations?|centres?|centers?|posts?|offices?)\b",
        r"stations?\b", r"110 overseas\b", r"service cent(?:re|er)s?\b",
        r"cent(?:re|er)s?\b", r"offices?\b", r"outposts?\b", r"premises\b",
    ),
    other_station=(
        r"(?:train|railway|rail|radio|television|tv|gas|petrol|bus|metro|subway|underground|tube|fire|space|"
        r"power|polling|weather|charging|research|filling|service and|pumping|relay|ski|coach)\s+stations?\b",
    ),
    station_generic=("cent", "office", "outpost", "premises"),
    context=("poli[zcs]", "chin", "110"),
    station_place=("in", "at", "inside", "within", "across", "throughout", "including", "such as", "like", "near", "district of", "neighbourhood of", "neighborhood of", "area of", "suburb of", "outskirts of", "centre of", "center of"),
    sites=("sites?", "locations?", "addresses", "premises"),
    bureau=(r"public security\b", r"PSBs?\b", r"police (?:department|bureau)s?\b"),
    homes=(),
    function_words="the of and to in is that for was with on are by have has this from which were been "
                   "their it its not but would government said",
)
