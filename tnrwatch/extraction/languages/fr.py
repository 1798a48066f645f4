"""French: France, Belgium, Switzerland, Canada."""

from tnrwatch.extraction.languages import Lexicon

_W = r"[^\W\d_]*"

LEXICON = Lexicon(
    code="fr",
    triggers={
        "conviction": (r"\bcondamn[ée]" + _W, r"\breconnu coupable\b"),
        "arrest_or_charge": (r"\binterpell[ée]" + _W, r"\binculp[ée]" + _W, r"\bmis en examen\b",
                             r"\barrestation" + _W),
        "closure_ordered": (r"\bdoi(?:t|vent) (?:être )?ferm" + _W,r"\bfermer\b", r"\bfermeture" + _W, r"\bferm[ée]e?s?\b"),
        "legislation": (r"\bprojet de loi\b", r"\bproposition de loi\b", r"\blégislation\b"),
        "investigation": (r"\bvérifi" + _W, r"\bsaisi" + _W + r" du dossier\b", r"\binvestigation" + _W, r"\bperquisition" + _W, r"\bvérifications?\b", r"\benquêt" + _W),
        "diplomatic_protest": ('\\bconvoqu\\w*[^.;]{0,30}(?:chargé|consul|diplomat)', '\\bexig\\w*\\b[^.;]{0,20}\\bexplications\\b', '\\bdemand\\w*\\b[^.;]{0,20}\\bexplications\\b', r"\bconvoqu[ée]" + _W + r"[^.;]{0,30}ambassad", r"\bfait part de (?:sa|leur) préoccupation\b",
                               r"\bdemandé des (?:explications|éclaircissements)\b", r"\binacceptable\b"),
        "monitoring": (r"\bsurveill" + _W, r"\bsuivi\b", r"\bsui(?:t|vent) (?:la situation |l'affaire |le dossier )?de (?:très )?près\b", r"\bvigilan" + _W),
        "denial": ("\\bn'existe\\w* (?:pas|aucun)\\w*", "\\bil n'y a (?:pas|aucun)\\w*", r"\bréfut" + _W, r"\brejet(?:te|tent|é)\b", r"\bn'a (?:pas )?connaissance\b", r"\btotalement faux\b", r"\baucune preuve\b", r"\bdément" + _W, r"\bdément\b", r"\bnié\b",
                   r"\binfondé" + _W, r"\bbénévoles\b"),
        "no_response": ("\\bn'a pas (?:souhaité|voulu) (?:réagir|commenter|répondre)\\b", "\\bn'ont pas (?:souhaité|voulu) (?:réagir|commenter|répondre)\\b", r"\bn'a pas répondu\b", r"\bsans réponse\b", r"\bpas (?:encore )?(?:réagi|répondu)\b", r"\baucune réaction\b",
                        r"\bn'a pas souhaité (?:commenter|réagir)\b", r"\baucun commentaire\b"),
        "other": (r"\brouvr" + _W,),
    },
    local_triggers={"denial": (r"\bnie\b",)},
    government=("gouvernement", "autorités", "ministère", "ministre", "parquet", "justice", "assemblée", "sénat",
                "dgsi", "ambassade", "consulat", "ambassadeur"),
    negation=("ne", "n'", "pas", "jamais"),
    modal=(r"devrai\w*",),
    ask=(r"demande\w*",),
    clause_breaks=(r",\s+mais\b",),
    locative=("en", "au", "aux", "dans", "à"),
    of=("de", "des", "du"),
    non_actor=("vers", "contre", "avec", "pour", "sur"),
    list_glue=("et", "ainsi que", "la", "le", "les"),
    embassy=(r"ambassad\w*",),
    station=(r"points? de contact\b", r"bureau\w*", r"locaux\w*", r"commissariats?\b", r"postes? de (?:la )?police\b", r"antennes? de (?:la )?police\b", r"bureaux? de police\b",
             r"centres?\b"),
    station_place=("en", "au", "aux", "à", "dans", "dont", "comme", "arrondissement de", "quartier de", "banlieue de"),
    lemmas={"closure_ordered": ("fermer",), "investigation": ("enquêter", "perquisitionner"), "arrest_or_charge": ("interpeller", "inculper"), "conviction": ("condamner",), "denial": ("démentir", "nier", "réfuter"), "monitoring": ("surveiller",), "diplomatic_protest": ("convoquer",)},
    lemma_lang="fr",
    bodies={"Ministry of Foreign Affairs": ("quai d'orsay", "ministère des affaires étrangères", "affaires étrangères"),
            "Ministry of Interior": ("ministère de l'intérieur", "place beauvau", "ministre de l'intérieur"),
            "security service": ("dgsi",), "police": ("police", "gendarmerie"), "prosecutor": ("parquet", "procureur"),
            "court": ("tribunal", "cour"), "parliament": ("assemblée nationale", "sénat", "parlement")},
    station_generic=("bureau", "locaux", "point"),
    sites=("locaux", "adresses"),
    bureau=(r"sécurité publique\b",),
    homes=("FR", "BE", "CH"),
    function_words="le la les et des est une dans du pour que qui sur pas au aux par ont été cette sont il "
                   "elle ses leur gouvernement",
    cue=r"eau|[èêë]|\b[ldq]u?'|\bqu'|ière\b",
)
