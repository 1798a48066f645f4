"""People and addresses a text names, proposed for review (issue 17): public actors only.

A person is proposed only when the text gives them a public role next to their name: an
official ("the interior minister Marco Bellini", "Karin Wallin, utrikesminister"), the leader of
an organisation ("the association's chairman Li Ming"), or a defendant ("the defendant Lu
Jianwang"). The roles are each lexicon's `public_roles`, by public basis (the registry's
`PUBLIC_ACTOR_BASES`). Nobody else is proposed, and never a name within reach of a word of
`private_roles` (victim, journalist, reporter, relative, witness, dissident, compatriot): the
record keeps such people de-identified, and a first pass that cannot tell a victim's name from
an official's must not offer it.

Limits (what a reviewer must check): a role and a name are paired by adjacency in one clause,
not by a parse, so "the minister met Li Wei" can pair the minister's role with Li Wei's name when
no other name stands between them (the candidate quotes the sentence, the reviewer sees it); a
name is two to four capitalised words (Latin, Cyrillic) or two or three Han characters after a
role; names in other scripts, single-word names and initials are not read; a private word
anywhere in the clause vetoes, which drops some real officials ("the journalist asked the
minister Karin Wallin"). The organisation is the acting body the role phrase names (its English
label, "Ministry of the Interior") or the words of the phrase itself.

Addresses are a number next to a street word of the lexicons (`streets`): "Via Pistoiese 150",
"12 rue de la Paix", "Kantstraße 5", 人民路88号; the country is that of the sentence's city or
the document's host.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from tnrwatch.extraction.candidate import Candidate
from tnrwatch.extraction.languages import lexicons
from tnrwatch.extraction.lexicon import GOVERNMENT_RE, body_of, nospace
from tnrwatch.extraction.matcher import GatedPatterns, Match

BASES = ("court_record", "official", "organization_leader")  # when a word is in two lists, the first wins

_UP = "A-ZÀ-ÖØ-ÞĀ-Ž\u0400-\u042f\u0402-\u040f"
_LOW = "a-zß-öø-ÿā-ž\u0430-\u045f'’\\-"
_PARTICLE = r"(?:de|da|do|dos|das|del|della|di|du|van|von|der|den|ter|la|le|bin|al|De|Van|Von)"
# Two to four capitalised words, particles allowed between them: "José Luís Carneiro", "Pieter De Wolf".
_NAME = re.compile(rf"\b[{_UP}][{_LOW}]+(?:\s+(?:{_PARTICLE}\s+)?[{_UP}][{_LOW}]+){{1,3}}\b")
_CLAUSE_END = re.compile(r"[.;:!?()\[\]\"“”«»]|\s[–—]\s")
_HAN_NAME = r"(?!表示|说|說|称|稱|指出|强调|強調|日前|近日)[\u4e00-\u9fff]{2,3}?"
_HAN_AFTER = r"(?=表示|说|說|称|稱|指出|强调|強調|在|于|於|日前|近日|曾|已|，|。|、|：|:|）|\)|$)"
MAX_PEOPLE = 50  # per sentence
_DIGIT = re.compile(r"\d")


# Languages the detector confuses in short sentences: each reads the other's roles too.
_KIN = {"cs": ("sk",), "sk": ("cs",), "sv": ("no",), "no": ("sv",), "es": ("pt", "it"), "pt": ("es", "it"),
        "it": ("es", "pt"), "fr": ("it",), "nl": ("de",), "de": ("nl",)}


@lru_cache(maxsize=64)
def _role_words(lang: str = "") -> dict[str, str]:
    """The public role words (regex fragments) of `lang` and English (all languages when `lang`
    is empty), each with its basis."""
    base = lang.split("-")[0]
    basis: dict[str, str] = {}
    for wanted in BASES:
        for lex in lexicons():
            if base and lex.code not in (base, "en", *_KIN.get(base, ())):
                continue
            for fragment in lex.public_roles.get(wanted, ()):
                basis.setdefault(fragment, wanted)
    return basis


def _bounded(fragment: str) -> str:
    return fragment if nospace(fragment) else rf"\b{fragment}\b"


@lru_cache(maxsize=64)
def _roles(lang: str = "") -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern of the public role words of `lang` and English (all languages when `lang`
    is empty), and each word's basis. Per language: one alternation of every language's roles
    costs more than the rest of the extractor on every sentence."""
    basis = _role_words(lang)
    groups = [f"(?P<r{i}>{_bounded(fragment)})" for i, fragment in enumerate(basis)]
    return re.compile("|".join(groups) or r"(?!x)x", re.I), {f"r{i}": b for i, b in enumerate(basis.values())}


