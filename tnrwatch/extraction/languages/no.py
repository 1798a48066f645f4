"""Norwegian (Bokmål): national broadcasters and dailies, PST and ministry statements."""

from tnrwatch.extraction.languages import Lexicon

_W = r"[^\W\d_]*"

LEXICON = Lexicon(
    code="no",
    triggers={
        "conviction": (r"\bdømt\b", r"\bdømmes\b"),
        "arrest_or_charge": (r"\bpågrep" + _W, r"\bsiktet\b", r"\bsiktelse\b", r"\btiltalt\b", r"\btiltale\b",
                             r"\banmeld(?:t|te|er|else)\b"),
        "closure_ordered": (r"\bsteng(?:e|er|es|t|te|ing|ingen)\b", r"\bnedleg" + _W),
        "legislation": (r"\blovforslag" + _W, r"\bny lov\b"),
        "investigation": (r"\betterforsk" + _W, r"\bundersøk" + _W, r"\bgransk" + _W, r"\bsjekk(?:er|et)\b",
                          r"\bser på saken\b", r"\bser nærmere på\b"),
        "diplomatic_protest": (r"\bkalt inn\b", r"\bkalte inn\b", r"\bprotest" + _W, r"\btatt opp\b[^.;]{0,60}\b(?:Kina|kinesisk|ambassad)" + _W,
                               r"\btok opp\b[^.;]{0,60}\b(?:Kina|kinesisk|ambassad)" + _W),
        "monitoring": (r"\bfølger\b[^.;]{0,20}\b(?:nøye|med)\b", r"\bovervåk" + _W, r"\bhar oversikt\b"),
        "denial": (r"\bavvis" + _W, r"\bbenekt" + _W, r"\bnekter\b", r"\bingen (?:bevis|holdepunkter|indikasjoner)\b",
                   r"\bikke kjent med\b", r"\bikke kjennskap til\b"),
        "no_response": (r"\bikke (?:svart|kommentert|besvart)\b", r"\bønsker ikke å kommentere\b",
                        r"\bvil ikke kommentere\b"),
    },
    government=("regjeringen", "politiet", "pst", "departementet", "utenriksdepartementet", "justisdepartementet",
                "stortinget", "myndighetene", "påtalemyndigheten", "ambassaden", "ministeren", "statsråden",
                "utenriksministeren", "justisministeren", "kripos", "politidistrikt"),
    negation=("ikke", "aldri", "ingen"),
    modal=("bør", r"oppfordr\w*"),
    ask=(r"be(?:r|d)\b", r"krev\w*"),
    clause_breaks=(r",\s+men\b",),
    locative=("i", "på"),
    non_actor=("mot", "til", "fra", "med", "for"),
    list_glue=("og", "samt"),
    station=(r"politistasjon\w*", r"stasjon\w*", r"kontor\w*"),
    station_generic=("stasjon", "kontor"),
    context=("kinesisk", "Kina", "politi"),
    station_place=("i", "på"),
    sites=(r"adresse\w*", r"lokale\w*"),
    bureau=(r"offentlig sikkerhet\b",),
    homes=("NO",),
    locales=("nb_NO",),
    names={"NO": "Norge|Norges", "CN": "Kina|Kinas", "NL": "Nederland", "GB": "Storbritannia"},
    adjectives={"NO": "norsk*", "CN": "kinesisk*", "NL": "nederlandsk*", "IE": "irsk*", "DE": "tysk*",
                "IT": "italiensk*", "ES": "spansk*", "GB": "britisk*", "US": "amerikansk*"},
    institutions={"NO": "PST|Politiets sikkerhetstjeneste|Kripos|Stortinget|Utenriksdepartementet"},
    function_words="og i det som en er på for med av til den har ikke om et var fra de regjeringen også ikke "
                   "hadde blir etter",
    cue=r"ø|æ|\bikke\b|\bhar\b",
    bodies={"Ministry of Foreign Affairs": ("utenriksdepartementet", "utenriksministeren"),
            "Ministry of Justice": ("justisdepartementet", "justisministeren"),
            "police": ("politiet", "pst", "kripos"), "prosecutor": ("påtalemyndigheten",),
            "parliament": ("stortinget",)},
)
