"""Write the reverse proxy's own reporting-channel page (deploy/nginx/errors/report-busy.html)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from tnrwatch.intake import proxy_pages


class Command(BaseCommand):
    help = "Write the page nginx shows when it rate-limits report submissions, in every language, into DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="e.g. deploy/nginx/errors (or /usr/share/tnrwatch/errors)")

    def handle(self, *args, **options):
        path = Path(options["directory"]) / proxy_pages.FILE_NAME
        path.write_text(proxy_pages.busy_page(), encoding="utf-8")
        self.stdout.write(f"wrote {path}")
