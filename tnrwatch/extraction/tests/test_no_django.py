"""The extractor is pure Python: importing it and extracting loads neither Django nor the registry.

Run in a fresh interpreter, since the test process itself has Django loaded.
"""

import json
import subprocess
import sys

PROBE = """
import json, sys
from tnrwatch.extraction import extract
extract("The Dutch government ordered the closure of the station in Amsterdam.")
print(json.dumps(sorted(m for m in sys.modules if m == "django" or m.startswith(("django.", "tnrwatch.")))))
"""


def test_importing_and_running_the_extractor_loads_neither_django_nor_the_registry():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert "tnrwatch.extraction" in loaded
    assert not [m for m in loaded if m == "django" or m.startswith("django.")]
    assert not [m for m in loaded if m.startswith(("tnrwatch.registry", "tnrwatch.config"))]
