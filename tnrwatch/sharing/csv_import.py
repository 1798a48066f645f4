"""Reading researchers' tables: decoding, column mapping and per-row checks. Pure Python (no Django).

A table is read line by line so that one badly encoded or ragged row gives an error for that row
instead of failing the whole file. Nothing here writes: `services.csv_commit` does, after the
analyst accepted the preview.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date

from tnrwatch.registry import vocabulary as v

# Target fields by kind of row: (field, required, help).
FIELDS: dict[str, list[tuple[str, bool, str]]] = {
    "station": [
        ("name_en", True, "Name (English or romanised)"),
        ("name_zh", False, "Name in Chinese"),
        ("country", True, "Host country (ISO code or English name)"),
        ("city", False, "City"),
        ("status", False, "Status: " + ", ".join(v.STATION_STATUSES)),
        ("first_reported", False, "First reported (YYYY-MM-DD)"),
        ("operator", False, "Operating bureau (linked to the organisation of that name when there is one)"),
        ("source_url", False, "URL of the source the row comes from"),
        ("source_title", False, "Title of that source"),
        ("quote", False, "Verbatim quote from that source"),
    ],
    "response": [
        ("country", True, "Country (ISO code or English name)"),
        ("action", True, "Action: " + ", ".join(v.RESPONSE_ACTIONS)),
        ("date", False, "Date (YYYY-MM-DD, YYYY-MM or YYYY)"),
        ("body", False, "Acting body"),
        ("summary", True, "What was done"),
        ("source_url", False, "URL of the source the row comes from"),
        ("source_title", False, "Title of that source"),
        ("quote", False, "Verbatim quote from that source"),
    ],
}
# Common names of countries that are neither their ISO code nor their English name in the register
# (the register's Chinese names, simplified and traditional, are looked up too).
COUNTRY_ALIASES = {
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "united kingdom": "GB",
    "holland": "NL", "the netherlands": "NL", "netherlands": "NL",
    "usa": "US", "u.s.": "US", "u.s.a.": "US", "united states": "US", "united states of america": "US", "america": "US",
    "south korea": "KR", "korea": "KR", "czechia": "CZ", "czech republic": "CZ", "russia": "RU", "taiwan": "TW",
    "英国": "GB", "英國": "GB", "荷兰": "NL", "荷蘭": "NL", "美国": "US", "美國": "US", "德国": "DE", "德國": "DE",
    "法国": "FR", "法國": "FR", "意大利": "IT", "義大利": "IT", "西班牙": "ES", "爱尔兰": "IE", "愛爾蘭": "IE",
    "加拿大": "CA", "日本": "JP", "韩国": "KR", "韓國": "KR", "捷克": "CZ", "匈牙利": "HU", "塞尔维亚": "RS", "塞爾維亞": "RS",
}
SYNONYMS = {
    "name_en": ["name", "station", "station name", "name_en", "english name"],
    "name_zh": ["name_zh", "chinese name", "chinese", "中文名"],
    "country": ["country", "host country", "nation", "iso2", "country code"],
    "city": ["city", "town", "place", "location"],
    "status": ["status"],
    "first_reported": ["first reported", "first_reported", "reported", "date reported"],
    "operator": ["operator", "bureau", "operating bureau", "police bureau", "run by"],
    "action": ["action", "response", "measure"],
    "date": ["date", "when"],
    "body": ["body", "authority", "agency", "ministry"],
    "summary": ["summary", "description", "details", "notes"],
    "source_url": ["source url", "source_url", "url", "link", "source link"],
    "source_title": ["source title", "source_title", "source", "title", "article"],
    "quote": ["quote", "excerpt", "verbatim", "citation"],
}
MAX_ROWS = 20000
MAX_CELL = 5000


@dataclass
class Row:
    number: int  # 1-based line number in the file (the header is line 1)
    raw: str  # the row's text, verbatim: the quote that evidence cites
    values: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # shown in the preview: mappings made, duplicates

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Table:
    header: list[str]
    rows: list[Row]
    errors: list[str] = field(default_factory=list)  # whole-file errors


def read_table(content: bytes) -> Table:
    """Decode and split a CSV file; rows that are not UTF-8, ragged or too long get their own error."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    if b"\x00" in content[:4096]:
        return Table([], [], ["This is not a text table (it contains NUL bytes); save it as CSV in UTF-8."])
    lines = content.splitlines()
    if not lines:
        return Table([], [], ["The file is empty."])
    try:
        header_text = lines[0].decode("utf-8")
    except UnicodeDecodeError:
        return Table([], [], ["The header row is not UTF-8 text; save the table as CSV in UTF-8."])
    dialect = _dialect(header_text)
    header = [h.strip() for h in next(csv.reader([header_text], dialect))]
    if len(header) < 1 or not any(header):
        return Table([], [], ["The header row is empty."])
    rows: list[Row] = []
    # Re-join lines into records: a quoted cell may span lines.
    pending: list[tuple[int, bytes]] = []
    for number, line in enumerate(lines[1:], start=2):
        pending.append((number, line))
        joined = b"\n".join(part for _n, part in pending)
        if joined.count(b'"') % 2 == 1 and number != len(lines):
            continue
        first = pending[0][0]
        pending = []
        if len(rows) >= MAX_ROWS:
            return Table(header, rows, [f"Only the first {MAX_ROWS} rows are read; split the table."])
        if not joined.strip():
            continue
        row = Row(number=first, raw="")
        try:
            text = joined.decode("utf-8")
        except UnicodeDecodeError as exc:
            row.raw = joined.decode("utf-8", errors="replace")
            row.errors.append(f"not UTF-8 text (byte {exc.start + 1}); save the table as CSV in UTF-8")
            rows.append(row)
            continue
        row.raw = text
        try:
            cells = next(csv.reader([text], dialect))
        except csv.Error as exc:
            row.errors.append(f"unreadable row: {exc}")
            rows.append(row)
            continue
        if len(cells) != len(header):
            row.errors.append(f"has {len(cells)} cells, the header has {len(header)}")
        elif any(len(c) > MAX_CELL for c in cells):
            row.errors.append(f"a cell is longer than {MAX_CELL} characters")
        elif "\x00" in text:
            row.errors.append("contains NUL characters")
        else:
            row.values = {header[i]: c.strip() for i, c in enumerate(cells)}
        rows.append(row)
    return Table(header, rows)


