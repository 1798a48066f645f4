"""Country names and adjectives in many languages, mapped to ISO 3166-1 alpha-2.

Names come from pycountry and its translations (English, Chinese in both scripts, the main
European languages and the others listed in EXTRA_LOCALES), plus common short forms. Adjectives
("Dutch", "niederländische", "néerlandais", "olandese", 荷方) are written here: no offline package
ships them. A trailing "*" marks a stem that may take an inflection ("deutsch*" -> "deutschen")."""

from __future__ import annotations

import gettext
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from tnrwatch.extraction.index import cached
from tnrwatch.extraction.languages import Lexicon, lexicons
from tnrwatch.extraction.matcher import Gazetteer
from tnrwatch.gazetteer.countries import NAME_OVERRIDES

CORE_LOCALES = ("de", "fr", "it", "es", "nl", "pt", "pt_BR", "sv", "zh_CN", "zh_TW", "zh_HK")
# Further languages: only their longer names are used, so that short words of one language
# are not read as countries in another. (The languages with a lexicon in languages/ bring
# their own locales.)
EXTRA_LOCALES = ("da", "fi", "pl", "ro", "hr", "sl", "ca", "ru", "uk", "bg", "lt", "lv", "et",
                 "tr", "id", "vi")


@dataclass(frozen=True, slots=True)
class CountryRef:
    iso2: str
    adjective: bool
    institution: bool = False  # a body that names its country: "FBI", "Bundesregierung", "Säpo"


# Extra names, all languages (case-insensitive except where capitalised in the text anyway).
NAMES: dict[str, str] = {
    "NL": "Holland|Netherlands|the Netherlands|Nederland|Niederlande|Pays-Bas|Paesi Bassi|Países Bajos|Países Baixos|Holanda|Olanda|Hollande|Nederländerna|荷兰|荷蘭",
    "GB": "Britain|Great Britain|England|Scotland|Wales|Northern Ireland|United Kingdom|Regno Unito|Reino Unido|Royaume-Uni|Vereinigtes Königreich|Großbritannien|Grossbritannien|Verenigd Koninkrijk|Storbritannien|Gran Bretagna|Gran Bretaña|Grã-Bretanha|Inghilterra|Inglaterra|Angleterre|英国|英國",
    "US": "United States|United States of America|Stati Uniti|Estados Unidos|États-Unis|Etats-Unis|Vereinigte Staaten|Verenigde Staten|USA|EE.UU.|EEUU|美国|美國",
    "CZ": "Czechia|Czech Republic|Tschechien|Repubblica Ceca|República Checa|Tchéquie|République tchèque|Tsjechië|Tjeckien|Chéquia|捷克",
    "KR": "South Korea|Südkorea|Corea del Sud|Corea del Sur|Corée du Sud|Zuid-Korea|Sydkorea|Coreia do Sul|韩国|韓國|南韩|南韓",
    "CN": "China|People's Republic of China|PRC|Cina|Chine|Kina|Volksrepublik China|Volksrepublik|República Popular|République populaire|Repubblica popolare|Volksrepubliek|folkrepubliken|中国|中國|中华人民共和国|中華人民共和國|北京|Beijing|Pechino|Pékin|Pekín|Peking|Pequim|中共",
    "TW": "Taiwan|台湾|臺灣|台灣",
    "HK": "Hong Kong|香港",
    "RU": "Russia|Russland|Russie|Rusia|Rússia|Ryssland|Rusland|俄罗斯|俄羅斯",
    "IE": "Ireland|Irlanda|Irland|Irlande|Ierland|爱尔兰|愛爾蘭",
    "DE": "Germany|Deutschland|Germania|Alemania|Allemagne|Duitsland|Tyskland|Alemanha|德国|德國",
    "IT": "Italy|Italia|Italien|Italie|Italië|Itália|意大利|義大利",
    "FR": "France|Francia|Frankreich|Frankrijk|Frankrike|França|法国|法國",
    "ES": "Spain|España|Spagna|Spanien|Espagne|Spanje|Espanha|西班牙",
    "PT": "Portugal|Portogallo|葡萄牙",
    "SE": "Sweden|Sverige|Svezia|Suecia|Schweden|Suède|Zweden|Suécia|瑞典",
    "CA": "Canada|Canadá|Kanada|加拿大",
    "CL": "Chile|Cile|Chili|智利",
    "AU": "Australia|Australien|Australie|Australië|Austrália|澳大利亚|澳洲",
    "JP": "Japan|Giappone|Japón|Japon|Japão|日本",
    "BR": "Brazil|Brasil|Brasile|Brasilien|Brésil|Brazilië|巴西",
    "HU": "Hungary|Ungarn|Ungheria|Hungría|Hongrie|Hongarije|Ungern|Hungria|匈牙利",
    "RS": "Serbia|Serbien|Serbie|Servië|Sérvia|塞尔维亚",
    "VN": "Vietnam|Viet Nam|Hanoi|越南",
    "NZ": "New Zealand|Nuova Zelanda|Nueva Zelanda|Neuseeland|Nouvelle-Zélande|Nieuw-Zeeland|Nya Zeeland|Nova Zelândia|新西兰|紐西蘭",
    "ZA": "South Africa|Südafrika|Sudafrica|Sudáfrica|Afrique du Sud|Zuid-Afrika|Sydafrika|África do Sul|南非",
    "AT": "Austria|Österreich|Autriche|Oostenrijk|Österrike|Áustria|奥地利|奧地利",
    "BE": "Belgium|Belgien|Belgio|Bélgica|Belgique|België|比利时|比利時",
    "CH": "Switzerland|Schweiz|Svizzera|Suiza|Suisse|Zwitserland|Suíça|瑞士",
    "KH": "Cambodia|Kambodscha|Cambogia|Camboya|Cambodge|Cambodja|Kambodja|Camboja|柬埔寨",
    "MN": "Mongolia|蒙古",
    "UA": "Ukraine|乌克兰|烏克蘭",
    "MY": "Malaysia|马来西亚|馬來西亞",
    "TR": "Turkey|Türkiye|Türkei|Turquie|Turchia|Turquía|Turkije|Turkiet|Turquia|土耳其",
    "KP": "North Korea|朝鲜|北韩|北韓",
}

