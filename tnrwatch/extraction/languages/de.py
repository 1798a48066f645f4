"""German: Germany, Austria, Switzerland."""

from tnrwatch.extraction.languages import Lexicon

_W = r"[^\W\d_]*"

LEXICON = Lexicon(
    code="de",
    triggers={
        "conviction": (r"\bverurteilt\b", r"\bschuldig gesprochen\b", r"\bVerurteilung\b"),
        "arrest_or_charge": (r"\bfestgenommen\b", r"\bFestnahme" + _W, r"\bverhaftet\b", r"\bangeklagt\b",
                             r"\bAnklage\b"),
        "closure_ordered": (r"\bschließ(?:en|t|ung)\b", r"\bSchließung" + _W, r"\bgeschlossen\b",
                            r"\bdichtgemacht\b"),
        "legislation": (r"\bGesetz(?:entwurf|esentwurf|gebung)?\b",),
        "investigation": (r"\bdurchsuch" + _W, r"\bRazzia\b", r"\bKontrollen\b", r"\bErmittl" + _W,
                          r"\bermittel" + _W, r"\buntersuch" + _W, r"\bUntersuchung" + _W,
                          r"\bprüf(?:t|en|te|ten)\b"),
        "diplomatic_protest": (r"\beinbestellt\b",),
        "monitoring": (r"\bbeobacht" + _W,),
        "denial": (r"\b(?:völlig|komplett) (?:falsch|haltlos)\b", r"\bhaltlos\w*", r"\bkeine (?:Hinweise|Belege|Beweise)\b",
                   r"\bbestreit" + _W, r"\bbestritten\b", r"\bdementier" + _W, r"\bzurückgewiesen\b",
                   r"\bweist\b[^.;]{0,40}\bzurück\b"),
        "no_response": (r"\bnicht\b[^.;]{0,40}\breagiert\b", r"\bnicht reagiert\b", r"\bkeine Reaktion\b"),
        "other": (r"\bwiedereröffn" + _W, r"\baufgehoben\b"),
    },
    government=("regierung", "bundesregierung", "behörde", "behörden", "ministerium", "innenministerium",
                "außenministerium", "polizei", "staatsanwaltschaft", "verfassungsschutz", "bundestag",
                "parlament", "ermittler", "botschaft", "botschafter", "konsulat"),
    negation=("nicht", r"kein\w*", "niemals"),
    local_negation=("nie",),
    modal=(r"sollte\w*", "müssen", r"appell\w*"),
    ask=(r"fordert\w*", r"forderte\w*"),
    clause_breaks=(r",\s+aber\b",),
    locative=("im", "bei"),
    of=("von",),
    non_actor=("nach", "aus", "gegen", "über", "mit", "für"),
    list_glue=("und", "sowie", "die", "der", "den"),
    embassy=(r"botschaft\w*", r"konsulat\w*"),
    station=(r"Polizei(?:station|wache|stützpunkt|büro|posten)\w*", r"Servicestation\w*", r"Station(?:en)?\b",
             r"Stützpunkt\w*"),
    station_generic=("Stützpunkt",),
    other_station=(r"(?:Bahn|Haupt|Intensiv|Raum|Wetter|Tank|Bus|Funk)station\w*",),
    station_place=("in", "im", "darunter", "wie", "aus"),
    sites=(r"Standort\w*", r"Adresse\w*"),
    bureau=(r"öffentliche[nr]? Sicherheit\b",),
    homes=("DE", "AT", "CH"),
    function_words="der die das und ist nicht mit den dem des ein eine einer auf sich auch wurde wird von zu "
                   "im für sind hat haben bei nach regierung",
    cue=r"ß|sch|ung\b|ungen\b|keit\b|heit\b|[äöü]",
)
