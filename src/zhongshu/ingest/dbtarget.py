"""What a database URL points at: strict parsing into a `Target`, and the `Endpoint` actually opened.

A `Target` is the URL read strictly: the kind, an absolute SQLite path, or a host, port, database
name and credentials, plus the few driver options we pass on. Anything a driver would interpret
on its own behalf is refused here rather than passed through: SQLite URI options (`?mode=`,
`vfs=`, `immutable=`), a host or `file:` URI smuggled into the path, libpq options that redirect
the connection (`host=`, `hostaddr=`, `port=`, `dbname=`, `service=`, `passfile=`, SSL key files),
Unix sockets, several hosts. What is checked is then exactly what is opened: an `Endpoint` holds
the resolved real path of a SQLite file, or the one IP address the connector will use (the host
name is resolved once, by `resolve`, so nothing can re-resolve it to another address later).

`locate` makes an Endpoint without any allow-list (library use and tests); the hub makes its
Endpoints through `zhongshu.catalog.source_policy.check`.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from django.utils.translation import gettext as _

from zhongshu.core.errors import InvalidInput

KINDS = {"sqlite": "sqlite", "postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql",
         "mariadb": "mysql"}
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}
DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres", "mysql": "mysql"}

# libpq options a URL may carry: they change how we talk to the server, never which server it is.
POSTGRES_OPTIONS = frozenset({"sslmode", "application_name", "channel_binding", "gssencmode", "password"})

HOST_NAME = re.compile(r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*")
# "2130706433", "0x7f.1", "127.1": legacy inet_aton spellings of an address; ask for the plain form
NUMERIC_HOST = re.compile(r"[0-9.]+|0x[0-9a-fx.]+")


@dataclass(frozen=True)
class Target:
    """A database URL, parsed strictly (no network or file access)."""

    kind: str  # sqlite, postgresql, mysql
    path: str = ""  # sqlite: the absolute path written in the URL (decoded, not resolved)
    host: str = ""  # network: a host name (lower case) or an IP address
    port: int = 0
    dbname: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    options: tuple[tuple[str, str], ...] = ()

    @property
    def dialect(self) -> str:
        return DIALECTS[self.kind]

    @property
    def where(self) -> str:
        """How messages name it: the file name, or host:port (never credentials)."""
        if self.kind == "sqlite":
            return os.path.basename(self.path)
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def host_is_address(self) -> bool:
        return self.kind != "sqlite" and ip_or_none(self.host) is not None


@dataclass(frozen=True)
class Endpoint:
    """What is opened: the real path of a SQLite file, or the one address of a server."""

    target: Target
    path: str = ""  # sqlite: resolved real path
    address: str = ""  # network: the IP address to connect to
    file_id: tuple[int, int] | None = None  # sqlite: (device, inode) seen when checked


def _invalid(reason: str, hint: str) -> InvalidInput:
    return InvalidInput("url", reason, hint=hint)


def ip_or_none(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address (IPv4-mapped IPv6 folded to IPv4), or None when `text` is not an IP address.

    >>> ip_or_none("::ffff:127.0.0.1"), ip_or_none("db.local")
    (IPv4Address('127.0.0.1'), None)
    """
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if getattr(ip, "scope_id", None):  # fe80::1%eth0: an interface-scoped address, not one server
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def parse_url(url: str) -> Target:
    """Read a database URL strictly, or raise InvalidInput saying what to write instead."""
    url = (url or "").strip()
    if not url or "\x00" in url or any(ord(c) < 32 for c in url):
        raise _invalid(_("give the database URL"), _("e.g. postgresql://user:password@host:5432/db"))
    try:
        parts = urlsplit(url)
    except ValueError:
        raise _invalid(_("the URL cannot be read"), _("e.g. postgresql://user:password@host:5432/db")) from None
    kind = KINDS.get(parts.scheme.split("+", 1)[0].lower())
    if kind is None:
        raise _invalid(_("unsupported database type %(scheme)s") % {"scheme": repr(parts.scheme)},
                       _("use sqlite:////path, postgresql://… or mysql://…"))
    if parts.fragment:
        raise _invalid(_("the URL must not contain #"), _("write # in a password or file name as %23"))
    if kind == "sqlite":
        return _parse_sqlite(url, parts)
    return _parse_network(kind, parts)


