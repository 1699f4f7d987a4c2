"""Appeals fixtures: users per role and an appeal factory going through the real intake."""

from __future__ import annotations

import pytest

from zhongshu.appeals import intake, triage


@pytest.fixture(autouse=True)
def _rules_only_triage():
    """Tests do not depend on a trained model: triage uses the rule-only fallback."""
    triage._model, triage._model_failed = None, True
    yield
    triage.reset()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # seven accounts per test: argon2 is deliberately slow, and these tests are not about passwords
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users(make_user):
    class Users:
        operator = make_user("operator")
        handler = make_user("handler", department="zjj")  # 住建局
        other_handler = make_user("handler", username="handler_sthj", department="sthj")
        leader = make_user("leader")
        analyst = make_user("analyst")
        sysadmin = make_user("sysadmin")
        auditor = make_user("auditor")

    return Users


@pytest.fixture
def new_appeal(users):
    counter = {"n": 0}

    def make(text: str = "小区楼道路灯坏了一个月，晚上很黑，请尽快维修", **kwargs):
        counter["n"] += 1
        data = intake.AppealInput(text=text, **kwargs)
        appeal, _ = intake.submit(users.operator, data, "hotline")
        return appeal

    return make


class Planted:
    """An appeal text carrying one of each identifier a citizen types, and the raw values to look for."""

    text = ("电话13912345678，我叫王建国，家住城阳街道幸福小区3号楼2单元501室，楼下饭店油烟太大。"
            "座机0633-8212345，身份证号371122199001011238，饭店老板的车鲁L·D12345天天堵门，"
            "押金请退到6222021234567890128。")
    identifiers = ("13912345678", "王建国", "3号楼", "501室", "8212345", "371122199001011238", "D12345",
                   "6222021234567890128")
    phone_and_id = ("13912345678", "371122199001011238")


@pytest.fixture
def planted():
    return Planted
