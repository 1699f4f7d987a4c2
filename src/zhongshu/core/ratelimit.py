"""A rate limiter that holds across threads and processes: token buckets in the app database.

A limit is written ``count/seconds`` (e.g. ``20/60``): a client may make `count` requests at once,
and the bucket refills evenly, one request every ``seconds / count`` seconds. It is the generic
cell rate algorithm (GCRA): each bucket is one row holding the time it is full again, so a
request costs one locked read and one update, whatever the limit, and nothing is stored per
request. A refused request does not drain the bucket further, and is answered with the whole
seconds to wait (HTTP Retry-After).

Clients are stored only as keyed digests (an IP address is personal data). Buckets that are full
again are the same as no bucket; they are deleted whenever a new client appears, so the table
holds only clients active within one window.

    verdict = hit("open311.post", client_ip, Rate.parse("20/60"))
    if not verdict.allowed: ... verdict.retry_after ...
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhongshu.core.errors import ConfigError, ZhongshuError
from zhongshu.core.models import RateBucket

__all__ = ["Rate", "Verdict", "RateLimited", "hit", "rate_setting"]


@dataclass(frozen=True)
class Rate:
    """`count` requests at once, refilled at `count` per `seconds`."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, raw: str, name: str = "rate") -> Rate:
        """Read ``count/seconds``; ConfigError naming `name` otherwise.

        >>> Rate.parse("20/60"), str(Rate.parse(" 5 / 600 "))
        (Rate(count=20, seconds=60), '5/600')
        >>> try:
        ...     Rate.parse("fast", "ZHONGSHU_X_LIMIT")
        ... except ConfigError as exc:
        ...     print(exc.message)
        ZHONGSHU_X_LIMIT: expected count/seconds, got 'fast'
        """
        count, sep, seconds = str(raw).partition("/")
        try:
            rate = cls(int(count), int(seconds))
        except ValueError:
            rate = None
        if not sep or rate is None or rate.count < 1 or rate.seconds < 1:
            raise ConfigError(name, f"expected count/seconds, got {str(raw)[:40]!r}",
                              hint=f"e.g. {name}=20/60: 20 requests at once, refilled at 20 a minute")
        return rate

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}"


@dataclass(frozen=True)
class Verdict:
    """Whether a request may go ahead, and if not, how many whole seconds to wait."""

    allowed: bool
    retry_after: int
    rate: Rate


class RateLimited(ZhongshuError):
    """Too many requests: answered with HTTP 429 and Retry-After."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str = "", *, hint: str = "", retry_after: int = 1) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = max(1, int(retry_after))


def rate_setting(name: str, default: str) -> Rate:
    """The Rate configured in setting `name` (a ``count/seconds`` string), or `default`."""
    raw: Any = getattr(settings, name, None) or default
    return raw if isinstance(raw, Rate) else Rate.parse(raw, name)


def _digest(scope: str, client: str) -> str:
    key = hashlib.sha256(("zhongshu-ratelimit:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, f"{scope}\x00{client}".encode(), hashlib.sha256).hexdigest()


def hit(scope: str, client: str, rate: Rate, now: dt.datetime | None = None) -> Verdict:
    """Count one request of `client` against `rate` in `scope` (e.g. "open311.post"), atomically."""
    now = now or timezone.now()
    # whole microseconds, rounded down: `count` steps never exceed the window, so a full burst passes
    step = dt.timedelta(microseconds=rate.seconds * 1_000_000 // rate.count)
    window = dt.timedelta(seconds=rate.seconds)
    key = _digest(scope, client)
    with transaction.atomic():
        bucket = RateBucket.objects.select_for_update().filter(scope=scope, key=key).first()
        if bucket is None:
            RateBucket.objects.filter(scope=scope, full_at__lt=now).delete()
            try:
                with transaction.atomic():  # a savepoint: another process may create it at the same time
                    RateBucket.objects.create(scope=scope, key=key, full_at=now + step)
                return Verdict(True, 0, rate)
            except IntegrityError:
                bucket = RateBucket.objects.select_for_update().get(scope=scope, key=key)
        full_at = max(bucket.full_at, now) + step
        if full_at - now > window:
            wait = (full_at - window - now).total_seconds()
            return Verdict(False, max(1, math.ceil(wait)), rate)
        RateBucket.objects.filter(pk=bucket.pk).update(full_at=full_at)
    return Verdict(True, 0, rate)
