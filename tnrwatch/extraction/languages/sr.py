"""Serbian, in Cyrillic and Latin script (each word is given in both).

Names decline ("у Србији", "u Srbiji"): country names are stems."""

from tnrwatch.extraction.languages import Lexicon

_W = r"[^\W\d_]*"


def _both(*words: str) -> tuple[str, ...]:
    """Each Latin-script pattern also in Cyrillic."""
    return tuple(w for word in words for w in (word, to_cyrillic(word)))


_LAT = [("lj", "љ"), ("nj", "њ"), ("dž", "џ"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"),
        ("đ", "ђ"), ("e", "е"), ("ž", "ж"), ("z", "з"), ("i", "и"), ("j", "ј"), ("k", "к"), ("l", "л"),
        ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("ć", "ћ"),
        ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "ц"), ("č", "ч"), ("š", "ш")]


def to_cyrillic(pattern: str) -> str:
    """Latin Serbian to Cyrillic, leaving regex syntax (\\b, \\w, (?:...)) alone."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if pattern.startswith("(?:", i):
            out.append("(?:")
            i += 3
            continue
        for lat, cyr in _LAT:
            chunk = pattern[i:i + len(lat)]
            if chunk.lower() == lat:
                out.append(cyr.upper() if chunk[0].isupper() else cyr)
                i += len(lat)
                break
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


LEXICON = Lexicon(
    code="sr",
    triggers={
        "conviction": _both(r"\bosuđen" + _W, r"\bpresud" + _W),
        "arrest_or_charge": _both(r"\buhapš" + _W, r"\bhapš" + _W, r"\boptuž" + _W, r"\bkrivičn" + _W + r" prijav" + _W,
                                  r"\bpriveden" + _W, r"\bprivel[aie]?\b", r"\blišen" + _W + r" slobode\b"),
        "closure_ordered": _both(r"\bzatvor" + _W, r"\bzatvar(?!anja ovog(?:a)? broja)" + _W, r"\bzabran" + _W, r"\bprestan" + _W + r" sa radom\b",
                                 r"\bne (?:smeju|sme|mogu|može) (?:da )?(?:rade|radi|deluju|funkcioniš)" + _W),
        "legislation": _both(r"\bpredlog zakona\b", r"\bnacrt zakona\b"),
        "investigation": _both(r"\bistrag" + _W, r"\bistraž" + _W, r"\bprover" + _W, r"\bprovjer" + _W, r"\bispitu" + _W),
        "diplomatic_protest": _both('\\bzatraži\\w*\\b[^.;]{0,20}\\bobjašnjenj\\w*', r"\bprotest" + _W, r"\bpozvan" + _W + r" (?:na razgovor|u ministarstvo)" + _W,
                                    r"\bobjašnjenj" + _W,
                                    r"\bpozva" + _W + r"[^.;]{0,30}\bambasador" + _W, r"\bizrazi" + _W + r"[^.;]{0,20}\bzabrinutost" + _W),
        "monitoring": _both(r"\bpomno prat" + _W, r"\bprati situacij" + _W, r"\bnadzir" + _W, r"\bpažljivo prat" + _W, r"\bprati (?:aktivnost|rad|delovanj|dešavanj)" + _W, r"\bprat" + _W + r" (?:razvoj|slučaj)" + _W),
        "denial": _both('\\bne postoj\\w*', '\\bnema nikakv\\w*', r"\bnegir" + _W, r"\bdemant" + _W, r"\bodbac" + _W, r"\bneosnovan" + _W,
                        r"\bnema (?:nikakvih )?(?:dokaza|saznanja|informacija)\b", r"\bnisu upoznat" + _W, r"\bnetačn" + _W, r"\bneistin" + _W, r"\bneutemeljen" + _W, r"\bizmišljotin" + _W,
                        r"\bnema (?:nikakvih )?podataka\b"),
        "no_response": _both('\\bodbi\\w*[^.;]{0,12}\\bkomentar\\w*', '\\bnije komentarisa\\w*', '\\bnisu komentarisa\\w*', '\\bnije bilo odgovora\\b', '\\bnema odgovora\\b', '\\bnije (?:se )?oglasi\\w*', r"\bnije odgovori" + _W, r"\bnisu odgovori" + _W, r"\bbez odgovora\b",
                             r"\bnije (?:se )?oglasi" + _W, r"\bnisu (?:se )?oglasi" + _W,
                             r"\bni(?:je|su) žele" + _W + r" da komentariš" + _W,
                             r"\bodbi" + _W + r" da odgovor" + _W, r"\bignorisa" + _W),
    },
    government=_both("vlada", "vlade", "vladu", "ministarstvo", "ministarstva", "ministar", "policija", "policije",
                     "mup", "tužilaštvo", "tužilac", "sud", "skupština", "vlasti", "ambasada", "ambasador",
                     "bia", "portparol", "agencija", "agencije", "uprava policije"),
    according=_both("prema", "po rečima"),
    negation=_both("ne", "nije", "nisu", "nikada", "nema"),
    necessity=_both("moraju", "mora", r"naložen\w*", r"naređen\w*"),
    modal=_both("treba", "trebalo bi", r"poziva\w*", "možda"),
    ask=_both(r"zatraž\w*", r"traž\w*"),
    clause_breaks=_both(r",\s+ali\b"),
    locative=_both("u", "na"),
    non_actor=_both("protiv", "sa", "prema"),
    list_glue=_both("i",),
    embassy=_both(r"ambasad\w*", r"konzulat\w*"),
    station=_both(r"policijsk\w* stanic\w*", r"stanic\w*", r"punkt\w*", r"kancelarij\w*", r"ispostav\w*"),
    station_generic=_both("stanic", "punkt", "kancelarij", "ispostav"),
    context=_both("kinesk", "Kin", "polic", r"\btakv"),
    station_place=_both("u", "na"),
    sites=_both(r"adres\w*", r"lokacij\w*"),
    bureau=_both(r"javn\w* bezbednost\w*"),
    homes=("RS",),
    locales=("sr", "sr@latin"),
    inflects=True,
    transliterate=to_cyrillic,
    institutions={"RS": "|".join(_both("BIA", "Bezbednosno-informativn*"))},
    names={"ME": "|".join(_both("Crna Gora", "Crne Gore", "Crnoj Gori", "Crnu Goru")), "RS": "|".join(_both("Srbij*")), "CN": "|".join(_both("Kina", "Kine", "Kini", "Kinu", "Kinom", "Peking*"))},
    adjectives={"RS": "|".join(_both("srpsk*")), "CN": "|".join(_both("kinesk*"))},
    cities={"Beogradu": "Belgrade", "Beograda": "Belgrade", "Београду": "Belgrade", "Београда": "Belgrade",
            "Novom Sadu": "Novi Sad", "Новом Саду": "Novi Sad",
            # the nominative, and Belgrade's municipalities (a district resolves to its city)
            "Beograd": "Belgrade", "Београд": "Belgrade", "Zemun": "Belgrade", "Zemunu": "Belgrade",
            "Земун": "Belgrade", "Земуну": "Belgrade", "Vračar": "Belgrade", "Vračaru": "Belgrade",
            "Врачар": "Belgrade", "Врачару": "Belgrade", "Čukarica": "Belgrade", "Čukarici": "Belgrade",
            "Чукарица": "Belgrade", "Чукарици": "Belgrade"},
    china_places={"Wenzhou": _both("Vendžou"), "Qingtian": _both("Ćingtjen", "Čingtjen", "Ćingtijan"), "Fuzhou": _both("Fudžou"),
                  "Nantong": _both("Nantung"), "Lishui": _both("Lišui"), "Fuqing": _both("Fućing"), "Putian": _both("Putjen")},
    function_words="i u je da se na za od su sa koji nije ali kao što ili vlada и у је да се на за од су са који "
                   "није али као што или влада",
    cue=r"[ђћџљњј]|đ|ć|[čšž]|\bje\b|\bsu\b",
    number_words={"dve": 2, "dva": 2, "tri": 3, "četiri": 4, "pet": 5, "šest": 6, "sedam": 7, "osam": 8, "devet": 9, "deset": 10, "dvadeset": 20, "sto": 100, "две": 2, "два": 2, "три": 3, "четири": 4, "пет": 5, "десет": 10, "сто": 100},
    counted={"stations": _both(r"(?:policijsk\w* )?stanic\w*"), "countries": _both(r"zemal\w*", r"zemlj\w*", r"držav\w*"), "continents": _both(r"kontinent\w*"), "provinces": _both(r"provincij\w*")},
    lemmas={"closure_ordered": ("zatvoriti", "zatvarati", "zabraniti"), "investigation": ("istražiti", "istraživati", "proveriti", "provjeriti", "istraga"), "arrest_or_charge": ("uhapsiti", "hapsiti", "optužiti"), "conviction": ("osuditi",), "denial": ("negirati", "demantovati", "odbaciti"), "diplomatic_protest": ("protestovati",)},
    lemma_lang="hbs",
    bodies={"Ministry of Interior": _both("mup", "ministarstvo unutrašnjih poslova"),
            "Ministry of Foreign Affairs": _both("ministarstvo spoljnih poslova"),
            "police": _both("policija"), "prosecutor": _both("tužilaštvo", "tužilac"),
            "parliament": _both("skupština"), "court": _both("sud")},
    public_roles={"official": _both(r"ministar\w*", r"ministark\w*", r"portparol\w*", r"ambasador\w*", r"konzul\w*", r"tužil\w*", r"gradonačelni\w*", r"direktor policije"), "organization_leader": _both(r"predsedni\w*", r"direktor\w*", r"šef\w*", r"osnivač\w*"), "court_record": _both(r"optužen\w*", r"osumnjičen\w*")},
    private_roles=_both(r"žrtv\w*", r"novinar\w*", r"sin", r"ćerk\w*", r"supru\w*", r"majk\w*", r"otac", r"brat", r"sestr\w*", r"disident\w*", r"svedo\w*"),
    streets=_both(r"ulic\w*", r"bulevar\w*", r"trg\w*"),
)
