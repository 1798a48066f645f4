"""The documentation keeps up with the code: a setting or command nobody documented fails here."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ENV_READ = re.compile(r"""(?:env(?:_bool|_int)?|os\.environ\.get|os\.getenv|environ\.get)\(\s*["'](TNR_[A-Z0-9_]+|DATABASE_URL)["']""")


def _env_vars_in_code() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "tnrwatch").rglob("*.py"):
        if "tests" in path.parts:
            continue
        found.update(ENV_READ.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_setting_read_from_the_environment_is_documented():
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = sorted(name for name in _env_vars_in_code() if f"`{name}`" not in doc)
    assert not missing, f"document these in docs/configuration.md: {missing}"


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme


def test_architecture_names_every_app():
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for app in ("core", "accounts", "registry", "atlas", "intake", "ingestion", "extraction", "sharing"):
        assert f"`{app}`" in doc, app
