"""The command line as a user meets it: help, bad arguments, bad settings, an unreachable database."""

import os
import subprocess
import sys

import pytest


def run(*args, env=None, stdin=None):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "zhongshu", *args], capture_output=True, text=True,
                          env=full_env, input=stdin, timeout=120)


def test_help_lists_commands():
    out = run("--help")
    assert out.returncode == 0
    for name in ("serve", "demo", "createuser", "audit"):
        assert name in out.stdout


@pytest.mark.parametrize("command", ["serve", "demo", "createuser", "audit"])
def test_each_command_explains_itself(command):
    out = run(command, "--help")
    assert out.returncode == 0, out.stderr
    assert "usage:" in out.stdout


def test_bad_setting_is_a_clear_error(tmp_path):
    out = run("audit", "verify", env={"ZHONGSHU_SESSION_IDLE_MINUTES": "abc", "ZHONGSHU_DATA_DIR": str(tmp_path)})
    assert out.returncode == 2
    assert "ZHONGSHU_SESSION_IDLE_MINUTES" in out.stderr and "whole number" in out.stderr
    assert "Traceback" not in out.stderr


def test_unparseable_database_url(tmp_path):
    out = run("audit", "verify", env={"DATABASE_URL": "nosuchdb://x", "ZHONGSHU_DATA_DIR": str(tmp_path)})
    assert out.returncode == 2 and "DATABASE_URL" in out.stderr and "Traceback" not in out.stderr


def test_unreachable_database(tmp_path):
    url = "postgresql://postgres:s3cret-pass@127.0.0.1:1/nowhere"
    out = run("migrate", env={"DATABASE_URL": url, "ZHONGSHU_DATA_DIR": str(tmp_path)})
    assert out.returncode != 0
    assert "127.0.0.1:1" in out.stderr and "DATABASE_URL" in out.stderr
    assert "s3cret-pass" not in out.stderr + out.stdout
    assert "Traceback" not in out.stderr


def test_unmigrated_database_says_migrate(tmp_path):
    out = run("audit", "verify", env={"ZHONGSHU_DATA_DIR": str(tmp_path), "DATABASE_URL": ""})
    assert out.returncode == 3 and "zhongshu migrate" in out.stderr


def test_bad_cli_argument(tmp_path):
    out = run("demo", "generate", "--residents", "0", env={"ZHONGSHU_DATA_DIR": str(tmp_path)})
    assert out.returncode != 0 and "--residents" in out.stderr and "Traceback" not in out.stderr
    out = run("createuser", "bob", "--role", "wizard", env={"ZHONGSHU_DATA_DIR": str(tmp_path)})
    assert out.returncode != 0 and "wizard" in out.stderr


def test_createuser_and_verify_end_to_end(tmp_path):
    env = {"ZHONGSHU_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    assert run("migrate", "--noinput", env=env).returncode == 0
    assert run("departments", "--sync", env=env).returncode == 0
    out = run("createuser", "li", "--role", "steward", "--department", "gaj", "--password-stdin", env=env,
              stdin="Qx9!harbour-kite\n")
    assert out.returncode == 0, out.stderr
    weak = run("createuser", "wang", "--role", "analyst", "--department", "dsj", "--password-stdin", env=env,
               stdin="password\n")
    assert weak.returncode == 2 and "password" in weak.stderr
    out = run("audit", "verify", env=env)
    assert out.returncode == 0 and out.stdout.startswith("OK:")
