"""Compile the UI translations (.po → .mo) without GNU gettext: `python -m zhongshu.core.i18n`.

The compiled .mo files are committed so a fresh install needs no gettext tools; a test checks
that every .mo matches its .po.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent


def parse_po(text: str) -> dict[str, str]:
    """Parse msgid/msgstr pairs (no plurals or contexts needed here); skip fuzzy and empty ones.

    >>> parse_po('msgid "Home"\\nmsgstr "首页"\\n')
    {'Home': '首页'}
    """
    entries: dict[str, str] = {}
    msgid = msgstr = None
    current = None
    fuzzy = False

    def flush() -> None:
        if msgid is not None and msgstr and not fuzzy:
            entries[msgid] = msgstr

    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            flush()
            msgid, msgstr, current = ast.literal_eval(line[6:]), None, "id"
        elif line.startswith("msgstr "):
            msgstr, current = ast.literal_eval(line[7:]), "str"
        elif line.startswith('"') and current == "id":
            msgid += ast.literal_eval(line)
        elif line.startswith('"') and current == "str":
            msgstr += ast.literal_eval(line)
        elif not line:
            flush()
            msgid = msgstr = current = None
            fuzzy = False
    return entries


def mo_bytes(entries: dict[str, str]) -> bytes:
    """Serialize a catalogue in GNU .mo format (what Python's gettext reads)."""
    keys = sorted(entries)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(entries[k].encode() + b"\0" for k in keys)
    n = len(keys)
    header = 7 * 4
    table = header + n * 16
    id_offsets, str_offsets, pos = [], [], 0
    for k in keys:
        length = len(k.encode())
        id_offsets += [length, table + pos]
        pos += length + 1
    start = table + len(ids)
    pos = 0
    for k in keys:
        length = len(entries[k].encode())
        str_offsets += [length, start + pos]
        pos += length + 1
    out = struct.pack("Iiiiiii", 0x950412DE, 0, n, header, header + n * 8, 0, 0)
    out += struct.pack(f"{2 * n}i", *id_offsets) + struct.pack(f"{2 * n}i", *str_offsets)
    return out + ids + strs


def po_files() -> list[Path]:
    return sorted(PACKAGE.rglob("locale/*/LC_MESSAGES/django.po"))


def compile_all() -> list[Path]:
    """Write a .mo beside every .po; returns the .mo paths."""
    written = []
    for po in po_files():
        entries = parse_po(po.read_text(encoding="utf-8"))
        entries[""] = "Content-Type: text/plain; charset=UTF-8\n"
        mo = po.with_suffix(".mo")
        mo.write_bytes(mo_bytes(entries))
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(path.relative_to(PACKAGE.parent.parent))
    sys.exit(0)
