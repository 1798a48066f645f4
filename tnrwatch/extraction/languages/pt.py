"""Portuguese: Portugal and Brazil."""

from tnrwatch.extraction.languages import Lexicon

_W = r"[^\W\d_]*"

LEXICON = Lexicon(
    code="pt",
    triggers={
        "arrest_or_charge": (r"\barguid" + _W, r"\bacusad[oa]s?\b", r"\bdetid[oa]s?\b", r"\bpris[ãa]o\b", r"\bindiciad[oa]s?\b"),
        "closure_ordered": (r"\bfechar\b", r"\bfechad[oa]s?\b", r"\bfechamento\b", r"\bencerra" + _W,
                            r"\bencerrad[oa]s?\b"),
        "legislation": (r"\bprojeto de lei\b", r"\blegislação\b"),
        "investigation": (r"\baverigua" + _W, r"\bdiligências\b", r"\bbuscas\b", r"\binvestigaç" + _W, r"\bpesquisa" + _W, r"\bapura" + _W, r"\binquérito" + _W),
        "diplomatic_protest": ('\\bconvoc\\w*[^.;]{0,30}(?:encarregad|cônsul|diplomat|representante)', '\\bprestar esclarecimentos\\b', '\\bexig\\w*\\b[^.;]{0,20}\\besclarecimentos\\b', r"\bconvoc" + _W + r"[^.;]{0,30}embaixador", r"\b(?:pediu|pedido|pediram|solicitou) (?:esclarecimentos|explicações)\b",
                               r"\binaceitável\b"),
        "monitoring": (r"\batent[oa]s?\b", r"\bvigilância\b", r"\bmonitore" + _W, r"\bacompanh" + _W),
        "denial": ('\\b(?:totalmente|completamente) fals[oa]s?\\b', '\\binfundad\\w*', '\\bnão existem\\b', '\\bnão há (?:qualquer|nenhum)\\w*', r"\brejeit" + _W, r"\bdesment" + _W, r"\bnão (?:tem|há) (?:conhecimento|registo|indícios)\b", r"\bnão encontr\w+ (?:provas|indícios)\b", r"\bnenhuma prova\b", r"\bdesmente\b",
                   r"\bnega(?:m)?\b"),
        "no_response": ('\\brecus\\w*-se a comentar\\b', '\\bnão respondeu\\b', '\\bnão se manifest\\w*', '\\bnão houve resposta\\b', '\\bnão comentou\\b', r"\bnão (?:comentou|quis (?:fazer )?comentários)\b", r"\bnão (?:responderam|reagiram|respondeu|reagiu|se pronunci\w+)\b", r"\bsem resposta\b", r"\bnão quis comentar\b"),
        "other": (r"\breabr" + _W,),
    },
    government=("representação diplomática", "autoridades", "ministério", "polícia", "procuradoria", "psp", "pj", "embaixada", "embaixador"),
    negation=("não", r"nenhum\w*"),
    modal=(r"deveria\w*",),
    ask=(r"pede\w*", "pediu"),
    clause_breaks=(r",\s+mas\b",),
    locative=("em", "no", "na"),
    of=("da", "do", "dos"),
    list_glue=("e", "bem como", "o", "a", "os", "as"),
    embassy=(r"embaixad\w*", r"representação diplomática", r"missão diplomática"),
    context=("políci", "chin"),
    station=(r"escritório\w*", r"posto\w*", r"esquadras?\b", r"delegacias?\b", r"postos? de pol[ií]cia\b", r"esta(?:ção|ções|cao|coes) de pol[ií]cia\b"),
    station_place=("em", "no", "na", "incluindo", "como"),
    lemmas={"closure_ordered": ("fechar", "encerrar"), "investigation": ("investigar", "averiguar"), "arrest_or_charge": ("deter", "prender"), "conviction": ("condenar",), "denial": ("negar", "desmentir", "rejeitar"), "monitoring": ("acompanhar", "vigiar")},
    lemma_lang="pt",
    bodies={"Ministry of Foreign Affairs": ("ministério dos negócios estrangeiros", "itamaraty", "mne"),
            "Ministry of Interior": ("ministério da administração interna", "mai"), "police": ("psp", "polícia", "pj", "polícia judiciária"),
            "prosecutor": ("ministério público", "procuradoria"), "court": ("tribunal",), "parliament": ("assembleia da república", "parlamento")},
    station_generic=("escritório", "posto",),
    sites=("locais", "endereços"),
    bureau=(r"segurança pública\b",),
    homes=("PT", "BR"),
    function_words="o os as de que e do da dos das em um uma para com não por se mais foi pelo pela ao governo são",
    cue=r"[ãõ]|ção\b|ções\b|\blh|nh[ao]",
    public_roles={"official": (r"ministr[oa]", r"porta-voz", r"embaixador(?:a)?", r"cônsul", r"procurador(?:a)?", r"delegad[oa]", r"prefeit[oa]", r"secretári[oa] de estado"), "organization_leader": (r"presidente", r"líder", r"dirigente", r"responsável", r"fundador(?:a)?", r"dire(?:c)?tor(?:a)?"), "court_record": (r"arguid[oa]", r"acusad[oa]", r"réu", r"ré")},
    private_roles=(r"vítimas?", r"jornalistas?", r"filh[oa]", r"mulher", r"marido", r"mãe", r"pai", r"irm[ãa]o?", r"dissidente", r"compatriota", r"testemunha"),
    streets=(r"rua", r"avenida", r"praça", r"travessa", r"largo"),
)
