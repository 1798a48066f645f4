"""The demo analyst gets an inbox key whose printed passphrase really unlocks it; never in production."""

import re

import pytest
from django.core.management import CommandError, call_command

from tnrwatch.intake import selectors, services

pytestmark = pytest.mark.django_db


def test_demo_recipient_prints_a_passphrase_that_unlocks_the_key(make_staff, capsys, settings):
    settings.TNR_INTAKE = {"kdf_time_cost": 1, "kdf_memory_kib": 1024}
    user = make_staff("analyst", "demo-analyst")
    call_command("intake_demo_recipient")
    passphrase = re.search(r"passphrase: (\S+)", capsys.readouterr().out).group(1)
    assert selectors.recipient_key_of(user) is not None
    assert services.identities_unlock(user=user, passphrase=passphrase)
    call_command("intake_demo_recipient")  # a second run keeps the key and prints no new passphrase
    assert "passphrase:" not in capsys.readouterr().out


def test_demo_recipient_refuses_production(settings):
    settings.TNR_ENV = "production"
    with pytest.raises(CommandError):
        call_command("intake_demo_recipient")
