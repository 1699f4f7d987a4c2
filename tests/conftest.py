"""Shared fixtures: departments from the county config, users per role, logged-in clients."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from support import TEST_PASSWORD  # noqa: F401  (re-exported for fixtures)
from zhongshu.accounts.models import User
from zhongshu.accounts.services import sync_departments
from zhongshu.accounts.system import SYSTEM
from zhongshu.core.county import load_county


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    """Each test gets its own data dir (warehouse files, models, demo files), and cheap Argon2."""
    settings.ZHONGSHU_DATA_DIR = tmp_path / "data"
    settings.ZHONGSHU_DATA_DIR.mkdir()
    settings.PASSWORD_HASHERS = ["support.FastArgon2"]


@pytest.fixture
def departments(db):
    sync_departments(SYSTEM, load_county(django_settings.ZHONGSHU_COUNTY))


@pytest.fixture
def make_user(departments):
    """Create a user with a role (and a department where the role needs one)."""
    default_dept = {"steward": "gaj", "analyst": "dsj", "operator": "rx12345", "handler": "zjj", "leader": "gov"}

    def make(role: str, username: str | None = None, department: str | None = None) -> User:
        from zhongshu.accounts.services import create_user

        return create_user(SYSTEM, username=username or f"{role}_user", password=TEST_PASSWORD, role=role,
                           department_code=department or default_dept.get(role))

    return make


@pytest.fixture
def login(client, make_user):
    """Log a fresh user of a role into the test client through the real login page."""

    def do(role: str, **kwargs) -> User:
        user = make_user(role, **kwargs)
        response = client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.content[:500]
        return user

    return do
