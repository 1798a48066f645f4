"""Czech: national dailies and portals, ČTK wire copy, ministry statements.

Names decline ("v Česku", "Číně", "Praze"): country names are stems; a negated verb is one
word ("neuzavřela"), which the patterns below do not match."""

from tnrwatch.extraction.languages import Lexicon

_W = r"[^\W\d_]*"

LEXICON = Lexicon(
    code="cs",
    triggers={
        "conviction": (r"\bodsouz" + _W,),
        "arrest_or_charge": (r"\bzadrž" + _W, r"\bzatkl" + _W, r"\bzatčen" + _W, r"\bobvin" + _W, r"\bobžalo" + _W,
                             r"\btrestní oznámení\b"),
        "closure_ordered": (r"\buzavř" + _W, r"\buzavír" + _W, r"\bzavř" + _W, r"\bzavír" + _W,
                            r"\bukonč" + _W + r" (?:svou |jejich )?činnost" + _W),
        "legislation": (r"\bnávrh" + _W + r" zákona\b", r"\bzákon o zahraničních agentech\b"),
        "investigation": (r"\bvyšetř" + _W, r"\bprověř" + _W, r"\bšetření\b", r"\bzabýv" + _W,
                          r"\bprohled" + _W),
        "diplomatic_protest": (r"\bpředvol" + _W, r"\bprotest" + _W, r"\bupozorň" + _W + r"[^.;]{0,60}(?:čínsk|stran)",
                               r"\bvysvětlení\b"),
        "monitoring": (r"\bsleduj" + _W, r"\bmonitor" + _W),
        "denial": (r"\bpopír" + _W, r"\bpopřel" + _W, r"\bodmítl" + _W, r"\bnemá\w* žádné (?:informace|poznatky)\b",
                   r"\bnemá\w* informace\b", r"\bnepotvrdil" + _W),
        "no_response": (r"\bnereagoval" + _W, r"\bneodpověděl" + _W, r"\bnevyjádřil" + _W),
    },
    government=("vláda", "vlády", "vládu", "ministerstvo", "ministerstva", "ministr", "ministryně", "policie",
                "kontrarozvědka", "úřady", "státní zastupitelství", "žalobce", "soud", "sněmovna", "parlament",
                "velvyslanectví", "velvyslanec", "velvyslance", "diplomacie", "mzv", "úřad", "mluvčí",
                "resort"),
    negation=("ne", "nikdy", r"žádn\w*"),
    modal=(r"měl\w* by", "musí", r"vyzv\w*", r"vyzýv\w*", "možná"),
    ask=(r"požád\w*", r"vyžád\w*"),
    clause_breaks=(r",\s+ale\b",),
    locative=("v", "ve"),
    non_actor=("do", "proti", "s", "se", "pro"),
    list_glue=("a",),
    embassy=(r"velvyslanectv\w*", r"konzulát\w*"),
    station=(r"policejní\w* stanic\w*", r"stanic\w*", r"stanice\b", r"centr\w*", r"pobočk\w*", r"služebn\w*"),
    station_generic=("stanic", "centr", "pobočk", "služebn"),
    context=("čínsk", "Čín", "polic"),
    station_place=("v", "ve", "na"),
    sites=(r"adres\w*",),
    bureau=(r"veřejné bezpečnosti\b", r"bezpečnostní\w* složk\w*"),
    homes=("CZ",),
    locales=("cs",),
    inflects=True,
    names={"CZ": "Česk*|ČR", "CN": "Čín*|Peking*|ČLR"},
    adjectives={"CZ": "česk*", "CN": "čínsk*", "NL": "nizozemsk*", "DE": "německ*", "IE": "irsk*",
                "IT": "italsk*", "ES": "španělsk*", "GB": "britsk*", "US": "americk*", "CA": "kanadsk*",
                "SK": "slovensk*", "HU": "maďarsk*", "RS": "srbsk*", "AT": "rakousk*", "FR": "francouzsk*"},
    institutions={"CZ": "BIS|MZV|Bezpečnostní informační služba"},
    cities={"Praze": "Prague", "Prahy": "Prague", "Prahu": "Prague", "Praha": "Prague", "Pražské": "Prague", "Pražská": "Prague", "Pražský": "Prague",
            "pražské": "Prague", "pražská": "Prague", "pražských": "Prague", "Brně": "Brno"},
    china_places={"Qingtian": ("Čching-tchien",), "Fuzhou": ("Fu-čou",), "Wenzhou": ("Wen-čou",),
                  "Nantong": ("Nan-tchung",)},
    function_words="a v na se je že s z do jako o to by k pro ve vláda",
    cue=r"[ěůř]|\bže\b|ství\b",
    bodies={"Ministry of Foreign Affairs": ("ministerstvo zahraničí", "ministr zahraničí", "mzv", "diplomacie"),
            "Ministry of Interior": ("ministerstvo vnitra", "ministr vnitra"), "police": ("policie",),
            "prosecutor": ("státní zastupitelství", "žalobce"), "parliament": ("sněmovna", "parlament"),
            "court": ("soud",)},
)
