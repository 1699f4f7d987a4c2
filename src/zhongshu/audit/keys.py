"""The audit log's keys, kept outside the database.

Someone who can write to the database must not be able to rewrite the log unnoticed, so the two
keys that protect it live in files (or the environment) that the hub process and the security
administrator can read and the database administrator cannot:

- the chain key (HMAC): every new record's hash is an HMAC under it, so an edited, inserted or
  appended record cannot be given a valid hash without it. It is a key ring — one hex key a line,
  the last one signs new records, older ones stay to verify older records (rotation). It comes
  from `ZHONGSHU_AUDIT_KEY` (comma-separated hex keys) or the file `ZHONGSHU_AUDIT_KEY_FILE`
  (default `<data dir>/keys/audit-hmac.key`, created 0600 in a 0700 folder on first use).
- the checkpoint signing key (Ed25519, `ZHONGSHU_AUDIT_SIGNING_KEY_FILE`, default beside the chain
  key): signs the checkpoints of the chain head exported outside the database. Its public key is
  exported beside the checkpoints, so an auditor checks them without holding any secret.

Key ids are short fingerprints (never the key): records and checkpoints name the key they used.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from zhongshu.core.errors import ConfigError

KEY_BYTES = 32  # HMAC keys: 256 random bits
KEY_SETTING = "ZHONGSHU_AUDIT_KEY_FILE"
SIGNING_SETTING = "ZHONGSHU_AUDIT_SIGNING_KEY_FILE"


@dataclass(frozen=True)
class Keyring:
    """The chain keys: id → secret, and the id of the key new records use."""

    keys: dict[str, bytes]
    current: str
    source: str  # the file or variable the keys came from (for messages; never the keys)

    def secret(self, key_id: str) -> bytes | None:
        return self.keys.get(key_id)


def key_id(secret: bytes) -> str:
    """A chain key's public fingerprint.

    >>> key_id(bytes(32))
    '4668f1fa0d3a1c10'
    """
    return hashlib.sha256(b"zhongshu-audit-hmac-key-id\0" + secret).hexdigest()[:16]


def hmac_key_path() -> Path:
    return Path(settings.ZHONGSHU_AUDIT_KEY_FILE or Path(settings.ZHONGSHU_DATA_DIR) / "keys" / "audit-hmac.key")


def signing_key_path() -> Path:
    return Path(settings.ZHONGSHU_AUDIT_SIGNING_KEY_FILE or hmac_key_path().parent / "audit-signing.key")


def parse_keys(text: str, source: str, *, separator: str = "\n") -> Keyring:
    """Read a key ring: hex keys of at least 32 bytes, one a line ('#' starts a comment); the last is current."""
    setting = "ZHONGSHU_AUDIT_KEY" if source == "ZHONGSHU_AUDIT_KEY" else KEY_SETTING
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for number, line in enumerate(text.split(separator), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            secret = bytes.fromhex(line)
        except ValueError:
            raise ConfigError(setting, f"entry {number} of {source} is not a hex key",
                              hint="each key is 64 hex digits, e.g. from `python -c \"import secrets; "
                                   "print(secrets.token_hex(32))\"`") from None
        if len(secret) < KEY_BYTES:
            raise ConfigError(setting, f"entry {number} of {source} is shorter than {KEY_BYTES} bytes",
                              hint=f"use at least {2 * KEY_BYTES} hex digits of random data")
        keys[key_id(secret)] = secret
        order.append(key_id(secret))
    if not keys:
        raise ConfigError(setting, f"{source} holds no key", hint="restore the key file from the security "
                          "administrator's copy, or remove the empty file to start a new chain key")
    return Keyring(keys, order[-1], source)


_cache: dict[Path, tuple[tuple[int, int], Keyring]] = {}


def keyring(*, create: bool) -> Keyring | None:
    """The chain keys; None when there are none yet and `create` is false.

    `create` is only true while the log holds no keyed record: a missing key file for a keyed log
    must be restored, not silently replaced (a new key would make every earlier record fail).
    """
    if settings.ZHONGSHU_AUDIT_KEY:
        return parse_keys(settings.ZHONGSHU_AUDIT_KEY, "ZHONGSHU_AUDIT_KEY", separator=",")
    path = hmac_key_path()
    try:
        info = path.stat()
    except FileNotFoundError:
        if not create:
            return None
        write_secret_file(path, (secrets.token_hex(KEY_BYTES) + "\n").encode(), KEY_SETTING)
        info = path.stat()
    except OSError as exc:
        raise _unreadable(path, exc, KEY_SETTING) from None
    _refuse_world_access(path, info, KEY_SETTING)
    stamp = (info.st_mtime_ns, info.st_size)
    cached = _cache.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        ring = parse_keys(path.read_text(encoding="ascii", errors="replace"), str(path))
    except OSError as exc:
        raise _unreadable(path, exc, KEY_SETTING) from None
    _cache[path] = (stamp, ring)
    return ring


def missing_key(key_ids: str = "") -> ConfigError:
    """The error for a keyed log whose chain key is not configured: what is missing and how to fix it."""
    which = f" (key id {key_ids})" if key_ids else ""
    return ConfigError(
        KEY_SETTING,
        f"the audit chain key file {hmac_key_path()} does not exist, but the audit log holds records "
        f"protected by a chain key{which}",
        hint="restore the key file from the security administrator's copy (mode 0600, folder 0700), point "
             "ZHONGSHU_AUDIT_KEY_FILE at it, or set ZHONGSHU_AUDIT_KEY; see docs/security.md",
    )


def rotate_hmac() -> str:
    """Append a new chain key to the key file (older keys stay to verify older records); its id."""
    if settings.ZHONGSHU_AUDIT_KEY:
        raise ConfigError("ZHONGSHU_AUDIT_KEY", "the chain keys come from the environment, not a file",
                          hint="append a new key to ZHONGSHU_AUDIT_KEY (comma-separated, new key last) and restart")
    path = hmac_key_path()
    old = path.read_text(encoding="ascii") if path.exists() else ""
    secret = secrets.token_hex(KEY_BYTES)
    replace_secret_file(path, (old.rstrip("\n") + ("\n" if old.strip() else "") + secret + "\n").encode(),
                        KEY_SETTING)
    return key_id(bytes.fromhex(secret))


# --- checkpoint signing key --------------------------------------------------------------------


def public_key_id(public_key: Ed25519PublicKey) -> str:
    """A signing key's fingerprint: the first 16 hex digits of SHA-256 over the raw public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def signing_key(*, create: bool) -> Ed25519PrivateKey | None:
    """The checkpoint signing key; created on first use when `create`, else None when missing."""
    path = signing_key_path()
    if not path.exists():
        if not create:
            return None
        write_secret_file(path, _private_pem(Ed25519PrivateKey.generate()), SIGNING_SETTING)
    try:
        info = path.stat()
        _refuse_world_access(path, info, SIGNING_SETTING)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise _unreadable(path, exc, SIGNING_SETTING) from None
    except ValueError:
        raise ConfigError(SIGNING_SETTING, f"{path} is not a PEM private key",
                          hint="restore it from the security administrator's copy, or start a new one "
                               "with `zhongshu audit rotate-keys --signing`") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(SIGNING_SETTING, f"{path} is not an Ed25519 key",
                          hint="start a new one with `zhongshu audit rotate-keys --signing`")
    return key


