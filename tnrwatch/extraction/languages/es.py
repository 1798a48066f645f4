"""Spanish: Spain and Latin America (Chile, Argentina)."""

from tnrwatch.extraction.languages import Lexicon

_W = r"[^\W\d_]*"

LEXICON = Lexicon(
    code="es",
    triggers={
        "conviction": (r"\bcondenad" + _W,),
        "arrest_or_charge": (r"\bdetenid[oa]s?\b", r"\bdetenci[óo]n\b", r"\barrestad[oa]s?\b", r"\bimputad[oa]s?\b"),
        "closure_ordered": (r"\bprecint" + _W, r"\bdesmantel" + _W, r"\bdeben cerrar\b",r"\bcerrar\b", r"\bcierre\b", r"\bcerrad[oa]s?\b", r"\bha cerrado\b", r"\bclausur" + _W,
                            r"\bcerró\b"),
        "legislation": (r"\bproyecto de ley\b", r"\blegislación\b"),
        "investigation": (r"\bdiligencias\b", r"\bpesquisas?\b", r"\bindagaciones\b", r"\bregistr(?:o|aron|ó)\b", r"\bcomprobacion\w*", r"\binvestiga" + _W, r"\bindaga" + _W),
        "diplomatic_protest": (r"\bconvoc" + _W + r"[^.;]{0,30}embajador", r"\bpedido explicaciones\b",
                               r"\bpidió explicaciones\b", r"\binaceptable\b"),
        "monitoring": (r"\bseguimiento\b", r"\batent[oa]s?\b", r"\bsigue de cerca\b", r"\bvigila" + _W),
        "denial": (r"\brechaz(?:ó|a|an|aron|ado)\b", r"\bno (?:le )?consta\b", r"\bno tiene constancia\b", r"\bninguna prueba\b", r"\bneg(?:ó|ado|aron|ou|aram)\b", r"\bnieg(?:a|an|an)\b",
                   r"\bdesmint" + _W, r"\bdesmient" + _W, r"\binfundad" + _W, r"\bcentros de voluntarios\b", r"\bvoluntarios\b"),
        "no_response": (r"\bno respondió\b", r"\bno ha hecho declaraciones\b", r"\bguardó silencio\b", r"\bsin pronunciarse\b", r"\bno ha contestado\b", r"\bno se ha pronunciado\b", r"\bguarda(?:n)? silencio\b",
                        r"\bno (?:han|ha) (?:respondido|reaccionado)\b", r"\bsin respuesta\b", r"\bninguna respuesta\b",
                        r"\bdeclinó hacer comentarios\b", r"\bno quiso (?:comentar|hacer comentarios)\b"),
    },
    government=("gobierno", "autoridades", "ministerio", "ministra", "policía", "fiscalía", "congreso", "ejecutivo",
                "embajada", "consulado", "embajador"),
    negation=("nunca", "ningún", "ninguna"),
    modal=(r"insta\w*", r"debería\w*"),
    ask=(r"pide\w*", "pidió"),
    clause_breaks=(r",\s+pero\b",),
    locative=("en",),
    of=("de", "del"),
    non_actor=("hacia", "contra", "con", "para", "sobre"),
    list_glue=("y", "así como", "el", "los", "las", "la"),
    embassy=(r"embajad\w*",),
    station=(r"comisar[ií]as?\b", r"estaci(?:ón|on|ones) de polic[ií]a\b", r"centros? de servicio\b", r"centros?\b"),
    station_place=("en", "incluidos", "incluidas", "como", "barrio de", "distrito de"),
    cities={"Usera": "Madrid", "Fuenlabrada": "Madrid"},
    institutions={"CN": "embajada china|Embajada china|Embajada de China|embajada de China"},
    bodies={"Ministry of Foreign Affairs": ("ministerio de asuntos exteriores", "exteriores", "cancillería"),
            "Ministry of Interior": ("ministerio del interior", "interior"), "police": ("policía", "guardia civil", "carabineros", "pdi"),
            "prosecutor": ("fiscalía", "fiscal"), "court": ("audiencia nacional", "juzgado", "tribunal"),
            "parliament": ("congreso", "senado", "cortes")},
    sites=(r"sitios?", "locales"),
    bureau=(r"seguridad pública\b",),
    homes=("ES",),
    function_words="el los las de que y en del por con una para es no se ha lo su al como más sus gobierno fue este",
    cue=r"ñ|[¿¡]|ción\b|ciones\b|ía\b|ías\b",
)
