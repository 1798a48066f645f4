"""`tnrwatch export FORMAT [--kind KIND] [--option key=value ...]`: the public record to stdout.

Built-in formats: `csv` (one table per `--kind`: stations, responses, claims, sources,
organizations, incidents; default stations) and `geojson` (one FeatureCollection of stations,
responses and incidents). Both are streamed, so memory stays flat whatever the size of the record,
and both contain TLP:CLEAR records only (the same selectors as the public API).

Extending: a module `tnrwatch.sharing.exporters` with a dict `FORMATS` adds formats (e.g. "stix",
"ftm"); its entries are merged over the built-in ones. Each value is a callable

    writer(stdout: TextIO, options: dict[str, Any]) -> None

that writes the whole export to `stdout` (a text stream; write str, flush as you like) and returns
nothing. `options` holds: "format" (the chosen name), "kind" (the --kind value or None), "extra"
(a dict from the repeatable `--option key=value`, values as strings), and "verbosity". A writer
raises `django.core.management.CommandError` (or `tnrwatch.core.errors.ApplicationError`, turned
into one) for invalid options.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError

from tnrwatch.atlas import exports
from tnrwatch.core.errors import ApplicationError

Writer = Callable[[TextIO, dict[str, Any]], None]


def write_csv(stdout: TextIO, options: dict[str, Any]) -> None:
    kind = options.get("kind") or "stations"
    if kind not in exports.CSV_COLUMNS:
        raise CommandError(f"Unknown --kind {kind!r} for csv; expected one of: {', '.join(exports.CSV_COLUMNS)}")
    for chunk in exports.csv_stream(kind):
        stdout.write(chunk)


def write_geojson(stdout: TextIO, options: dict[str, Any]) -> None:
    if options.get("kind"):
        raise CommandError("geojson has no --kind: it holds stations, responses and incidents together.")
    for chunk in exports.geojson_stream():
        stdout.write(chunk)


FORMATS: dict[str, Writer] = {"csv": write_csv, "geojson": write_geojson}


def formats() -> dict[str, Writer]:
    """The built-in formats, plus those of `tnrwatch.sharing.exporters.FORMATS` when it exists."""
    merged = dict(FORMATS)
    try:
        extra = importlib.import_module("tnrwatch.sharing.exporters")
    except ModuleNotFoundError as exc:
        if exc.name not in ("tnrwatch.sharing.exporters",):
            raise
        return merged
    merged.update(getattr(extra, "FORMATS", {}) or {})
    return merged


class Command(BaseCommand):
    # An export reads the database only; it must not depend on every URLconf importing cleanly.
    requires_system_checks: list[str] = []
    help = "Write the public record (TLP:CLEAR) to stdout: csv (per --kind) or geojson, or a sharing format."

    def add_arguments(self, parser) -> None:
        parser.add_argument("format", help="one of: " + ", ".join(sorted(formats())))
        parser.add_argument("--kind", default=None,
                            help="for csv: " + ", ".join(exports.CSV_COLUMNS) + " (default stations)")
        parser.add_argument("--partner", default=None, metavar="NAME",
                            help="for sharing formats (stix, ftm): export what this partner may receive, "
                                 "instead of the public record")
        parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                            help="a format-specific option, repeatable")

    def handle(self, *args: Any, **options: Any) -> None:
        available = formats()
        name = options["format"]
        if name not in available:
            raise CommandError(f"Unknown format {name!r}; expected one of: {', '.join(sorted(available))}")
        extra: dict[str, str] = {}
        for item in options["option"]:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise CommandError(f"--option takes KEY=VALUE, got {item!r}")
            extra[key] = value
        writer_options = {"format": name, "kind": options["kind"], "extra": extra, "verbosity": options["verbosity"]}
        if options["partner"]:
            if name in ("csv", "geojson"):
                raise CommandError(f"{name} exports the public record only; --partner is for stix and ftm.")
            writer_options["partner"] = options["partner"]
        # self.stdout is Django's OutputWrapper; writers get the raw stream so they can write
        # chunks without the wrapper appending newlines.
        stream = cast(TextIO, self.stdout._out)
        try:
            available[name](stream, writer_options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        stream.flush()
