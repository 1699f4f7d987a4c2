import getpass
import sys

from zhongshu.accounts.roles import Role
from zhongshu.accounts.services import create_user_at_install
from zhongshu.core.commands import ZhongshuCommand


class Command(ZhongshuCommand):
    help = ("Create an account. Roles: " + ", ".join(Role.values) + ". Every role but sysadmin, secadmin and "
            "auditor needs --department (a code from `zhongshu departments`). The password is asked for, "
            "or read from stdin with --password-stdin. At install time this creates the first auditor, security "
            "administrator and 大数据局 steward/handler; further ones are requested on the accounts page and "
            "approved by a security administrator.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--department", help="department code, e.g. gaj or 371122001")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def handle(self, *args, **opts):
        if opts["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                from django.core.management.base import CommandError

                raise CommandError("the two passwords differ; nothing was created")
        user = create_user_at_install(username=opts["username"], password=password, role=opts["role"],
                                      department_code=opts["department"], display_name=opts["display_name"])
        self.stdout.write(f"created {user.username} ({user.role})")
