"""Slovak: national dailies, TASR wire copy, ministry and police statements."""

from tnrwatch.extraction.languages import Lexicon

_W = r"[^\W\d_]*"

LEXICON = Lexicon(
    code="sk",
    triggers={
        "conviction": (r"\bodsúd" + _W,),
        "arrest_or_charge": (r"\bzadrž" + _W, r"\bzatkl" + _W, r"\bobvin" + _W, r"\bobžalo" + _W),
        "closure_ordered": (r"\buzavr" + _W, r"\bzatvor" + _W, r"\bzatvár" + _W, r"\bukonč" + _W + r" (?:svoju )?činnosť\b"),
        "legislation": (r"\bnávrh" + _W + r" zákona\b",),
        "investigation": (r"\bvyšetr" + _W, r"\bprever" + _W, r"\bpreveru" + _W, r"\bzaober" + _W),
        "diplomatic_protest": (r"\bpredvol" + _W, r"\bprotest" + _W, r"\bvysvetlenie\b"),
        "monitoring": (r"\bsleduj" + _W, r"\bmonitor" + _W),
        "denial": (r"\bpopier" + _W, r"\bpoprel" + _W, r"\bodmietl" + _W, r"\bnemá\w* (?:žiadne )?(?:informácie|poznatky)\b",
                   r"\bnepotvrdil" + _W),
        "no_response": (r"\bnereagoval" + _W, r"\bneodpovedal" + _W),
    },
    government=("vláda", "vlády", "ministerstvo", "ministerstva", "minister", "ministerka", "polícia", "polície",
                "úrady", "prokuratúra", "prokurátor", "súd", "parlament", "národná rada", "veľvyslanectvo",
                "veľvyslanec", "hovorca", "rezort"),
    negation=("nie", "nikdy", r"žiadn\w*"),
    modal=(r"mal\w* by", "musí", r"vyzv\w*", r"vyzýv\w*"),
    ask=(r"požiad\w*",),
    clause_breaks=(r",\s+ale\b",),
    locative=("v", "vo", "na"),
    non_actor=("do", "proti", "so", "pre"),
    list_glue=("a",),
    embassy=(r"veľvyslanectv\w*", r"konzulát\w*"),
    station=(r"policajn\w* stanic\w*", r"stanic\w*", r"centr\w*", r"pobočk\w*"),
    sites=(r"adres\w*",),
    bureau=(r"verejnej bezpečnosti\b",),
    homes=("SK",),
    locales=("sk",),
    inflects=True,
    names={"SK": "Slovensk*|SR", "CN": "Čín*|Peking*"},
    adjectives={"SK": "slovensk*", "CN": "čínsk*"},
    institutions={"SK": "NAKA|SIS|Slovenská informačná služba"},
    cities={"Bratislave": "Bratislava", "Bratislavy": "Bratislava", "Bratislavu": "Bratislava"},
    china_places={"Qingtian": ("Čching-tchien", "Čching-tien"), "Fuzhou": ("Fu-čou",), "Wenzhou": ("Wen-čou",)},
    function_words="a v na sa je že s z do ako o to by k pre vo vláda alebo aj",
    cue=r"[ľĺŕô]|ä|\bsa\b|\baj\b",
    bodies={"Ministry of Foreign Affairs": ("ministerstvo zahraničných vecí", "rezort diplomacie"),
            "Ministry of Interior": ("ministerstvo vnútra",), "police": ("polícia", "naka"),
            "prosecutor": ("prokuratúra", "prokurátor"), "parliament": ("parlament", "národná rada"),
            "court": ("súd",)},
)
