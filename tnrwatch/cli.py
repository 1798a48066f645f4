"""The `tnrwatch` command: a thin front for the Django management commands.

`tnrwatch load-demo` runs the `load_demo` command, `tnrwatch export csv` runs `export csv`, and so on:
hyphens in the first word become underscores.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tnrwatch.config.settings")
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tnrwatch", *args])


if __name__ == "__main__":
    main()