def _dialect(header: str) -> type[csv.Dialect]:
    class Dialect(csv.excel):
        delimiter = max([",", ";", "\t"], key=header.count)

    return Dialect


def guess_mapping(kind: str, header: list[str]) -> dict[str, str]:
    """field -> column, from the column names (the analyst confirms or changes it)."""
    mapping: dict[str, str] = {}
    lowered = {h.strip().casefold(): h for h in header}
    for name, _required, _help in FIELDS[kind]:
        for synonym in [name, *SYNONYMS.get(name, [])]:
            if synonym.casefold() in lowered:
                mapping[name] = lowered[synonym.casefold()]
                break
    return mapping


def check_mapping(kind: str, header: list[str], mapping: dict[str, str]) -> list[str]:
    errors = []
    for name, required, _help in FIELDS[kind]:
        column = mapping.get(name, "")
        if column and column not in header:
            errors.append(f"{name}: no column {column!r}")
        elif required and not column:
            errors.append(f"{name}: choose the column that holds it")
    return errors


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def parse_date(text: str) -> tuple[date, str]:
    """(date, precision) from YYYY, YYYY-MM or YYYY-MM-DD; ValueError otherwise."""
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(f"date {text[:20]!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    parsed = date(int(year), int(month or 1), int(day or 1))
    return parsed, "day" if day else ("month" if month else "year")


# The field of each kind whose value must be one of a vocabulary (slug, or label in any case).
VOCABULARY_FIELDS: dict[str, tuple[str, dict[str, str]]] = {
    "station": ("status", v.STATION_STATUSES), "response": ("action", v.RESPONSE_ACTIONS),
}


def _slug(text: str, vocabulary: dict[str, str]) -> str | None:
    t = text.strip().casefold()
    for slug, label in vocabulary.items():
        if t in (slug, label.casefold(), slug.replace("_", " ")):
            return slug
    return None


def country_code(text: str, countries: dict[str, str]) -> str | None:
    """ISO alpha-2 of a country as a table may write it: a code, the register's English or Chinese
    name, or a common alias (UK, Holland, USA, 英国, 英國...)."""
    t = " ".join(text.split())
    return countries.get(t.upper()) or countries.get(t.casefold()) or COUNTRY_ALIASES.get(t.casefold())


def _check_values(kind: str, values: dict[str, str], mapped: Row, countries: dict[str, str]) -> None:
    """Check one row's field values for `kind`, noting errors and notes on `mapped`; country names
    and vocabulary labels in `values` are replaced by their codes."""
    for name, required, _help in FIELDS[kind]:
        if required and not values.get(name):
            mapped.errors.append(f"{name} is empty")
    if values.get("country"):
        iso2 = country_code(values["country"], countries)
        if iso2 is None:
            mapped.errors.append(f"unknown country {values['country'][:40]!r}")
        else:
            if iso2 != values["country"].strip().upper():
                mapped.notes.append(f"country {values['country'][:40]!r} read as {iso2}")
            values["country"] = iso2
    if values.get("source_url") and not re.match(r"^https?://\S+$", values["source_url"]):
        mapped.errors.append(f"source URL {values['source_url'][:60]!r} is not an http(s) URL")
    if values.get("quote") and not (values.get("source_url") or values.get("source_title")):
        mapped.errors.append("a quote needs the source it comes from (source URL or title)")
    vocabulary_field, vocabulary = VOCABULARY_FIELDS.get(kind, ("", {}))
    if vocabulary_field and values.get(vocabulary_field):
        slug = _slug(values[vocabulary_field], vocabulary)
        if slug is None:
            mapped.errors.append(f"unknown {vocabulary_field} {values[vocabulary_field][:40]!r}")
        else:
            values[vocabulary_field] = slug
    for date_field in ("first_reported", "date"):
        if values.get(date_field):
            try:
                parse_date(values[date_field])
            except ValueError as exc:
                mapped.errors.append(str(exc))


def map_rows(kind: str, table: Table, mapping: dict[str, str], countries: dict[str, str]) -> list[Row]:
    """Each row as field values for `kind`, with per-row errors and notes (country names mapped,
    rows repeating an earlier one). `countries` maps ISO codes and lower-cased names to ISO alpha-2."""
    out = []
    seen: dict[tuple, int] = {}
    for row in table.rows:
        mapped = Row(number=row.number, raw=row.raw, errors=list(row.errors))
        if not row.errors:
            values = {name: row.values.get(col, "") for name, col in mapping.items() if col}
            _check_values(kind, values, mapped, countries)
            mapped.values = values
            key = ((values.get("name_en") or "").casefold(), values.get("country")) if kind == "station" else \
                (values.get("country"), values.get("action"), values.get("date"), (values.get("body") or "").casefold())
            if mapped.ok and any(key):
                if key in seen:
                    mapped.notes.append(f"duplicate of row {seen[key]}")
                else:
                    seen[key] = row.number
        out.append(mapped)
    return out
