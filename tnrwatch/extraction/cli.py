"""`tnrwatch extract FILE...`: candidate claims as JSON lines, one object per line.

Usable without Django: `python -m tnrwatch.extraction.cli FILE`. `-` reads standard input.
Files are read as UTF-8 with invalid bytes replaced, so any file gives output or a clear error."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import TextIO

from tnrwatch.extraction.pipeline import extract

MAX_BYTES = 50 * 1024 * 1024


def candidate_lines(text: str, lang: str | None = None) -> Iterable[str]:
    for candidate in extract(text, lang):
        yield json.dumps(candidate.to_dict(), ensure_ascii=False)


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.buffer.read(MAX_BYTES).decode("utf-8", errors="replace")
    with open(path, "rb") as fh:
        return fh.read(MAX_BYTES).decode("utf-8", errors="replace")


def run(paths: list[str], lang: str | None, out: TextIO, err: TextIO) -> int:
    """Write candidates of each file to `out`; errors go to `err`, one line per file. 0 if all read."""
    status = 0
    for path in paths:
        try:
            text = _read(path)
        except OSError as exc:
            err.write(f"{path}: cannot read: {exc.strerror or exc}\n")
            status = 1
            continue
        for line in candidate_lines(text, lang):
            out.write(line + "\n")
    return status


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(prog="tnrwatch extract", description=__doc__)
    parser.add_argument("files", nargs="+", metavar="FILE", help="text files to read ('-' for stdin)")
    parser.add_argument("--lang", default=None, help="language tag, detected when not given")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(args.files, args.lang, sys.stdout, sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