@lru_cache(maxsize=64)
def _role_gate(lang: str) -> GatedPatterns:
    return GatedPatterns([_bounded(fragment) for fragment in _role_words(lang)])


def _role_matches(text: str, s_start: int, s_end: int, lang: str) -> list[re.Match[str]]:
    """What `_roles(lang)[0].finditer` finds in the sentence, found faster: the automaton of
    the role words' opening literals says where one may start, and the alternation is tried
    only there (tried at every position, it cost a tenth of the extractor's time)."""
    pattern, _ = _roles(lang)
    out: list[re.Match[str]] = []
    for a, _b, _ in _role_gate(lang).finditer(text[s_start:s_end]):
        if out and s_start + a < out[-1].end():
            continue
        m = pattern.match(text, s_start + a, s_end)
        if m is not None:
            out.append(m)
    return out


@lru_cache(maxsize=1)
def _private() -> re.Pattern[str]:
    words = [w for lex in lexicons() for w in lex.private_roles]
    spaced = "|".join(w for w in words if not nospace(w)) or "(?!x)x"
    return re.compile("|".join([rf"\b(?:{spaced})\b", *(w for w in words if nospace(w))]), re.I)


@lru_cache(maxsize=1)
def _han_roles() -> re.Pattern[str]:
    words = sorted({w for lex in lexicons() for ws in lex.public_roles.values() for w in ws if nospace(w)},
                   key=len, reverse=True)
    return re.compile(f"({'|'.join(words) or '(?!x)x'})({_HAN_NAME}){_HAN_AFTER}")


def _basis(role_match: re.Match[str], bases: dict[str, str], phrase: str) -> str:
    basis = bases[role_match.lastgroup or ""]
    if basis == "organization_leader" and GOVERNMENT_RE.search(phrase):
        return "official"  # "president of the Republic", "director of the police"
    return basis


def _clause(text: str, s_start: int, s_end: int, pos: int) -> tuple[int, int]:
    lo = s_start
    for m in _CLAUSE_END.finditer(text, s_start, pos):
        lo = m.end()
    end = _CLAUSE_END.search(text, pos, s_end)
    return lo, end.start() if end else s_end


def sentence_people(text: str, s_start: int, s_end: int, lang: str, places: list[Match],
                    bodies: list[Match]) -> list[Candidate]:
    """People named with a public role in one sentence (`places`: its country and city
    mentions, which are not names; `bodies`: its acting bodies, for the organisation)."""
    out: list[Candidate] = []
    runs = list(_NAME.finditer(text, s_start, s_end))
    if runs:
        out += _named_people(text, s_start, s_end, lang, places, bodies, runs)
    if nospace(text[s_start:s_end]):
        out += _han_people(text, s_start, s_end, lang, bodies)
    return out[:MAX_PEOPLE]


