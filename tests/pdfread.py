"""Reading built PDFs as a reader (pdftotext), a font inspector (pdffonts) and a screen reader
(the structure tree, with pypdf) would: the tests assert on what these tools get out."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdftoppm")
NO_POPPLER = "poppler-utils (pdftotext, pdffonts, pdftoppm) is missing; scripts/check installs it"


def text(pdf: Path, first: int | None = None, last: int | None = None, layout: bool = True) -> str:
    """The text pdftotext extracts, of all pages or of pages first..last (1-based)."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if first is not None:
        args += ["-f", str(first), "-l", str(last if last is not None else first)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def page_texts(pdf: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    pages = text(pdf).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def lines(page: str) -> list[str]:
    return [ln.strip() for ln in page.splitlines() if ln.strip()]


@dataclass
class Font:
    name: str
    embedded: bool
    subset: bool


def fonts(pdf: Path) -> list[Font]:
    """Every font pdffonts lists, with whether it is embedded and subset."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    found = []
    for row in out.splitlines()[2:]:
        cols = row.split()
        # name … emb sub uni object-id generation
        found.append(Font(cols[0], cols[-5] == "yes", cols[-4] == "yes"))
    return found


@dataclass
class Elem:
    """One element of the PDF's structure tree (tag, alt text, children)."""

    tag: str
    alt: str | None
    kids: list[Elem] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)  # /A merged: /Scope, /Headers, …
    id: str | None = None

    def walk(self) -> Iterator[Elem]:
        yield self
        for k in self.kids:
            yield from k.walk()

    def find(self, tag: str) -> list[Elem]:
        return [e for e in self.walk() if e.tag == tag]


def _elem(obj: Any) -> Elem | None:
    if isinstance(obj, IndirectObject):
        obj = obj.get_object()
    if not isinstance(obj, DictionaryObject) or "/S" not in obj:
        return None
    alt = obj.get("/Alt")
    e = Elem(str(obj["/S"]).lstrip("/"), str(alt) if alt is not None else None)
    ident = obj.get("/ID")
    e.id = str(ident) if ident is not None else None
    attributes = obj.get("/A")
    if isinstance(attributes, IndirectObject):
        attributes = attributes.get_object()
    for a in attributes if isinstance(attributes, ArrayObject) else [attributes]:
        a = a.get_object() if isinstance(a, IndirectObject) else a
        if isinstance(a, DictionaryObject):
            e.attrs.update({str(k): v for k, v in a.items()})
    kids = obj.get("/K")
    if isinstance(kids, IndirectObject):
        kids = kids.get_object()
    for k in kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []:
        child = _elem(k)
        if child is not None:
            e.kids.append(child)
    return e


def structure(pdf: Path) -> tuple[Elem, dict[str, Any]]:
    """The structure tree's root and the document catalog (with the IDTree's ids)."""
    reader = PdfReader(pdf)
    catalog = reader.trailer["/Root"]
    tree = catalog["/StructTreeRoot"].get_object()
    root = Elem("StructTreeRoot", None)
    kids = tree.get("/K")
    for k in kids if isinstance(kids, ArrayObject) else [kids]:
        child = _elem(k)
        if child is not None:
            root.kids.append(child)
    return root, {
        "lang": str(catalog.get("/Lang", "")),
        "display_title": bool(catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle")),
        "marked": bool(catalog.get("/MarkInfo", {}).get("/Marked")),
        "title": str(reader.metadata.title) if reader.metadata else "",
        "pages": len(reader.pages),
        "id_tree": _id_tree(tree.get("/IDTree")),
    }


def _id_tree(node: Any) -> dict[str, Any]:
    """A name tree (/Names pairs, /Kids below) as id → structure element dictionary."""
    out: dict[str, Any] = {}
    if isinstance(node, IndirectObject):
        node = node.get_object()
    if not isinstance(node, DictionaryObject):
        return out
    names = node.get("/Names", [])
    for i in range(0, len(names) - 1, 2):
        out[str(names[i])] = names[i + 1].get_object()
    for kid in node.get("/Kids", []):
        out.update(_id_tree(kid))
    return out


@dataclass
class LinkAnnot:
    """A link annotation: its page, its /Contents, and where it goes (a page or a URI)."""

    page: int
    contents: str | None
    target_page: int | None
    uri: str | None


def links(pdf: Path) -> list[LinkAnnot]:
    """Every link annotation of every page (1-based pages)."""
    reader = PdfReader(pdf)
    named = {str(k): v for k, v in reader.named_destinations.items()}
    out = []
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots", []) or []:
            a = annot.get_object()
            if a.get("/Subtype") != "/Link":
                continue
            contents = a.get("/Contents")
            target: int | None = None
            uri: str | None = None
            action = a.get("/A")
            dest = a.get("/Dest")
            if action is not None and action.get_object().get("/S") == "/URI":
                uri = str(action.get_object()["/URI"])
            elif action is not None and action.get_object().get("/S") == "/GoTo":
                dest = action.get_object()["/D"]
            if dest is not None:
                dest = dest.get_object() if isinstance(dest, IndirectObject) else dest
                if not isinstance(dest, ArrayObject):
                    dest = named[str(dest)]
                    target = reader.get_destination_page_number(dest) + 1
                else:
                    target = reader.get_page_number(dest[0].get_object()) + 1
            out.append(LinkAnnot(number, str(contents) if contents else None, target, uri))
    return out


@dataclass
class Line:
    """A line of text on a page, where pdftotext finds it (points, y down from the top)."""

    text: str
    top: float
    bottom: float


@dataclass
class LaidOutPage:
    number: int
    height: float
    lines: list[Line]


_XHTML = "{http://www.w3.org/1999/xhtml}"


def laid_out(pdf: Path) -> list[LaidOutPage]:
    """Every page's lines with their vertical position (pdftotext -bbox-layout)."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-bbox-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    root = ET.fromstring(out)
    pages = []
    for number, page in enumerate(root.iter(f"{_XHTML}page"), start=1):
        found = []
        for line in page.iter(f"{_XHTML}line"):
            words = [w.text or "" for w in line.iter(f"{_XHTML}word")]
            found.append(
                Line(" ".join(words), float(line.get("yMin", 0)), float(line.get("yMax", 0)))
            )
        pages.append(LaidOutPage(number, float(page.get("height", 0)), found))
    return pages


def squeeze(s: str) -> str:
    """Text without white space, for comparing what pdftotext joins or splits differently."""
    return re.sub(r"\s+", "", s)


def outline(pdf: Path) -> list[tuple[int, str, int]]:
    """(level, title, 1-based page) of every bookmark, in order."""
    reader = PdfReader(pdf)
    out: list[tuple[int, str, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return out


TOC_LINE = re.compile(r"^(?P<title>.+?)\s*\.{3,}\s*(?P<page>\d+)$")


def toc_entries(page: str) -> list[tuple[str, int]]:
    """(title, page number) of each line of a contents page set with dotted leaders."""
    out = []
    for ln in lines(page):
        m = TOC_LINE.match(ln)
        if m:
            out.append((m["title"].strip(), int(m["page"])))
    return out
