"""Ingest: files and databases into versioned Parquet, with rejects, profiles and schema drift.

Public API (import from the submodules):

- `load.load_file`, `load.write_rejects_csv`
- `isolate.run_load` (a load in a child process under a memory limit)
- `limits.Limits`, `limits.LimitExceeded` (what one load may cost)
- `containers.check_xlsx`, `containers.check_parquet`, `containers.sheet_names`
- `model.FieldSpec`, `model.LoadResult`, `model.Reject`, `model.LoadFailed`
- `encoding.detect_encoding`, `encoding.transcode_to_utf8`
- `formats.detect_format`, `formats.list_sheets`
- `dbsource.DatabaseSource`, `dbsource.redact_url`
- `profile.profile`, `profile.FieldProfile`
- `schema.diff_schemas`
"""
