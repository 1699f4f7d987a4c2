"""`zhongshu demo setup` builds the demo county and is safe to run twice."""

import json
import stat

from django.core.management import call_command

from zhongshu.accounts.models import Department, User
from zhongshu.audit.services import verify_chain
from zhongshu.core.county import load_county
from zhongshu.demo.setup import DEMO_USERS


def counts():
    from django.apps import apps

    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in {"accounts", "catalog", "appeals"}}


def test_setup_twice_creates_nothing_twice(db, settings, capsys):
    call_command("demo", "setup", "--residents", "300", "--seed", "3")
    first = capsys.readouterr().out
    after_first = counts()
    call_command("demo", "setup", "--residents", "300", "--seed", "3")
    second = capsys.readouterr().out
    assert counts() == after_first
    # one account per role, printed with the same password both times
    assert {u.role for u in User.objects.all()} == {role for _, role, _, _ in DEMO_USERS}
    passwords = json.loads((settings.ZHONGSHU_DATA_DIR / "demo-accounts.json").read_text())
    for username, *_ in DEMO_USERS:
        assert passwords[username] in first and passwords[username] in second
    assert stat.S_IMODE((settings.ZHONGSHU_DATA_DIR / "demo-accounts.json").stat().st_mode) == 0o600
    # the county config: the government, the bureaus and the 21 townships of 莒县
    county = load_county("371122")
    assert Department.objects.filter(kind="township").count() == 21 == len(county.townships)
    assert Department.objects.get(code="gaj").parent.code == "gov"
    assert (settings.ZHONGSHU_DATA_DIR / "demo" / "manifest.json").exists()
    assert verify_chain().ok
