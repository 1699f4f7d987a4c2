"""Catalog fixtures: tasks run inline, small source files written on demand."""

from __future__ import annotations

import pytest

from zhongshu.core.identifiers import make_resident_id

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _inline_tasks(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture(name="people_csv")
def _people_csv_fixture():
    return people_csv


def resident_ids(n: int) -> list[str]:
    import datetime

    return [make_resident_id("371122", datetime.date(1960 + i % 50, 1 + i % 12, 1 + i % 28), i % 999 + 1) for i in range(n)]


def people_csv(path, n: int = 50, *, encoding: str = "utf-8", bad_lines: tuple[int, ...] = (), extra_col: bool = False):
    """A 户籍-like CSV: 身份证号,姓名,年龄,手机号 (+ 住址); rows in `bad_lines` get a non-numeric age."""
    ids = resident_ids(n)
    header = "身份证号,姓名,年龄,手机号" + (",住址" if extra_col else "")
    lines = [header]
    for i in range(n):
        age = "未知" if (i + 2) in bad_lines else str(20 + i % 60)
        row = f"{ids[i]},张{'伟芳敏静'[i % 4]}{'强军'[i % 2]},{age},138{i:08d}"
        if extra_col:
            row += f",山东省日照市莒县城阳街道前李家庄村{i}号"
        lines.append(row)
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.fixture
def steward(make_user):
    return make_user("steward", username="steward_gaj", department="gaj")


@pytest.fixture
def dataset(steward):
    from zhongshu.catalog import services

    return services.create_dataset(steward, name="常住人口户籍信息", department_code="gaj", category="人口",
                                   update_cycle="monthly")


@pytest.fixture
def load(tmp_path):
    """Load a file into a dataset through the service path; returns the attempt."""
    from zhongshu.catalog import ingestion

    def do(actor, dataset, path, **opts):
        attempt = ingestion.new_attempt(actor, dataset, path=path, via="cli", **{k: v for k, v in opts.items() if k in ("fmt", "encoding", "sheet", "max_bad_fraction")})
        return ingestion.start(actor, attempt, inline=True)

    return do


@pytest.fixture
def allow_folder():
    """Put a folder on the database-source allow-list (as the system actor), e.g. a test's tmp_path."""
    from zhongshu.accounts.system import SYSTEM
    from zhongshu.catalog import source_policy

    def do(folder):
        return source_policy.allow_folder(SYSTEM, folder=str(folder))[0]

    return do
