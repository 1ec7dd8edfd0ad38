"""Results kept by the content that made them: a chart's SVG by its spec, a PDF by its source.

A key is a digest of everything the result depends on (the input, the font's files, the version
of the tool that made it), so a hit is the result the same work would give again, and nothing
is ever invalidated by hand. Caches live in memory for the life of the process: a second build
in the same process (`nenpo serve --watch`, publish, the tests) draws no unchanged chart and
compiles no unchanged PDF twice. A new process starts empty: a cold build is cold.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def digest(*parts: Any) -> str:
    """SHA-256 of `parts`: bytes and str as they are, anything else as canonical JSON."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            blob = part
        elif isinstance(part, str):
            blob = part.encode("utf-8")
        else:
            blob = json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode()
        h.update(len(blob).to_bytes(8, "big"))  # so ("ab", "c") and ("a", "bc") differ
        h.update(blob)
    return h.hexdigest()


def files_identity(paths: list[Path]) -> list[tuple[str, int, int]]:
    """What a key needs of files a tool reads (fonts): path, size, modification time."""
    out = []
    for p in paths:
        st = p.stat()
        out.append((str(p), st.st_size, st.st_mtime_ns))
    return out


class Cache(Generic[T]):
    """A least-recently-used map from key to result, bounded by the results' total size."""

    def __init__(self, max_bytes: int, size: Callable[[T], int]):
        self.max_bytes = max_bytes
        self._size = size
        self._items: OrderedDict[str, tuple[T, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> T | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: str, value: T) -> T:
        n = self._size(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, n)
            self._bytes += n
            while self._bytes > self.max_bytes and len(self._items) > 1:
                _key, (_value, m) = self._items.popitem(last=False)
                self._bytes -= m
        return value

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
