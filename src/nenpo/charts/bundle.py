"""The JavaScript that draws the dashboard's charts: Vega, bundled by vl-convert, and the
dashboard's Vega-Lite specs compiled to Vega at build.

`vl_convert.javascript_bundle()` bundles the Vega that the same vl-convert draws the static SVGs
with, so the interactive chart and the printed one come from one library version; the site
serves the file itself (no CDN). Only Vega is bundled (0.6 MB, 214 KB compressed): the specs are
compiled from Vega-Lite at build (`to_vega`, by the same vl-convert), so the page needs neither
the Vega-Lite compiler nor vega-embed (together 103 KB compressed more; issue 14's 500 KB page).
The dashboard's script makes a `vega.View` of the compiled spec and then changes only the view's
data and signals.

Bundling takes seconds (2–6 s on the development machine, more under load) and depends only on
vl-convert's version, so the result is kept in a cache folder and bundling starts in a thread
as soon as a build knows it will need it, beside the rest of the build.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import Any

import vl_convert as vlc

SNIPPET = "window.vega = vega;"
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


_compiled: dict[str, dict[str, Any]] = {}


def to_vega(spec: dict[str, Any], cache: str = "") -> dict[str, Any]:
    """The Vega spec of a Vega-Lite spec, compiled by vl-convert. A compilation costs about
    20 ms of CPU, 60 of them a build, so each is kept by content: in this process and in the
    cache folder (`vega-specs/`), as the bundle is; an edit recompiles only the specs it
    changed."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    version = metadata.version("vl-convert-python")
    key = hashlib.sha256(f"{version}\n{text}".encode()).hexdigest()[:24]
    if key in _compiled:
        return _compiled[key]
    f = cache_dir(cache) / "vega-specs" / f"{key}.json"
    try:
        out: dict[str, Any] = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        out = vlc.vegalite_to_vega(spec)
        try:  # a cache that cannot be written only costs the next build the compilation
            f.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=f.parent, delete=False, suffix=".tmp"
            ) as tmp:
                json.dump(out, tmp, ensure_ascii=False)
            os.replace(tmp.name, f)
        except OSError:
            pass
    _compiled[key] = out
    return out
