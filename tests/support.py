"""Helpers shared by tests (importable thanks to pytest's `pythonpath = ["tests"]`)."""

from django.contrib.auth.hashers import Argon2PasswordHasher

TEST_PASSWORD = "Tq7#river-lantern"


class FastArgon2(Argon2PasswordHasher):
    """Argon2 with small costs, so the suite's many logins stay quick (same algorithm and format)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
