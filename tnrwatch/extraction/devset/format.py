"""Write a development-set file in its reviewable layout: one text per three lines.

    python -m tnrwatch.extraction.devset.format tnrwatch/extraction/devset/texts.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def dumps(data: dict[str, Any]) -> str:
    j = _j
    rows = []
    for t in data["texts"]:
        rows.append(f'    {{"id": {j(t["id"])}, "lang": {j(t["lang"])},\n'
                    f'     "text": {j(t["text"])},\n'
                    f'     "responses": {j(t.get("responses", []))}, "stations": {j(t.get("stations", []))}, '
                    f'"operators": {j(t.get("operators", []))}, "figures": {j(t.get("figures", []))}'
                    + (f',\n     "people": {j(t["people"])}' if "people" in t else "") + "}")
    return '{\n  "about": ' + j(data["about"]) + ',\n  "texts": [\n' + ",\n".join(rows) + "\n  ]\n}\n"


def main(paths: list[str]) -> int:
    for path in map(Path, paths):
        path.write_text(dumps(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
