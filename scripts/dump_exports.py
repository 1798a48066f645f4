"""Dump everything the demo instance publishes, so a refactoring can be checked byte for byte.

    python scripts/dump_exports.py OUT_DIR                  # fresh SQLite database, demo, dump
    python scripts/dump_exports.py OUT_DIR --compare BASE   # ... then compare with an earlier dump

Run it from the checkout to dump (it imports `tnrwatch` from the current directory), so the same
script can dump an older checkout: `cd /tmp/old-main && python /path/to/scripts/dump_exports.py ...`.

What is dumped (one file each, under OUT_DIR): the OpenAPI schema; every page of every list of the
public API with each record's detail; the CSV export of every kind and the GeoJSON export; the
public STIX bundle, FollowTheMoney entities and MISP events (`tnrwatch export`); the public search
exports and Atom feed; the public atlas pages of every record; the TAXII discovery document.

Normalisation (done when the files are written, so a plain `diff -r` compares two dumps):
- The run starts on an empty database in a temporary folder, so database ids are the same each time;
  the sharing instance's UUID (from which STIX ids derive) is set to a fixed value before anything
  reads it.
- Timestamps the run itself creates (a record's `created`/`modified`, a capture time, a bundle's
  date) differ between runs. Every ISO-8601 date-time, and every ISO date, that falls inside the
  run's own time window is replaced by `<run-time>` / `<run-date>`; dates from the record (the
  article's dates) are kept. RFC 1123 dates (Atom, HTTP) in the window likewise.
- `csrfmiddlewaretoken` values in HTML pages and `nonce` attributes become `<token>`.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from io import StringIO
from pathlib import Path

FIXED_INSTANCE_UUID = "00000000-0000-4000-8000-00000000d3e0"
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
ISO_DATE = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d:T])")
RFC1123 = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} (?:GMT|[+-]\d{4})")
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
NONCE = re.compile(r'(nonce=")[^"]*(")')


class Window:
    """The run's own time window: timestamps inside it were made by the run, not by the record."""

    def __init__(self) -> None:
        self.start = datetime.now(UTC) - timedelta(seconds=2)
        self.end: datetime | None = None

    def close(self) -> None:
        self.end = datetime.now(UTC) + timedelta(seconds=2)

    def holds(self, moment: datetime) -> bool:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return self.start <= moment <= (self.end or datetime.now(UTC) + timedelta(seconds=2))

    def normalise(self, text: str) -> str:
        def iso_datetime(match: re.Match) -> str:
            raw = match.group(0).replace(" ", "T").replace("Z", "+00:00")
            try:
                return "<run-time>" if self.holds(datetime.fromisoformat(raw)) else match.group(0)
            except ValueError:
                return match.group(0)

        def iso_date(match: re.Match) -> str:
            days = {self.start.date(), (self.end or datetime.now(UTC)).date()}
            return "<run-date>" if match.group(0) in {d.isoformat() for d in days} else match.group(0)

        def rfc1123(match: re.Match) -> str:
            try:
                return "<run-time>" if self.holds(parsedate_to_datetime(match.group(0))) else match.group(0)
            except (TypeError, ValueError):
                return match.group(0)

        text = ISO_DATETIME.sub(iso_datetime, text)
        text = ISO_DATE.sub(iso_date, text)
        text = RFC1123.sub(rfc1123, text)
        text = CSRF.sub(r"\1<token>\2", text)
        return NONCE.sub(r"\1<token>\2", text)


def _write(out: Path, name: str, text: str, window: Window) -> None:
    path = out / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(window.normalise(text), encoding="utf-8")


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode("utf-8")


def _get(client, url: str) -> str:
    response = client.get(url, HTTP_HOST="localhost")
    return f"{response.status_code} {response.get('Content-Type', '')}\n{_body(response)}"


