"""The allow-list of database sources: which servers and SQLite folders stewards may load from.

The security administrator keeps the list (`policy.manage`: the page `/catalog/sources/allow-list/`
or `zhongshu sources allow|deny|list`); every change is audited. Empty means nothing is allowed.

`check(actor, url)` is the one gate every database connection of the hub passes (registering a
source, listing its tables, each refresh and each extract), before any file is opened or any
packet sent. It returns the `Endpoint` to open — the real path of the SQLite file, or the one
checked IP address — and `zhongshu.ingest.dbsource` opens exactly that, so a host name cannot
resolve to another address between the check and the connection.

What no rule can admit:
* the hub's own files: its SQLite database with its -wal/-shm/-journal files (as configured and as
  running), the secret key, the catalog key, the audit key folders and checkpoints, the warehouse
  and uploaded files — by path after resolving symlinks and `..`, and by inode (hard links);
* the hub's own PostgreSQL database (its server, port and database name);
* unspecified, multicast and reserved addresses.
What only an explicit rule admits: loopback (a rule inside 127.0.0.0/8 or ::1), link-local (inside
169.254.0.0/16 or fe80::/10), the hub's database server (a rule naming its address alone), private
addresses (a rule inside the private ranges, or a rule naming the host). A host name in a URL must
be listed by name: IP and CIDR rules match URLs that give an address, so a refusal needs no DNS.

A refusal is one message, the same whether the file or port exists, and takes no measurable time
(nothing is resolved or connected for an unlisted target); why it was refused goes to the audit log.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from zhongshu.accounts.permissions import ensure
from zhongshu.audit.services import Event, record
from zhongshu.catalog import crypto, storage
from zhongshu.catalog.models import Source, SourceRule
from zhongshu.core.errors import InvalidInput, NotFound
from zhongshu.ingest.dbsource import redact_url
from zhongshu.ingest.dbtarget import HOST_NAME, NUMERIC_HOST, Endpoint, Target, ip_or_none, parse_url, resolve

NETWORK_KINDS = ("postgresql", "mysql")
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_nets = lambda *cidrs: tuple(ipaddress.ip_network(c) for c in cidrs)  # noqa: E731
LOOPBACK = _nets("127.0.0.0/8", "::1/128")
LINK_LOCAL = _nets("169.254.0.0/16", "fe80::/10")
PRIVATE = _nets("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7", "fec0::/10")
NEVER = _nets("0.0.0.0/8", "::/128", "224.0.0.0/4", "240.0.0.0/4", "ff00::/8")
CATEGORY_NETS = {"loopback": LOOPBACK, "link-local": LINK_LOCAL, "private": PRIVATE}

# Settings naming key files or folders of the hub (the audit helper's keys and checkpoints).
_KEY_FILE_SETTINGS = ("ZHONGSHU_AUDIT_KEY_FILE", "ZHONGSHU_AUDIT_SIGNING_KEY_FILE")
_KEY_DIR_SETTINGS = ("ZHONGSHU_AUDIT_CHECKPOINT_DIR",)


class SourceRefused(InvalidInput):
    """The one refusal a user sees; the reason stays in the audit log."""

    def __init__(self) -> None:
        super().__init__("url", _("this database is not on the allow-list for database sources"),
                         hint=_("ask the security administrator to allow its server and port, or the folder of the SQLite file"))


class _Refusal(Exception):
    def __init__(self, rule: str, why: str) -> None:
        super().__init__(why)
        self.rule = rule
        self.why = why


# --- the list ----------------------------------------------------------------------------------------

def list_rules(actor: Any):
    """Every entry (the security administrator's page and CLI)."""
    ensure(actor, "policy.manage")
    return SourceRule.objects.all()


def parse_ports(text: str) -> tuple[int, int]:
    """"5432" or "5432-5439" → (low, high).

    >>> parse_ports("5432"), parse_ports(" 3306 - 3310 ")
    ((5432, 5432), (3306, 3310))
    """
    low, sep, high = str(text or "").replace("–", "-").partition("-")
    try:
        lo, hi = int(low), int(high) if sep else int(low)
    except ValueError:
        raise InvalidInput("ports", _("give a port or a port range"), hint=_("e.g. 5432, or 5432-5439")) from None
    if not 0 < lo <= hi < 65536:
        raise InvalidInput("ports", _("ports run from 1 to 65535, the lower first"), hint=_("e.g. 5432, or 5432-5439"))
    return lo, hi


def normalize_host(text: str) -> str:
    """A rule's network target: an IP address, a CIDR range (host bits cleared) or a host name."""
    value = (text or "").strip().lower().rstrip(".")
    hint = _("a host name such as db.gaj.local, an IP address such as 10.1.2.3, or a range such as 10.1.2.0/24")
    if "/" in value:
        try:
            net = ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise InvalidInput("host", _("%(value)s is not an address range") % {"value": repr(value[:80])},
                               hint=hint) from None
        return str(net)
    ip = ip_or_none(value)
    if ip is not None:
        return str(ip)
    if not HOST_NAME.fullmatch(value) or NUMERIC_HOST.fullmatch(value):
        raise InvalidInput("host", _("%(value)s is not a host name or IP address") % {"value": repr(value[:80])},
                           hint=hint)
    return value


def normalize_folder_text(text: str) -> str:
    """An absolute folder path, normalized ("//a/./b/" → "/a/b"); symlinks are left to each check."""
    value = (text or "").strip()
    if not value.startswith("/") or "\x00" in value:
        raise InvalidInput("folder", _("give the absolute path of a folder"), hint=_("e.g. /srv/exchange/gaj"))
    return os.path.normpath("/" + value.lstrip("/"))


def normalize_folder(text: str) -> str:
    """A new rule's folder: absolute, normalized, not the root and not a folder of the hub itself."""
    value = normalize_folder_text(text)
    if value == "/":
        raise InvalidInput("folder", _("the root folder would admit every file"),
                           hint=_("list the folder that holds the SQLite files"))
    real = os.path.realpath(value)
    for path, _label in protected_paths():
        if _inside(real, path):
            raise InvalidInput("folder", _("this folder belongs to the hub itself"),
                               hint=_("keep source files outside the hub's data, key and warehouse folders"))
    return value


def allow_server(actor: Any, *, host: str, ports: str, db_kinds: list[str] | tuple[str, ...],
                 note: str = "") -> tuple[SourceRule, bool]:
    """Add a server entry; (rule, created) — an identical existing entry is returned as it is."""
    ensure(actor, "policy.manage")
    target = normalize_host(host)
    low, high = parse_ports(ports)
    kinds = sorted({(k or "").strip().lower() for k in db_kinds} - {""})
    if not kinds or set(kinds) - set(NETWORK_KINDS):
        raise InvalidInput("db_kinds", _("choose the database kinds"), hint=_("postgresql, mysql or both"))
    return _add(actor, SourceRule(kind=SourceRule.Kind.NETWORK, target=target, port_low=low, port_high=high,
                                  db_kinds=kinds, note=(note or "").strip()[:300]))


def allow_folder(actor: Any, *, folder: str, note: str = "") -> tuple[SourceRule, bool]:
    """Add a SQLite folder entry; (rule, created)."""
    ensure(actor, "policy.manage")
    return _add(actor, SourceRule(kind=SourceRule.Kind.FOLDER, target=normalize_folder(folder),
                                  note=(note or "").strip()[:300]))


def _add(actor: Any, rule: SourceRule) -> tuple[SourceRule, bool]:
    same = SourceRule.objects.filter(kind=rule.kind, target=rule.target, port_low=rule.port_low,
                                     port_high=rule.port_high)
    for existing in same:
        if existing.db_kinds == rule.db_kinds:
            return existing, False
    rule.created_by = getattr(actor, "username", "system")
    with transaction.atomic():
        rule.save()
        record(actor, Event("catalog.source_rule.added", "source_rule", rule.pk, details=_details(rule)))
    return rule, True


def remove_rule(actor: Any, pk: int | str) -> SourceRule:
    """Remove an entry; sources it admitted are refused from their next refresh on."""
    ensure(actor, "policy.manage")
    rule = SourceRule.objects.filter(pk=int(pk)).first() if str(pk).strip().isdigit() else None
    if rule is None:
        raise NotFound("source rule", str(pk)[:20])
    with transaction.atomic():
        details = _details(rule)
        rule_pk = rule.pk
        rule.delete()
        record(actor, Event("catalog.source_rule.removed", "source_rule", rule_pk, details=details))
    rule.pk = rule_pk
    return rule


def _details(rule: SourceRule) -> dict:
    out = {"kind": rule.kind, "target": rule.target, "note": rule.note}
    if rule.kind == SourceRule.Kind.NETWORK:
        out.update(ports=f"{rule.port_low}-{rule.port_high}", db_kinds=list(rule.db_kinds))
    return out


# --- what no rule admits -------------------------------------------------------------------------------

def hub_database_files() -> list[str]:
    """The hub's SQLite database files (as configured and as running) with their -wal/-shm/-journal."""
    names = set()
    configs = list(settings.DATABASES.values())
    try:
        configs.append(dj_database_url.parse(settings.APP_DATABASE_URL))
    except Exception:  # noqa: BLE001 - settings.py already refused a bad DATABASE_URL at start
        pass
    for config in configs:
        name = str(config.get("NAME") or "")
        if config.get("ENGINE", "").endswith("sqlite3") and name.startswith("/"):
            names.add(os.path.realpath(name))
    return sorted(f"{n}{suffix}" for n in names for suffix in ("", "-wal", "-shm", "-journal"))


def protected_paths() -> list[tuple[str, str]]:
    """(real path, what it is) of every file and folder of the hub that no folder rule admits."""
    data = Path(settings.ZHONGSHU_DATA_DIR)
    found = [(p, "app database") for p in hub_database_files()]
    found += [(data / "secret_key", "secret key"), (crypto.key_path(), "catalog key"), (data / "keys", "key folder"),
              (data / "audit-checkpoints", "audit checkpoints"), (storage.warehouse_root(), "warehouse"),
              (data / "attempts", "uploaded files"), (data / "appeal_imports", "uploaded appeals")]
    for name in _KEY_FILE_SETTINGS:
        value = getattr(settings, name, None)
        if value:
            found += [(Path(value), "key file"), (Path(value).parent, "key folder")]
    for name in _KEY_DIR_SETTINGS:
        value = getattr(settings, name, None)
        if value:
            found.append((Path(value), "audit checkpoints"))
    return [(os.path.realpath(p), label) for p, label in found]


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


# --- the gate ----------------------------------------------------------------------------------------

def check(actor: Any, url: str, *, source: Source | None = None) -> Endpoint:
    """The Endpoint to open for `url`, or SourceRefused (audited) when the allow-list refuses it."""
    target = parse_url(url)
    try:
        if target.kind == "sqlite":
            return _check_sqlite(target)
        return _check_network(target)
    except _Refusal as refusal:
        record(actor, Event("catalog.source.refused", "source", source.pk if source else "", "denied", refusal.why,
                            details={"url": redact_url(url), "host": "" if target.kind == "sqlite" else target.where,
                                     "rule": refusal.rule, "source": source.name if source else ""}))
        raise SourceRefused() from None


def _check_sqlite(target: Target) -> Endpoint:
    real = os.path.realpath(target.path)
    folders = [os.path.realpath(r.target) for r in SourceRule.objects.filter(kind=SourceRule.Kind.FOLDER)]
    if not any(_inside(real, folder) for folder in folders):
        raise _Refusal("not-listed", "the file is not inside a listed folder")
    protected = protected_paths()
    for path, label in protected:
        if _inside(real, path):
            raise _Refusal("hub-files", f"the hub's own {label}")
    try:
        st = os.stat(real)
    except OSError:
        return Endpoint(target, path=real)  # inside a listed folder: the connector says it does not exist
    for path, label in protected:
        try:
            other = os.stat(path)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
            raise _Refusal("hub-files", f"a link to the hub's own {label}")
    return Endpoint(target, path=real, file_id=(st.st_dev, st.st_ino))


@dataclass(frozen=True)
class _HubDatabase:
    addresses: frozenset[IPAddress]
    local: bool  # on this machine: every loopback and local address reaches it
    port: int
    dbname: str


def _timeout() -> float:
    return float(settings.ZHONGSHU_SOURCE_CONNECT_TIMEOUT)


def _hub_databases() -> list[_HubDatabase]:
    """The hub's PostgreSQL database(s): server addresses, port, database name."""
    configs = [c for c in settings.DATABASES.values() if "postgresql" in c.get("ENGINE", "")]
    try:
        parsed = dj_database_url.parse(settings.APP_DATABASE_URL)
        if "postgresql" in parsed.get("ENGINE", ""):
            configs.append(parsed)
    except Exception:  # noqa: BLE001 - settings.py already refused a bad DATABASE_URL at start
        pass
    out = []
    for config in configs:
        host = str(config.get("HOST") or "")
        port = int(config.get("PORT") or 5432)
        addresses: set[IPAddress] = set()
        if host and not host.startswith("/"):
            try:
                addresses = {ip_or_none(a) for a in resolve(host, port, _timeout())} - {None}  # type: ignore[assignment]
            except InvalidInput:
                addresses = set()
        local = not host or host.startswith("/") or any(a.is_loopback or a in _local_addresses() for a in addresses)
        out.append(_HubDatabase(frozenset(addresses), local, port, str(config.get("NAME") or "")))
    return out


@functools.lru_cache(maxsize=1)
def _local_addresses() -> frozenset[IPAddress]:
    """This machine's own addresses (best effort: its host name's; looked up once per process)."""
    try:
        found = resolve(socket.gethostname(), 0, _timeout())
    except InvalidInput:
        return frozenset()
    return frozenset(ip for ip in (ip_or_none(a) for a in found) if ip is not None)


def category(ip: IPAddress) -> str:
    """never, loopback, link-local, private or public.

    >>> [category(ipaddress.ip_address(a)) for a in ("0.0.0.0", "127.0.0.2", "169.254.1.1", "10.1.2.3", "8.8.8.8")]
    ['never', 'loopback', 'link-local', 'private', 'public']
    """
    if any(ip in n for n in NEVER if n.version == ip.version):
        return "never"
    for name, nets in CATEGORY_NETS.items():
        if any(ip in n for n in nets if n.version == ip.version):
            return name
    return "public"


def _within(net: IPNetwork, nets: tuple[IPNetwork, ...]) -> bool:
    return any(net.version == n.version and net.subnet_of(n) for n in nets)  # type: ignore[arg-type]


def _check_network(target: Target) -> Endpoint:
    rules = [r for r in SourceRule.objects.filter(kind=SourceRule.Kind.NETWORK)
             if target.kind in r.db_kinds and (r.port_low or 0) <= target.port <= (r.port_high or 0)]
    by_name = any(r.target == target.host for r in rules if ip_or_none(r.target.split("/")[0]) is None)
    nets = [ipaddress.ip_network(r.target) for r in rules if ip_or_none(r.target.split("/")[0]) is not None]
    if target.host_is_address:
        by_name = False
        if not any(ip_or_none(target.host) in n for n in nets if n.version == ip_or_none(target.host).version):
            raise _Refusal("not-listed", "no rule lists this address, port and kind")
    elif not by_name:
        raise _Refusal("not-listed", "no rule lists this host name, port and kind")
    addresses = resolve(target.host, target.port, _timeout())  # a listed name, resolved once
    hub = _hub_databases()
    for text in addresses:
        _admit(ipaddress.ip_address(text), target, by_name, nets, hub)
    return Endpoint(target, address=addresses[0])


def _admit(ip: IPAddress, target: Target, by_name: bool, nets: list[IPNetwork], hub: list[_HubDatabase]) -> None:
    """Raise _Refusal unless the rules admit a connection to `ip` for `target`."""
    kind = category(ip)
    if kind == "never":
        raise _Refusal("special-address", f"{ip} is never a database server")
    covering = [n for n in nets if n.version == ip.version and ip in n]
    for h in hub:
        if ip in h.addresses or (h.local and (ip.is_loopback or ip in _local_addresses())):
            if target.port == h.port and target.dbname.casefold() == h.dbname.casefold():
                raise _Refusal("hub-database", "the hub's own database")
            if not any(n.num_addresses == 1 for n in covering):
                raise _Refusal("hub-server", f"{ip} is the hub's database server; only a rule for that address alone admits it")
    if kind in ("loopback", "link-local"):
        if not any(_within(n, CATEGORY_NETS[kind]) for n in covering):
            raise _Refusal(kind, f"{ip} is a {kind} address; only a rule inside the {kind} range admits it")
    elif kind == "private":
        if not by_name and not any(_within(n, PRIVATE) or n.num_addresses == 1 for n in covering):
            raise _Refusal("private", f"{ip} is a private address; only a rule inside the private ranges admits it")
    elif not by_name and not covering:
        raise _Refusal("not-listed", f"{ip} is not inside a listed range")
