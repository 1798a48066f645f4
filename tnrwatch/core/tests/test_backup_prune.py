"""Old archives go after TNR_BACKUP_KEEP_DAYS; the newest always stays; other files are never touched."""

from __future__ import annotations

import os
import time

from tnrwatch.core.backup import backups_prune


def test_prune_keeps_recent_archives_and_the_newest(tmp_path):
    now = time.time()
    ages = {"tnrwatch-backup-a.tar.age": 30, "tnrwatch-backup-b.tar.age": 20, "tnrwatch-backup-c.tar.age": 1,
            "notes.txt": 90, "tnrwatch-backup-d.tar.age.partial-1234": 90}
    for name, days in ages.items():
        path = tmp_path / name
        path.write_bytes(b"x")
        os.utime(path, (now - days * 86400, now - days * 86400))
    removed = backups_prune(tmp_path, keep_days=14, now=now)
    assert sorted(p.name for p in removed) == ["tnrwatch-backup-a.tar.age", "tnrwatch-backup-b.tar.age"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "tnrwatch-backup-c.tar.age",
                                                          "tnrwatch-backup-d.tar.age.partial-1234"]
    # With every archive older than the limit, the newest one is still kept
    os.utime(tmp_path / "tnrwatch-backup-c.tar.age", (now - 99 * 86400, now - 99 * 86400))
    assert backups_prune(tmp_path, keep_days=14, now=now) == []
