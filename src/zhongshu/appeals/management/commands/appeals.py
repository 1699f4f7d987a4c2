"""`zhongshu appeals …`: deadline check, Open311 clients, taxonomy seeding, training export."""

from __future__ import annotations

import json

from zhongshu.accounts.system import SYSTEM
from zhongshu.core.commands import ZhongshuCommand


class Command(ZhongshuCommand):
    help = ("Appeals (12345) tools: check-deadlines | open311-add NAME | open311-list | open311-revoke ID | "
            "sync-taxonomy | training-export")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        sub.add_parser("check-deadlines", help="raise near-due and overdue alerts now")
        add = sub.add_parser("open311-add", help="register an Open311 client and print its api_key once")
        add.add_argument("name")
        sub.add_parser("open311-list", help="list Open311 clients")
        revoke = sub.add_parser("open311-revoke", help="revoke an Open311 client's api_key")
        revoke.add_argument("client_id", type=int)
        sub.add_parser("sync-taxonomy", help="create missing appeal categories from the shipped taxonomy")
        sub.add_parser("training-export", help="print corrected appeals as JSON lines (training data, scrubbed)")

    def handle(self, *args, op, **options):
        from zhongshu.appeals import open311, services, taxonomy

        if op == "check-deadlines":
            self.stdout.write(json.dumps(services.check_deadlines()))
        elif op == "open311-add":
            client, key = open311.create_client(SYSTEM, options["name"])
            self.stdout.write(f"client {client.pk} {client.name}\napi_key {key}\n(shown once: store it now)")
        elif op == "open311-list":
            from zhongshu.appeals.models import Open311Client

            for c in Open311Client.objects.order_by("pk"):
                self.stdout.write(f"{c.pk}\t{c.name}\t{'active' if c.active else 'revoked'}\t{c.created_at:%Y-%m-%d}")
        elif op == "open311-revoke":
            open311.set_client_active(SYSTEM, options["client_id"], False)
            self.stdout.write("revoked")
        elif op == "sync-taxonomy":
            self.stdout.write(f"{taxonomy.sync_categories(SYSTEM)} categories created")
        elif op == "training-export":  # scrubbed text; audited as appeal.export.read
            for row in services.training_export(SYSTEM):
                self.stdout.write(json.dumps(row, ensure_ascii=False))
