"""Production refuses to start without its secrets, and says which one is missing."""

import os
import subprocess
import sys

import pytest

CHECK = [sys.executable, "-c", "import django; django.setup()"]


def _run(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TNR_")}
    env.update({"DJANGO_SETTINGS_MODULE": "tnrwatch.config.settings", "TNR_DATA_DIR": str(tmp_path),
                "TNR_ENV": "production", **extra})
    return subprocess.run(CHECK, env=env, capture_output=True, text=True, timeout=60)


SECRETS = {"TNR_SECRET_KEY": "s" * 50, "TNR_RECEIPT_KEY": "r" * 50, "TNR_AUDIT_KEY": "a" * 50}


@pytest.mark.parametrize("missing", list(SECRETS))
def test_production_without_a_secret_stops_with_its_name(tmp_path, missing):
    secrets = dict(SECRETS)
    secrets.pop(missing)
    result = _run(tmp_path, **secrets)
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_production_with_its_secrets_starts(tmp_path):
    result = _run(tmp_path, **SECRETS)
    assert result.returncode == 0, result.stderr
