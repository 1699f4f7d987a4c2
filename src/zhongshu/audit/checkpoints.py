"""Signed checkpoints of the audit chain, exported outside the database.

A checkpoint is a statement, in the style of an RFC 6962 signed tree head, that the chain
`chain` (the hash of its record #1) had reached record `seq` with hash `hash` at time `at`, signed
with the hub's Ed25519 key `key_id`. Checkpoints are appended, one JSON object a line, to
`checkpoints-YYYY-MM.jsonl` in `ZHONGSHU_AUDIT_CHECKPOINT_DIR`; the public key that verifies them
is exported beside them as `audit-signing-<key_id>.pub`. The auditor copies that folder elsewhere.

Once a checkpoint exists, the chain can no longer be trimmed below it (records deleted and the head
moved back, the whole log truncated, an older backup restored) or rewritten up to it without
`audit verify` noticing, even by someone who holds the database and every key: only the auditor's
copy has to be out of their reach. This module reads and writes the files; `services` decides
what to sign (only a chain that verifies) and checks the database against them.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings

from zhongshu.audit import keys
from zhongshu.core.errors import ConfigError

FORMAT = "zhongshu-audit-checkpoint/v1"
FILE_GLOB = "checkpoints-*.jsonl"
DIR_SETTING = "ZHONGSHU_AUDIT_CHECKPOINT_DIR"


class CheckpointError(Exception):
    """A checkpoint file or line that cannot be read or does not verify; the message says which and why."""


@dataclass(frozen=True)
class Checkpoint:
    chain: str  # hash of record #1: which chain this is
    seq: int
    hash: str
    at: str  # UTC, ISO 8601 with milliseconds
    key_id: str  # fingerprint of the signing key
    sig: str = ""  # base64 Ed25519 signature over `statement()`
    source: str = ""  # where it was read from (file:line); not part of the statement

    def statement(self) -> bytes:
        """The signed bytes: canonical JSON of the format tag and every field but the signature."""
        body = {"format": FORMAT, "chain": self.chain, "seq": self.seq, "hash": self.hash, "at": self.at,
                "key_id": self.key_id}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()

    def line(self) -> str:
        body = {"format": FORMAT, **{k: v for k, v in asdict(self).items() if k != "source"}}
        return json.dumps(body, ensure_ascii=False, separators=(", ", ": ")) + "\n"

    def when(self) -> datetime:
        return datetime.strptime(self.at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)

    def describe(self) -> str:
        return f"checkpoint #{self.seq} of {self.at} signed by key {self.key_id} ({self.source})"


def folder() -> Path:
    return Path(settings.ZHONGSHU_AUDIT_CHECKPOINT_DIR or Path(settings.ZHONGSHU_DATA_DIR) / "audit-checkpoints")


def public_key_file(key_id: str, where: Path | None = None) -> Path:
    return (where or folder()) / f"audit-signing-{key_id}.pub"


def parse_line(text: str, source: str) -> Checkpoint:
    try:
        body = json.loads(text)
        if body.get("format") != FORMAT:
            raise ValueError
        cp = Checkpoint(str(body["chain"]), int(body["seq"]), str(body["hash"]), str(body["at"]),
                        str(body["key_id"]), str(body["sig"]), source)
        cp.when()
    except (ValueError, KeyError, TypeError, AttributeError):
        raise CheckpointError(f"{source} is not a readable checkpoint") from None
    return cp


def read(path: Path) -> list[Checkpoint]:
    """Every checkpoint of one file, in file order."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"cannot read the checkpoint file {path}: {getattr(exc, 'strerror', exc)}") from None
    return [parse_line(text, f"{path}:{number}") for number, text in enumerate(lines, 1) if text.strip()]


