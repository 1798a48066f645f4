"""Add an offline age recipient: reports are encrypted to it; its private key never touches the server."""

from django.core.management.base import BaseCommand, CommandError

from tnrwatch.core.errors import ApplicationError
from tnrwatch.intake import services


class Command(BaseCommand):
    help = "Add an offline age public key (age1…) as a recipient of every new report."

    def add_arguments(self, parser):
        parser.add_argument("--label", required=True)
        parser.add_argument("--public-key", required=True)

    def handle(self, *args, label, public_key, **options):
        try:
            key = services.recipient_key_add_offline(actor=None, label=label, public_key=public_key)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"recipient {key.pk} added: {key.label}")