# Government bodies whose name says which country they belong to.
INSTITUTIONS: dict[str, str] = {
    "US": "FBI|Federal Bureau of Investigation|State Department|U.S. Attorney|US Attorney|U.S. Congress|White House",
    "CA": "RCMP|Royal Canadian Mounted Police|CSIS|Global Affairs Canada|皇家骑警|皇家騎警",
    "GB": "Home Office|Foreign Office|Scotland Yard|Metropolitan Police|MI5|Downing Street|House of Commons|Westminster",
    "IE": "Garda|Gardaí|An Garda Síochána|Dáil",
    "DE": "Bundesregierung|Bundesinnenministerium|Bundesministerium des Innern|Bundeskriminalamt|BKA|Verfassungsschutz|Bundesamt für Verfassungsschutz|Bundestag|Auswärtiges Amt|Bundesanwaltschaft",
    "IT": "Farnesina|Viminale|Palazzo Chigi|Carabinieri|DIGOS|Digos",
    "FR": "DGSI|Quai d'Orsay|Élysée|Matignon|Assemblée nationale",
    "ES": "Audiencia Nacional|Guardia Civil|Moncloa|Congreso de los Diputados",
    "NL": "AIVD|Tweede Kamer|Buitenlandse Zaken",
    "PT": "Polícia Judiciária|PSP|Assembleia da República",
    "SE": "Säpo|Säkerhetspolisen|Riksdagen|UD",
    "CL": "Carabineros|PDI|La Moneda",
    "HU": "Orbán",
    "AU": "ASIO|Australian Federal Police",
    "NZ": "NZSIS",
    "BR": "Itamaraty|Planalto",
    "CN": "中方|中国外交部|中國外交部|中国政府|中國政府|Chinese government|Chinese Foreign Ministry|Chinese embassy",
}