def latest(where: Path | None = None) -> Checkpoint | None:
    """The checkpoint with the highest seq in a file, or in the newest non-empty file of a folder.

    Highest seq, not last line: concurrent writers may append out of order, and a checkpoint is
    never signed below an earlier one (see `services.write_checkpoint`).
    """
    where = where or folder()
    if where.is_file():
        found = read(where)
        if not found:
            raise CheckpointError(f"the checkpoint file {where} holds no checkpoint")
        return max(found, key=lambda cp: cp.seq)
    if not where.is_dir():
        return None
    for path in sorted(where.glob(FILE_GLOB), reverse=True):
        found = read(path)
        if found:
            return max(found, key=lambda cp: cp.seq)
    return None


def check_signature(cp: Checkpoint, public_key: Path | None = None) -> None:
    """Raise CheckpointError unless the checkpoint verifies with its public key.

    The key is the one given (the auditor's own pinned copy), else the one exported beside the
    checkpoint's file, else the one in the hub's checkpoint folder.
    """
    candidates = [public_key] if public_key else [
        public_key_file(cp.key_id, Path(cp.source.rsplit(":", 1)[0]).parent), public_key_file(cp.key_id)]
    path = next((p for p in candidates if p and p.is_file()), None)
    if path is None:
        raise CheckpointError(f"{cp.describe()}: its public key {public_key_file(cp.key_id).name} was not found; "
                              "copy it from the checkpoint folder, or give it with --public-key")
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError):
        raise CheckpointError(f"{path} is not a readable public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path} is not an Ed25519 public key")
    if keys.public_key_id(key) != cp.key_id:
        raise CheckpointError(f"{cp.describe()}: the public key {path} is key {keys.public_key_id(key)}, "
                              f"not {cp.key_id}")
    try:
        key.verify(base64.b64decode(cp.sig, validate=True), cp.statement())
    except (InvalidSignature, ValueError):
        raise CheckpointError(f"{cp.describe()}: the signature does not verify (the checkpoint was edited "
                              "or not made by this hub)") from None


def signer():
    """The signing key, created on first use; refused when checkpoints of another key exist but it is gone."""
    exported = sorted(folder().glob("audit-signing-*.pub")) if folder().is_dir() else []
    key = keys.signing_key(create=not exported)
    if key is None:
        raise ConfigError(
            keys.SIGNING_SETTING,
            f"the checkpoint signing key {keys.signing_key_path()} does not exist, but checkpoints signed by "
            f"{', '.join(p.stem.removeprefix('audit-signing-') for p in exported)} do",
            hint="restore the key from the security administrator's copy, or start a new key with "
                 "`zhongshu audit rotate-keys --signing` (earlier checkpoints keep verifying with their public keys)",
        )
    export_public_key(key.public_key())
    return key


def export_public_key(public_key: Ed25519PublicKey) -> Path:
    path = public_key_file(keys.public_key_id(public_key))
    if not path.exists():
        _ensure_folder()
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(keys.public_pem(public_key))
        os.replace(tmp, path)
    return path


def sign(chain: str, seq: int, head_hash: str, at: datetime | None = None) -> Checkpoint:
    key = signer()
    at = at or datetime.now(timezone.utc)
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"
    unsigned = Checkpoint(chain, seq, head_hash, stamp, keys.public_key_id(key.public_key()))
    return Checkpoint(**{**asdict(unsigned), "sig": base64.b64encode(key.sign(unsigned.statement())).decode()})


def append(cp: Checkpoint) -> Path:
    """Append a checkpoint to this month's file in one write, flushed to disk; the file written."""
    path = folder() / f"checkpoints-{cp.at[:7]}.jsonl"
    _ensure_folder()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, cp.line().encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise ConfigError(DIR_SETTING, f"cannot write checkpoints to {path.parent}: {exc.strerror}",
                          hint="give the hub's user write access there, or point ZHONGSHU_AUDIT_CHECKPOINT_DIR "
                               "elsewhere") from None
    return path


def _ensure_folder() -> None:
    try:
        folder().mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(DIR_SETTING, f"cannot create {folder()}: {exc.strerror}",
                          hint="point ZHONGSHU_AUDIT_CHECKPOINT_DIR at a writable folder") from None
