"""Words and patterns, by language, that the response extractor reads.

Each trigger is a regular expression for an action of the registry's vocabulary
(tnrwatch.registry.vocabulary.RESPONSE_ACTIONS). Patterns of every language run on every text:
a French quote in an English article is still read. Keep patterns specific: a verb alone
("closed") is read as a response only when a governing actor is found for it."""

from __future__ import annotations

import re

_W = r"[^\W\d_]*"  # the rest of a word

TRIGGERS: dict[str, list[str]] = {
    "conviction": [
        r"\bconvicted\b", r"\bfound guilty\b", r"\bsentenced\b", r"\bpleaded guilty\b", r"\bconviction\b",
        r"\bverurteilt\b", r"\bschuldig gesprochen\b", r"\bVerurteilung\b",
        r"\bcondamn[ée]" + _W, r"\breconnu coupable\b",
        r"\bcondannat" + _W, r"\bcondenad" + _W, r"\bveroordeeld\b", r"\bdöm(?:d|des|ts|de)\b",
        r"判刑", r"定罪", r"判处", r"判處", r"被判",
    ],
    "arrest_or_charge": [
        r"\barrest(?:ed|s|ing)?\b", r"\bcharged\b", r"\bdetain(?:ed|s|ing)?\b", r"\bprosecut(?:ed|ing)\b", r"\bcharges against\b", r"\bindict" + _W,
        r"\bfestgenommen\b", r"\bFestnahme" + _W, r"\bverhaftet\b", r"\bangeklagt\b", r"\bAnklage\b",
        r"\binterpell[ée]" + _W, r"\binculp[ée]" + _W, r"\bmis en examen\b", r"\barrestation" + _W,
        r"\barrestat[oiae]\b", r"\barrest[io]\b", r"\bdetenid[oa]s?\b", r"\bdetenci[óo]n\b",
        r"\barrestad[oa]s?\b", r"\bimputad[oa]s?\b", r"\bgearresteerd\b", r"\baangehouden\b",
        r"\barrestatie" + _W, r"\baangeklaagd\b", r"\bdetid[oa]s?\b", r"\bpris[ãa]o\b",
        r"\bindiciad[oa]s?\b", r"\bgrip(?:it|its|en|na)\b", r"\banhåll(?:en|na|its)\b",
        r"\bhäktad" + _W, r"\båtal(?:ad|at|ats|ade)?\b",
        r"逮捕", r"拘捕", r"起诉", r"起訴", r"拘留", r"抓获", r"抓獲",
    ],
    "closure_ordered": [
        r"\border(?:ed|s|ing)?\b[^.;]{0,60}?\b(?:to )?(?:shut|clos)" + _W,
        r"\bclosure" + _W, r"\bshut(?:ting)? (?:it |them |the \w+ )?down\b", r"\bshut down\b",
        r"\bceas(?:e|es|ed|ing) (?:all |their |its )?(?:operations|operating|activities|activity)\b",
        r"\bstop(?:s|ped|ping)? (?:all |their |its )?(?:operations|operating|activities|activity)\b",
        r"\bhalt(?:s|ed|ing)? (?:all |their |its )?(?:operations|operating|activities|activity)\b",
        r"\bend(?:s|ed|ing)? (?:all |their |its )?(?:operations|operating|activities|activity)\b",
        r"\b(?:told|asked|instructed|demanded|required)\b[^.;]{0,40}\bto (?:close|shut)\b",
        r"\b(?:closed|close|closing) (?:down )?(?:the |two |three |all |its |their |a |both )?" + r"(?:\w+ ){0,3}?(?:stations?|offices?|centres?|centers?|outposts?)\b",
        r"\b(?:were|was|been|be|have|has|had) (?:now |since |been )?(?:closed|shut)\b", r"\bforced (?:\w+ )?to close\b",
        r"\bschließ(?:en|t|ung)\b", r"\bSchließung" + _W, r"\bgeschlossen\b", r"\bdichtgemacht\b",
        r"\bfermer\b", r"\bfermeture" + _W, r"\bferm[ée]e?s?\b",
        r"\bchiuder" + _W, r"\bchiusur[ae]\b", r"\bchius[oaie]\b", r"\bchiude\b",
        r"\bcerrar\b", r"\bcierre\b", r"\bcerrad[oa]s?\b", r"\bha cerrado\b", r"\bclausur" + _W, r"\bcerró\b",
        r"\bsluit(?:en|ing)?\b", r"\bgesloten\b", r"\bsluiting" + _W,
        r"\bfechar\b", r"\bfechad[oa]s?\b", r"\bfechamento\b", r"\bencerra" + _W, r"\bencerrad[oa]s?\b",
        r"\bstäng(?:a|as|de|des|s|ts|d|t|ning|ningen)?\b",
        r"关闭", r"關閉", r"关停", r"關停", r"取缔", r"取締", r"勒令", r"停止运作", r"停止運作",
    ],
    "legislation": [
        r"\b(?:passed|adopted|introduced|proposed|tabled|approved|enacted)\b[^.;]{0,40}\b(?:law|bill|legislation|act)\b",
        r"\bforeign (?:agents?|influence) (?:law|bill|registry|registration|transparency)" + _W,
        r"\bnew law\b", r"\blegislation\b",
        r"\bGesetz(?:entwurf|esentwurf|gebung)?\b", r"\bprojet de loi\b", r"\bproposition de loi\b", r"\blégislation\b",
        r"\bdisegno di legge\b", r"\bproposta di legge\b", r"\bnormativa\b",
        r"\bproyecto de ley\b", r"\blegislación\b", r"\bwetsvoorstel\b", r"\bwetgeving\b",
        r"\bprojeto de lei\b", r"\blegislação\b", r"\blagförslag" + _W, r"\blagstiftning" + _W,
        r"立法", r"法案",
    ],
    "investigation": [
        r"\binvestigat" + _W + r"(?<!bureau of investigation)", r"\bprob(?:e|es|ed|ing)\b",
        r"\braid(?:ed|s)?\b", r"\bsearched\b[^.;]{0,30}\b(?:premises|offices?|building|station)", r"\bcheck(?:ing|ed)?\b (?:the |these |those )?(?:information|reports?|claims|allegations|whether)\b",
        r"\bdurchsuch" + _W, r"\bRazzia\b", r"\bperquisizion" + _W, r"\bperquisition" + _W, r"\bregistr(?:o|aron|ó)\b", r"\blook(?:ing|s|ed)? into\b",
        r"\binquir(?:y|ies)\b", r"\b(?:carrying out|conducting|carried out|made) (?:\w+ )?checks\b", r"\bchecks (?:on|into)\b",
        r"\b(?:gathering|collecting|seeking) (?:more )?information\b", r"\bcontroll[io] su\b", r"\braccogli\w* informazioni\b",
        r"\bverific(?:a|he|ando|are|ato)\b", r"\bKontrollen\b", r"\bvérifications?\b", r"\bcomprobacion\w*", r"\benquir(?:y|ies)\b", r"\bexamin(?:e|es|ed|ing)\b",
        r"\bErmittl" + _W, r"\bermittel" + _W, r"\buntersuch" + _W, r"\bUntersuchung" + _W, r"\bprüf(?:t|en|te|ten)\b",
        r"\benquêt" + _W, r"\binvestigation" + _W,
        r"\bindag" + _W, r"\binchiest[ae]\b", r"\bfascicol[oi]\b", r"\baccertament" + _W, r"\binvestigazion" + _W,
        r"\binvestiga" + _W, r"\bindaga" + _W, r"\bpesquisa" + _W,
        r"\bonderz(?:oek|oeken|oekt|ocht|ochte)\w*", r"\bapura" + _W, r"\binquérito" + _W,
        r"\butred" + _W, r"\bundersök" + _W, r"\bförundersökning" + _W,
        r"调查(?!局)", r"調查(?!局)", r"核查", r"侦查", r"偵查", r"搜查",
    ],
    "diplomatic_protest": [
        r"\bsummon(?:ed|s)?\b[^.;]{0,40}\b(?:ambassador|envoy|chargé)", r"\b(?:lodged|filed|made) (?:a )?(?:formal |strong )?protest\b",
        r"\bdémarche\b", r"\bexpel(?:led|s)?\b[^.;]{0,30}\bdiplomat" + _W,
        r"\beinbestellt\b", r"\bconvoqu[ée]" + _W + r"[^.;]{0,30}ambassad", r"\bconvocat" + _W + r"[^.;]{0,30}ambasciat",
        r"\bconvoc" + _W + r"[^.;]{0,30}embajador", r"\bontboden\b", r"\bconvoc" + _W + r"[^.;]{0,30}embaixador",
        r"\bkallade upp\b", r"\bkallat upp\b",
        r"召见", r"召見", r"提出抗议", r"提出抗議", r"严正交涉", r"嚴正交涉",
    ],
    "monitoring": [
        r"\bmonitor(?:s|ed|ing)?\b", r"\bkeeping (?:a close )?(?:an )?eye\b", r"\bwatching (?:\w+ )?closely\b",
        r"\bfollowing (?:the \w+ |it |this )?closely\b", r"\bbeobacht" + _W, r"\bsurveill" + _W,
        r"\bmonitora" + _W, r"\bsorveglia" + _W, r"\bvigil" + _W, r"\bmonitore" + _W,
        r"\bnauwlettend\b", r"\bin de gaten\b", r"\bacompanh" + _W, r"\bbevakar\b", r"\bföljer\b[^.;]{0,20}\bnoga\b",
        r"密切关注", r"密切關注", r"监控", r"監控", r"监测", r"監測",
    ],
    "denial": [
        r"\bden(?:y|ies|ied|ying)\b", r"\bdismiss(?:ed|es)\b", r"\brejected\b[^.;]{0,30}\b(?:report|allegation|claim|accusation)s?\b",
        r"\bnonsense\b", r"\bbaseless\b", r"\bgroundless\b", r"\buntrue\b",
        r"\b(?:completely|totally|entirely|utterly|simply) (?:false|untrue|wrong|fabricated)\b",
        r"\b(?:völlig|komplett) (?:falsch|haltlos)\b", r"\bhaltlos\w*", r"\btotalement faux\b", r"\bdel tutto false?\b",
        r"\bcompletamente fals[oa]s?\b", r"\bcompleet onwaar\b", r"\bhelt felaktig\w*", r"毫无根据", r"毫無根據", r"不实", r"不實", r"谎言", r"謊言", r"\bno (?:evidence|proof|indication)s? (?:of|that)\b",
        r"\bkeine (?:Hinweise|Belege|Beweise)\b", r"\baucune preuve\b", r"\bnessuna prova\b", r"\bninguna prueba\b",
        r"\bgeen (?:bewijs|aanwijzingen)\b", r"\bnão encontr\w+ (?:provas|indícios)\b", r"\bnenhuma prova\b", r"\binga bevis\b", r"\bunfounded\b", r"\bfabricat" + _W, r"\bsmear" + _W,
        r"\bbestreit" + _W, r"\bbestritten\b", r"\bdementier" + _W, r"\bzurückgewiesen\b", r"\bweist\b[^.;]{0,40}\bzurück\b",
        r"\bdément" + _W, r"\bdément\b", r"\bnié\b", r"\bnie\b", r"\binfondé" + _W,
        r"\bsmenti" + _W, r"\bnega(?:to)?\b", r"\binfondat" + _W, r"\brespint" + _W,
        r"\bneg(?:ó|ado|aron|ou|aram)\b", r"\bnieg(?:a|an|an)\b", r"\bnega(?:m)?\b",
        r"\b(?:refused|declined|refuses|declines) to (?:investigate|act|close|take action|open an? \w+)\b",
        r"\b(?:not|never) (?:found|seen) any (?:evidence|proof|indication)s?\b",
        r"\b(?:saw|see|sees|seeing|found|finds) no (?:reason|need|grounds?|cause) to\b", r"\bfound no (?:evidence|proof|indication)s?\b", r"\bdesmint" + _W, r"\bdesmient" + _W, r"\bdesmente\b", r"\binfundad" + _W,
        r"\bontk(?:ent|end|ende|enden)\b", r"\bförneka" + _W, r"\btillbakavisa" + _W,
        r"否认", r"否認", r"驳斥", r"駁斥", r"纯属捏造", r"純屬捏造", r"从不干涉", r"從不干涉", r"从未干涉", r"從未干涉", r"志愿者站点", r"志願者站點", r"子虚乌有", r"子虛烏有", r"抹黑", r"炒作",
    ],
    "no_response": [
        r"\b(?:have|has|had) yet to (?:respond|react|comment|act|take)\w*", r"\b(?:have|has|had) not (?:yet )?(?:publicly )?(?:responded|reacted|commented|acted)\b",
        r"\bno (?:public |official )?(?:response|reaction)\b", r"\bdid not respond\b(?! (?:immediately )?to (?:a |our |multiple |repeated |several )?(?:\w+ )?requests? for comment)", r"\bremained silent\b",
        r"\b(?:have|has|had) not (?:yet )?taken (?:any )?(?:action|steps|measures)\b", r"\bno action\b",
        r"\bnicht\b[^.;]{0,40}\breagiert\b", r"\bnon (?:ha|hanno) (?:ancora )?commentato\b", r"\bno se ha pronunciado\b",
        r"\bguarda(?:n)? silencio\b", r"\bnicht reagiert\b", r"\bkeine Reaktion\b", r"\bpas (?:encore )?(?:réagi|répondu)\b", r"\baucune réaction\b",
        r"\bnon (?:hanno|ha) (?:ancora )?(?:risposto|reagito)\b", r"\bnessuna (?:risposta|reazione)\b",
        r"\bno (?:han|ha) (?:respondido|reaccionado)\b", r"\bsin respuesta\b", r"\bninguna respuesta\b",
        r"\bniet gereageerd\b", r"\bgeen reactie\b",
        r"\bnão (?:responderam|reagiram|respondeu|reagiu|se pronunci\w+)\b", r"\bsem resposta\b",
        r"\binte (?:har )?(?:svarat|reagerat|agerat)\b", r"\bännu inte (?:svarat|reagerat|agerat)\b",
        r"尚未回应", r"尚未回應", r"没有回应", r"沒有回應", r"未作回应", r"未作回應", r"未回应", r"未回應", r"保持沉默", r"未作出回应", r"未作出回應", r"没有作出回应", r"沒有作出回應",
        r"尚未表态", r"尚未表態", r"未采取任何行动", r"未採取任何行動",
    ],
    "other": [
        r"\b(?:revoked|lifted|overturned|reversed|rescinded|withdrew)\b[^.;]{0,40}\b(?:order|closure|decision|ban)\b",
        r"\b(?:order|closure|decision|ban)\b[^.;]{0,60}\b(?:was|were|has been|had been|have been) (?:later |since |subsequently )?(?:lifted|revoked|overturned|reversed|rescinded|withdrawn|suspended)\b",
    r"\b(?:allowed|permitted)\b[^.;]{0,30}\breopen" + _W, r"\breopen(?:ed|ing)?\b",
        r"\bwiedereröffn" + _W, r"\baufgehoben\b", r"\brouvr" + _W, r"\briapert" + _W, r"\briaprire\b",
        r"\breabr" + _W, r"\bheropend\b", r"\bheropen" + _W, r"\böppna(?:s|des)? igen\b",
        r"撤销", r"撤銷", r"重新开放", r"重新開放",
    ],
}

