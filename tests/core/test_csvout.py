"""One CSV writer for every file the hub hands out: formulas never run in Excel or WPS."""

from __future__ import annotations

import csv
import io

from django.utils import timezone

from zhongshu.core import csvout

ATTACKS = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1:A9)", "\tcmd", "\rcmd"]


def test_every_formula_start_is_escaped_and_numbers_stay_numbers(tmp_path):
    path = tmp_path / "r.csv"
    csvout.write(path, ["line", "column", "reason"], [[i, a, "bad"] for i, a in enumerate(ATTACKS, start=2)] +
                 [[-5, "身份证号", "ok"]])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [r[1] for r in rows[1:-1]] == ["'" + a for a in ATTACKS]
    assert rows[-1] == ["-5", "身份证号", "ok"]  # a number is written as a number, not escaped
    assert not csvout.text(["a"], []).startswith(csvout.BOM)


def test_the_appeal_import_rejects_report_is_escaped(db, make_user):
    from zhongshu.appeals import importer
    from zhongshu.appeals.models import AppealImport

    run = AppealImport.objects.create(at=timezone.now(), actor="x", filename="h.csv",
                                      rejects=[{"line": 2, "column": ATTACKS[0], "reason": "unknown column"}])
    text = importer.rejects_csv(make_user("operator"), run.pk)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["line", "column", "reason"], ["2", "'" + ATTACKS[0], "unknown column"]]
