"""Argon2id with test-sized cost: the real algorithm, cheap enough to run hundreds of times.

Only ever installed by the test fixtures (never in settings). Hashes keep the "argon2"
algorithm name; the parameters travel inside each hash, so production settings verify them too.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024  # KiB
    parallelism = 1