# Adjectives. "en"/"nl" adjectives are capitalised in text; the others need not be.
ADJECTIVES_CAPITALISED: dict[str, str] = {
    "NL": "Dutch|Nederlands*|Hollands*",
    "IE": "Irish|Iers*",
    "DE": "German|Duits*",
    "FR": "French|Frans|Franse",
    "IT": "Italian|Italiaans*",
    "ES": "Spanish|Spaans*",
    "PT": "Portuguese|Portugees|Portugese",
    "SE": "Swedish|Zweeds*",
    "GB": "British|UK|Brits*",
    "US": "American|U.S.|US|Amerikaans*",
    "CA": "Canadian|Canadees|Canadese",
    "AU": "Australian|Australisch*",
    "CN": "Chinese|Chinees|Chinese",
    "CZ": "Czech|Tsjechisch*",
    "HU": "Hungarian|Hongaars*",
    "RS": "Serbian|Servisch*",
    "HR": "Croatian|Kroatisch*",
    "RO": "Romanian|Roemeens*",
    "PL": "Polish|Pools*",
    "AT": "Austrian|Oostenrijks*",
    "BE": "Belgian|Belgisch*",
    "CH": "Swiss|Zwitsers*",
    "DK": "Danish|Deens*",
    "NO": "Norwegian|Noors*",
    "FI": "Finnish|Fins*",
    "GR": "Greek|Grieks*",
    "SK": "Slovak|Slovakian",
    "SI": "Slovenian|Slovene",
    "JP": "Japanese|Japans*",
    "KR": "South Korean|Zuid-Koreaans*",
    "CL": "Chilean|Chileens*",
    "AR": "Argentine|Argentinian|Argentijns*",
    "BR": "Brazilian|Braziliaans*",
    "MX": "Mexican",
    "EC": "Ecuadorian",
    "NG": "Nigerian",
    "ZA": "South African",
    "KH": "Cambodian",
    "VN": "Vietnamese",
    "TW": "Taiwanese",
    "LT": "Lithuanian",
    "LV": "Latvian",
    "EE": "Estonian",
    "UA": "Ukrainian",
    "RU": "Russian",
    "IN": "Indian",
    "ID": "Indonesian",
    "MY": "Malaysian",
    "TH": "Thai",
    "MN": "Mongolian",
    "IL": "Israeli",
    "TR": "Turkish",
    "IS": "Icelandic",
    "BG": "Bulgarian",
    "CY": "Cypriot",
    "MT": "Maltese",
    "PH": "Philippine|Filipino",
    "SG": "Singaporean",
    "NZ": "New Zealand",
    "LU": "Luxembourgish",
    "KE": "Kenyan",
    "TZ": "Tanzanian",
    "ZM": "Zambian",
    "UG": "Ugandan",
    "ET": "Ethiopian",
    "PE": "Peruvian",
    "CO": "Colombian",
    "VE": "Venezuelan",
    "CU": "Cuban",
    "PK": "Pakistani",
    "BD": "Bangladeshi",
    "LK": "Sri Lankan",
}
ADJECTIVES: dict[str, str] = {
    "NL": "niederländisch*|holländisch*|néerlandais*|hollandais*|olandes*|neerlandes*|neerlandés|neerlandesa*|holandés|holandesa*|holandeses|neerlandês|holandês|nederländsk*|holländsk*",
    "IE": "irisch*|irlandais*|irlandes*|irlandés|irlandês|irländsk*",
    "DE": "deutsch*|bundesdeutsch*|allemand*|tedesc*|alemán|alemana*|alemanes|alemão|alemã|alemães|tysk*",
    "FR": "französisch*|français*|frances*|francés|francês|fransk*",
    "IT": "italienisch*|italien|italienne*|italiens|italian*|italiensk*",
    "ES": "spanisch*|espagnol*|spagnol*|español|española*|españoles|espanhol*|espanhóis|spansk*",
    "PT": "portugiesisch*|portugais*|portoghes*|portugués|portuguesa*|portugueses|português|portugisisk*",
    "SE": "schwedisch*|suédois*|svedes*|sueco|sueca*|suecos|svensk*",
    "GB": "britisch*|britannique*|britannic*|británic*|britânic*|brittisk*",
    "US": "amerikanisch*|us-amerikanisch*|américain*|americano|americana*|americani|estadounidense*|norte-american*|amerikansk*",
    "CA": "kanadisch*|canadien*|canades*|canadiense*|canadense*|kanadensisk*",
    "AU": "australisch*|australien*|australian*|australiano*|australisk*",
    "CN": "chinesisch*|chinois*|cines*|chino|chinos|chinês|chinesa*|chineses|kinesisk*",
    "CZ": "tschechisch*|tchèque*|ceco|ceca|cechi|ceche|checo|checa|checos|checo|tjeckisk*",
    "HU": "ungarisch*|hongrois*|ungheres*|húngaro|húngara*|húngaros|ungersk*",
    "RS": "serbisch*|serbe|serbes|serbo|serba|serbi|serbio|serbia|serbios|serbisk*",
    "HR": "kroatisch*|croate*|croato|croata|croati|croatas|kroatisk*",
    "AT": "österreichisch*|autrichien*|austriac*|austríac*|österrikisk*",
    "BE": "belgisch*|belge|belges|belga|belgi|belgas|belgisk*",
    "CH": "schweizer*|schweizerisch*|suisse*|svizzer*|suizo|suiza|suizos|schweizisk*",
    "GR": "griechisch*|grec|grecque*|grecs|greco|greca|greci|griego|griega|griegos|grego|grega|gregos|grekisk*",
    "JP": "japanisch*|japonais*|giappones*|japonés|japonesa*|japoneses|japonês|japansk*",
    "KR": "südkoreanisch*|sud-coréen*|sudcorean*|surcorean*|sul-coreano*|sydkoreansk*",
    "CL": "chilenisch*|chilien*|cilen*|chileno|chilena*|chilenos|chilensk*",
    "AR": "argentinisch*|argentin*|argentinsk*",
    "BR": "brasilianisch*|brésilien*|brasilian*|brasileñ*|brasileir*|brasiliansk*",
    "PL": "polnisch*|polonais*|polacc*|polaco|polaca|polacos|polonês|polsk*",
    "RO": "rumänisch*|roumain*|rumen*|rumano|rumana|rumanos|romeno|romena|rumänsk*",
    "SK": "slowakisch*|slovaque*|slovacc*|eslovaco|eslovaca|slovakisk*",
    "NO": "norwegisch*|norvégien*|norveges*|noruego|noruega|norueguês|norsk*",
    "DK": "dänisch*|danois*|danes*|danés|danesa|dinamarquês|dansk*",
    "FI": "finnisch*|finlandais*|finlandes*|finlandés|finlandês|finländsk*|finsk*",
    "VN": "vietnamesisch*|vietnamien*|vietnamit*|vietnamese|vietnamesi|vietnamita*|vietnamesisk*",
    "RU": "russisch*|russe|russes|russo|russa|russi|ruso|rusa|rysk*",
    "NZ": "neuseeländisch*|néo-zélandais*|neozeland*",
    "MX": "mexikanisch*|mexicain*|messican*|mexican*|mexikansk*",
    "CO": "kolumbianisch*|colombien*|colombian*|colombiano*|colombiana*|colombianos",
    "PE": "peruanisch*|péruvien*|peruvian*|peruano*|peruana*",
    "EC": "ecuadorianisch*|équatorien*|ecuadorian*|ecuatorian*|equatorian*",
    "UY": "uruguayisch*|uruguayen*|uruguaian*|uruguay[oa]*",
    "VE": "venezolanisch*|vénézuélien*|venezuelan*|venezolan*",
}