def dump(out: Path, window: Window, *, details: bool = True) -> list[str]:
    """Write every public output of the instance's current record under `out`; returns the names.

    Needs a configured Django (settings loaded, database migrated, the record loaded). Without
    `details`, only the lists, exports and feeds (not each record's API detail and atlas page)."""
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from tnrwatch.atlas.exports import CSV_COLUMNS
    from tnrwatch.sharing.exporters import FORMATS
    from tnrwatch.sharing.selectors import instance

    shared = instance()
    if str(shared.uuid) != FIXED_INSTANCE_UUID:
        type(shared).objects.filter(pk=shared.pk).update(uuid=FIXED_INSTANCE_UUID)

    client = Client()
    written: list[str] = []

    def save(name: str, text: str) -> None:
        _write(out, name, text, window)
        written.append(name)

    save("api/openapi.json", _get(client, "/api/v1/openapi.json"))
    for listing, key in [("countries", "iso2"), ("stations", "id"), ("organizations", "id"), ("responses", "id"),
                         ("incidents", "id"), ("claims", "id"), ("sources", "id")]:
        offset, page = 0, 0
        while True:
            response = client.get(f"/api/v1/{listing}", {"limit": 100, "offset": offset}, HTTP_HOST="localhost")
            save(f"api/{listing}/page-{page}.json", f"{response.status_code}\n{_body(response)}")
            data = response.json()
            for item in data.get("results", []) if details else []:
                save(f"api/{listing}/{item[key]}.json", _get(client, f"/api/v1/{listing}/{item[key]}"))
                if listing != "countries":
                    save(f"html/{listing}/{item[key]}.html", _atlas_page(client, reverse, listing, item[key]))
                else:
                    save(f"html/countries/{item[key]}.html", _get(client, f"/countries/{item[key].lower()}/"))
            if not data.get("next"):
                break
            offset, page = offset + 100, page + 1
    save("api/map.json", _get(client, "/api/v1/map"))
    for kind in CSV_COLUMNS:
        save(f"export/{kind}.csv", _get(client, f"/api/v1/export/{kind}.csv"))
    save("export/record.geojson", _get(client, "/api/v1/export/record.geojson"))
    for fmt in sorted(FORMATS):
        stream = StringIO()
        call_command("export", fmt, stdout=stream)
        save(f"export/{fmt}.txt", stream.getvalue())
    for query in ["police", "station", "警察"]:
        for suffix, url in [("csv", "/search/export.csv"), ("json", "/search/export.json"), ("atom", "/search/feed.atom")]:
            save(f"search/{query.encode('utf-8').hex()}.{suffix}", _get(client, f"{url}?q={query}"))
        save(f"html/search-{query.encode('utf-8').hex()}.html", _get(client, f"/search/?q={query}"))
    for name, url in [("home", "/"), ("stations", "/stations/"), ("sources", "/sources/"), ("incidents", "/incidents/"),
                      ("compare", "/compare/"), ("taxii-discovery", "/taxii2/")]:
        save(f"html/{name}.html", _get(client, url))
    return written


ATLAS_PAGES = {"stations": "station", "organizations": "organization", "responses": "response",
               "incidents": None, "claims": "claim", "sources": "source"}


def _atlas_page(client, reverse, listing: str, pk: int) -> str:
    name = ATLAS_PAGES[listing]
    if name is None:
        return "(no page of its own)\n"
    return _get(client, reverse(f"atlas:{name}", kwargs={"pk": pk}))


def compare(base: Path, new: Path) -> list[str]:
    """Names of the files that differ, or exist on one side only."""
    differences: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        differences.extend(f"{prefix}{n} (only before)" for n in cmp.left_only)
        differences.extend(f"{prefix}{n} (only after)" for n in cmp.right_only)
        for name in cmp.common_files:
            if (Path(cmp.left) / name).read_bytes() != (Path(cmp.right) / name).read_bytes():
                differences.append(f"{prefix}{name}")
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(base, new), "")
    return sorted(differences)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--compare", type=Path, help="an earlier dump to compare with")
    args = parser.parse_args(argv)
    window = Window()
    with tempfile.TemporaryDirectory(prefix="tnr-dump-") as data_dir:
        os.environ.update(TNR_DATA_DIR=data_dir, TNR_ENV="test", DJANGO_SETTINGS_MODULE="tnrwatch.config.settings")
        os.environ.pop("DATABASE_URL", None)
        sys.path.insert(0, os.getcwd())
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_demo", stdout=StringIO())
        args.out.mkdir(parents=True, exist_ok=True)
        names = dump(args.out, window)
        window.close()
    print(json.dumps({"files": len(names), "out": str(args.out)}))
    if args.compare:
        differences = compare(args.compare, args.out)
        for name in differences:
            print(f"differs: {name}")
        print("identical" if not differences else f"{len(differences)} file(s) differ")
        return 1 if differences else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
