"""Writing Typst source safely: every text becomes a string literal, never raw markup.

Typst markup gives meaning to many characters (`*`, `_`, `#`, `@`, `<`, `=` or `-` at the start
of a line, `//`, URLs); a page's text may contain any of them. Text is therefore always written
as a string expression (`#"…"`), which Typst sets exactly as given.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_WS = re.compile(r"[ \t\n\r\f]+")
# Characters that set solid in Japanese: a space between two of them (a line break in the
# Markdown source) is not a space in the text.
_CJK = (
    r"\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"  # kana, kanji, fullwidth
)
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")


def string(text: str) -> str:
    """A Typst string literal of `text`."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def uri(href: str) -> str:
    """A Typst string literal of a link's address, as a PDF wants it: ASCII only.

    A PDF's /URI is a byte string that readers take as ASCII (PDF 32000 12.6.4.7); an address
    with Japanese in it (…/content/地方自治体) is written percent-encoded, as a browser sends it.
    """
    return string(quote(href, safe=":/?#[]@!$&'()*+,;=%~"))


def text(value: str) -> str:
    """Text in markup (`#"…"`); empty text gives nothing."""
    return f"#{string(value)}" if value else ""


def collapse(value: str) -> str:
    """HTML white space: runs become one space, and none is left between CJK characters."""
    return _CJK_SPACE.sub("", _WS.sub(" ", value))


def call(name: str, *content: str, **args: object) -> str:
    """`#name(arg: value, …)[content]…`: a function call in markup with content arguments."""
    params = ", ".join(f"{k.replace('_', '-')}: {value(v)}" for k, v in args.items())
    head = f"#{name}({params})" if params or not content else f"#{name}"
    return head + "".join(f"[{c}]" for c in content)


def value(v: object) -> str:
    """A Python value as a Typst expression (str, bool, int, float, None, list, Raw)."""
    if isinstance(v, Raw):
        return v.code
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return string(v)
    if isinstance(v, list | tuple):
        inner = ", ".join(value(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    raise TypeError(f"no Typst value for {type(v).__name__}")


class Raw:
    """Typst code written as is (content blocks, labels, lengths)."""

    def __init__(self, code: str):
        self.code = code

    def __repr__(self) -> str:
        return f"Raw({self.code!r})"


def content(markup: str) -> Raw:
    """A content block `[…]` of markup, as an argument."""
    return Raw(f"[{markup}]")


_LABEL = re.compile(r"^[\w:.-]+$")


def label(name: str) -> str:
    """`<name>` (names are ids nenpo makes: letters, digits, -, _, ., :)."""
    if not _LABEL.match(name):
        raise ValueError(f"{name!r} cannot be a Typst label")
    return f"<{name}>"
