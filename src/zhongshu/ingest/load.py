"""Load one file into Parquet: detect, decode, parse in bulk, type, validate, report bad rows.

The pipeline, all of it streaming or inside DuckDB:

    hash + check   one pass over the bytes: SHA-256, UTF-8 validity, line endings
    decode         GB18030/UTF-16/mixed line endings → UTF-8 (encoding.transcode_to_utf8)
    stage          CSV: DuckDB parses text columns; XLSX/JSON: streamed to a staged Parquet file
    type           declared FieldSpecs, else inferred over all rows (casting.choose_kind)
    validate       cast failures and missing required values become rejects with line numbers
    write          the good rows → out_dir/part-00000.parquet, fsynced

A bad row is reported (line, column, reason) and the rest loads (ARCHITECTURE rule 4); more
than `max_bad_rows_fraction` bad rows fails the load with `LoadFailed` carrying the rejects.

The load limits (`ingest.limits.Limits`) are checked at the cheapest point: the file size before
hashing, XLSX and Parquet directories before parsing (`ingest.containers`), the header's column
count before DuckDB sees the body, rows after parsing. A value over the cell limit and a value
holding a NUL byte make their row a reject, in every format. `load_file` runs in the caller's
process; the hub runs it in a child process under a memory limit (`ingest.isolate`).
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from zhongshu.core import csvout
from zhongshu.core.errors import InvalidInput
from zhongshu.core.files import fsync_dir, sha256_file
from zhongshu.ingest import casting, csvfile
from zhongshu.ingest import encoding as enc
from zhongshu.ingest.casting import quote_ident, quote_literal
from zhongshu.ingest.containers import check_parquet
from zhongshu.ingest.formats import check_readable, detect_format
from zhongshu.ingest.limits import Limits, refuse, setting_of, size_text
from zhongshu.ingest.model import Field, FieldSpec, FileInfo, LoadFailed, LoadResult, Progress, Reject
from zhongshu.ingest.staging import LINE, NUL_REASON, stage_json, stage_xlsx
from zhongshu.warehouse.engine import DuckDBEngine

PART_NAME = "part-00000.parquet"
MAX_REJECTS = 100_000  # kept for the report; the count beyond is exact, the list is capped
INFER_BATCH = 50  # columns per inference query: one query over 1,000 columns took 12 GB
MIN_LINE_BYTES = 16 << 20  # DuckDB's line limit never below this, whatever the cell limit
# More NUL bytes than this share of the sample: UTF-16 text or a binary file, not a CSV with a stray NUL.
NUL_SHARE = 0.05
_REASONS = {
    "integer": "not a whole number",
    "decimal": "not a number",
    "date": "not a date (use YYYY-MM-DD)",
    "timestamp": "not a date and time (use YYYY-MM-DD HH:MM:SS)",
    "boolean": "not a yes/no value (use 是/否 or true/false)",
}


@dataclass(frozen=True)
class SourceCheck:
    """What one pass over a file's bytes found."""

    sha256: str
    size: int
    newlines: int
    ends_with_newline: bool
    utf8_ok: bool
    bad_offset: int = -1
    needs_newline_fix: bool = False
    nuls: int = 0
    sample_nuls: int = 0  # in the first block


def check_source(
    path: str | os.PathLike[str],
    *,
    validate_utf8: bool,
    chunk: int = 8 << 20,
    progress: Progress | None = None,
) -> SourceCheck:
    """Hash a file and, for UTF-8, check it decodes and uses one kind of line ending."""
    h = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    size = os.path.getsize(path)
    pos = newlines = crs = crlfs = nuls = 0
    sample_nuls = -1
    ok, bad = True, -1
    prev_cr = False
    last = b""
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
            nuls += block.count(b"\x00")
            if sample_nuls < 0:
                sample_nuls = block.count(b"\x00", 0, 1 << 20)
            newlines += block.count(b"\n")
            crs += block.count(b"\r")
            crlfs += block.count(b"\r\n") + (1 if prev_cr and block[:1] == b"\n" else 0)
            prev_cr = block[-1:] == b"\r"
            if validate_utf8 and ok:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    ok, bad = False, pos - (len(exc.object) - len(block)) + exc.start
            pos += len(block)
            last = block[-1:]
            if progress is not None and size:
                progress("hash", pos / size)
    if validate_utf8 and ok:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            ok, bad = False, pos
    return SourceCheck(
        sha256=h.hexdigest(),
        size=pos,
        newlines=newlines,
        ends_with_newline=last == b"\n",
        utf8_ok=ok,
        bad_offset=bad,
        needs_newline_fix=crs > 0 and not (crs == crlfs == newlines),
        nuls=nuls,
        sample_nuls=max(sample_nuls, 0),
    )