# Another language's name for a country that is a common word or place in the languages read:
# German and Swedish "Island" (Iceland), Spanish "Granada" (Grenada), "Salvador" (a city).
NOT_COUNTRY_NAMES = {"island", "granada", "salvador", "man"}


def _encode(ref: CountryRef | None) -> tuple[str, bool, bool] | None:
    return None if ref is None else (ref.iso2, ref.adjective, ref.institution)


def _decode(row: tuple[str, bool, bool] | None) -> CountryRef | None:
    return None if row is None else CountryRef(row[0], bool(row[1]), bool(row[2]))


@lru_cache(maxsize=1)
def country_gazetteer() -> Gazetteer:
    """Every country name, adjective and self-naming institution above, in one gazetteer (read
    from the prebuilt index when there is a current one: index.py)."""
    return cached("countries", _build_country_gazetteer, _encode, _decode)


def _build_country_gazetteer() -> Gazetteer:
    gaz = Gazetteer()
    en_names = _add_english_names(gaz)
    for locale in CORE_LOCALES + EXTRA_LOCALES:
        _add_locale_names(gaz, locale, en_names)
    for lex in lexicons():
        for locale in lex.locales:
            _add_lexicon_locale(gaz, lex, locale)
    for table, adjective, institution in [t for lex in lexicons() for t in own_tables(lex)]:
        _add_table(gaz, table, adjective=adjective, institution=institution, exact_len=5,
                   capital=None, genitive=True)
    _add_table(gaz, NAMES, adjective=False, institution=False, exact_len=4, capital=True, genitive=True)
    _add_table(gaz, INSTITUTIONS, adjective=False, institution=True, exact_len=5, capital=True, genitive=False)
    for iso2, form in (("NL", "het kabinet"), ("NL", "Rijksoverheid"), ("GB", "Whitehall")):
        gaz.add(form, CountryRef(iso2, False, True))
    _add_table(gaz, ADJECTIVES_CAPITALISED, adjective=True, institution=False, exact_len=4, capital=True, genitive=False)
    _add_table(gaz, ADJECTIVES, adjective=True, institution=False, exact_len=4, capital=False, genitive=False)
    # Regions that contain a country's name but are not that country.
    for region in ("South America", "Latin America", "North America", "Central America",
                   "the Americas", "American Samoa", "New Guinea", "Papua New Guinea",
                   "China Sea", "South China Sea", "East China Sea", "Chinatown", "China Town",
                   "Hong Kong Street", "New Mexico", "New England", "New South Wales",
                   "Georgia Tech", "Jersey City", "New Jersey", "Indiana", "Indian Ocean"):
        gaz.add(region, None, capital=True)
    return gaz


