"""Helpers shared by tests (importable thanks to pytest's `pythonpath = ["tests"]`)."""

TEST_PASSWORD = "Tq7#river-lantern"