def rotate_signing() -> Ed25519PrivateKey:
    """Replace the signing key with a new one (old checkpoints verify with their exported public keys)."""
    key = Ed25519PrivateKey.generate()
    replace_secret_file(signing_key_path(), _private_pem(key), SIGNING_SETTING)
    return key


def _private_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


# --- files -------------------------------------------------------------------------------------


def _prepare_folder(folder: Path, setting: str) -> None:
    if folder.exists():
        return
    try:
        folder.mkdir(parents=True)
        os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask; this is not
    except FileExistsError:
        pass
    except OSError as exc:
        raise _unreadable(folder, exc, setting) from None


def _temp_copy(path: Path, data: bytes, setting: str) -> Path:
    _prepare_folder(path.parent, setting)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise _unreadable(path.parent, exc, setting) from None
    return tmp


def write_secret_file(path: Path, data: bytes, setting: str) -> bool:
    """Create `path` (0600, in a 0700 folder) holding `data` unless it exists; False when it did.

    Written to a temporary file and linked into place, so a concurrent reader (the web process and
    the worker start together) never sees a half-written key, and only one creator wins.
    """
    tmp = _temp_copy(path, data, setting)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        raise _unreadable(path, exc, setting) from None
    finally:
        tmp.unlink(missing_ok=True)


def replace_secret_file(path: Path, data: bytes, setting: str) -> None:
    """Atomically replace `path` (0600) with `data`."""
    tmp = _temp_copy(path, data, setting)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _unreadable(path, exc, setting) from None


def _refuse_world_access(path: Path, info: os.stat_result, setting: str) -> None:
    if os.name == "posix" and info.st_mode & (stat.S_IROTH | stat.S_IWOTH):
        raise ConfigError(setting, f"{path} can be read or written by every user of this machine",
                          hint=f"run `chmod o-rwx {path}`; keep it readable by the hub and the security "
                               "administrator only")


def _unreadable(path: Path, exc: OSError, setting: str) -> ConfigError:
    return ConfigError(setting, f"cannot use {path}: {exc.strerror}",
                       hint=f"give the hub's user access to that folder, or point {setting} elsewhere")
