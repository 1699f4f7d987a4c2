"""Warehouse: the engine over immutable Parquet versions, version diffs and quality rules.

- `engine.Engine`, `engine.DuckDBEngine`
- `diff.diff_versions`
- `quality.Rule`, `quality.run_rules`, `quality.propose_rules`
"""
