"""Framed messages between the gateway and its sandbox workers (length-prefixed pickles).

Both ends are this package, run from the same installation; nothing from the analyst is ever
unpickled (their SQL travels as a string inside a message the parent built). The parent reads
with a deadline, so a worker that hangs cannot hang the caller.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import time
from typing import Any, BinaryIO

_HEADER = struct.Struct(">Q")


class Deadline(Exception):
    """The other end did not answer in time."""


def write(out: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(len(data)) + data)
    out.flush()


def read(inp: BinaryIO) -> Any:
    """Blocking read of one message (the worker's side); EOFError when the parent is gone."""
    head = inp.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError
    (n,) = _HEADER.unpack(head)
    data = inp.read(n)
    if len(data) < n:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 - written by our own parent process


def _read_exact(fd: int, n: int, deadline: float) -> bytes:
    chunks = []
    while n:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Deadline
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            raise Deadline
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_until(fd: int, deadline: float) -> Any:
    """Read one message from a raw file descriptor before `deadline` (time.monotonic()); the parent's side."""
    (n,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    return pickle.loads(_read_exact(fd, n, deadline))  # noqa: S301 - written by our own worker process
