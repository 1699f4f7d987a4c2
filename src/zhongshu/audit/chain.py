"""Hashing of audit records: canonical form, pluggable algorithms, verification.

Each record's hash covers its own fields (canonical JSON) and the previous record's hash, so an
edited byte, a deleted, inserted or reordered record breaks the chain at that point.

New records are keyed: their hash is an HMAC (`hmac-sha256`, `hmac-sha3_256`, `hmac-sm3`) under a
chain key held outside the database (`audit.keys`), so someone holding only the database cannot
give an edited, inserted or appended record a valid hash, nor rehash the tail after an edit.
Records written before keys existed (`sha256`, `sha3_256`, `sm3`: plain hashes) still verify as
a legacy prefix; once a keyed record has appeared, an unkeyed one after it is a failure (a
downgrade would let anyone recompute the hashes again).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from zhongshu.audit.keys import Keyring, missing_key
from zhongshu.core.errors import ConfigError

GENESIS = "0" * 64
KEYED_PREFIX = "hmac-"

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
# Keyed records also bind the id of the key they were made with.
KEYED_FIELDS = (*HASHED_FIELDS, "key_id")


def is_keyed(algo: str) -> bool:
    """True for an HMAC algorithm name.

    >>> is_keyed("hmac-sha256"), is_keyed("sha256")
    (True, False)
    """
    return algo.startswith(KEYED_PREFIX)


def base_algo(algo: str) -> str:
    return algo[len(KEYED_PREFIX):] if is_keyed(algo) else algo


def known(algo: str) -> bool:
    return base_algo(algo) in HASHERS


def keyed_algo(name: str) -> str:
    """The keyed algorithm for a hash name (`sha256` → `hmac-sha256`), or ConfigError when unavailable."""
    name = base_algo(name)
    if name not in HASHERS:
        raise ConfigError(
            "ZHONGSHU_AUDIT_HASH", f"hash algorithm {name!r} is not available here",
            hint=f"available: {', '.join(sorted(HASHERS))}",
        )
    return KEYED_PREFIX + name


def canonical(fields: dict[str, Any]) -> bytes:
    """Serialize the hashed fields deterministically.

    >>> canonical({"seq": 1, "details": {"b": 1, "a": "中"}}).decode()
    '{"details":{"a":"中","b":1},"seq":1}'
    """
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def record_fields(event: Any) -> dict[str, Any]:
    """The hashed fields of an AuditEvent (or anything with those attributes)."""
    names = KEYED_FIELDS if is_keyed(event.algo) else HASHED_FIELDS
    out = {name: getattr(event, name) for name in names}
    at = out["at"]
    out["at"] = at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z" if hasattr(at, "strftime") else at
    return out


def compute_hash(event: Any, keyring: Keyring | None = None) -> str:
    """The hash a record must carry: an HMAC under its key for keyed records, a plain hash for legacy ones."""
    data = canonical(record_fields(event))
    if not is_keyed(event.algo):
        return HASHERS[event.algo](data)
    secret = keyring.secret(event.key_id) if keyring else None
    if secret is None:
        raise missing_key(event.key_id or "")
    return hmac.new(secret, data, base_algo(event.algo)).hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    """What a verification found: OK with counts, or the first bad record (or checkpoint) and why."""

    ok: bool
    checked: int
    bad_seq: int | None = None
    problem: str = ""
    keyed: int = 0  # records protected by a chain key (the rest are the legacy unkeyed prefix)
    checkpoints: tuple[str, ...] = field(default_factory=tuple)  # checkpoints checked, described
    checkpoint_seq: int | None = None  # the highest checkpointed record checked
    warnings: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class Walker:
    """Walks records in seq order from a known point, remembering where it is.

    Starting state is the genesis, or a checkpointed record (to check only what came after it).
    """

    keyring: Keyring | None
    prev_hash: str = GENESIS
    next_seq: int = 1
    keyed_seen: bool = False
    checked: int = 0
    keyed: int = 0
    bad_seq: int | None = None
    problem: str = ""

    def feed(self, event: Any) -> bool:
        """Check one record; False (with bad_seq and problem set) at the first broken one."""
        problem = self._problem(event)
        if problem:
            self.bad_seq, self.problem = event.seq, problem
            return False
        self.prev_hash = event.hash
        self.next_seq += 1
        self.checked += 1
        if is_keyed(event.algo):
            self.keyed_seen = True
            self.keyed += 1
        return True

    def _problem(self, event: Any) -> str:
        if event.seq != self.next_seq:
            return "record missing before it" if event.seq > self.next_seq else "sequence out of order"
        if event.prev_hash != self.prev_hash:
            return "does not link to the previous record"
        if not known(event.algo):
            return f"unknown hash algorithm {event.algo}"
        if not is_keyed(event.algo):
            if self.keyed_seen:
                return (f"unkeyed hash ({event.algo}) after keyed records: a downgrade, as when someone "
                        "without the chain key recomputes hashes")
            return "" if HASHERS[event.algo](canonical(record_fields(event))) == event.hash else \
                "content does not match its hash"
        if self.keyring is None:
            raise missing_key(event.key_id or "")
        if self.keyring.secret(event.key_id or "") is None:
            return (f"made with an unknown chain key (key id {event.key_id or 'none'}): forged, or an old key "
                    f"is missing from {self.keyring.source}")
        if not hmac.compare_digest(compute_hash(event, self.keyring), event.hash):
            return "content does not match its keyed hash (edited, or hashed without the chain key)"
        return ""

    def result(self) -> VerifyResult:
        return VerifyResult(self.bad_seq is None, self.checked, self.bad_seq, self.problem, self.keyed)


def verify(events: Iterable[Any], keyring: Keyring | None = None) -> VerifyResult:
    """Walk records in seq order from the genesis; report the first one that breaks the chain."""
    walker = Walker(keyring)
    for event in events:
        if not walker.feed(event):
            break
    return walker.result()
