"""Text encodings of uploaded files: detect from a sample, transcode to UTF-8 in one streaming pass.

DuckDB 2.0 reads only UTF-8 (and UTF-16) CSV offline, so GBK/GB18030 files are decoded with
Python's incremental decoder in large chunks and written out as UTF-8 before DuckDB parses them
in bulk (ARCHITECTURE.md, Warehouse). GBK is a subset of GB18030, so GB18030 is the one name we
decode GBK text with.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from zhongshu.core.errors import InvalidInput

UTF8 = "utf-8"
UTF8_SIG = "utf-8-sig"
GB18030 = "gb18030"
UTF16 = "utf-16"

SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 8 << 20

# Names people type for the same codec; all Chinese legacy code pages decode as GB18030.
_ALIASES = {
    "utf8": UTF8,
    "utf-8": UTF8,
    "utf_8": UTF8,
    "utf-8-sig": UTF8_SIG,
    "utf8-sig": UTF8_SIG,
    "utf-8-bom": UTF8_SIG,
    "gbk": GB18030,
    "gb2312": GB18030,
    "gb18030": GB18030,
    "cp936": GB18030,
    "936": GB18030,
    "utf-16": UTF16,
    "utf16": UTF16,
}


def normalize_encoding(name: str) -> str:
    """Return our canonical codec name for a user-supplied encoding name.

    >>> normalize_encoding("GBK")
    'gb18030'
    >>> normalize_encoding("UTF8")
    'utf-8'
    """
    key = name.strip().lower().replace(" ", "")
    if key in _ALIASES:
        return _ALIASES[key]
    try:
        return codecs.lookup(key).name
    except LookupError:
        raise InvalidInput(
            "encoding",
            f"unknown encoding {name!r}",
            hint="use utf-8, utf-8-sig or gb18030 (GBK and GB2312 files are read as gb18030)",
        ) from None


def _strict_ok(sample: bytes, encoding: str, *, truncated: bool) -> bool:
    """True when the sample decodes strictly, allowing a character cut at the sample's end."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        decoder.decode(sample, final=not truncated)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding_bytes(sample: bytes, *, truncated: bool = False) -> str:
    """Guess the encoding of a byte sample: BOMs first, then strict UTF-8, then strict GB18030.

    A strict trial is more reliable than statistics for the two encodings that matter here:
    real GBK text is almost never valid UTF-8, and UTF-8 is tried first.

    >>> detect_encoding_bytes("姓名".encode("gbk"))
    'gb18030'
    >>> detect_encoding_bytes(b"\\xef\\xbb\\xbfid")
    'utf-8-sig'
    """
    if sample.startswith(codecs.BOM_UTF8):
        return UTF8_SIG
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return UTF16
    if _strict_ok(sample, UTF8, truncated=truncated):
        return UTF8
    if _strict_ok(sample, GB18030, truncated=truncated):
        return GB18030
    import charset_normalizer  # noqa: PLC0415 - only for the rare file that is neither

    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        raise InvalidInput(
            "encoding",
            "cannot tell the file's text encoding (it is not UTF-8 or GB18030/GBK text)",
            hint="save the file as UTF-8 CSV, or choose its encoding explicitly",
        )
    return normalize_encoding(best.encoding)


def detect_encoding(path: str | os.PathLike[str], sample_bytes: int = SAMPLE_BYTES) -> str:
    """Guess the encoding of a file from its first `sample_bytes` bytes."""
    with open(path, "rb") as f:
        sample = f.read(sample_bytes)
        truncated = bool(f.read(1))
    return detect_encoding_bytes(sample, truncated=truncated)


@dataclass(frozen=True)
class TranscodeResult:
    """What one transcoding pass read and wrote."""

    bytes_in: int
    bytes_out: int
    lines: int


_SHOWN = {UTF8: "UTF-8", UTF8_SIG: "UTF-8", GB18030: "GB18030", UTF16: "UTF-16"}


def decode_error(path: str | os.PathLike[str], encoding: str, offset: int, line: int) -> InvalidInput:
    """The error for bytes that do not decode: where (line, byte offset) and which encoding to try.

    >>> decode_error("g.csv", "utf-8", 4, 2).message
    'encoding: g.csv: not valid UTF-8 at line 2 (byte offset 4); try --encoding gb18030'
    """
    other = "gb18030" if encoding in (UTF8, UTF8_SIG) else "utf-8"
    at = f"line {line} (byte offset {offset})" if offset >= 0 else f"line {line}"
    return InvalidInput(
        "encoding",
        f"{Path(path).name}: not valid {_SHOWN.get(encoding, encoding)} at {at}; try --encoding {other}",
        hint=f"choose the file's real encoding (e.g. {other}; GBK files are read as gb18030), "
        "or re-save the file as UTF-8",
    )


def transcode_to_utf8(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    encoding: str,
    *,
    chunk_bytes: int = CHUNK_BYTES,
    progress=None,
) -> TranscodeResult:
    """Stream `src` in `encoding` to `dst` as UTF-8 (no BOM, newlines normalised to \\n)."""
    encoding = normalize_encoding(encoding)
    codec = UTF8_SIG if encoding == UTF8 else encoding  # a stray BOM must not reach the header
    decoder = codecs.getincrementaldecoder(codec)("strict")
    total = os.path.getsize(src)
    consumed = lines = written = 0
    pending_cr = False
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while True:
            chunk = fin.read(chunk_bytes)
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                # exc.object holds bytes the decoder kept from the previous chunk, then this chunk.
                offset = consumed - (len(exc.object) - len(chunk)) + exc.start
                head = exc.object[: exc.start].decode(codec, errors="replace")
                raise decode_error(src, encoding, offset, lines + head.count("\n") + 1) from None
            if pending_cr:
                text = "\r" + text
                pending_cr = False
            if text.endswith("\r") and not final:
                text, pending_cr = text[:-1], True
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            lines += text.count("\n")
            data = text.encode("utf-8")
            fout.write(data)
            written += len(data)
            consumed += len(chunk)
            if progress is not None and total:
                progress("transcode", min(consumed / total, 1.0))
            if final:
                break
        fout.flush()
        os.fsync(fout.fileno())
    return TranscodeResult(bytes_in=consumed, bytes_out=written, lines=lines)
