"""Ingest: files and databases into versioned Parquet, with rejects, profiles and schema drift.

Public API (import from the submodules):

- `load.load_file`, `load.write_rejects_csv`
- `model.FieldSpec`, `model.LoadResult`, `model.Reject`, `model.LoadFailed`
- `encoding.detect_encoding`, `encoding.transcode_to_utf8`
- `formats.detect_format`, `formats.list_sheets`
- `dbsource.DatabaseSource`, `dbsource.redact_url`
- `profile.profile`, `profile.FieldProfile`
- `schema.diff_schemas`
"""
