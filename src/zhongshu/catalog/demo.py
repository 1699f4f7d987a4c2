"""Demo loading: every demo department's source file through the same service paths a steward uses.

Idempotent: datasets are found by name, a file whose sha256 is already the dataset's current
version is skipped, and the database source is registered once. The 公安局 database is a SQLite
file in the demo folder: the demo adds that folder to the database-source allow-list (as the
system actor, audited) after making sure the hub's own database is not in it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from zhongshu.accounts.system import SYSTEM
from zhongshu.catalog import ingestion, services, source_policy, sources
from zhongshu.catalog.models import Dataset, Source
from zhongshu.core.errors import ConfigError
from zhongshu.core.files import sha256_file

# file, dataset name, department, category, sharing type, update cycle, description
FILES = (
    ("scjgj_qiye.csv", "市场主体登记信息", "scjgj", "法人", "unconditional", "daily", "企业和个体工商户的登记、状态与法定代表人"),
    ("rsj_shebao.xlsx", "社会保险参保缴费信息", "rsj", "社会保障", "conditional", "monthly", "养老、医疗、失业、工伤保险参保与缴费"),
    ("mzj_butie.csv", "低保特困及补贴发放信息", "mzj", "社会救助", "conditional", "monthly", "低保、特困供养、高龄与残疾补贴发放"),
    ("wjj_jigou.json", "医疗卫生机构信息", "wjj", "卫生健康", "unconditional", "quarterly", "全县医疗卫生机构基本信息"),
)
# the 公安局 household register arrives as a database
HUJI_DB = "gaj_huji.sqlite"
HUJI_TABLES = {"persons": "常住人口户籍信息", "households": "户籍家庭户信息"}


def load_demo(out_dir: Path, say: Callable[[str], None]) -> None:
    """Ingest the demo county's files found in out_dir (skips what is already loaded)."""
    out_dir = Path(out_dir)
    for name, ds_name, dept, category, sharing, cycle, description in FILES:
        path = out_dir / name
        if not path.is_file():
            say(f"catalog: {name} not found, skipped")
            continue
        ds = Dataset.objects.filter(name=ds_name, department__code=dept).first()
        if ds is None:
            ds = services.create_dataset(SYSTEM, name=ds_name, department_code=dept, category=category,
                                         sharing_type=sharing, update_cycle=cycle, description=description)
        if ds.current_version and ds.current_version.source_sha256 == sha256_file(path):
            say(f"catalog: {ds_name} already holds {name}")
            continue
        attempt = ingestion.new_attempt(SYSTEM, ds, path=path, via="demo")
        attempt = ingestion.start(SYSTEM, attempt, inline=True)
        say(f"catalog: {ds_name} ← {name}: {attempt.state}, {attempt.rows_loaded} rows, "
            f"{attempt.reject_count} rejected{' — ' + attempt.error if attempt.error else ''}")
    db = out_dir / HUJI_DB
    if not db.is_file():
        say(f"catalog: {HUJI_DB} not found, skipped")
        return
    allow_demo_folder(out_dir, say)
    source = Source.objects.filter(name="公安局户籍库", department__code="gaj").first()
    if source is None:
        tables = {t: n for t, n in HUJI_TABLES.items() if t in sources.list_tables(SYSTEM, f"sqlite:///{db}")}
        source = sources.create_database_source(SYSTEM, name="公安局户籍库", department_code="gaj", url=f"sqlite:///{db}",
                                                tables=tables, refresh_minutes=24 * 60)
        for binding in source.bindings.select_related("dataset"):
            services.update_metadata(SYSTEM, binding.dataset, category="人口", update_cycle="daily",
                                     sharing_type="conditional", description="公安局户籍管理系统（常住人口、家庭户）")
    if all(b.dataset.current_version_id for b in source.bindings.select_related("dataset")):
        say("catalog: 公安局户籍库 already loaded")
        return
    for attempt in sources.refresh(SYSTEM, source, inline=True):
        say(f"catalog: {attempt.dataset.name} ← {HUJI_DB}: {attempt.state}, {attempt.rows_loaded} rows"
            f"{' — ' + attempt.error if attempt.error else ''}")


def allow_demo_folder(out_dir: Path, say: Callable[[str], None]) -> None:
    """Allow SQLite sources in the demo folder, which must not hold the hub's own database."""
    folder = os.path.realpath(out_dir)
    inside = [p for p in source_policy.hub_database_files() if p.startswith(folder.rstrip("/") + "/")]
    if inside:
        raise ConfigError("DATABASE_URL", "the app database lies inside the demo folder, which the demo opens to "
                          "database sources", hint="keep the app database outside <ZHONGSHU_DATA_DIR>/demo")
    rule, created = source_policy.allow_folder(SYSTEM, folder=folder, note="demo: 公安局户籍库")
    if created:
        say(f"catalog: database sources may read SQLite files in {folder} (allow-list entry {rule.pk})")
