"""Dutch: the Netherlands and Flanders."""

from tnrwatch.extraction.languages import Lexicon

_W = r"[^\W\d_]*"

LEXICON = Lexicon(
    code="nl",
    triggers={
        "conviction": (r"\bveroordeeld\b",),
        "arrest_or_charge": (r"\bgearresteerd\b", r"\baangehouden\b", r"\barrestatie" + _W, r"\baangeklaagd\b"),
        "closure_ordered": ('\\bmoeten\\b[^.;]{0,30}\\bdicht\\b', '\\bmoet\\b[^.;]{0,30}\\bdicht\\b', r"\bmoeten (?:per direct |onmiddellijk )?(?:worden )?(?:sluiten|gesloten)\b",
                            r"\bin geen enkele vorm\b",r"\bsluit(?:en|ing)?\b", r"\bgesloten\b", r"\bsluiting" + _W),
        "legislation": (r"\bwetsvoorstel\b", r"\bwetgeving\b"),
        "investigation": (r"\binval\b", r"\bdoorzoek" + _W, r"\bonderzocht\b", r"\bonderz(?:oek|oeken|oekt|ocht|ochte)\w*",),
        "diplomatic_protest": ('\\bop het matje\\b', '\\bontbied\\w*', '\\bopheldering\\b[^.;]{0,20}\\b(?:gevraagd|geëist|vragen|eisen)\\b', '\\b(?:vraagt|eist)\\b[^.;]{0,20}\\bopheldering\\b', r"\bontboden\b", r"\bopheldering gevraagd\b", r"\bonaanvaardbaar\b"),
        "monitoring": (r"\bop de voet\b", r"\bvolgt\b[^.;]{0,30}\bnauwlettend\b", r"\bnauwlettend\b", r"\bin de gaten\b"),
        "denial": (r"\bwijst\b[^.;]{0,40}\bvan de hand\b", r"\bgeen (?:signalen|indicaties)\b", r"\bniet bekend\b", r"\bcompleet onwaar\b", r"\bgeen (?:bewijs|aanwijzingen)\b", r"\bontk(?:ent|end|ende|enden)\b"),
        "no_response": (r"\breageerde niet\b", r"\bniet willen reageren\b", r"\bniet gereageerd\b", r"\bgeen reactie\b", r"\bwil(?:de)? niet reageren\b", r"\bgeen commentaar\b"),
        "other": (r"\bheropend\b", r"\bheropen" + _W),
    },
    government=("regering", "kabinet", "overheid", "ministerie", "politie", "autoriteiten", "openbaar ministerie",
                "kamer", "ambassade"),
    negation=("niet", "geen", "nooit"),
    modal=(r"roept\w* op", r"zou\w* moeten"),
    ask=("vraagt", "vroeg", "gevraagd"),
    clause_breaks=(r",\s+maar\b",),
    of=("van",),
    non_actor=("naar", "tegen", "met", "voor"),
    list_glue=("en", "de", "het"),
    station=(r"politiekantoor\w*", r"politiepunt\w*", r"meldpunt\w*", r"kantoor\w*", r"kantoren\w*", r"politiebureaus?\b", r"politieposten?\b", r"servicestations?\b", r"steunpunt\w*"),
    station_place=("in", "waaronder", "zoals"),
    lemmas={"closure_ordered": ("sluiten",), "investigation": ("onderzoeken",), "arrest_or_charge": ("arresteren", "aanhouden"), "conviction": ("veroordelen",), "denial": ("ontkennen",)},
    lemma_lang="nl",
    bodies={"Ministry of Foreign Affairs": ("buitenlandse zaken", "minister van buitenlandse zaken"),
            "Ministry of Justice": ("justitie en veiligheid", "ministerie van justitie"), "security service": ("aivd",),
            "police": ("politie",), "prosecutor": ("openbaar ministerie", "om"), "court": ("rechtbank",),
            "parliament": ("tweede kamer", "kamer", "parlement")},
    station_generic=("kantoor", "kantoren",),
    sites=("locaties", "locatie", "adressen"),
    bureau=(r"openbare veiligheid\b",),
    homes=("NL", "BE"),
    function_words="de het een van en is dat op niet zijn voor met te die er ook aan door naar heeft wordt bij regering",
    cue=r"ij|\baa|oe[kn]|\bhet\b|\bvan\b",
    public_roles={"official": (r"minister", r"staatssecretaris", r"woordvoerder", r"ambassadeur", r"consul", r"officier van justitie", r"burgemeester"), "organization_leader": (r"voorzitter", r"leider", r"oprichter", r"directeur", r"bestuurder"), "court_record": (r"verdachte",)},
    private_roles=(r"slachtoffers?", r"journalist(?:e|en)?", r"verslaggever", r"zoon", r"dochter", r"echtgenote", r"moeder", r"vader", r"broer", r"zus", r"dissident", r"getuige"),
    streets=(r"\w*straat", r"\w*weg", r"\w*plein", r"\w*laan", r"\w*gracht", r"\w*kade"),
    compounds=True,
)
