"""Which values of a dataset a reader sees masked: decided at the source, applied in one place.

Every read path of dataset rows (the preview page and API, version diffs, and the sharing gateway
after it) asks `plan()` which mask each column gets and `apply()` to mask the rows. A column is
masked when any of these says so — so no single person can unmask it by editing one thing:

- **label**: the field's label (confirmed by a steward or suggested by the profiler) calls for a mask;
- **detected**: the profiler found that label in the values when a version was loaded
  (`label_candidates`); a steward clearing the label does not clear this (issue #7: a cleared label
  on a column of phone numbers showed them raw);
- **content**: the values being returned look like personal data (checked on the rows read), which
  covers a mislabelled or renamed column and a later version.

A value that is itself a structured identifier (ID number, mobile, bank card, plate, landline) is
masked wherever it appears, even in a column that is not masked as a whole, and identifiers inside
free text (a remarks column) are scrubbed by the shared detector (`core.pii`). Masks are **joint**:
when an ID-number column is masked, a column holding the birth dates of the same people keeps only
the year — otherwise the hidden middle of `371122********676X` is read off `1960-03-13` beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from zhongshu.core import pii
from zhongshu.core.identifiers import (
    is_bank_card,
    is_landline,
    is_mobile,
    is_plate,
    is_valid_resident_id,
)
from zhongshu.core.masks import LABEL_MASK, apply_mask
from zhongshu.ingest.labels import DETECTORS

# A label the profiler saw in at least this share of a column's sampled values masks it.
DETECTED_SHARE = 0.5
# A column masks as a whole when this share of its non-empty returned values carry one label.
CONTENT_SHARE = 0.5
# Column names that say "birth date" (joint masking with ID numbers).
_BIRTH_NAME = re.compile(r"出生|生日|birth|dob", re.I)
_DATE_VALUE = re.compile(r"^\s*((?:18|19|20)\d\d)[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})")

# Values masked wherever they appear: identifiers that are personal data on their own.
_VALUE_DETECTORS: tuple[tuple[str, Any], ...] = (
    ("id_number", is_valid_resident_id), ("phone", is_mobile), ("bank_card", is_bank_card),
    ("phone", is_landline), ("plate", is_plate),
)


@dataclass(frozen=True)
class ColumnMask:
    """The mask of one column and why (label, detected, content or joint)."""

    column: str
    kind: str
    why: str


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _content_label(values: Sequence[str | None]) -> str:
    present = [v.strip() for v in values if v is not None and v.strip()]
    if not present:
        return ""
    for label, detect in DETECTORS.items():
        if label not in LABEL_MASK:
            continue
        if sum(1 for v in present if detect(v)) >= CONTENT_SHARE * len(present):
            return label
    return ""


def _birth_part(resident_id: str) -> str:
    return resident_id[6:14] if is_valid_resident_id(resident_id) else ""


def _date_digits(value: str | None) -> str:
    m = _DATE_VALUE.match(value or "")
    return f"{m.group(1)}{int(m.group(2)):02d}{int(m.group(3)):02d}" if m else ""


def plan(fields: Iterable[Any], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, ColumnMask]:
    """The mask of each masked column, from field metadata (label, candidates) and the rows read.

    `fields` are the dataset's fields (anything with `name`, `label`, `label_candidates`).
    """
    by_name = {f.name: f for f in fields}
    texts = [[_text(v) for v in row] for row in rows]
    out: dict[str, ColumnMask] = {}
    for i, col in enumerate(columns):
        field = by_name.get(col)
        if field is not None and field.label in LABEL_MASK:
            out[col] = ColumnMask(col, LABEL_MASK[field.label], "label")
            continue
        detected = [c.get("label") for c in (getattr(field, "label_candidates", None) or [])
                    if c.get("label") in LABEL_MASK and (c.get("share") or 0) >= DETECTED_SHARE]
        if detected:
            out[col] = ColumnMask(col, LABEL_MASK[detected[0]], "detected")
            continue
        label = _content_label([row[i] for row in texts])
        if label:
            out[col] = ColumnMask(col, LABEL_MASK[label], "content")
    _joint(columns, texts, out)
    return out


def _joint(columns: Sequence[str], texts: list[list[str | None]], out: dict[str, ColumnMask]) -> None:
    """Birth-date columns keep only the year beside a masked ID-number column."""
    id_cols = [columns.index(c) for c, m in out.items() if m.kind == "id_number"]
    if not id_cols:
        return
    for i, col in enumerate(columns):
        if col in out:
            continue
        values = [row[i] for row in texts]
        named = bool(_BIRTH_NAME.search(col))
        matches = sum(1 for row in texts for j in id_cols
                      if row[i] and row[j] and _date_digits(row[i]) and _date_digits(row[i]) == _birth_part(row[j]))
        dated = sum(1 for v in values if _date_digits(v))
        if (named and dated) or (dated and matches >= CONTENT_SHARE * dated):
            out[col] = ColumnMask(col, "birth_date", "joint")


def mask_cell(value: Any, mask: ColumnMask | None) -> str | None:
    """One value as the reader sees it: the column's mask, or identifiers inside it masked."""
    text = _text(value)
    if text is None:
        return None
    if mask is not None:
        return apply_mask(mask.kind, text)
    stripped = text.strip()
    for kind, detect in _VALUE_DETECTORS:
        if detect(stripped):
            return apply_mask(kind, stripped)
    # free text (notes, remarks): identifiers inside it are replaced by typed placeholders
    return pii.scrub(text)


def apply(columns: Sequence[str], rows: Sequence[Sequence[Any]], masks: dict[str, ColumnMask]) -> list[list[str | None]]:
    """Mask rows by a plan (every value as text, as the preview shows it)."""
    plan_by_index = [masks.get(c) for c in columns]
    return [[mask_cell(v, plan_by_index[i]) for i, v in enumerate(row)] for row in rows]