@dataclass
class _Raw:
    """The parsed-but-untyped table: DuckDB relation name, columns, row key and line lookup."""

    relation: str
    columns: list[str]
    source_types: dict[str, str]
    ord_expr: str  # SQL giving each row's ordinal (CSV) or original line (staged files)
    total: int
    rejects: list[Reject] = field(default_factory=list)
    line_lookup: object = None  # callable(list[int]) -> dict[int, int] for CSV ordinals
    cells_checked: bool = False  # staging already rejected rows with oversized or NUL values


def _count_lines(check: SourceCheck) -> int:
    return check.newlines + (0 if check.ends_with_newline or check.size == 0 else 1)


_STRUCT = {
    "MISSING COLUMNS": "too few columns",
    "TOO MANY COLUMNS": "too many columns",
    "UNQUOTED VALUE": "a quote character inside an unquoted value",
    "LINE SIZE OVER MAXIMUM": "line too long",  # completed with the limit in _stage_csv
    "INVALID ENCODING": "bytes that are not valid UTF-8",
    "INVALID STATE": "malformed quoting",
}


def _struct_reason(error_type: str, message: str | None) -> str:
    """A reject reason from DuckDB's error type; only column counts are taken from its text."""
    reason = _STRUCT.get(error_type, "malformed row")
    m = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message or "")
    if m:
        reason = f"{reason}: expected {m.group(1)}, found {m.group(2)}"
    return reason


def _line_limit(limits: Limits) -> int:
    return max(MIN_LINE_BYTES, 2 * limits.max_cell_bytes)


def _stage_csv(
    eng: DuckDBEngine, data_path: str, delimiter: str | None, name: str, lines_in_file: int, limits: Limits
) -> _Raw:
    header = csvfile.read_header(data_path, delimiter, max_columns=limits.max_columns)
    cols = ", ".join(f"{quote_literal(c)}: 'VARCHAR'" for c in header.names)
    eng.run(
        f"CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM read_csv({quote_literal(data_path)}, "
        f"auto_detect=false, header=true, delim={quote_literal(header.delimiter)}, quote='\"', escape='\"', "
        f"columns={{{cols}}}, store_rejects=true, rejects_table='raw_rejects', rejects_scan='raw_scans', "
        f"max_line_size={_line_limit(limits)})"
    )
    accepted = eng.con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
    if accepted > limits.max_rows:
        raise refuse("file", f"{name}: the number of rows", str(accepted), str(limits.max_rows), "max_rows")
    rej = eng.con.execute(
        "SELECT DISTINCT line_byte_position, error_type::VARCHAR, error_message FROM raw_rejects ORDER BY 1"
    ).fetchall()
    offsets = [r[0] for r in rej]
    line_of = csvfile.lines_at_offsets(data_path, offsets)
    rejects: list[Reject] = []
    seen: set[int] = set()
    too_long = (f"line longer than {size_text(_line_limit(limits))} (a value may be at most "
                f"{size_text(limits.max_cell_bytes)}: {setting_of('max_cell_bytes')})")
    for off, etype, msg in rej:
        line = line_of[off]
        if line not in seen:
            seen.add(line)
            reason = too_long if etype == "LINE SIZE OVER MAXIMUM" else _struct_reason(etype, msg)
            rejects.append(Reject(line, "", reason))
    total = accepted + len(seen)
    if total == 0:
        raise InvalidInput(
            "file",
            f"{name} has a header row but no data rows",
            hint="add data rows below the header, or choose another file",
        )
    regular = lines_in_file == 1 + total

    def lookup(ordinals: list[int]) -> dict[int, int]:
        return csvfile.lines_for_ordinals(
            data_path, ordinals, sorted(seen), regular=regular, delimiter=header.delimiter
        )

    return _Raw("raw", header.names, dict.fromkeys(header.names, "VARCHAR"), "rowid", total, rejects, lookup)


