"""`zhongshu audit`: verify the chain, export a signed checkpoint, rotate the audit keys."""

from pathlib import Path

from zhongshu.accounts.system import SYSTEM
from zhongshu.audit import queries
from zhongshu.audit.services import CheckpointOutcome, rotate_keys
from zhongshu.core.commands import ZhongshuCommand
from zhongshu.core.errors import InvalidInput


class Command(ZhongshuCommand):
    help = ("Audit log tools. `zhongshu audit verify` walks the keyed hash chain and checks it against the latest "
            "signed checkpoint (OK, or the first bad record: exit 1); `checkpoint` exports a signed checkpoint; "
            "`rotate-keys` starts new audit keys.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="verify the whole audit log: chain, head, and signed checkpoints")
        verify.add_argument("--checkpoint", type=Path, metavar="FILE",
                            help="also check against this copy of the checkpoints (a checkpoints-*.jsonl file or "
                                 "a folder of them) kept by the auditor")
        verify.add_argument("--public-key", type=Path, metavar="FILE",
                            help="the auditor's own copy of the public key the --checkpoint copy is checked with")
        sub.add_parser("checkpoint", help="sign the chain's head and append it to the checkpoint files")
        rotate = sub.add_parser("rotate-keys", help="start a new chain key and/or checkpoint signing key")
        rotate.add_argument("--chain", action="store_true", help="only the chain (HMAC) key")
        rotate.add_argument("--signing", action="store_true", help="only the checkpoint signing key")

    def handle(self, *args, **opts):
        getattr(self, "_" + opts["subcommand"].replace("-", "_"))(opts)

    def _verify(self, opts):
        for option in ("checkpoint", "public_key"):
            if opts[option] is not None and not opts[option].exists():
                raise InvalidInput("--" + option.replace("_", "-"), f"{opts[option]} does not exist",
                                   hint="give the path of the auditor's copy")
        result = queries.verify(SYSTEM, opts["checkpoint"], opts["public_key"])
        if not result.ok:
            where = f"first bad record #{result.bad_seq}: " if result.bad_seq is not None else ""
            self.stderr.write(f"BROKEN: {where}{result.problem} ({result.checked} records before it verified)")
            raise SystemExit(1)
        legacy = result.checked - result.keyed
        self.stdout.write(f"OK: {result.checked} audit records verified, chain intact "
                          f"({result.keyed} keyed, {legacy} legacy unkeyed); head matches")
        for text in result.checkpoints:
            self.stdout.write(f"matches the {text}")
        for text in result.warnings:
            self.stdout.write(f"note: {text}")

    def _checkpoint(self, opts):
        self._report(queries.checkpoint(SYSTEM))

    def _rotate_keys(self, opts):
        both = not (opts["chain"] or opts["signing"])
        outcome = rotate_keys(SYSTEM, chain_key=both or opts["chain"], signing_key=both or opts["signing"])
        self.stdout.write("New audit keys started; the old ones stay to verify earlier records and checkpoints. "
                          "Give the security administrator a copy of the key folder now.")
        self._report(outcome)

    def _report(self, outcome: CheckpointOutcome) -> None:
        if outcome.status == "empty":
            self.stdout.write("The audit log is empty: nothing to checkpoint yet.")
        elif not outcome.ok:
            where = f"first bad record #{outcome.bad_seq}: " if outcome.bad_seq is not None else ""
            self.stderr.write(f"REFUSED: no checkpoint signed, the chain does not verify: {where}{outcome.problem}")
            raise SystemExit(1)
        else:
            cp = outcome.checkpoint
            self.stdout.write(f"Checkpoint #{cp.seq} ({cp.hash[:16]}…) signed by key {cp.key_id}, "
                              f"appended to {outcome.file}")
