"""A generated record and a generated partner file with planted true matches, for `make bench` and
the tests. No Django import, but for `load_record`, which writes the record for the benchmark and the
tests in bulk.

The record: public actors (a Chinese name and its pinyin, family name first, most with a date of
birth) and organisations (hometown associations, chambers of commerce, federations, service
stations, bureaus: a Chinese name and an English one, about half with a street address). The file:
FtM entities, some of them the record's entities as another dataset would write them, the others
entities of the same kind that are not in the record (drawn from the same name pools, so they share
family names, home towns and host cities with the record and homophones can occur).

How a planted match is written is drawn from variants people actually meet, none chosen because a
matcher handles it: Traditional script, the English name, the pinyin (family name first or last,
all capitals for the family name, syllables apart or hyphenated, with tone marks, run together),
Wade-Giles spelling (Taiwanese and older Western usage: Hsiao-ming, Chang, Chou), a one-letter typo,
the host city moved to the front or dropped ("of Rome"), "Assn." for Association; dates of birth
kept, cut to the year, or left out; addresses written in another order and case. The truth
(`truth`: file id -> record key) comes with it.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文辉海波鹏飞宇浩然子涵梓轩欣怡思远"
         "晓东小明俊杰家豪雪梅春燕德华永康立新卫东振华国强宏伟淑珍玉兰金凤成龙天佑安琪嘉怡雨欣博文晨阳")
ORIGINS = (("温州", "Wenzhou"), ("青田", "Qingtian"), ("福州", "Fuzhou"), ("福清", "Fuqing"), ("丽水", "Lishui"),
           ("南通", "Nantong"), ("长乐", "Changle"), ("文成", "Wencheng"), ("瑞安", "Rui'an"), ("莆田", "Putian"),
           ("明溪", "Mingxi"), ("台山", "Taishan"), ("泉州", "Quanzhou"), ("温岭", "Wenling"), ("永嘉", "Yongjia"),
           ("乐清", "Yueqing"), ("苍南", "Cangnan"), ("平阳", "Pingyang"), ("泰顺", "Taishun"), ("瓯海", "Ouhai"),
           ("永康", "Yongkang"), ("义乌", "Yiwu"), ("东阳", "Dongyang"), ("金华", "Jinhua"), ("宁波", "Ningbo"),
           ("台州", "Taizhou"), ("玉环", "Yuhuan"), ("连江", "Lianjiang"), ("闽侯", "Minhou"), ("平潭", "Pingtan"),
           ("罗源", "Luoyuan"), ("仙游", "Xianyou"), ("晋江", "Jinjiang"), ("石狮", "Shishi"), ("南安", "Nan'an"),
           ("安溪", "Anxi"), ("三明", "Sanming"), ("开平", "Kaiping"), ("恩平", "Enping"), ("新会", "Xinhui"),
           ("鹤山", "Heshan"), ("梅州", "Meizhou"), ("潮州", "Chaozhou"), ("汕头", "Shantou"), ("青岛", "Qingdao"),
           ("沈阳", "Shenyang"), ("哈尔滨", "Harbin"), ("延边", "Yanbian"))
HOSTS = (("罗马", "Rome", "it", "Via Nazionale", "00184"), ("米兰", "Milan", "it", "Via Paolo Sarpi", "20154"),
         ("马德里", "Madrid", "es", "Calle de Alcala", "28014"), ("巴黎", "Paris", "fr", "Rue de Belleville", "75019"),
         ("鹿特丹", "Rotterdam", "nl", "Westblaak", "3012"), ("多伦多", "Toronto", "ca", "Spadina Avenue", "M5T"),
         ("纽约", "New York", "us", "East Broadway", "10002"), ("伦敦", "London", "gb", "Gerrard Street", "W1D"),
         ("布拉格", "Prague", "cz", "Vinohradska", "13000"), ("布达佩斯", "Budapest", "hu", "Kobanyai ut", "1087"),
         ("都柏林", "Dublin", "ie", "Parnell Street", "D01"), ("维也纳", "Vienna", "at", "Mariahilfer Strasse", "1060"),
         ("普拉托", "Prato", "it", "Via Pistoiese", "59100"), ("佛罗伦萨", "Florence", "it", "Via Palazzuolo", "50123"),
         ("巴塞罗那", "Barcelona", "es", "Carrer del Trafalgar", "08010"), ("里斯本", "Lisbon", "pt", "Rua da Palma", "1100"),
         ("柏林", "Berlin", "de", "Kantstrasse", "10623"), ("法兰克福", "Frankfurt", "de", "Kaiserstrasse", "60329"),
         ("阿姆斯特丹", "Amsterdam", "nl", "Zeedijk", "1012"), ("布鲁塞尔", "Brussels", "be", "Rue de Brabant", "1030"),
         ("雅典", "Athens", "gr", "Odos Sokratous", "10552"), ("华沙", "Warsaw", "pl", "Ulica Marywilska", "03-228"),
         ("斯德哥尔摩", "Stockholm", "se", "Drottninggatan", "111 51"), ("温哥华", "Vancouver", "ca", "Keefer Street", "V6A"),
         ("旧金山", "San Francisco", "us", "Stockton Street", "94108"), ("悉尼", "Sydney", "au", "Dixon Street", "2000"),
         ("墨尔本", "Melbourne", "au", "Little Bourke Street", "3000"), ("奥克兰", "Auckland", "nz", "Dominion Road", "1024"),
         ("约翰内斯堡", "Johannesburg", "za", "Commissioner Street", "2001"), ("圣保罗", "Sao Paulo", "br", "Rua 25 de Marco", "01021"))
KINDS = (("同乡会", "Hometown Association"), ("商会", "Chamber of Commerce"),
         ("华侨华人联合会", "Overseas Chinese Federation"), ("联谊会", "Friendship Association"),
         ("促进会", "Promotion Association"), ("文化协会", "Cultural Association"),
         ("警侨服务站", "Police Service Station"), ("总商会", "General Chamber of Commerce"))
QUALIFIERS = (("", ""), ("青年", "Youth"), ("妇女", "Women's"), ("工商", "Industry and Commerce"),
              ("旅游", "Tourism"), ("教育", "Education"), ("体育", "Sports"))
# Pinyin -> Wade-Giles for the initials and finals where the two differ (enough for these names).
_WADE = (("zh", "ch"), ("q", "ch'"), ("x", "hs"), ("z", "ts"), ("c", "ts'"), ("r", "j"), ("j", "ch"))
_WADE_FINALS = (("ong", "ung"), ("ian", "ien"), ("ie", "ieh"), ("you", "yu"))
_TONES = {"a": "ā", "e": "é", "i": "ǐ", "o": "ò", "u": "ū"}


@lru_cache(maxsize=1)
def _pinyin():
    import pypinyin

    return pypinyin


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def syllables(chinese: str) -> list[str]:
    return _pinyin().lazy_pinyin(chinese)


def _wade(syllable: str) -> str:
    for pinyin, wade in _WADE:
        if syllable.startswith(pinyin):
            syllable = wade + syllable[len(pinyin):]
            break
    for pinyin, wade in _WADE_FINALS:
        if syllable.endswith(pinyin):
            syllable = syllable[: -len(pinyin)] + wade
            break
    return syllable


def _toned(syllable: str, rng: random.Random) -> str:
    vowels = [i for i, ch in enumerate(syllable) if ch in _TONES]
    if not vowels:
        return syllable
    i = rng.choice(vowels)
    return syllable[:i] + _TONES[syllable[i]] + syllable[i + 1:]


def _typo(text: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 6:
        return text
    i = rng.choice(letters[1:-1])
    return text[:i] + text[i + 1:]


@dataclass
class Generated:
    persons: list[dict[str, Any]] = field(default_factory=list)  # record: key, name_zh, name_en, birth, country
    organizations: list[dict[str, Any]] = field(default_factory=list)  # record: key, name_zh, name_en, kind, address
    file: list[dict[str, Any]] = field(default_factory=list)  # FtM entities
    truth: dict[str, str] = field(default_factory=dict)  # file id -> record key
    variants: dict[str, str] = field(default_factory=dict)  # file id -> how the planted match is written


def _person(rng: random.Random, used: set[str]) -> dict[str, Any]:
    while True:
        name_zh = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
        if name_zh not in used:
            used.add(name_zh)
            break
    parts = syllables(name_zh)
    birth = f"{rng.randint(1945, 1995)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.8 else ""
    return {"name_zh": name_zh, "family": parts[0], "given": parts[1:], "birth": birth,
            "name_en": f"{parts[0].title()} {''.join(parts[1:]).title()}", "country": rng.choice(HOSTS)[2]}


def _organization(rng: random.Random, used: set[Any]) -> dict[str, Any]:
    while True:
        parts = (rng.randrange(len(ORIGINS)), rng.randrange(len(HOSTS)), rng.randrange(len(KINDS)),
                 rng.randrange(len(QUALIFIERS)))
        if parts not in used:
            used.add(parts)
            break
    (o_zh, o_en), (h_zh, h_en, country, street, postcode, ), (k_zh, k_en), (q_zh, q_en) = (
        ORIGINS[parts[0]], HOSTS[parts[1]], KINDS[parts[2]], QUALIFIERS[parts[3]])
    kind_en = f"{q_en} {k_en}".strip()
    address = ""
    while rng.random() < 0.5 and not address:  # one organisation an address (the record's are unique)
        address = f"{street} {rng.randint(1, 400)}, {postcode} {h_en}"
        if address in used:
            address = ""
    used.add(address)
    return {"name_zh": f"{h_zh}{o_zh}{q_zh}{k_zh}", "name_en": f"{o_en} {kind_en} of {h_en}", "origin": o_en,
            "host": h_en, "kind_en": kind_en, "origin_zh": o_zh, "rest_zh": f"{q_zh}{k_zh}", "host_zh": h_zh,
            "country": country, "address": address,
            "kind": "operating_bureau" if "Police" in k_en else "host_organization"}


def _person_variant(p: dict[str, Any], rng: random.Random) -> tuple[str, list[str]]:
    family, given = p["family"], p["given"]
    roll = rng.random()
    if roll < 0.10:
        return "chinese", [p["name_zh"]]
    if roll < 0.22:
        return "traditional", [_s2t().convert(p["name_zh"])]
    if roll < 0.36:
        return "pinyin", [f"{family.title()} {''.join(given).title()}"]
    if roll < 0.50:
        return "western order", [f"{''.join(given).title()} {family.title()}"]
    if roll < 0.60:
        return "capitals", [f"{family.upper()} {''.join(given).title()}"]
    if roll < 0.68:
        sep = rng.choice(("-", " "))
        return "syllables apart", [f"{family.title()} {sep.join(given).title()}".replace("- ", "-")]
    if roll < 0.74:
        return "run together", [f"{family.title()}{''.join(given).title()}"]
    if roll < 0.80:
        return "tone marks", [f"{_toned(family, rng).title()} {''.join(_toned(s, rng) for s in given).title()}"]
    if roll < 0.88:
        wade = [_wade(s) for s in given]
        return "wade-giles", [f"{_wade(family).title()} {'-'.join(wade).title()}"]
    if roll < 0.94:
        return "typo", [_typo(f"{family.title()} {''.join(given).title()}", rng)]
    return "chinese and pinyin", [p["name_zh"], f"{family.title()} {''.join(given).title()}"]


def _organization_variant(o: dict[str, Any], rng: random.Random) -> tuple[str, list[str]]:
    roll = rng.random()
    if roll < 0.12:
        return "chinese", [o["name_zh"]]
    if roll < 0.30:
        return "traditional", [_s2t().convert(o["name_zh"])]
    if roll < 0.45:
        return "english", [o["name_en"]]
    if roll < 0.60:
        return "city first", [f"{o['host']} {o['origin']} {o['kind_en']}"]
    if roll < 0.72:
        pinyin = " ".join(s.title() for s in syllables(o["host_zh"] + o["origin_zh"]))
        return "pinyin", [f"{pinyin} {''.join(syllables(o['rest_zh'])).title()}"]
    if roll < 0.82:
        return "abbreviated", [o["name_en"].replace("Association", "Assn.").replace("Chamber of Commerce", "CoC")]
    if roll < 0.90:
        return "typo", [_typo(o["name_en"], rng)]
    return "english upper case", [unicodedata.normalize("NFC", o["name_en"].upper())]


def _address_variant(address: str, rng: random.Random) -> str:
    street, _sep, city = address.partition(", ")
    if rng.random() < 0.5:
        return f"{city}, {street}".lower()
    return address.upper()


def generate(*, record: int, file: int, planted: int, seed: int = 17) -> Generated:
    """`record` entities in the record (60% people), `file` entities in the file of which `planted`
    are the record's own, written differently."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible on purpose
    out = Generated()
    used_people: set[str] = set()
    used_orgs: set[Any] = set()
    n_people = record * 6 // 10
    for i in range(n_people):
        out.persons.append({"key": f"p{i}", **_person(rng, used_people)})
    for i in range(record - n_people):
        out.organizations.append({"key": f"o{i}", **_organization(rng, used_orgs)})
    targets = rng.sample(out.persons + out.organizations, planted)
    for i, target in enumerate(targets):
        entity_id = f"partner-{i:06d}-{rng.getrandbits(32):08x}"
        out.truth[entity_id] = target["key"]
        if target["key"].startswith("p"):
            variant, names = _person_variant(target, rng)
            entity = _ftm_person(entity_id, names, target, rng, planted=True)
        else:
            variant, names = _organization_variant(target, rng)
            entity = _ftm_org(entity_id, names, target, rng, planted=True)
        out.variants[entity_id] = variant
        out.file.append(entity)
    for i in range(file - planted):
        entity_id = f"other-{i:06d}-{rng.getrandbits(32):08x}"
        if rng.random() < 0.6:
            p = _person(rng, used_people)
            out.file.append(_ftm_person(entity_id, _person_variant(p, rng)[1], p, rng, planted=False))
        else:
            o = _organization(rng, used_orgs)
            out.file.append(_ftm_org(entity_id, _organization_variant(o, rng)[1], o, rng, planted=False))
    rng.shuffle(out.file)
    return out


