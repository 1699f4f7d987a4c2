import sys
from pathlib import Path

from django.conf import settings

from zhongshu.core.commands import ZhongshuCommand
from zhongshu.core.errors import InvalidInput


def _positive(name):
    def parse(raw):
        try:
            value = int(raw)
        except ValueError:
            raise InvalidInput(name, f"expected a whole number, got {raw!r}") from None
        if value < 1:
            raise InvalidInput(name, "must be at least 1")
        return value

    return parse


class Command(ZhongshuCommand):
    help = ("Demo county. `demo generate` writes the departments' source files with injected errors and a "
            "ground-truth file; `demo setup` also creates departments and one account per role and loads "
            "the files into the hub (what `make demo` runs).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        gen = sub.add_parser("generate", help="write the demo source files")
        gen.add_argument("--residents", type=int, default=20000)
        gen.add_argument("--seed", type=int, default=0)
        gen.add_argument("--out", type=Path, help="folder (default $ZHONGSHU_DATA_DIR/demo)")
        setup = sub.add_parser("setup", help="departments, accounts, files and loading")
        setup.add_argument("--residents", type=int, default=20000)
        setup.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **opts):
        residents = _positive("--residents")(opts["residents"])
        if opts["subcommand"] == "generate":
            from zhongshu.demo.generator import generate

            out = opts["out"] or settings.ZHONGSHU_DATA_DIR / "demo"
            summary = generate(out, residents=residents, seed=opts["seed"], progress=self._progress)
            sys.stderr.write("\n")
            self.stdout.write(f"demo files written to {out}")
            for key, value in getattr(summary, "counts", {}).items():
                self.stdout.write(f"  {key}: {value}")
            return
        from zhongshu.demo.setup import DEMO_USERS, setup_demo

        passwords = setup_demo(residents=residents, seed=opts["seed"], say=self.stdout.write)
        self.stdout.write("\nDemo accounts (one per role):")
        for username, role, dept, display in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {passwords[username]:<18} {role:<9} {dept or '':<8} {display}")

    def _progress(self, step, done, total):
        if total:
            sys.stderr.write(f"\r{step}: {done}/{total} ({100 * done // max(total, 1)}%)   ")
            sys.stderr.flush()
