"""Charts kept by what they were made from: their definition and every lookup in the data.

make_chart reads the data only through `Data`'s lookups (a series, a question's shares, a
breakdown, a source). While a chart is made, those lookups and their answers are noted; a later
request for the same chart (same definition, language, font and id) is answered from the memo
when every noted lookup, asked again of the new data, gives an equal answer. So an edit of the
prose remakes no chart, and an edit of one series remakes only the charts that show it. A chart
that reads the data any other way (the whole workspace) is never kept.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..lookups.data import Data
    from .make import ChartOut

MAX_KEYS = 160  # charts (×2 versions): a report in two languages, twice over
VERSIONS = 2  # kept per key: the last two workspaces built (an edit and its undo)
UNRECORDED = frozenset({"ws"})  # too large to compare: a chart reading it is not kept

Read = tuple[str, tuple[Any, ...] | None, tuple[tuple[str, Any], ...], Any]


class Recorder:
    """The data as a chart maker sees it, noting each lookup and its answer."""

    def __init__(self, data: Data):
        self._data = data
        self.reads: list[Read] = []
        self.complete = True

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._data, name)
        if name.startswith("_") or name in UNRECORDED:
            self.complete = False
            return value
        if callable(value):

            def call(*args: Any, **kwargs: Any) -> Any:
                result = value(*args, **kwargs)
                self.reads.append((name, args, tuple(sorted(kwargs.items())), result))
                return result

            return call
        self.reads.append((name, None, (), value))
        return value


def _same(data: Data, reads: list[Read]) -> bool:
    """True when every noted lookup gives the same answer from `data`."""
    try:
        for name, args, kwargs, result in reads:
            value = getattr(data, name)
            now = value if args is None else value(*args, **dict(kwargs))
            if now != result:
                return False
    except Exception:  # a lookup that now fails (an indicator removed): remake the chart
        return False
    return True


class ChartMemo:
    """make_chart's outputs by key, each with the lookups it made."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[Any, ...], list[tuple[list[Read], ChartOut]]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()
        self._making: dict[tuple[Any, ...], threading.Event] = {}
        self.hits = 0
        self.misses = 0

    def get_or_make(
        self, key: tuple[Any, ...], data: Data, make: Callable[[Any], ChartOut]
    ) -> ChartOut:
        """The kept chart for `key` if the data still answers alike, else `make(recorder)`.

        A chart another thread is making (a server builds in several) is waited for, not made
        twice.
        """
        while True:
            with self._lock:
                busy = self._making.get(key)
                if busy is None:
                    self._making[key] = threading.Event()
                    versions = list(self._entries.get(key, ()))
                    break
            busy.wait()
        try:
            return self._get_or_make(key, data, make, versions)
        finally:
            with self._lock:
                self._making.pop(key).set()

    def _get_or_make(
        self,
        key: tuple[Any, ...],
        data: Data,
        make: Callable[[Any], ChartOut],
        versions: list[tuple[list[Read], ChartOut]],
    ) -> ChartOut:
        for reads, out in reversed(versions):
            if _same(data, reads):
                with self._lock:
                    self.hits += 1
                    if key in self._entries:
                        self._entries.move_to_end(key)
                return dataclasses.replace(out)  # callers may set fields of their copy
        rec = Recorder(data)
        out = make(rec)
        with self._lock:
            self.misses += 1
            if rec.complete:
                kept = [v for v in self._entries.pop(key, []) if v[1] is not out]
                self._entries[key] = [*kept[-(VERSIONS - 1) :], (rec.reads, out)]
                while len(self._entries) > MAX_KEYS:
                    self._entries.popitem(last=False)
        return dataclasses.replace(out)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


MEMO = ChartMemo()
