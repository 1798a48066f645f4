"""Swedish."""

from tnrwatch.extraction.languages import Lexicon

_W = r"[^\W\d_]*"

LEXICON = Lexicon(
    code="sv",
    triggers={
        "conviction": (r"\bdöm(?:d|des|ts|de)\b",),
        "arrest_or_charge": (r"\bgrip(?:it|its|en|na)\b", r"\banhåll(?:en|na|its)\b", r"\bhäktad" + _W,
                             r"\båtal(?:ad|at|ats|ade)?\b"),
        "closure_ordered": (r"\bmåste stänga" + _W, r"\bstäng(?:a|as|de|des|s|ts|d|t|ning|ningen)?\b",),
        "legislation": (r"\blagförslag" + _W, r"\blagstiftning" + _W),
        "investigation": (r"\bgransk" + _W, r"\bkartlägg" + _W, r"\butredning" + _W, r"\butred" + _W, r"\bundersök" + _W, r"\bförundersökning" + _W),
        "diplomatic_protest": (r"\bkallade upp\b", r"\bkallat upp\b", r"\btagit upp\b[^.;]{0,40}\b(?:med|hos)\b",
                               r"\btog upp\b[^.;]{0,40}\b(?:med|hos)\b", r"\bbegärt (?:en )?förklaring\b"),
        "monitoring": (r"\bbevakar\b", r"\bföljer\b[^.;]{0,20}\bnoga\b", r"\bunder bevakning\b", r"\bföljer utvecklingen\b"),
        "denial": (r"\binga (?:uppgifter|indikationer|tecken)\b", r"\bkänner inte till\b", r"\bavvisa" + _W, r"\bhelt felaktig\w*", r"\binga bevis\b", r"\bförneka" + _W, r"\btillbakavisa" + _W),
        "no_response": (r"\binte (?:har )?kommenterat\b", r"\binte kommentera\b", r"\binte (?:har )?(?:svarat|reagerat|agerat)\b", r"\bännu inte (?:svarat|reagerat|agerat)\b",
                        r"\bvill inte kommentera\b", r"\bavböj(?:er|de) att kommentera\b"),
        "other": (r"\böppna(?:s|des)? igen\b",),
    },
    government=("regeringen", "myndigheter", "myndigheterna", "säpo", "säkerhetspolisen", "polisen", "polis",
                "riksdagen", "ministern", "utrikesdepartementet", "ambassaden", "ambassadör"),
    negation=("inte", "ej", "aldrig", "inga"),
    modal=(r"uppmana\w*", "borde"),
    ask=(r"begär\w*", r"kräv\w*"),
    clause_breaks=(r",\s+men\b",),
    locative=("i",),
    of=("af",),
    non_actor=("över", "mot", "med", "för"),
    list_glue=("och", "samt", "den"),
    station=(r"kontor\w*", r"polisstation\w*", r"poliskontor\w*"),
    context=("kines",),
    station_place=("i", "bland annat"),
    lemmas={"closure_ordered": ("stänga",), "investigation": ("utreda", "undersöka", "granska"), "arrest_or_charge": ("gripa", "anhålla", "åtala"), "conviction": ("döma",), "denial": ("förneka", "avvisa"), "monitoring": ("bevaka",)},
    lemma_lang="sv",
    bodies={"Ministry of Foreign Affairs": ("utrikesdepartementet", "ud", "utrikesminister"), "security service": ("säpo", "säkerhetspolisen"),
            "police": ("polisen",), "prosecutor": ("åklagare", "åklagarmyndigheten"), "court": ("tingsrätt", "domstol"),
            "parliament": ("riksdagen",)},
    station_generic=("kontor",),
    sites=("platser", "adresser", "lokaler"),
    bureau=(r"allmänna säkerhet\w*",),
    cities={"Stockholmsområdet": "Stockholm", "Göteborgsområdet": "Gothenburg"},
    homes=("SE",),
    function_words="och att det som en är på för med av till den har inte om ett var från de regeringen också",
    cue=r"å|\boch\b|ning\b|\bför\b",
)