def _ftm_person(entity_id: str, names: list[str], p: dict[str, Any], rng: random.Random, *, planted: bool) -> dict:
    props: dict[str, list[str]] = {"name": names[:1], "nationality": [p["country"]]}
    if names[1:]:
        props["alias"] = names[1:]
    if p["birth"]:
        roll = rng.random()
        if roll < 0.7:
            props["birthDate"] = [p["birth"]]
        elif roll < 0.85:
            props["birthDate"] = [p["birth"][:4]]
    return {"id": entity_id, "schema": "Person", "properties": props}


def _ftm_org(entity_id: str, names: list[str], o: dict[str, Any], rng: random.Random, *, planted: bool) -> dict:
    props: dict[str, list[str]] = {"name": names, "country": [o["country"]]}
    if o["address"] and rng.random() < 0.7:
        props["address"] = [_address_variant(o["address"], rng)]
    return {"id": entity_id, "schema": "Organization", "properties": props}


def score(truth: dict[str, str], proposals: list[tuple[str, str]]) -> dict[str, float]:
    """Recall over the planted pairs and precision over the proposals, (file id, record key) each."""
    proposed = set(proposals)
    hits = sum(1 for pair in proposed if truth.get(pair[0]) == pair[1])
    found = {file_id for file_id, key in proposed if truth.get(file_id) == key}
    return {"recall": len(found) / max(1, len(truth)), "precision": hits / max(1, len(proposed)),
            "proposals": len(proposed), "true": hits}