def _stage_view(
    eng: DuckDBEngine, staged_path: str, columns: list[str], total: int, rejects: list[Reject]
) -> _Raw:
    eng.run(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT * FROM read_parquet({quote_literal(staged_path)})")
    return _Raw("raw", columns, dict.fromkeys(columns, "VARCHAR"), quote_ident(LINE), total, rejects,
                cells_checked=True)


def _stage_parquet(eng: DuckDBEngine, src: str, limits: Limits) -> _Raw:
    check_parquet(src, limits)
    eng.run(
        "CREATE OR REPLACE TEMP VIEW raw AS SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS __line "
        f"FROM read_parquet({quote_literal(src)}, file_row_number=true)"
    )
    desc = eng.con.execute("DESCRIBE raw").fetchall()
    types = {r[0]: r[1] for r in desc if r[0] != LINE}
    total = eng.con.execute("SELECT count(*) FROM raw").fetchall()[0][0]
    return _Raw("raw", list(types), types, quote_ident(LINE), total)


@dataclass(frozen=True)
class _Plan:
    name: str
    kind: str
    scale: int | None
    required: bool
    cast: str  # SQL over raw
    check: bool  # whether a non-null value can fail the cast


def _plan(
    eng: DuckDBEngine, raw: _Raw, columns: list[FieldSpec] | None, tolerance: float, warnings: list[str]
) -> list[_Plan]:
    declared = {c.name.casefold(): c for c in columns or []}
    present = {c.casefold() for c in raw.columns}
    missing = [c.name for c in columns or [] if c.name.casefold() not in present]
    if missing:
        raise InvalidInput(
            "columns",
            f"declared columns missing from the file: {', '.join(missing)}",
            hint="check the header row, or update the dataset's declared columns",
        )
    extra = [c for c in raw.columns if columns is not None and c.casefold() not in declared]
    if extra:
        warnings.append(f"columns not declared, types inferred: {', '.join(extra)}")
    to_infer = [
        c
        for c in raw.columns
        if raw.source_types[c] == "VARCHAR"
        and (
            c.casefold() not in declared
            or (declared[c.casefold()].type == "decimal" and declared[c.casefold()].scale is None)
        )
    ]
    stats: dict[str, dict] = {}
    if to_infer:
        eng.run(f"CREATE OR REPLACE TEMP TABLE infer_sample AS {casting.sample_sql(raw.relation, to_infer)}")
        keys = ["nn", "nint", "nlead", "ilen", "ndec", "dscale", "ndate", "nts", "nbool"]
        # A batch at a time: DuckDB compiles each regex per expression, and nine per column over
        # a thousand columns in one query took 12 GB and 50 s; fifty at a time takes 300 MB.
        for start in range(0, len(to_infer), INFER_BATCH):
            batch = to_infer[start : start + INFER_BATCH]
            row = eng.con.execute(casting.infer_sql("infer_sample", batch)).fetchall()[0]
            for i, c in enumerate(batch):
                base = i * len(keys)
                stats[c] = dict(zip(keys, row[base : base + len(keys)], strict=True))
        eng.run("DROP TABLE infer_sample")
    plans = []
    for c in raw.columns:
        col = quote_ident(c)
        spec = declared.get(c.casefold())
        src_type = raw.source_types[c]
        if spec is not None:
            scale = spec.scale
            if spec.type == "decimal" and scale is None and c in stats:
                scale = min(stats[c]["dscale"] or 0, 18)
            kind, required = spec.type, spec.required
        elif src_type != "VARCHAR":  # parquet passthrough keeps the source type
            plans.append(_Plan(c, casting.kind_of(src_type), None, False, col, False))
            continue
        else:
            inferred = casting.choose_kind(c, stats[c], tolerance)
            kind, scale, required = inferred.kind, inferred.scale, False
        cast = casting.cast_any(col, src_type, kind, scale, declared=spec is not None)
        plans.append(_Plan(c, kind, scale, required, cast, kind != "string" or src_type != "VARCHAR"))
    return plans


def _flags(
    plans: list[_Plan], source_types: dict[str, str], *, cells: Limits | None = None, nuls: bool = False
) -> list[tuple[str, str, str]]:
    """(column, reason, SQL condition) for every way a cell can be bad.

    With `cells`, text values over its cell limit are bad; with `nuls`, text values holding a NUL
    byte are (for sources whose staging did not check that already)."""
    out = []
    for p in plans:
        col = quote_ident(p.name)
        if cells is not None and source_types[p.name] == "VARCHAR":
            out.append((p.name, f"value larger than {size_text(cells.max_cell_bytes)} "
                                f"({setting_of('max_cell_bytes')})",
                        f"coalesce(strlen({col}) > {cells.max_cell_bytes}, false)"))
            if nuls:
                out.append((p.name, NUL_REASON, f"coalesce(contains({col}, chr(0)), false)"))
        if p.required:
            empty = (
                f"({col} IS NULL OR trim({col}) = '')"
                if source_types[p.name] == "VARCHAR"
                else f"{col} IS NULL"
            )
            out.append((p.name, "required value is missing", empty))
        if p.check:
            reason = _REASONS.get(p.kind, f"not a valid {p.kind}")
            blank = f"trim({col}) <> ''" if source_types[p.name] == "VARCHAR" else "true"
            out.append((p.name, reason, f"({col} IS NOT NULL AND ({p.cast}) IS NULL AND {blank})"))
    return out


def _file_info(path: Path) -> FileInfo:
    digest = sha256_file(path, fsync=True)
    return FileInfo(str(path.resolve()), path.stat().st_size, digest)


def load_file(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    columns: list[FieldSpec] | None = None,
    max_bad_rows_fraction: float = 0.05,
    progress: Progress | None = None,
    infer_tolerance: float = 0.01,
    memory_limit: str | None = None,
    work_dir: str | None = None,
    limits: Limits | None = None,
) -> LoadResult:
    """Load `path` into Parquet under `out_dir`; bad rows become rejects, too many fail the load.

    `limits` bound what the file may cost (default: `Limits()`); `memory_limit` overrides the
    DuckDB memory limit they imply."""
    limits = limits or Limits()
    src = check_readable(path)
    name = src.name
    size = src.stat().st_size
    if size > limits.max_upload_bytes:
        raise refuse("file", f"{name}: the file size", size_text(size), size_text(limits.max_upload_bytes),
                     "max_upload_bytes")
    fmt = fmt or detect_format(src)
    if fmt not in ("csv", "tsv", "xlsx", "json", "jsonl", "parquet"):
        raise InvalidInput(
            "format", f"unknown format {fmt!r}", hint="use csv, tsv, xlsx, json, jsonl or parquet"
        )
    if not 0 <= max_bad_rows_fraction <= 1:
        raise InvalidInput("max_bad_rows_fraction", "must be between 0 and 1", hint="e.g. 0.05 for 5%")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / PART_NAME
    if target.exists():
        raise InvalidInput(
            "out_dir",
            f"{out.name} already holds a load ({PART_NAME})",
            hint="load each version into a new, empty folder",
        )
    report = progress or (lambda step, frac: None)
    warnings: list[str] = []
    text_format = fmt in ("csv", "tsv", "json", "jsonl")
    chosen = enc.normalize_encoding(encoding) if encoding else None
    if text_format and chosen is None:
        chosen = enc.detect_encoding(src)
    # Detected UTF-8 CSV is validated by DuckDB while parsing (INVALID ENCODING). JSON, and any
    # file the caller declared UTF-8, is checked here in the hashing pass: a GBK header forced to
    # UTF-8 would otherwise turn into replacement characters and fail as duplicate column names.
    check = check_source(
        src,
        validate_utf8=chosen in (enc.UTF8, enc.UTF8_SIG)
        and (fmt in ("json", "jsonl") or encoding is not None),
        progress=report,
    )
    if not check.utf8_ok:
        if encoding:  # the caller insisted: say where and how to fix
            line = csvfile.lines_at_offsets(src, [check.bad_offset])[check.bad_offset]
            raise enc.decode_error(src, chosen, check.bad_offset, line)
        chosen = enc.GB18030
        warnings.append("the file's start looked like UTF-8 but the rest is not; read as GB18030")
    if text_format and check.nuls:
        _check_nuls(src, check)

    with tempfile.TemporaryDirectory(prefix="zhongshu-ingest-", dir=work_dir) as tmp:
        with DuckDBEngine(memory_limit=memory_limit or limits.duckdb_memory, threads=limits.threads,
                          temp_directory=os.path.join(tmp, "duckdb")) as eng:
            data_path, lines_in_file = str(src), _count_lines(check)
            if text_format and (chosen not in (enc.UTF8, enc.UTF8_SIG) or check.needs_newline_fix):
                data_path = os.path.join(tmp, "source.utf8")
                result = enc.transcode_to_utf8(src, data_path, chosen, progress=report)
                lines_in_file = result.lines + (0 if result.bytes_out == 0 or _ends_nl(data_path) else 1)
            report("parse", 0.0)
            if fmt in ("csv", "tsv"):
                delimiter = "\t" if fmt == "tsv" else None
                raw = _stage_csv(eng, data_path, delimiter, name, lines_in_file, limits)
                bad_enc = [r for r in raw.rejects if r.reason == _STRUCT["INVALID ENCODING"]]
                if bad_enc and data_path == str(src):  # not declared UTF-8: checked above otherwise
                    # The sample looked like UTF-8, later lines are not: legacy Chinese text.
                    chosen = enc.GB18030
                    warnings.append(
                        "the file's start looked like UTF-8 but later lines are not; read as GB18030"
                    )
                    data_path = os.path.join(tmp, "source.utf8")
                    result = enc.transcode_to_utf8(src, data_path, chosen, progress=report)
                    lines_in_file = result.lines + (0 if result.bytes_out == 0 or _ends_nl(data_path) else 1)
                    raw = _stage_csv(eng, data_path, delimiter, name, lines_in_file, limits)
            elif fmt == "xlsx":
                staged = stage_xlsx(src, os.path.join(tmp, "staged.parquet"), sheet, limits)
                raw = _stage_view(
                    eng, staged.path, staged.columns, staged.rows + len(staged.rejects), staged.rejects
                )
            elif fmt in ("json", "jsonl"):
                staged = stage_json(data_path, os.path.join(tmp, "staged.parquet"), lines=fmt == "jsonl",
                                    limits=limits)
                raw = _stage_view(
                    eng, staged.path, staged.columns, staged.rows + len(staged.rejects), staged.rejects
                )
            else:
                raw = _stage_parquet(eng, str(src), limits)
            if raw.total == 0:
                raise InvalidInput(
                    "file",
                    f"{name} has a header row but no data rows",
                    hint="add data rows, or choose another file",
                )
            report("parse", 1.0)

            plans = _plan(eng, raw, columns, infer_tolerance, warnings)
            # Staged XLSX/JSON rows were checked while staging; CSV and Parquet values are checked
            # here, and NULs only when the hashing pass saw any (Parquet: always, it is binary).
            flags = _flags(plans, raw.source_types, cells=None if raw.cells_checked else limits,
                           nuls=not raw.cells_checked and (check.nuls > 0 or fmt == "parquet"))
            report("validate", 0.0)
            rejects = list(raw.rejects)
            bad_rows = len({r.line for r in rejects})
            any_bad = " OR ".join(f"({cond})" for _, _, cond in flags) or "false"
            if flags:
                flagged = eng.con.execute(
                    f"SELECT {raw.ord_expr} AS o, {', '.join(cond for _, _, cond in flags)} FROM {raw.relation} "
                    f"WHERE {any_bad}"
                )
                cell_rejects: list[tuple[int, str, str]] = []
                while batch := flagged.fetchmany(10_000):
                    for row in batch:
                        bad_rows += 1
                        if len(cell_rejects) < MAX_REJECTS:
                            for (col, reason, _), hit in zip(flags, row[1:], strict=True):
                                if hit:
                                    cell_rejects.append((row[0], col, reason))
                if raw.line_lookup is not None:
                    lines = raw.line_lookup([o for o, _, _ in cell_rejects])  # type: ignore[operator]
                    rejects += [Reject(lines[o], c, r) for o, c, r in cell_rejects]
                else:
                    rejects += [Reject(o, c, r) for o, c, r in cell_rejects]
                rejects.sort(key=lambda r: (r.line, r.column))
            report("validate", 1.0)
            if bad_rows > raw.total * max_bad_rows_fraction:
                raise LoadFailed(rejects, raw.total, max_bad_rows_fraction, source=name, bad_rows=bad_rows)

            select = ", ".join(f"{p.cast} AS {quote_ident(p.name)}" for p in plans)
            report("write", 0.0)
            eng.run(
                f"COPY (SELECT {select} FROM {raw.relation} WHERE NOT ({any_bad})) TO {quote_literal(str(target))} "
                "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)"
            )
            schema = eng.con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({quote_literal(str(target))})"
            ).fetchall()
            rows = eng.count([target])
    info = _file_info(target)
    fsync_dir(out)
    report("write", 1.0)
    kinds = {p.name: p.kind for p in plans}
    required = {p.name for p in plans if p.required}
    fields = [Field(r[0], kinds.get(r[0], casting.kind_of(r[1])), r[1], r[0] not in required) for r in schema]
    return LoadResult(
        rows=rows,
        rejects=rejects,
        fields=fields,
        files=[info],
        source_sha256=check.sha256,
        encoding=chosen,
        format=fmt,
        total_rows=raw.total,
        warnings=warnings,
    )


