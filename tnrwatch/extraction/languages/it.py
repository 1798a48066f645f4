"""Italian: national dailies, local papers of Prato, Milan and Rome, parliamentary questions."""

from tnrwatch.extraction.languages import Lexicon

_W = r"[^\W\d_]*"

LEXICON = Lexicon(
    code="it",
    triggers={
        "conviction": (r"\bcondannat" + _W,),
        "arrest_or_charge": (r"\bdenunciat" + _W, r"\bfermat[oiae]\b", r"\bindagat[oiae]\b", r"\brinviat[oiae] a giudizio\b", r"\barrestat[oiae]\b", r"\barrest[io]\b"),
        "closure_ordered": (r"\bsigillat" + _W, r"\bsgomber" + _W, r"\bstop alle? attività\b", r"\bdev(?:e|ono) (?:essere )?chiu" + _W,r"\bchiuder" + _W, r"\bchiusur[ae]\b", r"\bchius[oaie]\b", r"\bchiude\b"),
        "legislation": (r"\bdisegno di legge\b", r"\bproposta di legge\b", r"\bnormativa\b"),
        "investigation": (r"\bsequestr" + _W, r"\bcontroll[io]\b", r"\bapprofondiment" + _W, r"\bacquisit" + _W + r" (?:atti|documenti)\b", r"\bperquisizion" + _W, r"\bcontroll[io] su\b", r"\braccogli\w* informazioni\b",
                          r"\bverific(?:a|he|ando|are|ato)\b", r"\bindag" + _W, r"\binchiest[ae]\b",
                          r"\bfascicol[oi]\b", r"\baccertament" + _W, r"\binvestigazion" + _W),
        "diplomatic_protest": (r"\bconvocat" + _W + r"[^.;]{0,30}ambasciat", r"\bchiesto chiarimenti\b",
                               r"\binaccettabil" + _W),
        "monitoring": (r"\bmonitora" + _W, r"\bsorveglia" + _W, r"\bvigil" + _W, r"\bsotto osservazione\b",
                       r"\bsegu(?:e|ono) con (?:attenzione|la massima attenzione)\b"),
        "denial": (r"\bescluso\b", r"\bnessuna (?:evidenza|traccia|stazione)\b", r"\bnon risulta(?:no)?\b", r"\bdel tutto false?\b", r"\bcompletamente fals[oa]s?\b", r"\bnessuna prova\b",
                   r"\bsmenti" + _W, r"\bnega(?:to)?\b", r"\binfondat" + _W, r"\brespint" + _W, r"\bvolontari\b"),
        "no_response": (r"\bnon ha (?:fornito|rilasciato) (?:commenti|dichiarazioni)\b", r"\bbocche cucite\b", r"\bsilenzio\b", r"\bnon (?:ha|hanno) (?:ancora )?commentato\b",
                        r"\bnon (?:hanno|ha) (?:ancora )?(?:risposto|reagito)\b", r"\bnessuna (?:risposta|reazione)\b",
                        r"\bnessun commento\b", r"\bnon ha voluto commentare\b"),
        "other": (r"\briapert" + _W, r"\briaprire\b"),
    },
    government=("governo", "autorità", "ministero", "ministro", "polizia", "procura", "parlamento",
                "carabinieri", "farnesina", "viminale", "questura", "ambasciata", "consolato", "ambasciatore"),
    negation=("non", "mai", r"nessun\w*"),
    modal=(r"dovrebbe\w*", r"invita\w*"),
    ask=(r"chiede\w*", "chiesto"),
    clause_breaks=(r",\s+ma\b",),
    locative=("nel", "nella", "a"),
    of=("di", "del", "della", "da"),
    non_actor=("verso", "contro", "con", "per"),
    list_glue=("e", "nonché", "il", "lo"),
    embassy=(r"ambasciat\w*",),
    station=(r"sed[ei] cines[ei]\b", r"stazion[ei] di polizia\b", r"centr[oi] (?:di )?servizi[oi]?\b", r"post[oi] di polizia\b",
             r"stazion[ei] (?:cines[ei]|clandestin\w+|illegal\w+|segret\w+)\b", r"stazion[ei]\b", r"centri\b"),
    station_generic=("stazion",),
    context=("cines", "Cina"),
    station_place=("in", "a", "nel", "nella", "tra cui", "come", "anche", "quartiere di", "periferia di"),
    bodies={"Ministry of Foreign Affairs": ("farnesina", "ministero degli esteri", "ministro degli esteri"),
            "Ministry of Interior": ("viminale", "ministero dell'interno", "ministro dell'interno"),
            "police": ("polizia", "carabinieri", "digos", "questura", "forze dell'ordine"),
            "prosecutor": ("procura", "procuratore", "pm"), "court": ("tribunale",), "parliament": ("parlamento", "camera", "senato")},
    sites=(r"sed[ei]", "siti"),
    bureau=(r"pubblica sicurezza\b",),
    homes=("IT",),
    function_words="il di che e la le della del per sono non gli una con dei nel nella ha alla anche stato è "
                   "governo questo",
    cue=r"zion[ei]\b|ità\b|\bgli\b|\bdell[ae']|\bnell[ae']",
)
