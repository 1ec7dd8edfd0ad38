"""The public tree, derived from the complete editions: what a web server serves.

    public/index.html            → the latest edition
    public/feed.xml              the revision history as Atom
    public/editions/<id>/…       every edition at a stable address, PDFs included

It holds no data of its own: files are hard links to the (read-only) editions, and the whole tree
is rebuilt and swapped in after each publish, so it can always be made again from editions/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..core import replace_dir
from .editions import list_editions
from .history import atom_feed


def _link_tree(src: Path, dst: Path) -> list[Path]:
    out = []
    for d, _dirs, files in os.walk(src):
        rel = Path(d).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for f in files:
            target = dst / rel / f
            try:
                os.link(Path(d) / f, target)
            except OSError:  # another file system: copy
                shutil.copy2(Path(d) / f, target)
            out.append(target)
    return out


def refresh(editions_root: Path, public: Path, title: str) -> list[Path]:
    """Rebuild the public tree from the editions (atomically swapped in)."""
    editions = list_editions(editions_root)

    def write(tmp: Path) -> list[Path]:
        files = []
        for e in editions:
            files += _link_tree(editions_root / e.id / "site", tmp / "editions" / e.id)
        if editions:
            latest = editions[-1].id
            index = tmp / "index.html"
            index.write_text(
                '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
                f'<meta http-equiv="refresh" content="0; url=editions/{latest}/index.html">'
                f"<title>{title}</title></head><body><p>"
                f'<a href="editions/{latest}/index.html">{title}（最新版 {latest}）</a>'
                "</p></body></html>",
                encoding="utf-8",
            )
            files.append(index)
        (tmp / "feed.xml").write_bytes(atom_feed(editions, title))
        files.append(tmp / "feed.xml")
        return files

    return replace_dir(public, write)
