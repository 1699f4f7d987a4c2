"""Quality rules count bad values as failing rows; they never stop on them (issue #12)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from zhongshu.warehouse.quality import Rule, run_rules


def test_bad_values_fail_their_rows_and_a_broken_rule_does_not_stop_the_others(tmp_path):
    path = tmp_path / "v.parquet"
    pq.write_table(pa.table({
        "id": ["11010519491231002X", "坏行", "", "1101051949123100", "x1010519491231002X"],
        "card": ["4111111111111111", "41111111111111坏", "1234", None, "4111111111111112"],
        "age": ["30", "三十", "200", None, "-1"],
    }), path)
    results = run_rules([path], [
        Rule("check_digit", "id", {"scheme": "resident_id"}),
        Rule("check_digit", "card", {"scheme": "bank_card"}),
        Rule("range", "age", {"min": 0, "max": 150}),  # numbers against a text column
        Rule("allowed_values", "age", {"values": [30, 200]}),
        Rule("format", "id", {"pattern": r"(?=1)\d+"}),  # RE2 has no look-ahead: this one cannot run
        Rule("required", "gone"),
    ])
    by = [(r.failed, r.failing_rows, bool(r.error)) for r in results]
    assert by[0] == (4, [2, 3, 4, 5], False)
    assert by[1] == (3, [2, 3, 5], False)
    assert by[2] == (3, [2, 3, 5], False)  # 三十 is not a number: a failing row, not an error
    assert by[3] == (2, [2, 5], False)
    assert by[4][2] and "could not be evaluated" in results[4].error and results[4].passed == 0
    assert results[5].error == "rule column 'gone' is not in the version"
