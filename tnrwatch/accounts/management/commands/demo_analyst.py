"""Create (or refresh) the demo analyst account and print how to sign in. Never in production."""

from __future__ import annotations

import segno
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tnrwatch.accounts.services import demo_analyst_ensure


class Command(BaseCommand):
    help = "Create the demo analyst (random password, TOTP device) and print the login details."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo-analyst")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--no-qr", action="store_true", help="do not draw the QR code in the terminal")

    def handle(self, *args, **options):
        if getattr(settings, "TNR_ENV", "demo") == "production":
            raise CommandError(
                "demo_analyst refuses to run with TNR_ENV=production: a demo account with a printed "
                "password has no place on a live instance. Create staff accounts in the workspace instead."
            )
        login = demo_analyst_ensure(username=options["username"])
        out = self.stdout
        out.write("")
        out.write("Demo analyst sign-in (a new password is set each time this runs):")
        out.write(f"  login URL:    {options['base_url'].rstrip('/')}/accounts/login/")
        out.write(f"  username:     {login.user.username}")
        out.write(f"  password:     {login.password}")
        out.write(f"  TOTP secret:  {login.secret}  (base32, 6 digits, 30 seconds)")
        out.write(f"  otpauth URI:  {login.uri}")
        if not options["no_qr"]:
            out.write("  Scan this with an authenticator app:")
            segno.make(login.uri, error="m").terminal(out=out._out, compact=True)
        out.write("")