def load_record(generated: Generated) -> dict[str, tuple[str, int]]:
    """Write the generated record into the (throwaway) database in bulk; record key -> (subject
    type, id). The one function here that touches Django, imported late so the rest stays pure."""
    from tnrwatch.gazetteer.names import normalize_name
    from tnrwatch.registry.models import Address, Alias, Country, Organization, Person, Tie, tie_key

    countries = dict(Country.objects.values_list("iso2", "pk"))
    people = Person.objects.bulk_create([
        Person(name_en=p["name_en"], name_zh=p["name_zh"], public_basis="organization_leader", marking="amber",
               country_id=countries[p["country"].upper()], birth_date=p["birth"] or None)
        for p in generated.persons], batch_size=2000)
    orgs = Organization.objects.bulk_create([
        Organization(kind=o["kind"], name_en=o["name_en"], name_zh=o["name_zh"], marking="amber",
                     country_id=countries[o["country"].upper()]) for o in generated.organizations], batch_size=2000)
    keys: dict[str, tuple[str, int]] = {}
    aliases = []
    groups: list[tuple[str, list[dict[str, Any]], list[Any]]] = [
        ("person", generated.persons, people), ("organization", generated.organizations, orgs)]
    for subject_type, specs, rows in groups:
        for spec, row in zip(specs, rows, strict=True):
            keys[spec["key"]] = (subject_type, row.pk)
            aliases += [Alias(subject_type=subject_type, subject_id=row.pk, name=name, normalized=normalize_name(name),
                              language=lang) for name, lang in ((row.name_en, "en"), (row.name_zh, "zh"))]
    Alias.objects.bulk_create(aliases, batch_size=5000)
    with_address = [(o, row) for o, row in zip(generated.organizations, orgs, strict=True) if o["address"]]
    addresses = Address.objects.bulk_create([Address(full=o["address"], country_id=countries[o["country"].upper()],
                                                     marking="amber") for o, _row in with_address], batch_size=2000)
    Tie.objects.bulk_create([
        Tie(key=tie_key("registered_at", ("organization", row.pk), ("address", address.pk), "", ""), kind="registered_at",
            from_type="organization", from_id=row.pk, to_type="address", to_id=address.pk, marking="amber")
        for (_o, row), address in zip(with_address, addresses, strict=True)], batch_size=2000)
    return keys
