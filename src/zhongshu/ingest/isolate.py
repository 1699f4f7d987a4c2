"""Run one load in a child process under an OS memory limit, so a bomb kills only that child.

The parent (the background worker, or `zhongshu ingest`) starts `python -m zhongshu.ingest.isolate`,
writes the job to its stdin and reads framed messages from its stdout: progress while it runs,
then the `LoadResult` or the error. The child limits its own address space (`RLIMIT_AS`, from
`Limits.memory_bytes`) before loading, and DuckDB inside it gets half of that as its
`memory_limit` (it spills to disk before the OS says no) and `Limits.threads` threads.

However the child ends, the parent gets a clear answer: a `ZhongshuError` raised in the child
comes back as the same error; running out of memory (Python's MemoryError, DuckDB's
OutOfMemoryException, or death by a signal such as the kernel's OOM killer) becomes
`LimitExceeded` naming `ZHONGSHU_LOAD_MEMORY_MB`; anything else is an internal error whose
details stay in the log. The parent keeps the child's stdin open as a lifeline: if the parent
dies, the child sees end-of-file and exits, so a killed worker never leaves a load running.

Messages are pickles: both ends are this module, run from the same installation.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import struct
import subprocess
import sys
import threading
import traceback
from typing import Any, BinaryIO

from zhongshu.core.errors import EngineError, ZhongshuError
from zhongshu.ingest.limits import LimitExceeded, Limits, setting_of, size_text
from zhongshu.ingest.load import load_file
from zhongshu.ingest.model import LoadResult, Progress

EXIT_OK = 0
EXIT_MEMORY = 75  # the child ran out of memory and could not even say so
EXIT_ORPHANED = 76  # the parent went away
_HEADER = struct.Struct(">I")
_MEMORY_ERRORS = ("OutOfMemoryException",)


def memory_error(limits: Limits, how: str = "") -> LimitExceeded:
    """The error for a load that needed more memory than the loading process may have."""
    setting = setting_of("memory_bytes")
    return LimitExceeded(
        "file",
        f"the load needed more memory than the limit of {size_text(limits.memory_bytes)} ({setting})"
        + (f"; {how}" if how else "")
        + "; nothing was stored",
        setting=setting,
        hint="check the file is what you meant to load (a small file that needs this much memory is often "
        "malformed), split it into smaller files",
    )


def _write(out: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(len(data)) + data)
    out.flush()


def _read(inp: BinaryIO) -> Any:
    head = inp.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError
    (n,) = _HEADER.unpack(head)
    data = inp.read(n)
    if len(data) < n:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 - written by this module in our own child process


def _error_to_wire(exc: ZhongshuError) -> tuple:
    return (type(exc).__module__, type(exc).__qualname__, exc.args, dict(vars(exc)))


def _error_from_wire(wire: tuple) -> ZhongshuError:
    module, qualname, args, state = wire
    cls: Any = sys.modules.get(module)
    for part in qualname.split("."):
        cls = getattr(cls, part, None)
    if not (isinstance(cls, type) and issubclass(cls, ZhongshuError)):
        cls = ZhongshuError  # not one of ours: keep the message, drop the class
    err = cls.__new__(cls)
    BaseException.__init__(err, *args)
    err.__dict__.update(state)
    return err


def run_load(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    limits: Limits,
    progress: Progress | None = None,
    **options: Any,
) -> LoadResult:
    """`load_file(path, out_dir, limits=limits, **options)` in a child process under `limits`."""
    job = {"path": str(path), "out_dir": str(out_dir), "limits": limits, "options": options}
    proc = subprocess.Popen(
        [sys.executable, "-m", "zhongshu.ingest.isolate"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        close_fds=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        try:
            _write(proc.stdin, job)  # stdin stays open: it is the child's lifeline
        except BrokenPipeError:
            pass  # the child died at once; its exit status says why
        outcome: tuple | None = None
        while outcome is None:
            try:
                message = _read(proc.stdout)
            except EOFError:
                break
            if message[0] == "progress" and progress is not None:
                progress(message[1], message[2])
            elif message[0] in ("result", "error", "memory", "internal"):
                outcome = message
        proc.stdin.close()
        code = proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    return _outcome(outcome, code, limits)


def _outcome(outcome: tuple | None, code: int, limits: Limits) -> LoadResult:
    if outcome is not None and outcome[0] == "result":
        return outcome[1]
    if outcome is not None and outcome[0] == "error":
        raise _error_from_wire(outcome[1])
    if (outcome is not None and outcome[0] == "memory") or code == EXIT_MEMORY:
        raise memory_error(limits)
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        raise memory_error(limits, f"the loading process was stopped by {name}, most often the system's "
                                   "out-of-memory killer")
    kind = outcome[1] if outcome is not None else f"exit status {code}"
    raise ZhongshuError(f"internal error while loading ({kind})",
                        hint="the server log has details; nothing already stored was changed")


def _is_memory_error(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    if isinstance(exc, EngineError):
        return getattr(exc, "engine_error_type", "") in _MEMORY_ERRORS
    return type(exc).__name__ in _MEMORY_ERRORS


def _lifeline(stdin: BinaryIO) -> None:
    """Exit when the parent closes our stdin or dies: a load nobody waits for must not go on."""
    try:
        while stdin.read(1 << 16):
            pass
    finally:
        os._exit(EXIT_ORPHANED)


def _child(stdin: BinaryIO, out: BinaryIO) -> int:
    job = _read(stdin)
    limits: Limits = job["limits"]
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    threading.Thread(target=_lifeline, args=(stdin,), daemon=True).start()

    def progress(step: str, fraction: float) -> None:
        _write(out, ("progress", step, fraction))

    try:
        result = load_file(job["path"], job["out_dir"], limits=limits, progress=progress, **job["options"])
        _write(out, ("result", result))
    except BaseException as exc:  # noqa: BLE001 - every outcome is reported to the parent
        if _is_memory_error(exc):
            del exc  # free what we can before saying so
            try:
                _write(out, ("memory",))
            except MemoryError:
                return EXIT_MEMORY
            return EXIT_OK
        if isinstance(exc, ZhongshuError):
            _write(out, ("error", _error_to_wire(exc)))
            return EXIT_OK
        traceback.print_exc(file=sys.stderr)  # the worker's log; the user sees the type only
        _write(out, ("internal", type(exc).__name__))
    return EXIT_OK


def main() -> int:
    # The protocol owns the real stdout; anything a library prints goes to stderr (the log).
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    return _child(sys.stdin.buffer, out)


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # not sys.exit: the lifeline thread is still reading stdin

