"""Docs stay true: every setting and CLI command is documented."""

import re
from pathlib import Path

from zhongshu.__main__ import COMMANDS
from zhongshu.core import env

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "configuration.md").read_text()
    missing = [s.name for s in env.SETTINGS if f"`{s.name}`" not in doc]
    assert not missing, f"document these in docs/configuration.md: {missing}"


def test_code_reads_only_declared_settings():
    """Any os.environ read of a ZHONGSHU_* name in the package must be a declared setting."""
    declared = set(env.BY_NAME)
    found = set()
    for path in (ROOT / "src" / "zhongshu").rglob("*.py"):
        found |= set(re.findall(r"""environ(?:\.get)?\(?\[?["'](ZHONGSHU_[A-Z_]+)""", path.read_text()))
        found |= set(re.findall(r"""getattr\(settings, ["'](ZHONGSHU_[A-Z_]+)""", path.read_text()))
    assert found - declared == set(), f"declare these in core/env.py and document them: {found - declared}"


def test_every_cli_command_is_documented():
    doc = (ROOT / "docs" / "cli.md").read_text()
    missing = [name for name, _ in COMMANDS if f"zhongshu {name}" not in doc]
    assert not missing, f"document these commands in docs/cli.md: {missing}"