# Actions in which China itself may be the actor (elsewhere "Chinese" qualifies the stations).
CHINA_MAY_ACT = {"denial", "diplomatic_protest"}

GOVERNMENT_WORDS = [
    # en
    "government", "governments", "authorities", "authority", "ministry", "minister", "ministers",
    "police", "officials", "parliament", "lawmakers", "legislators", "mps", "prosecutor", "prosecutors",
    "court", "security service", "intelligence", "foreign office", "foreign ministry", "cabinet",
    "state department", "home office", "prime minister", "premier", "chancellor", "interior",
    "department of justice", "justice department", "agencies", "agency", "garda", "gardaí", "embassy",
    "administration", "officers", "embassy", "consulate", "ambassador", "envoy",
    "botschaft", "botschafter", "konsulat", "ambassade", "consulat", "ambassadeur", "ambasciata", "consolato",
    "ambasciatore", "embajada", "consulado", "embajador", "embaixada", "embaixador", "ambassaden", "ambassadör", "regulators", "spokesperson", "spokesman", "spokeswoman", "fbi", "rcmp",
    # de
    "regierung", "bundesregierung", "behörde", "behörden", "ministerium", "innenministerium",
    "außenministerium", "polizei", "staatsanwaltschaft", "verfassungsschutz", "bundestag", "parlament", "ermittler",
    # fr
    "gouvernement", "autorités", "ministère", "ministre", "parquet", "justice", "assemblée", "sénat", "dgsi",
    # it
    "governo", "autorità", "ministero", "ministro", "polizia", "procura", "parlamento", "carabinieri",
    "farnesina", "viminale", "questura",
    # es
    "gobierno", "autoridades", "ministerio", "ministra", "policía", "fiscalía", "congreso", "ejecutivo",
    # nl
    "regering", "kabinet", "overheid", "ministerie", "politie", "autoriteiten", "openbaar ministerie", "kamer",
    # pt
    "autoridades", "ministério", "polícia", "procuradoria", "psp", "pj",
    # sv
    "regeringen", "myndigheter", "myndigheterna", "säpo", "säkerhetspolisen", "polisen", "polis", "riksdagen",
    "ministern", "utrikesdepartementet",
]
GOVERNMENT_WORDS_ZH = ["政府", "外交部", "警方", "当局", "當局", "警察", "议会", "議會", "国会", "國會",
                       "检察", "檢察", "法院", "内政部", "內政部", "司法部", "安全局", "部长", "部長", "外长",
                       "外長", "使馆", "使館", "大使馆", "大使館", "发言人", "發言人", "大臣", "首相",
                       "总理", "總理", "内阁", "內閣", "议员", "議員", "骑警", "騎警", "司法机关", "司法機關",
                       "安全部门", "安全部門", "情报", "情報"]
