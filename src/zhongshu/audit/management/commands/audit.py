from zhongshu.accounts.system import SYSTEM
from zhongshu.audit.services import Event, record, verify_chain
from zhongshu.core.commands import ZhongshuCommand


class Command(ZhongshuCommand):
    help = "Audit log tools. `zhongshu audit verify` walks the hash chain and reports OK or the first bad record (exit 1)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="verify the hash chain of the whole audit log")

    def handle(self, *args, **opts):
        result = verify_chain()
        if result.ok:
            record(SYSTEM, Event("audit.verified", "audit", "", details={"checked": result.checked}))
            self.stdout.write(f"OK: {result.checked} audit records verified, chain intact")
            return
        self.stderr.write(f"BROKEN: first bad record #{result.bad_seq}: {result.problem} "
                          f"({result.checked} records before it verified)")
        raise SystemExit(1)
