"""`tnrwatch create-admin USERNAME`: the first administrator of a new instance.

Prints a generated password and the TOTP enrolment (secret, otpauth URI and a QR code) once;
neither is stored in a readable form. Django's `createsuperuser` makes an account without a role
or second factor, which cannot use the workspace: use this instead (docs/deployment.md).
"""

from __future__ import annotations

import segno
from django.core.management.base import BaseCommand, CommandError

from tnrwatch.accounts.services import admin_create
from tnrwatch.core.errors import ValidationError


class Command(BaseCommand):
    help = "Create an admin account with a generated password and a TOTP device; prints both once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--no-qr", action="store_true", help="do not draw the QR code in the terminal")

    def handle(self, *args, **options):
        try:
            login = admin_create(username=options["username"])
        except ValidationError as exc:
            raise CommandError(str(exc)) from exc
        out = self.stdout
        out.write(f"Admin account {login.user.username!r} created. This is shown once; nothing else keeps it.")
        out.write(f"  password:     {login.password}")
        out.write(f"  TOTP secret:  {login.secret}  (base32, 6 digits, 30 seconds)")
        out.write(f"  otpauth URI:  {login.uri}")
        if not options["no_qr"]:
            out.write("  Scan this with an authenticator app:")
            segno.make(login.uri, error="m").terminal(out=out._out, compact=True)
        out.write("Sign in at /accounts/login/, then create your inbox key under Inbox > My key.")