_gov = "|".join(sorted((re.escape(w) for w in GOVERNMENT_WORDS), key=len, reverse=True))
GOVERNMENT_RE = re.compile(rf"\b(?:{_gov})\b", re.I)
GOVERNMENT_ZH_RE = re.compile("|".join(GOVERNMENT_WORDS_ZH))

# Negation before a trigger (same clause): "has not ordered", "no ha cerrado", "n'a pas", 未关闭.
NEGATION_RE = re.compile(
    r"\b(?:not|n't|never|no|nor|neither|refused to|declined to|denied|denies|deny|without|rather than|instead of|"
    r"nicht|kein\w*|nie|niemals|ne|n'|pas|jamais|non|mai|nessun\w*|nunca|ningún|ninguna|não|nunca|"
    r"nenhum\w*|niet|geen|nooit|inte|ej|aldrig|inga)\b|未|没有|沒有|并未|並未|不会|不會|不曾|拒绝|拒絕|否认|否認",
    re.I,
)
# A call for action is not an action: "urged governments to investigate".
MODAL_RE = re.compile(
    r"\b(?:urg(?:e|es|ed|ing)|call(?:s|ed|ing)? (?:on|for)|should|must|would like|ought|need to|"
    r"appeal\w*|wants?|sollte\w*|müssen|appell\w*|devrai\w*|"
    r"dovrebbe\w*|invita\w*|insta\w*|debería\w*|roept\w* op|zou\w* moeten|deveria\w*|"
    r"uppmana\w*|borde|whether|could|might|possibly|potential)\b|呼吁|呼籲|敦促|应该|應該|是否|可能",
    re.I,
)
# Asking is an action of whoever asks: "the Netherlands asked China to close" is the Dutch
# government's act, "Safeguard Defenders asked governments to investigate" is nobody's.
ASK_RE = re.compile(
    r"\b(?:ask(?:s|ed)?|demand\w*|request\w*|fordert\w*|forderte\w*|demande\w*|chiede\w*|chiesto|pide\w*|pidió|"
    r"vraagt|vroeg|gevraagd|pede\w*|pediu|begär\w*|kräv\w*)\b|要求",
    re.I,
)
# Clause boundaries for the negation and modality windows.
CLAUSE_BREAK_RE = re.compile(r"[;:]|,\s+(?:but|while|whereas|although|however|aber|mais|ma|pero|maar|mas|men)\b|，但|但是")

