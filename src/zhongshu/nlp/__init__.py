"""Triage models for citizen appeals (12345): category/department, emotion, urgency, priority.

Public API (import from the submodules; importing this package stays cheap):
`triage.Triage` (predict, predict_many), `priority.detect_signals` / `urgency_level` /
`priority`, `taxonomy.Taxonomy`, `registry.ModelRegistry` / `train_from_records`, and the
`zhongshu nlp` management command. See docs/nlp/model-card.md.
"""
