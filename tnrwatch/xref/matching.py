"""Matching a file's entities against the record's, with nomenklatura. No Django import.

Candidate generation is nomenklatura's blocking index (`nomenklatura.blocker.Index`: name parts,
name symbols, addresses, dates and identifiers as weighted tokens in a DuckDB file on disk, so a large
file is not held in memory); each candidate pair is then scored by one of nomenklatura's matching
algorithms (`logic-v2` by default: its culture-aware name alignment across scripts, identifier,
address, date-of-birth and country features, each with its own explanation, which the review page
shows as the reasons). A file entity is proposed with its best candidate when the score reaches the
threshold (0.85 by default; `docs/benchmarks.md` has recall and precision at it) and leads the next
candidate by the margin.

What we add is only what makes names comparable across scripts, the same folding search uses
(`search.text`): both sides get, beside each name as written, its folded form (Traditional Chinese
to Simplified, accents, width) and the pinyin of its Chinese characters: for a person syllables
apart and together, the given name as one word, and the Western order (王小明 -> "wang xiaoming",
"xiaoming wang"); for an organisation written together only, since a dozen one-syllable parts of
which a different home town changes two would look 85% alike. The matcher then sees 王小明, its
Traditional form, Wang Xiaoming, WANG Xiao-ming, Xiaoming Wang and WangXiaoming as one name.
logic-v2 without this folding missed most Traditional-script and pinyin variants (measured).

Romanised names meet too (`romanised.py`): a Latin name that splits wholly into pinyin syllables is
also compared as those syllables (a person's apart, an organisation's together: "Luo Ma Qing Tian
Tongxianghui" meets 罗马青田同乡会), a Chinese person's name also carries its Wade-Giles reading
(Chang Hsiao-ming), and an organisation's name is also compared with its words sorted and its
function words dropped, after English short forms are expanded ("Rome Qingtian Hometown Assn." and
"Qingtian Hometown Association of Rome"). A person's Latin name that is not pinyin is also read as
Wade-Giles, whole or half-converted, through pypinyin's table (`romanised.wade_giles_readings`:
Lu Yung-tsi meets 吕永子). For mistyped names, the blocking index (not the matcher) also carries
each Latin name word's one-letter deletions on both sides (`for_blocking`), so "Cangnn" and
"Cangnan" share a token and the right entity stays among the candidates. Recall by variant in
docs/benchmarks.md.

One run leaves nothing for the next. nomenklatura memoises per entity (`entity_names` and others,
`functools.lru_cache`) on the proxy's hash, which is its id alone; a record id such as
`record-person-1` comes back in the next run with other names (the entity was renamed or merged,
or its row was rolled back and the key reused), and the matcher compared the new query with the
old names: after the 300-entity planted run, later runs in the same process scored every pair 0.
`match` clears those memos before and after each run (`forget_entities`), and the file's entities
are matched under ids of their own (`file:<id>`), so a file that reuses a record id (our own export
fed back) is neither taken for that record entity by the memos nor dropped by the index, which
leaves out pairs of equal ids.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy
from nomenklatura.blocker import Index
from nomenklatura.matching import LogicV2, ScoringAlgorithm, get_algorithm

from tnrwatch.search.text import fold, has_cjk, pinyin_forms

from . import romanised

DEFAULT_ALGORITHM = LogicV2.NAME
DEFAULT_THRESHOLD = 0.85
DEFAULT_MARGIN = 0.0
MAX_CANDIDATES = 10  # per file entity, from the blocking index; the matcher scores each
INDEX_MEMORY_MB = 512  # DuckDB's limit for the blocking index; past it, it works on disk
_FILE_ID = "file:"  # before a file entity's id while it is matched (record ids start "record-")
_TYPO_WORD = 4  # letters; shorter words get no one-letter deletions for blocking (too many short tokens)
_CJK_PERSON_NAME = range(2, 5)  # characters; 1-character surname + 1-3 given (compound surnames are rare)

logging.getLogger("nomenklatura").setLevel(logging.WARNING)


def algorithm_named(name: str) -> type[ScoringAlgorithm]:
    algorithm = get_algorithm(name)
    if algorithm is None:
        raise ValueError(f"unknown matching algorithm {name!r}")
    return algorithm


def name_variants(name: str, *, person: bool) -> list[str]:
    """The forms of `name` both sides are compared under (see the module docstring)."""
    out = [name]
    folded = fold(name)
    if folded != name.casefold():
        out.append(folded)
    if has_cjk(folded):
        out += _chinese_forms(folded, person=person)
    else:
        out += _latin_forms(folded, person=person)
    return list(dict.fromkeys(out))


def _chinese_forms(folded: str, *, person: bool) -> list[str]:
    forms = pinyin_forms(folded)
    # An organisation's name in syllables apart is a dozen one-syllable parts, of which a different
    # home town changes two: it would look 85% alike. Written together it is compared as one word.
    out = forms if person else forms[1:]
    compact = "".join(folded.split())
    if person and len(compact) in _CJK_PERSON_NAME and all(has_cjk(ch) for ch in compact):
        family, given = pinyin_forms(compact[0]), pinyin_forms(compact[1:])
        if family and given:
            out += [f"{family[1]} {given[1]}", f"{given[1]} {family[1]}"]
        # Wade-Giles, as Taiwan and older Western writing spell names (Chang Hsiao-ming for 张小明)
        wade = romanised.wade_giles(compact)
        if len(wade) == len(compact):
            out += [f"{wade[0]} {'-'.join(wade[1:])}", f"{'-'.join(wade[1:])} {wade[0]}"]
    return out


def _latin_forms(folded: str, *, person: bool) -> list[str]:
    out = []
    words = romanised.words(folded)
    syllables = romanised.pinyin_syllables(words)
    if syllables and len(syllables) > 1:
        # Pinyin is split into words in more than one way (Tongxianghui, Tong Xiang Hui, Xiao-ming):
        # a person's syllables apart, an organisation's together, as the Chinese side writes them.
        out.append(" ".join(syllables) if person else "".join(syllables))
    elif person:
        # Not pinyin: perhaps Wade-Giles, whole or half-converted (Chang Hsiao-ming, Lu Yung-tsi),
        # compared as its pinyin readings, syllables apart as the Chinese side writes them.
        out += [" ".join(reading) for reading in romanised.wade_giles_readings(folded)]
    if person or syllables:
        return [form for form in out if form != " ".join(words)]
    expanded = romanised.expand_abbreviations(words)
    if expanded != words:
        out.append(" ".join(expanded))
    content = romanised.content_words(expanded)
    if len(content) > 1:
        # Word order of an organisation's name varies between sources ("Rome Qingtian Hometown
        # Association", "Qingtian Hometown Association of Rome"): also compared with its words sorted.
        out.append(" ".join(sorted(dict.fromkeys(content))))
    return out


def prepared(proxy: EntityProxy) -> EntityProxy:
    """A copy of `proxy` whose names carry their variants as aliases (the original is not changed)."""
    copy = proxy.clone()
    person = proxy.schema.is_a("Person")
    names = [value for prop, value in proxy.itervalues() if prop.type.name == "name"]
    alias_prop = copy.schema.get("alias")
    if alias_prop is None:
        return copy
    for name in names:
        for variant in name_variants(name, person=person)[1:]:
            copy.add(alias_prop, variant, cleaned=True, quiet=True)
    return copy


def for_blocking(proxy: EntityProxy) -> EntityProxy:
    """`prepared(proxy)` as the blocking index sees it: also one alias of every Latin name word's
    one-letter deletions (xiaoming -> xiaomng, iaoming...). Both sides carry them, so a word with a
    letter dropped, added or changed shares a token with the word as written (symmetric deletion),
    and a mistyped name is still among its candidates. The matcher scores the names without it."""
    copy = prepared(proxy)
    alias_prop = copy.schema.get("alias")
    if alias_prop is None:
        return copy
    words = {word for prop, value in copy.itervalues() if prop.type.name == "name"
             for word in romanised.words(fold(value)) if word.isascii() and len(word) >= _TYPO_WORD}
    deletions = sorted({word[:i] + word[i + 1:] for word in words for i in range(len(word))} - words)
    if deletions:
        copy.add(alias_prop, " ".join(deletions), cleaned=True, quiet=True)
    return copy


def forget_entities() -> None:
    """Empty nomenklatura's matching memos (see the module docstring): every `lru_cache` of a
    `nomenklatura.matching` module, found by walking them so a new one in a later version is not
    missed. The name tables and models are loaded by other means and stay."""
    for module_name, module in list(sys.modules.items()):
        if module is None or not module_name.startswith("nomenklatura.matching"):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def _as_file(proxy: EntityProxy, *, prepare: Callable[[EntityProxy], EntityProxy] = prepared) -> EntityProxy:
    copy = prepare(proxy)
    copy.id = f"{_FILE_ID}{proxy.id}"
    return copy


class _Entities:
    """The view `nomenklatura.blocker.Index.build` reads the indexed (record) side from."""

    def __init__(self, entities: Callable[[], Iterable[EntityProxy]]) -> None:
        self._entities = entities

    def entities(self, include_schemata: Any = None) -> Iterator[EntityProxy]:
        for proxy in self._entities():
            yield for_blocking(proxy)

    def __repr__(self) -> str:
        return "<record>"


@dataclass(frozen=True)
class Match:
    file_id: str
    record_id: str
    score: float
    runner_up: float  # the next record candidate's score (0 when none): a small margin means ambiguous
    blocking_score: float
    reasons: dict[str, dict[str, Any]]


def match(*, file_entities: Callable[[], Iterable[EntityProxy]], file_entity: Callable[[str], EntityProxy | None],
          record_entities: Callable[[], Iterable[EntityProxy]], record_entity: Callable[[str], EntityProxy | None],
          workdir: Path, algorithm: str = DEFAULT_ALGORITHM, threshold: float = DEFAULT_THRESHOLD,
          margin: float = DEFAULT_MARGIN, max_candidates: int = MAX_CANDIDATES) -> Iterator[Match]:
    """The best-scoring record entity of each file entity, when it reaches `threshold` and is ahead
    of the next candidate by at least `margin` (two record entities the file's entity fits almost
    equally well are not a finding). Streams: one file entity's candidates at a time."""
    scorer = algorithm_named(algorithm)
    config = scorer.default_config()
    options = {"max_candidates": max_candidates, "memory": INDEX_MEMORY_MB}
    forget_entities()
    index = Index(_Entities(record_entities), workdir / "index", options=options)  # type: ignore[arg-type]
    try:
        index.build()
        matchable = (_as_file(p, prepare=for_blocking) for p in file_entities() if p.schema.matchable)
        for file_ident, candidates in index.match_entities(matchable):  # type: ignore[arg-type]
            file_id = file_ident.id.removeprefix(_FILE_ID)
            query = file_entity(file_id)
            if query is None:
                continue
            query = _as_file(query)
            scored = []
            for record_ident, blocking in candidates:
                candidate = record_entity(record_ident.id)
                if candidate is None or not query.schema.can_match(candidate.schema):
                    continue
                result = scorer.compare(query, prepared(candidate), config)
                scored.append((result.score, record_ident.id, blocking, result))
            if not scored:
                continue
            scored.sort(key=lambda item: (-item[0], item[1]))
            best, record_key, blocking, result = scored[0]
            runner_up = scored[1][0] if len(scored) > 1 else 0.0
            if best >= threshold and best - runner_up >= margin:
                yield Match(file_id=file_id, record_id=record_key, score=round(best, 4),
                            runner_up=round(runner_up, 4), blocking_score=round(blocking, 3),
                            reasons=_reasons(result.explanations))
    finally:
        index.close()
        forget_entities()


def _reasons(explanations: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for feature, result in explanations.items():
        out[feature] = {"score": round(result.score, 3), "detail": result.detail or "",
                        "file": result.query or "", "record": result.candidate or ""}
    return out


def schema_label(name: str) -> str:
    schema = model.get(name)
    return schema.label if schema is not None else name
