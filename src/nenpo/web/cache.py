"""A worker's cache of whole responses, valid for one revision of the store.

Each request looks up the store's revision (one row; every load and import raises it), so a
cached answer is never older than the store: after a write, every entry of the older revision
is a miss. The cache is per process and bounded in bytes (least recently used entries go first);
several workers on several machines each keep their own, and share nothing but the store.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Cached:
    """A response body as sent, with its media type and extra headers."""

    revision: int
    body: bytes
    media_type: str
    headers: tuple[tuple[str, str], ...]


class ResponseCache:
    """Least-recently-used responses up to `max_bytes` (0: cache nothing)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, Cached] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str, revision: int) -> Cached | None:
        """The cached response for `key` at this revision, or None."""
        with self._lock:
            item = self._items.get(key)
            if item is None or item.revision != revision:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item

    def put(self, key: str, item: Cached) -> None:
        """Keep a response (one larger than a tenth of the cache is not kept)."""
        size = len(item.body) + len(key)
        if size * 10 > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old.body) + len(key)
            self._items[key] = item
            self._size += size
            while self._size > self.max_bytes:
                k, v = self._items.popitem(last=False)
                self._size -= len(v.body) + len(k)
