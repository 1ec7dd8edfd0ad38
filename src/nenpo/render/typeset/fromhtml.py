"""A page body's HTML (Markdown rendered, references resolved) → Typst markup for print.

The bodies are the site's own: CommonMark with tables (no raw HTML), nenpo's data references
(`span.ref`), badges, includes (lists, term lists) and charts. The converter knows that tag
set; a chart's `<figure>` is not converted but handed to `Target.figure`, which prints the
chart from its data. What has no place on paper (the CSV link, the alt text the PDF carries as
the figure's /Alt) is left out. An element it does not know keeps its text, so nothing written
is ever lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .markup import Raw, call, collapse, content, string, text, uri

VOID = {"br", "hr", "img", "wbr", "input", "col", "meta", "link", "source"}
BLOCK = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "section",
    "div",
    "article",
    "aside",
    "blockquote",
    "pre",
    "hr",
    "table",
    "figure",
    "details",
    "summary",
}
HEADINGS = {f"h{n}": n for n in range(1, 7)}
TRANSPARENT = {"section", "div", "article", "aside"}  # their content is read as if unwrapped
Item = tuple[int | None, str]  # a block: the level of the heading it is, or None; its markup
# Classes of paragraphs that paper has no use for: the CSV download and the chart's alt text
# (in the PDF the figure carries it as /Alt).
# The focus-area overview (diagram and lists) is for screens: on paper the focus-area pages
# that follow it list the same projects, and their titles would stand twice.
SKIP_CLASSES = {"download", "alt-text", "diagram", "focus-area-overview"}


@dataclass
class Node:
    """An element of the parsed HTML: tag, attributes and children (nodes or text)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    kids: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """All text inside, as a browser would give it (white space collapsed)."""
        return collapse("".join(k if isinstance(k, str) else k.text() for k in self.kids))


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].kids.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].kids.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element (a stray end tag is ignored, as browsers do).
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].kids.append(data)


