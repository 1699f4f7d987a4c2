"""A real hub in a subprocess (own SQLite file and data dir) and a real Chromium driven by Playwright."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
PASSWORD = "Tq7#river-lantern"
ROLE_USERS = {
    "sysadmin": None, "secadmin": None, "auditor": None, "steward": "gaj", "analyst": "dsj",
    "operator": "rx12345", "handler": "zjj", "leader": "gov",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def hub(tmp_path_factory):
    """Start `zhongshu serve` on a fresh database with one user per role; yield its base URL."""
    data = tmp_path_factory.mktemp("hub")
    env = {**os.environ, "ZHONGSHU_DATA_DIR": str(data), "DATABASE_URL": "", "ZHONGSHU_LANGUAGE": "zh-hans"}
    zs = [sys.executable, "-m", "zhongshu"]

    def call(*args, stdin=None):
        out = subprocess.run([*zs, *args], env=env, capture_output=True, text=True, input=stdin, timeout=300)
        assert out.returncode == 0, out.stderr
        return out

    call("migrate", "--noinput")
    call("departments", "--sync")
    call("createuser", "sysadmin1", "--role", "sysadmin", "--password-stdin", stdin=PASSWORD + "\n")
    script = ("from zhongshu.accounts.services import create_user\n"
              "from zhongshu.accounts.system import SYSTEM\n"
              f"for role, dept in {ROLE_USERS!r}.items():\n"
              "    if role != 'sysadmin':\n"
              f"        create_user(SYSTEM, username=role + '1', password={PASSWORD!r}, role=role, department_code=dept)\n")
    call("shell", "-c", script)
    call("appeals", "sync-taxonomy")
    port = _free_port()
    log = open(data / "serve.log", "w")
    # with its background worker, as a county runs it: uploads load in the worker
    proc = subprocess.Popen([*zs, "serve", "--port", str(port)], env=env, stdout=log, stderr=log,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the hub did not start: " + (data / "serve.log").read_text()[-2000:])
    yield base
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium fonts-noto-cjk to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def page_as(browser, hub):
    """Open a page logged in as the demo user of a role."""
    contexts = []

    def open_as(role: str):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.goto(hub + "/accounts/login/")
        page.fill("input[name=username]", f"{role}1")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    yield open_as
    for context in contexts:
        context.close()
