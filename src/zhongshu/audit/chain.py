"""Hashing of audit records: canonical form, pluggable algorithms, verification.

Each record's hash covers its own fields (canonical JSON) and the previous record's hash, so an
edited byte, a deleted, inserted or reordered record breaks the chain at that point.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from zhongshu.core.errors import ConfigError

GENESIS = "0" * 64

HASHERS: dict[str, Callable[[bytes], str]] = {
    "sha256": lambda data: hashlib.sha256(data).hexdigest(),
    "sha3_256": lambda data: hashlib.sha3_256(data).hexdigest(),
}


def _register_sm3() -> None:
    try:
        hashlib.new("sm3", b"")
    except ValueError:  # OpenSSL built without SM3
        return
    HASHERS["sm3"] = lambda data: hashlib.new("sm3", data).hexdigest()


_register_sm3()

HASHED_FIELDS = (
    "seq", "at", "actor", "role", "department", "ip", "action", "object_type", "object_id",
    "outcome", "reason", "pii_digest", "details", "algo", "prev_hash",
)


def hasher(algo: str) -> Callable[[bytes], str]:
    """Return the hash function for an algorithm name."""
    try:
        return HASHERS[algo]
    except KeyError:
        raise ConfigError(
            "ZHONGSHU_AUDIT_HASH", f"hash algorithm {algo!r} is not available here",
            hint=f"available: {', '.join(sorted(HASHERS))}",
        ) from None


def canonical(fields: dict[str, Any]) -> bytes:
    """Serialize the hashed fields deterministically.

    >>> canonical({"seq": 1, "details": {"b": 1, "a": "中"}}).decode()
    '{"details":{"a":"中","b":1},"seq":1}'
    """
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def record_fields(event: Any) -> dict[str, Any]:
    """The hashed fields of an AuditEvent (or anything with those attributes)."""
    out = {name: getattr(event, name) for name in HASHED_FIELDS}
    at = out["at"]
    out["at"] = at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z" if hasattr(at, "strftime") else at
    return out


def compute_hash(event: Any) -> str:
    """The hash a record must carry."""
    return hasher(event.algo)(canonical(record_fields(event)))


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_seq: int | None = None
    problem: str = ""


def verify(events: Iterable[Any]) -> VerifyResult:
    """Walk records in seq order; report the first one that breaks the chain."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    for event in events:
        if event.seq != expected_seq:
            problem = "record missing before it" if event.seq > expected_seq else "sequence out of order"
            return VerifyResult(False, checked, event.seq, problem)
        if event.prev_hash != prev_hash:
            return VerifyResult(False, checked, event.seq, "does not link to the previous record")
        if event.algo not in HASHERS:
            return VerifyResult(False, checked, event.seq, f"unknown hash algorithm {event.algo}")
        if compute_hash(event) != event.hash:
            return VerifyResult(False, checked, event.seq, "content does not match its hash")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    return VerifyResult(True, checked)