def _named_people(text: str, s_start: int, s_end: int, lang: str, places: list[Match], bodies: list[Match],
                  runs: list[re.Match[str]]) -> list[Candidate]:
    pattern, bases = _roles(lang)
    roles = _role_matches(text, s_start, s_end, lang)
    if not roles:
        return []
    out: list[Candidate] = []
    taken = [(m.start, m.end) for m in places]
    for run in runs:
        if len(out) >= MAX_PEOPLE:
            break
        name = _trimmed(run)
        # A run that is a place ("Novi Sad") is not a name; a name with a word that is also a
        # city somewhere ("Anna", "Carmen") still is.
        if name is None or any(a <= name.start() and name.end() <= b for a, b in taken) or \
                GOVERNMENT_RE.search(name.group()) or pattern.search(name.group()):
            continue  # a place, a body or a role word, not a person's name
        found = _role_for(text, s_start, s_end, name, roles)
        if found is None:
            continue
        role, phrase = found
        lo, hi = _clause(text, s_start, s_end, name.start())
        if _private().search(text, lo, hi):
            continue
        out.append(_person(text, s_start, s_end, lang, name.group(), phrase, _basis(role, bases, phrase),
                           bodies, role.start()))
    return out


def _han_people(text: str, s_start: int, s_end: int, lang: str, bodies: list[Match]) -> list[Candidate]:
    pattern, bases = _roles()
    out: list[Candidate] = []
    for m in _han_roles().finditer(text, s_start, s_end):
        lo, hi = _clause(text, s_start, s_end, m.start())
        if _private().search(text, lo, hi) or len(out) >= MAX_PEOPLE:
            continue
        head = text[max(lo, m.start() - 12):m.start()]
        phrase = head.split("，")[-1] + m.group(1)
        han_role = pattern.search(m.group(1))
        if han_role is not None:
            out.append(_person(text, s_start, s_end, lang, m.group(2), phrase, _basis(han_role, bases, phrase),
                               bodies, m.start()))
    return out


