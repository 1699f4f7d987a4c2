"""Generate the demo county: each department's source system as it really arrives, plus ground truth.

Files written to ``out_dir``:

==========================  =========================================================  =========
file                        what                                                       format
==========================  =========================================================  =========
``gaj_huji.sqlite``         公安 household registry: households, persons, moves         SQLite
``scjgj_qiye.csv``          市场监管 enterprise registry                                 UTF-8 CSV
``rsj_shebao.xlsx``         人社 social insurance: sheets 参保人员, 缴费记录                XLSX
``mzj_butie.csv``           民政 subsidies                                               GBK CSV
``wjj_jigou.json``          卫健 health facilities                                       JSON
``ground_truth.csv``        one row per injected error (see ``demo/errors.py``)          UTF-8 CSV
``manifest.json``           seed, residents, counts, sha256 of every file                JSON
==========================  =========================================================  =========

Where the truth is: the household registry (``gaj_huji.sqlite``) is error-free and is the truth
about persons (ID numbers, names, status, death dates, current addresses; ``moves`` holds the
previous address of persons who moved township). The enterprise CSV is the truth about enterprises
(USCC, status, 注销 date) but its legal-representative columns carry errors. Every other deviation
from the registry in a department file is listed in ``ground_truth.csv``; anything not listed there
is consistent with the registry.

The output is deterministic: the same seed (and ``as_of``) gives byte-identical files.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zhongshu.core.county import load_county
from zhongshu.demo.enterprises import build_enterprises, build_facilities
from zhongshu.demo.errors import ErrorLog, Table
from zhongshu.demo.names import ETHNICITIES
from zhongshu.demo.population import RELATIONS, Population, make_population
from zhongshu.demo.welfare import build_insurance, build_subsidies
from zhongshu.demo.xlsx import write_xlsx

__all__ = ["DEFAULT_AS_OF", "FILES", "GenerateSummary", "generate"]

DEFAULT_AS_OF = datetime.date(2025, 6, 30)
FILES = {
    "gaj": "gaj_huji.sqlite",
    "scjgj": "scjgj_qiye.csv",
    "rsj": "rsj_shebao.xlsx",
    "mzj": "mzj_butie.csv",
    "wjj": "wjj_jigou.json",
    "ground_truth": "ground_truth.csv",
}
Progress = Callable[[str, int, int], None]
_STATUS = ("正常", "死亡", "迁出")
_STEPS = 8  # independent random streams (population, one per builder, errors, spare)


@dataclass
class GenerateSummary:
    """What :func:`generate` wrote: paths, row counts per file/table and errors per kind."""

    out_dir: Path
    seed: int
    residents: int
    files: dict[str, Path] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    manifest: Path | None = None


def generate(
    out_dir: Path,
    residents: int = 20000,
    seed: int = 0,
    progress: Progress | None = None,
    *,
    county_code: str = "371122",
    as_of: datetime.date = DEFAULT_AS_OF,
) -> GenerateSummary:
    """Write the demo county's department files for ``residents`` persons into ``out_dir``."""
    if residents < 100:
        raise ValueError("residents must be at least 100")
    report = progress or (lambda stage, done, total: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    county = load_county(county_code)
    # One independent stream per step, so changing one builder does not reshuffle the others.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(_STEPS)]
    log = ErrorLog(streams[7])
    summary = GenerateSummary(out_dir=out_dir, seed=seed, residents=residents)
    paths = {k: out_dir / v for k, v in FILES.items()}

    # Each stage reports (stage, rows, rows) when it finishes; callers time the gaps.
    report("start", 0, residents)
    pop = make_population(county, residents, as_of, streams[0])
    report("population", residents, residents)
    summary.counts.update(_write_registry(paths["gaj"], pop))
    report(FILES["gaj"], residents, residents)

    enterprises, ent = build_enterprises(county, pop, streams[1], log, FILES["scjgj"])
    insured, payments = build_insurance(county, pop, ent, streams[2], log, FILES["rsj"])
    subsidies = build_subsidies(county, pop, streams[3], log, FILES["mzj"])
    facilities = build_facilities(county, pop, streams[4], log, FILES["wjj"])
    tables = (enterprises, insured, payments, subsidies, facilities)
    for t in tables:
        t.finalize()
    built = sum(len(t.rows) for t in tables)
    report("department records", built, built)

    _write_csv(paths["scjgj"], enterprises, "utf-8")
    report(FILES["scjgj"], len(enterprises.rows), len(enterprises.rows))
    write_xlsx(paths["rsj"], [(t.name, t.header, t.rows) for t in (insured, payments)])
    rsj_rows = len(insured.rows) + len(payments.rows)
    report(FILES["rsj"], rsj_rows, rsj_rows)
    _write_csv(paths["mzj"], subsidies, "gbk")
    report(FILES["mzj"], len(subsidies.rows), len(subsidies.rows))
    records = [dict(zip(facilities.header, r)) for r in facilities.rows]
    paths["wjj"].write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    report(FILES["wjj"], len(records), len(records))
    summary.counts.update({f"{t.file}:{t.name}": len(t.rows) for t in tables})
    summary.counts["ground_truth.csv"] = log.write(paths["ground_truth"])
    summary.errors = log.counts()
    summary.files = paths
    summary.manifest = _write_manifest(out_dir, summary, as_of)
    report("ground truth + manifest", summary.counts["ground_truth.csv"], summary.counts["ground_truth.csv"])
    return summary


def _dates(values: np.ndarray) -> list[str | None]:
    text = np.datetime_as_string(values)
    return np.where(np.isnat(values), None, text).tolist()


def _write_registry(path: Path, pop: Population) -> dict[str, int]:
    """The 公安 registry: households, persons and in-county moves (no injected errors)."""
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA cache_size = -262144;
            BEGIN;
            CREATE TABLE households (
                hh_id TEXT NOT NULL, head_id_number TEXT NOT NULL, township_code TEXT NOT NULL,
                village_code TEXT NOT NULL, address TEXT NOT NULL);
            CREATE TABLE persons (
                person_id TEXT NOT NULL, id_number TEXT NOT NULL, name TEXT NOT NULL,
                gender TEXT NOT NULL, birth_date TEXT NOT NULL, ethnicity TEXT NOT NULL,
                hh_id TEXT NOT NULL, relation TEXT NOT NULL,
                township_code TEXT NOT NULL, village_code TEXT NOT NULL, address TEXT NOT NULL,
                status TEXT NOT NULL, death_date TEXT, moved_out_date TEXT, phone TEXT);
            CREATE TABLE moves (
                person_id TEXT NOT NULL, move_date TEXT NOT NULL,
                from_township_code TEXT NOT NULL, from_village_code TEXT NOT NULL,
                from_address TEXT NOT NULL, to_township_code TEXT NOT NULL,
                to_village_code TEXT NOT NULL);
            """
        )
        n = len(pop)
        v = pop.villages
        vcode = v.code
        tcode = [c[:9] for c in vcode]
        hh_ids = [f"H{h:08d}" for h in range(len(pop.hh_size))]
        hh_village = pop.village[pop.hh_start].tolist()
        con.executemany(
            "INSERT INTO households VALUES (?,?,?,?,?)",
            zip(
                hh_ids,
                [pop.id_number[s] for s in pop.hh_start.tolist()],
                [tcode[x] for x in hh_village],
                [vcode[x] for x in hh_village],
                pop.hh_address,
            ),
        )
        village = pop.village.tolist()
        household = pop.household.tolist()
        eth = [e for e, _ in ETHNICITIES]
        rows = zip(
            [f"P{p:08d}" for p in range(n)],
            pop.id_number,
            pop.name,
            np.where(pop.male, "男", "女").tolist(),
            np.datetime_as_string(pop.birth).tolist(),
            [eth[e] for e in pop.ethnicity.tolist()],
            [hh_ids[h] for h in household],
            RELATIONS[pop.relation].tolist(),
            [tcode[x] for x in village],
            [vcode[x] for x in village],
            [pop.hh_address[h] for h in household],
            [_STATUS[s] for s in pop.status.tolist()],
            _dates(pop.death),
            _dates(pop.moved_out),
            [p or None for p in pop.phone],
        )
        con.executemany("INSERT INTO persons VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        movers = sorted(pop.old_address)
        moved_on = _dates(pop.moved_on[movers]) if movers else []
        con.executemany(
            "INSERT INTO moves VALUES (?,?,?,?,?,?,?)",
            (
                (
                    f"P{p:08d}",
                    moved_on[k],
                    tcode[pop.moved_from[p]],
                    vcode[pop.moved_from[p]],
                    pop.old_address[p],
                    tcode[village[p]],
                    vcode[village[p]],
                )
                for k, p in enumerate(movers)
            ),
        )
        con.execute("COMMIT")
        # Indexes after the bulk insert: building them from sorted data is several times faster.
        con.executescript(
            """
            CREATE UNIQUE INDEX households_hh_id ON households (hh_id);
            CREATE UNIQUE INDEX persons_person_id ON persons (person_id);
            CREATE UNIQUE INDEX persons_id_number ON persons (id_number);
            CREATE INDEX persons_hh_id ON persons (hh_id);
            CREATE INDEX moves_person_id ON moves (person_id);
            """
        )
    finally:
        con.close()
    return {
        "gaj_huji.sqlite:households": len(pop.hh_size),
        "gaj_huji.sqlite:persons": len(pop),
        "gaj_huji.sqlite:moves": len(pop.old_address),
    }


def _write_csv(path: Path, table: Table, encoding: str) -> None:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f, lineterminator="\r\n" if encoding == "gbk" else "\n")
        w.writerow(table.header)
        w.writerows(table.rows)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_manifest(out_dir: Path, summary: GenerateSummary, as_of: datetime.date) -> Path:
    manifest = {
        "generator": "zhongshu.demo.generator",
        "seed": summary.seed,
        "residents": summary.residents,
        "as_of": as_of.isoformat(),
        "counts": summary.counts,
        "errors": summary.errors,
        "files": [
            {"name": p.name, "bytes": p.stat().st_size, "sha256": _sha256(p)} for p in summary.files.values()
        ],
    }
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
