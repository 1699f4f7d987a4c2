"""The shared rate limiter: bursts, refill, Retry-After, separate clients, a small table, processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from django.utils import timezone

from zhongshu.core.errors import ConfigError
from zhongshu.core.models import RateBucket
from zhongshu.core.ratelimit import Rate, hit, rate_setting

T0 = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_a_burst_then_an_even_refill(db):
    rate = Rate(5, 60)  # five at once, then one every 12 s
    assert [hit("t", "10.0.0.1", rate, at(0)).allowed for _ in range(5)] == [True] * 5
    refused = hit("t", "10.0.0.1", rate, at(1))
    assert not refused.allowed and refused.retry_after == 11
    assert not hit("t", "10.0.0.1", rate, at(11.5)).allowed
    assert hit("t", "10.0.0.1", rate, at(12)).allowed
    assert not hit("t", "10.0.0.1", rate, at(13)).allowed
    assert [hit("t", "10.0.0.1", rate, at(200)).allowed for _ in range(6)] == [True] * 5 + [False]


def test_uneven_steps_still_let_a_full_burst_through(db):
    rate = Rate(7, 60)
    assert [hit("t", "c", rate, at(0)).allowed for _ in range(8)] == [True] * 7 + [False]


def test_clients_and_scopes_are_separate_and_stored_as_digests(db):
    rate = Rate(1, 60)
    assert hit("a", "10.0.0.1", rate, at(0)).allowed and hit("a", "10.0.0.2", rate, at(0)).allowed
    assert hit("b", "10.0.0.1", rate, at(0)).allowed
    assert not hit("a", "10.0.0.1", rate, at(0)).allowed
    assert not any("10.0.0" in b.key for b in RateBucket.objects.all())


def test_full_buckets_are_forgotten(db):
    rate = Rate(2, 10)
    for i in range(50):
        hit("t", f"10.0.0.{i}", rate, at(0))
    assert RateBucket.objects.count() == 50
    hit("t", "10.9.9.9", rate, at(60))  # a new client, one window later
    assert RateBucket.objects.count() == 1


def test_rate_setting(settings):
    settings.ZHONGSHU_SOME_LIMIT = "3/30"
    assert rate_setting("ZHONGSHU_SOME_LIMIT", "1/1") == Rate(3, 30)
    assert rate_setting("ZHONGSHU_UNSET_LIMIT", "1/1") == Rate(1, 1)
    settings.ZHONGSHU_SOME_LIMIT = "0/30"
    with pytest.raises(ConfigError, match="ZHONGSHU_SOME_LIMIT"):
        rate_setting("ZHONGSHU_SOME_LIMIT", "1/1")


HITS = """
import django, json, sys
django.setup()
from zhongshu.core.ratelimit import Rate, hit
print(json.dumps([hit("procs", "10.0.0.1", Rate(15, 3600)).allowed for _ in range(10)]))
"""


@pytest.mark.slow
def test_processes_share_one_limit(tmp_path):
    """Four processes hitting one SQLite database at once admit exactly the limit between them."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "ZHONGSHU_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "zhongshu.settings"}
    subprocess.run([sys.executable, "-m", "zhongshu", "migrate", "core"], env=env, check=True, capture_output=True,
                   timeout=120)
    procs = [subprocess.Popen([sys.executable, "-c", HITS], env=env, stdout=subprocess.PIPE, text=True)
             for _ in range(4)]
    results = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    assert sum(r.count(True) for r in results) == 15 and sum(map(len, results)) == 40
