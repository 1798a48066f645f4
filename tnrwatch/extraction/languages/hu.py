"""Hungarian: national dailies and portals, parliamentary questions and ministry answers.

Case endings attach to names ("Magyarországon", "Budapesten"): names are stems."""

from tnrwatch.extraction.languages import Lexicon

_W = r"[^\W\d_]*"

LEXICON = Lexicon(
    code="hu",
    triggers={
        "conviction": (r"\belítélt" + _W, r"\bbűnös" + _W),
        "arrest_or_charge": (r"\bletartóztat" + _W, r"\bőrizetbe vett" + _W, r"\bvádat emel" + _W, r"\bvádemelés" + _W,
                             r"\bgyanúsított" + _W),
        "closure_ordered": (r"\bbezár" + _W, r"\bbezárás" + _W, r"\bmegszüntet" + _W, r"\bzárja be\b",
                            r"\bbe kell zárni\b"),
        "legislation": (r"\btörvényjavaslat" + _W, r"\btörvény" + _W + r" módosít" + _W),
        "investigation": (r"\bvizsgál" + _W, r"\bnyomoz" + _W, r"\beljárást indít" + _W, r"\bkivizsgál" + _W,
                          r"\bellenőriz" + _W),
        "diplomatic_protest": (r"\bbekéret" + _W, r"\btiltakoz" + _W, r"\bmagyarázatot kér" + _W),
        "monitoring": (r"\bfigyelemmel kísér" + _W, r"\bfigyelemmel kíséri\b", r"\bmegfigyel" + _W),
        "denial": (r"\btagad" + _W, r"\bcáfol" + _W, r"\bnincs tudomás" + _W, r"\balaptalan" + _W,
                   r"\bnem tud(?:nak|ott|tak)? (?:ilyen|róla)" + _W),
        "no_response": (r"\bnem reagált" + _W, r"\bnem válaszolt" + _W, r"\bérdemi választ nem\b"),
    },
    government=("kormány", "kormánya", "kormányt", "belügyminisztérium", "minisztérium", "külügyminisztérium",
                "rendőrség", "rendőrsége", "ügyészség", "országgyűlés", "parlament", "hatóságok", "hatóság",
                "tárca", "nagykövetség", "belügy", "miniszter", "szóvivő"),
    negation=("nem", "sem", "soha", "nincs", "nincsenek"),
    modal=(r"kellene", r"felszólít\w*", "lehet", "esetleg"),
    ask=(r"kér\w*",),
    clause_breaks=(r",\s+de\b", r",\s+ám\b"),
    locative=(),
    list_glue=("és", "a", "az"),
    embassy=(r"nagykövetség\w*", r"konzulátus\w*"),
    station=(r"rendőrőrs\w*", r"rendőrségi (?:szolgáltató )?állomás\w*", r"szolgáltató állomás\w*", r"állomás\w*",
             r"iroda\w*", r"irodá\w*"),
    sites=(r"cím\w*", r"helyszín\w*"),
    bureau=(r"közbiztonsági\w*",),
    homes=("HU",),
    locales=("hu",),
    inflects=True,
    names={"HU": "Magyarország*", "CN": "Kína*|Kínába*|Peking*|Pekinge*", "NL": "Hollandia*"},
    adjectives={"HU": "magyar*", "CN": "kínai*", "NL": "holland*", "DE": "német*", "IT": "olasz*",
                "ES": "spanyol*", "FR": "francia*", "GB": "brit*", "US": "amerikai*", "CA": "kanadai*",
                "CZ": "cseh*", "SK": "szlovák*", "RS": "szerb*", "AT": "osztrák*"},
    institutions={"IE": "ír kormány*|ír külügyminisztérium*", "HU": "Belügyminisztérium*|Alkotmányvédelmi Hivatal*"},
    cities={"Budapesten": "Budapest", "budapesti": "Budapest", "Józsefváros": "Budapest",
            "Józsefvárosban": "Budapest", "Kőbánya": "Budapest", "Kőbányán": "Budapest"},
    china_places={"Qingtian": ("Csingtien",), "Fuzhou": ("Fucsou",), "Wenzhou": ("Vencsou",), "Nantong": ("Nantung",)},
    function_words="a az és hogy nem is egy van meg volt de csak kormány",
    cue=r"ő|ű|\bhogy\b|\bnem\b|ság\b|ség\b",
    bodies={"Ministry of Interior": ("belügyminisztérium", "belügy"),
            "Ministry of Foreign Affairs": ("külügyminisztérium",), "police": ("rendőrség",),
            "prosecutor": ("ügyészség",), "parliament": ("országgyűlés", "parlament")},
)
