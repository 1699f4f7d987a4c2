"""Tables of the shared kernel: the rate limiter's buckets (see core/ratelimit.py)."""

from __future__ import annotations

from django.db import models


class RateBucket(models.Model):
    """One client's bucket for one limit: when it is next full again (GCRA's theoretical arrival time).

    `key` is a keyed digest of the client (an IP address, an API key), never the value itself.
    A bucket whose `full_at` has passed is the same as no bucket, and is deleted when new ones are made.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    full_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="core_one_bucket_per_client")]
