import pytest


@pytest.fixture(autouse=True)
def _cheap_argon2(settings):
    """Keep crypto real but cheap in tests: Argon2id with small cost parameters."""
    settings.PASSWORD_HASHERS = ["tnrwatch.accounts.tests.cheap_hasher.CheapArgon2PasswordHasher"]
