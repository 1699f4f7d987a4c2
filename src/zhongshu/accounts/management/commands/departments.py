from django.conf import settings

from zhongshu.accounts.models import Department
from zhongshu.accounts.services import sync_departments
from zhongshu.accounts.system import SYSTEM
from zhongshu.core.commands import ZhongshuCommand
from zhongshu.core.county import load_county


class Command(ZhongshuCommand):
    help = "List the departments and their codes; --sync loads them from the county config first."

    def add_arguments(self, parser):
        parser.add_argument("--sync", action="store_true", help="create/update departments from the county config")

    def handle(self, *args, **opts):
        if opts["sync"]:
            created = sync_departments(SYSTEM, load_county(settings.ZHONGSHU_COUNTY))
            self.stdout.write(f"{created} departments created")
        for dept in Department.objects.order_by("kind", "code"):
            self.stdout.write(f"{dept.code:<12} {dept.kind:<10} {dept.name}")