def _check_nuls(src: Path, check: SourceCheck) -> None:
    """Refuse text that is mostly NUL bytes (UTF-16 without its BOM, or binary); rarer NULs make
    their rows rejects later (`_flags`)."""
    sample = min(check.size, 1 << 20)
    if sample and check.sample_nuls / sample > NUL_SHARE:
        line = csvfile.lines_at_offsets(src, [_first_nul(src)])
        raise InvalidInput(
            "file",
            f"{src.name}: {check.nuls} NUL bytes (\\0), the first on line {next(iter(line.values()))}: this is "
            "not UTF-8 or GB18030 text",
            hint="the file is probably UTF-16 text without its byte-order mark, or not a table at all: "
            "save it as UTF-8 CSV and load again",
        )


def _first_nul(src: Path) -> int:
    with open(src, "rb") as f:
        pos = 0
        while block := f.read(8 << 20):
            i = block.find(b"\x00")
            if i >= 0:
                return pos + i
            pos += len(block)
    return 0


def _ends_nl(path: str) -> bool:
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        if f.tell() == 0:
            return False
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


def write_rejects_csv(rejects: list[Reject], path: str | os.PathLike[str]) -> None:
    """Write a downloadable rejects report (line, column, reason) as UTF-8 CSV with a BOM for Excel.

    Column names come from the uploaded file, so cells are escaped against formulas (`core.csvout`)."""
    csvout.write(path, ["line", "column", "reason"], ([r.line, r.column, r.reason] for r in rejects), bom=True)
