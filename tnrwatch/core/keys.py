"""Instance secrets kept outside the database: from the environment, else a file in the data folder.

A secret that protects the database (the receipt HMAC key, the audit chain's MAC key) must not live
in it: whoever copies the database alone should not get it. In production each comes from its
environment variable (settings make them mandatory); outside production it is generated once into
a private file beside the data, which `tnrwatch backup` includes.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

_cache: dict[Path, bytes] = {}  # per process: a key file never changes once written


def instance_secret(filename: str, configured: str = "") -> bytes:
    """The configured value, else the content of `<TNR_DATA_DIR>/<filename>` (created if missing)."""
    if configured:
        return configured.encode()
    path = Path(settings.DATA_DIR) / filename
    cached = _cache.get(path)
    if cached is not None:
        return cached
    if not path.exists():
        # Several workers may start at once: write a private temp file, then hard-link it into
        # place (atomic, fails if another worker won), so every process reads the same key.
        tmp = path.with_name(f"{filename}.{secrets.token_hex(8)}")
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = path.read_text().strip().encode()
    _cache[path] = key
    return key
