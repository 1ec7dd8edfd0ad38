"""Run one function in a second process, beside this one, and take its result later.

The build runs the store's write and the check in a forked child while this process builds the
model and the PDFs: each is pure Python, which one process runs on one core at a time. A fork
copies this process as it is (modules imported, workspace read), so the child starts at once.

The child's result, or its error, comes back pickled through a pipe; a NenpoError is raised
again here as the same class with the same message. Where fork is not available (or not wanted)
the function simply runs here, first.
"""

from __future__ import annotations

import os
import pickle
import signal
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from .errors import NenpoError

T = TypeVar("T")


class ChildFailed(RuntimeError):
    """The child process failed in a way that is a bug (its traceback is in the message)."""


def _portable(exc: BaseException) -> tuple[str, Any]:
    """What of `exc` survives the pipe: a NenpoError whole, anything else as its traceback."""
    if isinstance(exc, NenpoError):
        return ("nenpo", (type(exc), exc.args, dict(vars(exc))))
    text = "".join(traceback.format_exception(exc))
    return ("bug", f"{type(exc).__name__} in the build's second process:\n{text}")


def _restore(kind: str, value: Any) -> BaseException:
    if kind == "nenpo":
        cls, args, state = value
        exc = cls.__new__(cls)  # errors' __init__ take other arguments than their args
        exc.args = args
        exc.__dict__.update(state)
        return exc
    return ChildFailed(value)


class Beside(Generic[T]):
    """`fn(*args)` running in a forked child (or already run, when `fork` is False)."""

    def __init__(self, fn: Callable[..., T], *args: Any, fork: bool = True):
        self._pid = 0
        self._read = -1
        self._done: tuple[str, Any] | None = None
        if not (fork and hasattr(os, "fork")):
            self._done = self._run(fn, args)
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, write the outcome, and leave without any cleanup
            code = 0
            try:
                os.close(read)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                outcome = self._run(fn, args)
                try:
                    blob = pickle.dumps(outcome)
                except Exception as exc:  # an unpicklable result is a bug in nenpo
                    blob = pickle.dumps(_portable(exc))
                with os.fdopen(write, "wb") as f:
                    f.write(blob)
            except BaseException:
                code = 70
            finally:
                os._exit(code)
        os.close(write)
        self._pid, self._read = pid, read

    @staticmethod
    def _run(fn: Callable[..., T], args: tuple[Any, ...]) -> tuple[str, Any]:
        try:
            return ("ok", fn(*args))
        except BaseException as exc:
            return _portable(exc)

    def result(self) -> T:
        """The function's result; its error raised here."""
        if self._done is None:
            with os.fdopen(self._read, "rb") as f:
                blob = f.read()
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
            if not blob:
                raise ChildFailed(f"the build's second process ended without a result ({status})")
            self._done = pickle.loads(blob)
        kind, value = self._done
        if kind != "ok":
            raise _restore(kind, value)
        return value

    def cancel(self) -> None:
        """Stop the child if it still runs (the build failed or was interrupted here)."""
        if self._pid:
            try:
                os.kill(self._pid, signal.SIGTERM)
                os.waitpid(self._pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self._pid = 0
            os.close(self._read)
