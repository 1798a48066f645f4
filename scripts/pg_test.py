"""Run the suite against PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth).

Runs the tests that open a database connection (browser tests excepted; TNR_PG_ALL=1 runs every
test): the rest give the same answer on either engine and have run on SQLite already.
Where no server answers, say so and exit 0 (skipped), except under CI, where it is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

HOST, PORT = os.environ.get("TNR_PG_HOST", "127.0.0.1"), int(os.environ.get("TNR_PG_PORT", "5432"))


def reachable() -> bool:
    try:
        with socket.create_connection((HOST, PORT), timeout=2):
            return True
    except OSError:
        return False


def main() -> int:
    if not reachable():
        msg = f"PostgreSQL tests: no server at {HOST}:{PORT}"
        if os.environ.get("CI"):
            print(f"{msg}; under CI this is a failure.", file=sys.stderr)
            return 1
        print(f"{msg}; skipped. Start PostgreSQL to run them.")
        return 0
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"postgres://postgres@{HOST}:{PORT}/tnrwatch")
    env["TNR_REQUIRE_POSTGRES"] = "1"
    # Only the tests that open a database connection (tnrwatch/conftest.py says why); TNR_PG_ALL=1 runs all.
    env["TNR_PG_SUBSET"] = "1"
    return subprocess.call(  # noqa: S603 - our own interpreter and pytest, with the caller's arguments
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *sys.argv[1:]], env=env
    )


if __name__ == "__main__":
    sys.exit(main())
