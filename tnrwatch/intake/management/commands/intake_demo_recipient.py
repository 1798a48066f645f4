"""Give the demo analyst an inbox key, so the demo's reporting form accepts reports. Never in production.

The passphrase is printed once, when the key is created; the private key is stored only wrapped
under it (Argon2id), as for any analyst.
"""

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tnrwatch.accounts.models import User
from tnrwatch.intake import selectors, services


class Command(BaseCommand):
    help = "Create an inbox key for the demo analyst and print its passphrase (demo only)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo-analyst")

    def handle(self, *args, username, **options):
        if getattr(settings, "TNR_ENV", "demo") == "production":
            raise CommandError("intake_demo_recipient refuses to run with TNR_ENV=production.")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}: run `tnrwatch demo_analyst` first.")
        if selectors.recipient_key_of(user) is not None:
            self.stdout.write(f"  inbox key:    {username} already has one (its passphrase was printed when it "
                              "was made; delete var/ to start the demo afresh)")
            return
        passphrase = "-".join(secrets.token_urlsafe(6) for _ in range(4))
        services.recipient_key_create(actor=user, passphrase=passphrase, label=f"{username} (demo)")
        self.stdout.write(f"  inbox key passphrase: {passphrase}  (unlocks reports at /inbox/)")
