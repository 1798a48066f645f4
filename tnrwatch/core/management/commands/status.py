"""`tnrwatch status`: what `/healthz` reports, for an operator, plus the audit chain's head.

Exit status 0 when every check passes, 1 otherwise. Write the head (position and MAC) somewhere
off the server now and then: a database put back from an older copy shows as a shorter chain.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tnrwatch.audit.models import AuditChainHead
from tnrwatch.core.health import health_report


def _line(name: str, check: dict[str, Any]) -> str:
    details = ", ".join(f"{k}={v}" for k, v in check.items() if k != "ok")
    return f"{'ok  ' if check['ok'] else 'FAIL'} {name:<16} {details}"


class Command(BaseCommand):
    help = "Print the instance's health (database, queue, disks, oldest task, audit chain)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = health_report()
        checks = report["checks"]
        for name, check in checks.items():
            if name == "disk":
                for store, disk in check.items():
                    self.stdout.write(_line(f"disk {store}", disk))
            else:
                self.stdout.write(_line(name, check))
        if checks["database"]["ok"]:
            head = AuditChainHead.objects.filter(pk=1).first()
            if head is not None:
                self.stdout.write(f"     audit head       position={head.seq} mac={head.last_mac[:16]}")
        if not report["ok"]:
            raise CommandError("some checks failed")
        self.stdout.write("all checks passed")
