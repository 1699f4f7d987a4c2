"""`zhongshu sources list|allow|deny`: the database-source allow-list from the command line.

For install scripts and the security administrator at the console; it acts as the system actor
and every change is audited like a change on the page (`/catalog/sources/allow-list/`):

    zhongshu sources list
    zhongshu sources allow --host 10.1.2.0/24 --port 5432 --kind postgresql --note "公安局户籍库"
    zhongshu sources allow --folder /srv/exchange/gaj
    zhongshu sources deny 3                 # by entry number (see `list`)
    zhongshu sources deny --host 10.1.2.0/24 | --folder /srv/exchange/gaj

`allow` is idempotent: an identical entry is reported, not added twice.
"""

from __future__ import annotations

from zhongshu.accounts.system import SYSTEM
from zhongshu.catalog import source_policy
from zhongshu.core.commands import ZhongshuCommand
from zhongshu.core.errors import InvalidInput


class Command(ZhongshuCommand):
    help = "Allow-list of database sources: list entries, allow a server or SQLite folder, deny (remove) an entry."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        sub.add_parser("list", help="list the entries")
        allow = sub.add_parser("allow", help="add a server (--host, --port, --kind) or a SQLite folder (--folder)")
        allow.add_argument("--host", help="host name, IP address or CIDR range, e.g. 10.1.2.0/24")
        allow.add_argument("--port", help="port or range, e.g. 5432 or 5432-5439")
        allow.add_argument("--kind", action="append", default=[],
                           help="postgresql or mysql (repeat, or comma-separated, for both)")
        allow.add_argument("--folder", help="absolute folder whose SQLite files may be read")
        allow.add_argument("--note", default="", help="why (shown on the page and in the audit log)")
        deny = sub.add_parser("deny", help="remove entries: by number, or every entry for --host / --folder")
        deny.add_argument("rule", nargs="?", help="entry number from `zhongshu sources list`")
        deny.add_argument("--host", help="remove every server entry for this host, address or range")
        deny.add_argument("--folder", help="remove the entry for this folder")

    def handle(self, *args, **opts):
        getattr(self, f"_{opts['op']}")(opts)

    def _list(self, opts) -> None:
        rules = list(source_policy.list_rules(SYSTEM))
        if not rules:
            self.stdout.write("no entries: no database source can be used")
        for r in rules:
            if r.kind == r.Kind.FOLDER:
                self.stdout.write(f"{r.pk:>4}  folder  {r.target}  {r.note}".rstrip())
            else:
                ports = str(r.port_low) if r.port_low == r.port_high else f"{r.port_low}-{r.port_high}"
                self.stdout.write(f"{r.pk:>4}  server  {r.target}  port {ports}  {','.join(r.db_kinds)}  {r.note}".rstrip())

    def _allow(self, opts) -> None:
        if bool(opts["folder"]) == bool(opts["host"]):
            raise InvalidInput("", "give either --folder PATH, or --host, --port and --kind",
                               hint="zhongshu sources allow --host 10.1.2.3 --port 5432 --kind postgresql")
        if opts["folder"]:
            rule, created = source_policy.allow_folder(SYSTEM, folder=opts["folder"], note=opts["note"])
        else:
            kinds = [k for value in opts["kind"] for k in value.split(",")]
            rule, created = source_policy.allow_server(SYSTEM, host=opts["host"], ports=opts["port"] or "",
                                                       db_kinds=kinds, note=opts["note"])
        self.stdout.write(f"{'allowed' if created else 'already allowed'}: entry {rule.pk} {rule}")

    def _deny(self, opts) -> None:
        if opts["rule"]:
            ids = [opts["rule"]]
        elif opts["host"] or opts["folder"]:
            kind, target = (("folder", source_policy.normalize_folder_text(opts["folder"])) if opts["folder"]
                            else ("network", source_policy.normalize_host(opts["host"])))
            ids = [r.pk for r in source_policy.list_rules(SYSTEM) if r.kind == kind and r.target == target]
        else:
            raise InvalidInput("", "give an entry number, --host or --folder", hint="see `zhongshu sources list`")
        if not ids:
            self.stdout.write("no matching entry")
        for pk in ids:
            rule = source_policy.remove_rule(SYSTEM, pk)
            self.stdout.write(f"removed: entry {rule.pk} {rule}")
