"""The JavaScript that draws the dashboard's charts: Vega and Vega-Lite, bundled by vl-convert.

`vl_convert.javascript_bundle()` bundles the same Vega-Lite that draws the static SVGs, so the
interactive chart and the printed one come from one library version; the site serves the file
itself (no CDN): 0.9 MB, 305 KB compressed. The dashboard's script draws the spec with
vega-embed (without its actions menu) and then changes only the view's data and signals.
(The bundler hands a snippet each library's default export; vega-lite has none, so its
compiler is reached through vega-embed.)

Bundling takes seconds (2–6 s on the development machine, more under load) and depends only on
vl-convert's version, so the result is kept in a cache folder and bundling starts in a thread
as soon as a build knows it will need it, beside the rest of the build.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

import vl_convert as vlc

SNIPPET = "window.vega = vega; window.vegaEmbed = vegaEmbed;"
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vega-bundle")
_pending: Future[str] | None = None


def cache_dir(setting: str = "") -> Path:
    """Where bundles are kept: the setting (NENPO_CACHE_DIR), else $XDG_CACHE_HOME/nenpo, else
    ~/.cache/nenpo."""
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nenpo"


def _cache_file(folder: Path) -> Path:
    version = metadata.version("vl-convert-python")
    key = hashlib.sha256(f"{version}\n{SNIPPET}".encode()).hexdigest()[:16]
    return folder / f"vega-bundle-{key}.js"


def _make(folder: Path) -> str:
    cached = _cache_file(folder)
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    text: str = vlc.javascript_bundle(snippet=SNIPPET)
    try:  # a cache that cannot be written only costs the next build the same seconds
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=cached.parent, delete=False, suffix=".tmp"
        ) as f:
            f.write(text)
        os.replace(f.name, cached)
    except OSError:
        pass
    return text


def start(cache: str = "") -> Future[str]:
    """Start making the bundle (from the cache folder `cache` names, or by bundling) in a
    thread; call it early. One process makes it once."""
    global _pending
    if _pending is None or (_pending.done() and _pending.exception() is not None):
        _pending = _pool.submit(_make, cache_dir(cache))
    return _pending


def vega_bundle(cache: str = "") -> str:
    """The bundle's text (waits for the thread `start` began, starting it if needed)."""
    return start(cache).result()
