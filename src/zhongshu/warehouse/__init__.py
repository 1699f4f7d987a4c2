"""Warehouse: the engine over immutable Parquet versions, version diffs and quality rules.

- `engine.Engine`, `engine.DuckDBEngine`
- `diff.diff_versions`, `diff.diff_rows`
- `quality.Rule`, `quality.run_rules`, `quality.propose_rules`, `quality.CHECK_SCHEMES`
"""
