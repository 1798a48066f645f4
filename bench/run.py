"""`make bench`: run every benchmark module and write their figures into docs/benchmarks.md.

Each module `bench/bench_<topic>.py` defines `run() -> str`, which measures (medians and ratios
side by side in one run; this machine has 2 cores and is noisy) and returns a Markdown section.
`python -m bench.run topic [topic...]` runs only those. Sections of topics not run are kept.
Benchmarks only ever talk to loopback.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import sys
import time
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Written by `make bench` (see `bench/`). Each section is replaced when its benchmark runs again;
the date and machine are noted in it. Figures are medians unless said otherwise, and ratios are
measured side by side in one run on the same machine (2 cores, noisy), not across runs.
"""
MARK = re.compile(r"<!-- bench:(\w+) -->\n(.*?)<!-- /bench:\1 -->\n", re.S)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tnrwatch.config.settings")
    topics = argv or sorted(
        m.name.removeprefix("bench_") for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    for topic in topics:
        print(f"== bench {topic}", flush=True)
        started = time.time()
        module = importlib.import_module(f"bench.bench_{topic}")
        body = module.run().rstrip() + "\n"
        print(body)
        write_section(topic, body + f"\n_Run on {time.strftime('%Y-%m-%d')} in {time.time() - started:.0f} s, {os.cpu_count()} cores._\n")
    return 0


def replace_section(doc: str, topic: str, body: str) -> str:
    """`doc` with the section of `topic` replaced by `body` (added at the end when it has none).
    Everything outside the markers (hand-written readings of the figures between sections) stays."""
    block = f"<!-- bench:{topic} -->\n{body}<!-- /bench:{topic} -->\n"
    for match in MARK.finditer(doc):
        if match.group(1) == topic:
            return doc[:match.start()] + block + doc[match.end():]
    return (doc or HEADER).rstrip("\n") + "\n\n" + block


def write_section(topic: str, body: str) -> None:
    DOC.write_text(replace_section(DOC.read_text() if DOC.exists() else "", topic, body))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
