"""`zhongshu demo setup`: departments, one account per role, the source files, and loading them.

Idempotent: a second run creates nothing twice. Demo passwords are random, generated on the first
run into `<data dir>/demo-accounts.json` (mode 0600) and printed on every run.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from django.conf import settings

from zhongshu.accounts.models import User
from zhongshu.accounts.services import create_user, sync_departments
from zhongshu.accounts.system import SYSTEM
from zhongshu.core.county import load_county

# (username, role, department code, display name)
DEMO_USERS: tuple[tuple[str, str, str | None, str], ...] = (
    ("admin", "sysadmin", None, "系统管理员"),
    ("security", "secadmin", None, "安全管理员"),
    ("auditor", "auditor", None, "审计员"),
    ("steward", "steward", "dsj", "大数据局数据管理员"),
    ("steward_gaj", "steward", "gaj", "公安局数据管理员"),
    ("analyst", "analyst", "dsj", "数据分析员"),
    ("operator", "operator", "rx12345", "热线话务员"),
    ("handler", "handler", "zjj", "住建局承办人"),
    ("leader", "leader", "gov", "县领导"),
)

# Later capabilities plug their demo loading in here: module path -> function(data_dir, say) .
DEMO_LOADERS = ("zhongshu.catalog.demo", "zhongshu.appeals.demo", "zhongshu.nlp.demo")


def demo_passwords(data_dir: Path) -> dict[str, str]:
    """The demo accounts' passwords, generated once and kept in the data dir."""
    path = data_dir / "demo-accounts.json"
    if path.exists():
        return json.loads(path.read_text())
    passwords = {name: f"Zs-{secrets.token_urlsafe(9)}" for name, *_ in DEMO_USERS}
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(passwords, fh, indent=1)
    return passwords


def setup_demo(*, residents: int, seed: int, say: Callable[[str], None]) -> dict[str, str]:
    """Build the demo county in this hub; returns username → password."""
    data_dir: Path = settings.ZHONGSHU_DATA_DIR
    created = sync_departments("demo", load_county(settings.ZHONGSHU_COUNTY))
    say(f"departments: {created} created")
    passwords = demo_passwords(data_dir)
    for username, role, dept, display in DEMO_USERS:
        if not User.objects.filter(username=username).exists():
            create_user(SYSTEM, username=username, password=passwords[username], role=role,
                        department_code=dept, display_name=display)
    out = data_dir / "demo"
    manifest = out / "manifest.json"
    if manifest.exists() and json.loads(manifest.read_text()).get("residents") == residents:
        say(f"demo source files already in {out}")
    else:
        from zhongshu.demo.generator import generate

        say(f"generating demo source files for {residents} residents into {out} …")
        generate(out, residents=residents, seed=seed)
    for module_name in DEMO_LOADERS:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.load_demo(out, say)
    return passwords
