"""The public tree, derived from the complete editions: what a web server serves.

    public/index.html            → the latest edition
    public/feed.xml              the revision history as Atom
    public/editions/<id>/…       every edition at a stable address, PDFs included; the pages of
                                 an edition a later one corrected say so (a notice after <main>)

It holds no data of its own: files are hard links to the (read-only) editions, and the whole tree
is rebuilt and swapped in after each publish, so it can always be made again from editions/.
"""

from __future__ import annotations

import os
import re
import shutil
from html import escape
from pathlib import Path

from ..core import replace_dir
from .editions import Edition, list_editions
from .history import _day, atom_feed


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


NOTICE = {
    "ja": "この版は{date}の版（{id}）で修正されました。"
    "最新の版と修正の内容は{link}をご覧ください。",
    "en": "This edition was corrected by the edition of {date} ({id}). See {link} for the latest "
    "edition and what was corrected.",
}
HISTORY = {"ja": "更新履歴", "en": "the revision history"}


def _mark_superseded(site: Path, later: Edition, latest: Edition) -> None:
    """An older edition's pages say that a later one corrected them, linking to its 更新履歴.

    The edition itself stays as published (immutable, in editions/); only its public copy,
    which is derived and rebuilt on every publish, carries the notice.
    """
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        at = re.search(r"<main\b[^>]*>", html)
        if at is None:
            continue
        lang = "en" if re.search(r'<html[^>]*\blang="en"', html) else "ja"
        history = site.parent / latest.id / "history.html"
        href = escape(Path(os.path.relpath(history, page.parent)).as_posix())
        link = f'<a href="{href}">{HISTORY[lang]}</a>'
        day = _day(later.date, lang).removesuffix("更新") if lang == "ja" else later.date
        text = NOTICE[lang].format(date=escape(day), id=escape(later.id), link=link)
        notice = f'<p class="superseded" role="note">{text}</p>'
        page.unlink()  # a hard link to the edition's file: write a copy, never through the link
        page.write_text(html[: at.end()] + notice + html[at.end() :], encoding="utf-8")


def refresh(editions_root: Path, public: Path, title: str) -> list[Path]:
    """Rebuild the public tree from the editions (atomically swapped in)."""
    editions = list_editions(editions_root)

    def write(tmp: Path) -> list[Path]:
        files = []
        for i, e in enumerate(editions):
            files += _link_tree(editions_root / e.id / "site", tmp / "editions" / e.id)
            later = next((x for x in editions[i + 1 :] if x.entries), None)
            if later is not None:
                _mark_superseded(tmp / "editions" / e.id, later, editions[-1])
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