def parse(html: str) -> Node:
    """The HTML as a tree of Nodes under a #root node."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


@dataclass
class Target:
    """What the converter needs from the document it writes into.

    `link(href)`: the label an href points at inside the document (None: not printed; the
    link's text stays). `figure(chart_id)`: the Typst markup of that chart. `shift`: how many
    levels a page's headings move down under its section's heading.
    """

    link: Callable[[str], str | None]
    figure: Callable[[str], str]
    shift: int = 0
    lang: str = "ja"


def convert(html: str, target: Target) -> str:
    """The body's HTML as Typst markup: blocks separated by blank lines."""
    return _Writer(target).blocks(parse(html))


def convert_items(html: str, target: Target) -> list[Item]:
    """The body's HTML as blocks (heading level or None, markup), for a caller that adds its
    own heading before them (see keep)."""
    return _Writer(target).items(parse(html))


def convert_inline(html: str, target: Target) -> str:
    """Inline HTML (a slide's title or list item) as Typst markup on one line."""
    return _Writer(target).para(parse(html).kids)


URL_AFTER = {"ja": "（{}）", "en": " ({})"}


class _Writer:
    def __init__(self, target: Target):
        self.t = target

    # ── blocks ───────────────────────────────────────────────────────────────────────────

    def blocks(self, node: Node) -> str:
        """The children of `node` as blocks, each heading kept with its content (see keep)."""
        return keep(self.items(node), self.t.lang)

    def items(self, node: Node) -> list[Item]:
        """The children of `node` as (heading level or None, markup) blocks; runs of inline
        content become paragraphs; sections and divisions are looked through, so a heading
        inside one is found like any other."""
        out: list[Item] = []
        run: list[Node | str] = []

        def flush() -> None:
            para = self.para(run)
            if para:
                out.append((None, para))
            run.clear()

        for kid in node.kids:
            if isinstance(kid, Node) and kid.tag in BLOCK:
                flush()
                if kid.tag in TRANSPARENT and not (kid.classes & SKIP_CLASSES):
                    out.extend(self.items(kid))
                    continue
                block = self.block(kid)
                if block:
                    level = HEADINGS.get(kid.tag)
                    out.append((None if level is None else min(6, level + self.t.shift), block))
            else:
                run.append(kid)
        flush()
        return out

    def block(self, node: Node) -> str:
        tag, cls = node.tag, node.classes
        if cls & SKIP_CLASSES:
            return ""
        if tag == "figure" and "chart" in cls:
            return self.t.figure(node.attrs.get("data-chart", ""))
        if tag == "p":
            body = self.para(node.kids)
            if not body:
                return ""
            for kind in ("meta", "source", "note"):
                if kind in cls:
                    return call(kind, body)
            return body
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = min(6, int(tag[1]) + self.t.shift)
            return call("heading", self.para(node.kids), level=level, outlined=False)
        if tag in ("ul", "ol"):
            return self.list_block(node)
        if tag == "dl":
            return self.terms(node)
        if tag == "blockquote":
            return call("quote", self.blocks(node), block=True)
        if tag == "pre":
            return f"#raw({string(_raw_text(node))}, block: true)"
        if tag == "hr":
            return call("line", length=Raw("100%"))
        if tag == "table":
            return self.table(node)
        if tag == "summary":
            body = self.para(node.kids)
            return call("strong", body) if body else ""
        # section, div, article, aside, details, li/dt/dd out of place: their content
        return self.blocks(node)

    def list_block(self, node: Node) -> str:
        items = [k for k in node.kids if isinstance(k, Node) and k.tag == "li"]
        args = ", ".join(f"[{self.blocks(li)}]" for li in items)
        if node.tag == "ol":
            start = node.attrs.get("start", "")
            head = f"#enum(start: {int(start)}, " if start.isdigit() else "#enum("
            return f"{head}{args})"
        return f"#list({args})" if args else ""

    def terms(self, node: Node) -> str:
        """A term list (dt, dd); a term with several descriptions keeps them all."""
        pairs: list[tuple[str, list[str]]] = []
        for k in node.kids:
            if not isinstance(k, Node):
                continue
            if k.tag == "dt":
                pairs.append((self.para(k.kids), []))
            elif k.tag == "dd":
                if not pairs:
                    pairs.append(("", []))
                pairs[-1][1].append(self.blocks(k))
        items = ", ".join(f"([{term}], [{'#parbreak()'.join(dds)}])" for term, dds in pairs)
        kind = "facts" if "facts" in node.classes else "terms-list"
        return f"#{kind}({items})" if items else ""

    def table(self, node: Node) -> str:
        """A table (Markdown's, or a page's own): its caption above it, its header row as
        header cells, then the body rows."""
        head: list[list[Node]] = []
        body: list[list[Node]] = []
        caption = ""
        for part in node.kids:
            if not isinstance(part, Node):
                continue
            if part.tag == "caption":
                caption = self.para(part.kids)
                continue
            rows = part.kids if part.tag in ("thead", "tbody", "tfoot") else [part]
            for tr in rows:
                if isinstance(tr, Node) and tr.tag == "tr":
                    cells = [c for c in tr.kids if isinstance(c, Node) and c.tag in ("th", "td")]
                    (head if part.tag == "thead" else body).append(cells)
        width = max((len(r) for r in head + body), default=0)
        if not width:
            return ""

        def cell(c: Node) -> str:
            return f"[{self.para(c.kids)}]"

        header = "".join(
            f"table.header({', '.join(cell(c) for c in row)}), " for row in head if row
        )
        padded = (row + [Node("td")] * (width - len(row)) for row in body)
        markup = ", ".join(cell(c) for row in padded for c in row)
        label = f"caption: [{caption}], " if caption else ""
        return f"#md-table({label}columns: {width}, {header}{markup})"

    # ── inline ───────────────────────────────────────────────────────────────────────────

    def para(self, kids: list[Node | str]) -> str:
        """Inline content that starts and ends a block: without white space at its edges."""
        kids = list(kids)
        while kids and isinstance(kids[0], str) and not kids[0].strip():
            kids.pop(0)
        while kids and isinstance(kids[-1], str) and not kids[-1].strip():
            kids.pop()
        if kids and isinstance(kids[0], str):
            kids[0] = kids[0].lstrip()
        if kids and isinstance(kids[-1], str):
            kids[-1] = kids[-1].rstrip()
        return self.inline(kids)

    def inline(self, kids: list[Node | str]) -> str:
        out: list[str] = []
        words: list[str] = []  # adjacent texts become one string
        for kid in kids:
            if isinstance(kid, str):
                words.append(kid)
                continue
            out.append(text(collapse("".join(words))))
            words.clear()
            out.append(self.element(kid))
        out.append(text(collapse("".join(words))))
        return "".join(out)

    def element(self, node: Node) -> str:
        tag, cls = node.tag, node.classes
        if cls & SKIP_CLASSES:
            return ""
        inner = self.inline(node.kids)
        if tag in ("strong", "b"):
            return call("strong", inner)
        if tag in ("em", "i"):
            return call("emph", inner)
        if tag in ("s", "del"):
            return call("strike", inner)
        if tag == "sup":
            return call("super", inner)
        if tag == "sub":
            return call("sub", inner)
        if tag == "code":
            return f"#raw({string(_raw_text(node))})"
        if tag == "br":
            return "#linebreak()"
        if tag == "img":  # no file to print: its alt text stands in its place
            return text(collapse(node.attrs.get("alt", "")))
        if tag == "span" and "ref" in cls:
            return call("num", inner)
        if tag == "span" and "badge" in cls:
            return call("badge", inner)
        if tag == "a":
            return self.link(node, inner)
        if tag in BLOCK:  # a block inside a paragraph (a list inside a list item): its text
            return self.blocks(node).replace("\n\n", "#parbreak()")
        return inner

    def link(self, node: Node, inner: str) -> str:
        href = node.attrs.get("href", "")
        if href.startswith("@@/") or href.startswith("#"):
            name = self.t.link(href)
            return f"#link({name}){content(inner).code}" if name else inner
        if href.startswith(("http://", "https://", "mailto:")):
            # On paper a link is only of use with its address written out.
            shown = node.text()
            after = "" if shown == href else text(URL_AFTER[self.t.lang].format(href))
            return f"#link({uri(href)}){content(inner).code}{after}"
        return inner


def keep(items: list[Item], lang: str = "ja") -> str:
    """Blocks, each heading kept with the blocks up to the next heading.

    So that a heading never stays at a page's foot while its content starts overleaf, a
    heading and its text up to its first chart are one block that does not break when it is
    short (`#keep`), and that block sticks to the chart's box (itself never broken), so both
    move to the next page together — unless both take more than 60 % of a page (the box
    says its height, `#chart-box(height: MM`): moving them could leave more than 40 % of a
    page blank, so the text stays and the box follows. A longer text breaks as text does
    (the heading still keeps its first lines: headings are sticky), and a heading followed
    directly by another moves with it. The
    heights are estimated here rather than measured by Typst: measuring lays a block out
    twice, about a third of the report's compile time.
    """
    out: list[str] = []
    i = 0
    while i < len(items):
        level, markup = items[i]
        j = i + 1
        if level is not None:
            while j < len(items) and items[j][0] is None:
                j += 1
        if j > i + 1:  # a heading with content (a heading alone is sticky itself)
            assert level is not None
            unit = [m for _, m in items[i:j]]
            chart = next((k for k, m in enumerate(unit) if m.startswith("#chart-box(")), None)
            lead = unit if chart is None else unit[:chart]
            rest = [] if chart is None else unit[chart:]
            lines = _lines("\n\n".join(lead), lang)
            box = _BOX.match(unit[chart]) if chart is not None else None
            # Heading and text move with the chart when both take at most 60 % of a page;
            # a heading alone always does.
            sticky = box is not None and (
                len(lead) == 1 or lines * LINE_MM + int(box[1]) <= KEEP_TOGETHER_MM
            )
            short = lines <= SHORT_LINES
            markup = "\n\n".join(
                [
                    f"#keep(level: {level}, breakable: {_bool(not short)}, "
                    f"sticky: {_bool(sticky)})[{chr(10).join(['', *lead, ''])}]",
                    *rest,
                ]
            )
        out.append(markup)
        i = j
    return "\n\n".join(out)


SHORT_LINES = 24  # lines: a text this short is never broken (a page holds about 49)
LINE_MM = 5.3  # a line of 10 pt text with its leading
KEEP_TOGETHER_MM = 153  # 60 % of the text area: what moves to the next page at most
_BOX = re.compile(r"#chart-box\(height: (\d+)")
LINE_CHARS = {"ja": 46, "en": 90}  # characters a line holds, at least (10 pt on A4)
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _lines(markup: str, lang: str) -> int:
    """About how many lines of text `markup` sets: its strings' characters over a line's,
    each block at least one line, each item of a list or term list one more."""
    per = LINE_CHARS.get(lang, 46)
    return sum(
        max(1, -(-sum(len(t) for t in _STRING.findall(b)) // per)) + b.count("], [")
        for b in markup.split("\n\n")
    )


def _bool(v: bool) -> str:
    return "true" if v else "false"


def _raw_text(node: Node) -> str:
    return "".join(k if isinstance(k, str) else _raw_text(k) for k in node.kids)
