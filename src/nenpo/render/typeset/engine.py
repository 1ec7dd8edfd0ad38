"""Typst source → tagged PDF/UA-1, with the `typst` wheel (the Typst compiler, in process).

The configured font is found with fontconfig and only its files are given to Typst (scanning
every installed font costs Typst about a second); a family Typst does not find is an error,
never a silent fallback. Every warning Typst reports (an unknown font, a missing glyph) stops
the build, as do PDF/UA errors (no title, an image without alt text), which Typst raises itself.
After compiling, the positions of labelled elements are read back from the same compilation.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ...cache import Cache, digest
from ...errors import BuildError, EnvironmentProblem
from .document import Document

TEMPLATES = ("common.typ", "report.typ", "deck.typ")

Position = tuple[int, float]  # 1-based page, y from the top of the page in pt


@dataclass
class Compiled:
    """A compiled PDF, its page count and where each queried label is (page, y)."""

    name: str
    data: bytes
    pages: int
    positions: dict[str, list[Position]]


_FONTS: dict[str, Any] = {}
_FONTS_LOCK = threading.Lock()


def font_files(family: str) -> list[Path]:
    """The files fontconfig knows for `family` (every style), or EnvironmentProblem."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise EnvironmentProblem(
            "fontconfig (fc-list) is not installed: install it with apt-get install fontconfig"
        )
    out = subprocess.run(
        [fc_list, f":family={family}", "file"], capture_output=True, text=True, check=False
    ).stdout
    files = sorted({Path(line.strip().rstrip(":")) for line in out.splitlines() if line.strip()})
    if not files:
        raise EnvironmentProblem(
            f"the font {family!r} is not installed (fc-list finds no file for it); "
            "install it, e.g. apt-get install fonts-noto-cjk for Noto Sans CJK JP"
        )
    return files


def fonts(family: str) -> Any:
    """Typst's font book with the files of `family` only (made once a process)."""
    with _FONTS_LOCK:  # a build reads them in a thread of its own, ahead of the pdf stage
        return _fonts(family)


def _fonts(family: str) -> Any:
    if family not in _FONTS:
        import typst

        # Typst reads folders, not files: a private folder of links to the family's files.
        folder = Path(tempfile.mkdtemp(prefix="nenpo-fonts-"))
        try:
            for i, f in enumerate(font_files(family)):
                (folder / f"{i}-{f.name}").symlink_to(f)
            book = typst.Fonts(
                include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(folder)]
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if family not in book.families():
            raise EnvironmentProblem(
                f"Typst cannot read the font {family!r} from {font_files(family)}"
            )
        _FONTS[family] = book
    return _FONTS[family]


# Compiled PDFs by the digest of their whole input (the source, its files, the templates, the
# font and the labels asked for): an unchanged document is never compiled twice in a process.
PDFS: Cache[Compiled] = Cache(64 * 2**20, lambda c: len(c.data))


def compile_pdf(doc: Document, font: str, labels: str = "") -> Compiled:
    """Compile `doc` to PDF/UA-1; `labels`: a Typst selector whose elements' positions to read.

    Typst's errors and warnings stop the build with the document's name.
    """
    templates = {n: resources.files(__package__).joinpath(n).read_bytes() for n in TEMPLATES}
    key = digest(doc.name, doc.main, font, labels, *_blobs(templates), *_blobs(doc.files))
    kept = PDFS.get(key)
    if kept is not None:
        return kept
    return PDFS.put(key, _compile(doc, font, labels, templates))


def _blobs(files: dict[str, bytes]) -> list[str | bytes]:
    return [part for name in sorted(files) for part in (name, files[name])]


def _compile(doc: Document, font: str, labels: str, templates: dict[str, bytes]) -> Compiled:
    import typst

    book = fonts(font)
    with tempfile.TemporaryDirectory(prefix="nenpo-typst-") as tmp:
        root = Path(tmp)
        for name, blob in templates.items():
            (root / name).write_bytes(blob)
        for name, blob in doc.files.items():
            f = root / name
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_bytes(blob)
        (root / "main.typ").write_text(doc.main, encoding="utf-8")
        compiler = typst.Compiler(
            str(root / "main.typ"), root=str(root), font_paths=book, ignore_system_fonts=True
        )
        try:
            data, warnings = compiler.compile_with_warnings(format="pdf", pdf_standards=["ua-1"])
        except typst.TypstError as exc:
            raise BuildError(f"{doc.name}: Typst reported: {_diagnostic(exc, doc)}") from None
        if warnings:
            found = "; ".join(sorted({_diagnostic(w, doc) for w in warnings}))
            raise BuildError(f"{doc.name}: Typst reported: {found}")
        # The documents end with `#metadata(none) <nenpo-end>`: its page is the last.
        pages = int(compiler.eval("query(<nenpo-end>).first().location().page()"))
        positions: dict[str, list[Position]] = {}
        if labels:
            found_at = json.loads(
                compiler.eval(
                    f'query({labels}).filter(e => e.has("label")).map(e => '
                    "(str(e.label), e.location().page(), e.location().position().y.pt()))",
                    format="json",
                )
            )
            for name, page, y in found_at:
                positions.setdefault(name, []).append((int(page), float(y)))
    if not isinstance(data, bytes):
        raise BuildError(f"{doc.name}: Typst wrote no PDF")
    return Compiled(doc.name, data, pages, positions)


_AT_LINE = re.compile(r"main\.typ:(\d+):")


def _diagnostic(d: Any, doc: Document) -> str:
    """Typst's message and hints, with what the reader would look for: the page of the site
    or the slide whose text it is about; else (a fault in nenpo's templates) Typst's own
    account of where it happened."""
    message = str(getattr(d, "message", d))
    hints = "".join(f" (hint: {h})" for h in getattr(d, "hints", None) or [])
    where = str(getattr(d, "diagnostic", "") or "")
    m = _AT_LINE.search(where)
    place = doc.place_of(int(m[1])) if m else None
    if place:
        return f"{message}{hints}, in {place}"
    return message + hints + (f"\n{where}" if where else "")