# Place prepositions: "the embassy in France" is a place, "authorities in Chile" an actor.
LOCATIVE_PREPOSITIONS = {"in", "en", "im", "nel", "nella", "em", "no", "na", "i", "au", "aux", "dans", "à", "a", "at", "bei"}
# "The government of Canada" and "the embassy of China" act; "an ally of Beijing" does not.
OF_PREPOSITIONS = {"of", "de", "di", "del", "della", "des", "du", "van", "von", "da", "do", "dos", "af"}
EMBASSY_RE = re.compile(r"\b(?:embass\w*|consulat\w*|ambassad\w*|ambasciat\w*|embajad\w*|embaixad\w*|botschaft\w*|konsulat\w*)\b|使馆|使館|领馆|領館", re.I)

# Words that, just before a country name, make it an object or a place rather than an actor.
NON_ACTOR_PREPOSITIONS = {
    "to", "from", "against", "into", "on", "at", "toward", "towards", "about", "over", "with", "for",
    "nach", "aus", "gegen", "über", "mit", "für", "vers", "contre", "avec", "pour", "sur", "verso",
    "contro", "con", "per", "hacia", "contra", "para", "sobre", "naar", "tegen", "met", "voor",
    "över", "mot", "med", "för",
}
LIST_GLUE_RE = re.compile(
    r"^(?:\s*(?:,|and|&|und|et|e|y|en|och|og|as well as|sowie|ainsi que|nonché|así como|bem como|"
    r"samt|、|和|与|與|及|以及|the|la|le|les|il|lo|el|los|las|die|der|den|de|het|o|a|os|as)\s*)*$",
    re.I,
)
