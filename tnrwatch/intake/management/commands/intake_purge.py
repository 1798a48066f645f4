"""Retention: delete closed reports older than the configured number of days (run daily)."""

from django.core.management.base import BaseCommand

from tnrwatch.intake import services


class Command(BaseCommand):
    help = "Delete closed reports (and their attachments) past the retention period; sweep orphan blobs."

    def handle(self, *args, **options):
        deleted = services.reports_purge_expired()
        swept = services.blobs_sweep()
        self.stdout.write(f"{deleted} closed report(s) deleted, {swept} orphan blob(s) removed")