def _add_english_names(gaz: Gazetteer) -> dict[str, str]:
    """pycountry's English names and the registry's overrides; returns English name -> ISO."""
    en_names: dict[str, str] = {}
    for c in pycountry.countries:
        forms = {c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)}
        for form in filter(None, forms):
            if "," not in form:
                en_names[form] = c.alpha_2
                gaz.add(form, CountryRef(c.alpha_2, False), capital=True, genitive=True)
    for iso2, (en, hans, hant) in NAME_OVERRIDES.items():
        for form in (en, hans, hant):
            gaz.add(form, CountryRef(iso2, False), capital=True)
    return en_names


def _translations(locale: str) -> Iterator[tuple[str, str, str]]:
    """(ISO alpha-2, English name, translated name) of every country in a pycountry locale."""
    trans = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)
    for c in pycountry.countries:
        for msgid in filter(None, {c.name, getattr(c, "common_name", None)}):
            yield c.alpha_2, msgid, trans.gettext(msgid)


def _add_locale_names(gaz: Gazetteer, locale: str, en_names: dict[str, str]) -> None:
    for iso2, msgid, name in _translations(locale):
        if name == msgid or "," in name or "(" in name:
            continue
        if locale in EXTRA_LOCALES and len(name) < 6 and not _non_latin(name):
            continue
        if name in en_names and en_names[name] != iso2:
            continue
        if name.casefold() in NOT_COUNTRY_NAMES:
            continue
        gaz.add(name, CountryRef(iso2, False), capital=True, genitive=True)


def _add_lexicon_locale(gaz: Gazetteer, lex: Lexicon, locale: str) -> None:
    """A lexicon's own locale; in an inflecting language each name is a stem ("Německu")."""
    for iso2, msgid, name in _translations(locale):
        if name == msgid and locale not in ("ja", "ko") or "," in name or "(" in name:
            continue
        if name.casefold() in NOT_COUNTRY_NAMES or len(name) < 4 and not _non_latin(name):
            continue
        root = name[:-1] if lex.inflects and name[-1].lower() in _VOWELS else name
        gaz.add(root if len(root) >= 4 else name, CountryRef(iso2, False),
                capital=True, genitive=True, stem=lex.inflects and len(root) >= 4)


def _add_table(gaz: Gazetteer, table: Mapping[str, str], *, adjective: bool, institution: bool,
               exact_len: int, capital: bool | None, genitive: bool) -> None:
    """ISO alpha-2 -> "form|stem*" tables. Short all-capital forms ("UK", "BIS") match only as
    written; `capital` None: names and institutions capitalised as written, adjectives not."""
    for iso2, spelled in table.items():
        for form in spelled.split("|"):
            stem = form.endswith("*")
            form = form.rstrip("*")
            exact = form.replace(".", "").isupper() and len(form) <= exact_len
            cap = (not adjective and not exact and form[:1].isupper()) if capital is None else capital
            gaz.add(form, CountryRef(iso2, adjective, institution), capital=cap, exact=exact,
                    stem=stem, genitive=genitive and not stem and not exact)


_VOWELS = set("aeiouyáéíóúýěůαάεέηήιίοόυύωώаеиоуяюєії")


def own_tables(lex: Lexicon) -> list[tuple[Mapping[str, str], bool, bool]]:
    """A lexicon's names, institutions and adjectives, with how each is read."""
    return [(lex.names, False, False), (lex.institutions, False, True), (lex.adjectives, True, False)]


def _non_latin(name: str) -> bool:
    return any(ord(ch) > 0x2FF for ch in name)