def _fold(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _org_stems() -> frozenset[str]:
    """The first five letters (folded) of every word of the lexicons' government nouns, acting
    bodies and role words: "Utrikesminister", "Justitie", "Interna" open an organisation's or a
    role's name, not a person's."""
    words: set[str] = set()
    for lex in lexicons():
        phrases = [*lex.government, *(w for ws in lex.bodies.values() for w in ws),
                   *(w for ws in lex.public_roles.values() for w in ws)]
        for phrase in phrases:
            words |= {_fold(w)[:5] for w in re.findall(r"[^\W\d_]{4,}", phrase)}
    return frozenset(words)


_ARTICLES = {"The", "THE", "Die", "Der", "Das", "Les"}


def _trimmed(run: re.Match[str]) -> re.Match[str] | None:
    """The person's name in a run of capitalised words: without the leading words of a role or
    body ("Hovorca Policajného zboru Michal Kováč" -> "Michal Kováč"); None when under two words."""
    stems = _org_stems()
    text = run.group()
    offset = 0
    for token in re.finditer(r"\S+", text):
        rest = text[token.start():]
        if len(rest.split()) < 2:
            return None
        # A leading article is no part of a name ("The Dutch and Irish governments").
        if _fold(token.group())[:5] not in stems and token.group() not in _ARTICLES:
            offset = token.start()
            break
    else:
        return None
    return _NAME.match(run.string, run.start() + offset, run.end())


def _role_for(text: str, s_start: int, s_end: int, name: re.Match[str],
              roles: list[re.Match[str]]) -> tuple[re.Match[str], str] | None:
    """The role the text gives the name: just before it ("ministro dell'Interno Marco Bellini",
    at most six words between) or just after it, set off by a comma ("José Almeida, ministro")."""
    before = [r for r in roles if r.end() <= name.start() and not _CLAUSE_END.search(text, r.end(), name.start())]
    if before:
        role = before[-1]
        gap = text[role.end():name.start()]
        # "ministro dell'Interno Marco Bellini"; "o ministro da Administração Interna, José Almeida,"
        apposed = gap.rstrip().endswith(",") and "," not in gap.rstrip()[:-1]
        if len(gap.split()) <= 6 and (apposed or "," not in gap) and not any(
                _trimmed(n) for n in _NAME.finditer(gap)):
            return role, text[role.start():name.start()].strip(" ,")
    after = [r for r in roles if r.start() >= name.end()]
    if after:
        role = after[0]
        gap = text[name.end():role.start()]
        if re.fullmatch(r"\s*,\s*(?:(?:the|a|an|der|die|das|le|la|il|el|o|a|de|het)\s+)?(?:\w+\s+){0,2}", gap):
            stop = _CLAUSE_END.search(text, role.end(), s_end)
            comma = text.find(",", role.end(), stop.start() if stop else s_end)
            end = comma if comma != -1 else (stop.start() if stop else s_end)
            return role, text[role.start():min(end, role.end() + 80)].strip(" ,")
    return None


def _person(text: str, s_start: int, s_end: int, lang: str, name: str, phrase: str, basis: str,
            bodies: list[Match], at: int) -> Candidate:
    in_phrase = [b for b in bodies if at - 2 <= b.start <= at + len(phrase) + 2]
    organization = body_of(in_phrase, at + len(phrase)) if in_phrase else None
    if organization is None:  # the words after the role: "unutrašnjih poslova", "van Justitie"
        words = phrase.split()
        organization = " ".join(words[1:]) or None if len(words) > 1 else None
    return Candidate(kind="person", quote=text[s_start:s_end], start=s_start, end=s_end, lang=lang,
                     confidence=0.6 if basis != "organization_leader" else 0.5, name=" ".join(name.split()),
                     role=" ".join(phrase.split())[:300], organization=organization, basis=basis)


@lru_cache(maxsize=1)
def _streets() -> re.Pattern[str]:
    spaced = [w for lex in lexicons() for w in lex.streets if not nospace(w)]
    han = [w for lex in lexicons() for w in lex.streets if nospace(w)]
    word = "(?i:" + ("|".join(sorted(set(spaced), key=len, reverse=True)) or "(?!x)x") + ")"
    compound = "(?i:" + ("|".join(sorted({w[3:] for w in spaced if w.startswith(r"\w*")}, key=len, reverse=True))
                         or "(?!x)x") + ")"
    name = rf"[{_UP}0-9][{_UP}0-9.{_LOW}]*"
    glue = r"(?:(?:de|del|della|di|du|des|la|le|of|the|da|do|dos|das)\s+)*"
    # Only the street words ignore case: the street's own name is capitalised ("rue de la Paix").
    return re.compile(
        rf"\b\d{{1,4}}[a-z]?,?\s+{word}\s+{glue}{name}(?:\s+{name})?"  # 12 rue de la Paix
        rf"|\b{word}\s+{glue}{name}(?:\s+{name}){{0,2}},?\s+\d{{1,4}}[a-z]?\b"  # Via Pistoiese 150
        rf"|\b[{_UP}][{_LOW}]*{compound}\s+\d{{1,4}}[a-z]?\b"  # Kantstraße 5
        rf"|[\u4e00-\u9fff]{{1,6}}(?:{'|'.join(han) or '(?!x)x'})\d{{1,4}}[号號]")


def sentence_addresses(text: str, s_start: int, s_end: int, lang: str, cities: list[Match],
                       host: str | None) -> list[Candidate]:
    """Street addresses in one sentence, each with the country of the sentence's city (else the
    document's host country)."""
    out: list[Candidate] = []
    if _DIGIT.search(text, s_start, s_end) is None:
        return out  # every address has a number
    for m in _streets().finditer(text, s_start, s_end):
        if len(out) >= MAX_PEOPLE:
            break
        city = min(cities, key=lambda c: abs(c.start - m.start()), default=None)
        country = city.payload.countries[0][0] if city else host
        if country is None:
            continue
        out.append(Candidate(kind="address", quote=text[s_start:s_end], start=s_start, end=s_end, lang=lang,
                             confidence=0.55, country=country, city=city.payload.name if city else None,
                             address=" ".join(m.group().split())))
    return out
