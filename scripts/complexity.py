"""Fail when a function in tnrwatch/ is more complex than the limit (cyclomatic, as radon counts).

`make lint` runs it. A function past the limit is split into named steps, the pure logic apart
from the database reads; the limit is not raised for it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class

LIMIT = 25
ROOT = Path(__file__).resolve().parent.parent


def over_limit(root: Path, limit: int) -> list[tuple[str, int, str, int]]:
    """(path, line, name, complexity) of every function or method above `limit` under `root`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if isinstance(block, Class):
                continue  # its methods are visited one by one
            if block.complexity > limit:
                found.append((str(path.relative_to(ROOT)), block.lineno, block.fullname, block.complexity))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=LIMIT)
    parser.add_argument("root", nargs="?", default=str(ROOT / "tnrwatch"))
    args = parser.parse_args(argv)
    found = over_limit(Path(args.root).resolve(), args.limit)
    for path, line, name, complexity in found:
        print(f"{path}:{line}: {name} has cyclomatic complexity {complexity} (limit {args.limit})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