def _parse_sqlite(url: str, parts) -> Target:
    sqlite_hint = _("write sqlite:////absolute/path/file.sqlite without options")
    if parts.netloc or "?" in url:
        # a host, ?mode=rw, ?vfs=…, ?immutable=1 …: SQLite would act on them; we open read-only ourselves
        raise _invalid(_("a SQLite URL takes an absolute file path and nothing else"), sqlite_hint)
    try:
        path = unquote(parts.path, errors="strict")
    except UnicodeDecodeError:
        path = ""
    if not path.startswith("/") or "\x00" in path:
        raise _invalid(_("a SQLite URL takes an absolute file path and nothing else"), sqlite_hint)
    # POSIX leaves a leading "//" implementation-defined (realpath keeps it): fold it to one "/"
    path = "/" + path.lstrip("/")
    return Target("sqlite", path=path)


def _parse_network(kind: str, parts) -> Target:
    example = (_("e.g. postgresql://user:password@host:5432/db") if kind == "postgresql"
               else _("e.g. mysql://user:password@host:3306/db"))
    try:
        port = parts.port or DEFAULT_PORTS[kind]
    except ValueError:
        raise _invalid(_("the port is not a number between 1 and 65535"), example) from None
    host = (parts.hostname or "").rstrip(".")
    if not host or "," in parts.netloc.rsplit("@", 1)[-1]:
        raise _invalid(_("the URL must name one server by host name or IP address"), example)
    ip = ip_or_none(host)
    if ip is None and (not HOST_NAME.fullmatch(host) or NUMERIC_HOST.fullmatch(host)):
        raise _invalid(_("%(host)s is not a host name or IP address") % {"host": repr(host[:80])},
                       _("write the server's DNS name or its IP address (Unix sockets are not supported)"))
    if not 0 < port < 65536:
        raise _invalid(_("the port is not a number between 1 and 65535"), example)
    dbname = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
    if not dbname or "/" in dbname or "\x00" in dbname:
        raise _invalid(_("the URL must name the database after the port"), example)
    options = tuple(parse_qsl(parts.query, keep_blank_values=True))
    allowed = POSTGRES_OPTIONS if kind == "postgresql" else frozenset()
    unknown = sorted({k for k, _v in options if k not in allowed})
    if unknown:
        raise _invalid(_("the URL option %(names)s is not accepted") % {"names": ", ".join(unknown)},
                       (_("accepted: %(names)s") % {"names": ", ".join(sorted(allowed))}) if allowed
                       else _("a MySQL URL takes no options"))
    return Target(kind, host=str(ip) if ip is not None else host, port=port, dbname=dbname,
                  user=unquote(parts.username or ""), password=unquote(parts.password or ""), options=options)


def resolve(host: str, port: int, timeout: float) -> list[str]:
    """The host's addresses (once, with a time limit); an IP address is returned as it is.

    getaddrinfo has no timeout of its own, so it runs in a daemon thread we stop waiting for.
    """
    ip = ip_or_none(host)
    if ip is not None:
        return [str(ip)]
    found: list[str] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            for *_rest, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
                text = str(ip_or_none(sockaddr[0].split("%", 1)[0]) or "")
                if text and text not in found:
                    found.append(text)
        except OSError as exc:
            failed.append(exc)

    worker = threading.Thread(target=run, name="resolve-db-host", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive() or failed or not found:
        raise _invalid(_("the host name %(host)s cannot be resolved") % {"host": host},
                       _("check the host name, or write the server's IP address"))
    return list(found)


def locate(target: Target, timeout: float = 5) -> Endpoint:
    """An Endpoint without any allow-list: the real path, or the host's first address."""
    if target.kind == "sqlite":
        real = os.path.realpath(target.path)
        try:
            st = os.stat(real)
        except OSError:
            return Endpoint(target, path=real)
        return Endpoint(target, path=real, file_id=(st.st_dev, st.st_ino))
    return Endpoint(target, address=resolve(target.host, target.port, timeout)[0])
