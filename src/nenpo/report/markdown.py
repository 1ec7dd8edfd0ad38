"""Markdown with data: inline {{ value … }} references and block {{ chart ID }} lines.

A markdown-it-py plugin turns each reference into a token; rendering resolves it against the
data, so the text printed is always the data's. Problems are collected, not raised, so a page
with three bad references reports all three.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from ..lookups.data import Data
from . import references as refs

BLOCK_LINE = re.compile(r"^\{\{\s*(chart|include)\s+([a-z0-9][a-z0-9_-]*)\s*\}\}\s*$")
ILLUSTRATIVE = {"ja": "例示値", "en": "illustrative"}


@dataclass
class RenderEnv:
    """What rendering needs and what it found: data, chart HTML, problems, references used."""

    data: Data
    lang: str
    chart_html: Callable[[str], str]
    file: str = ""
    line_offset: int = 0
    block_html: Callable[[str], str] | None = None
    current_line: int | None = None
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    used: list[refs.Resolved] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)


def _inline_ref(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("{{", state.pos):
        return False
    end = state.src.find("}}", state.pos + 2)
    if end < 0:
        return False
    if not silent:
        token = state.push("nenpo_ref", "", 0)
        token.content = state.src[state.pos + 2 : end]
        token.meta = {"newlines": state.src.count("\n", 0, state.pos)}
    state.pos = end + 2
    return True


def _block_chart(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    pos = state.bMarks[start] + state.tShift[start]
    line = state.src[pos : state.eMarks[start]]
    m = BLOCK_LINE.match(line)
    if not m:
        return False
    if not silent:
        token = state.push("nenpo_" + m.group(1), "", 0)
        token.content = m.group(2)
        token.map = [start, start + 1]
    state.line = start + 1
    return True


def _render_ref(
    _self: Any, tokens: Sequence[Token], idx: int, _options: Any, menv: dict[str, Any]
) -> str:
    env: RenderEnv = menv["nenpo"]
    inner = tokens[idx].content
    line = _line_of(tokens, idx, env)
    try:
        res = refs.resolve(refs.parse(inner), env.data, env.lang)
    except refs.ReferenceError_ as exc:
        env.problems.append((line, str(exc)))
        return f'<span class="ref-error">{escape("{{" + inner + "}}")}</span>'
    env.used.append(res)
    attrs = f' data-ref="{escape(inner.strip())}"'
    if res.value is not None:
        attrs += f' data-value="{res.value:g}"'
    if res.period:
        attrs += f' data-period="{escape(res.period)}"'
    if res.illustrative:
        label = ILLUSTRATIVE[env.lang]
        return (
            f'<span class="ref illustrative"{attrs}>{escape(res.text)}'
            f'<span class="badge">{label}</span></span>'
        )
    return f'<span class="ref"{attrs}>{escape(res.text)}</span>'


def _line_of(tokens: Sequence[Token], idx: int, env: RenderEnv) -> int | None:
    # Inline tokens carry no line: the enclosing block's line plus the newlines before it.
    block = env.current_line
    return None if block is None else block + tokens[idx].meta.get("newlines", 0)


def _render_chart(
    _self: Any, tokens: Sequence[Token], idx: int, _options: Any, menv: dict[str, Any]
) -> str:
    env: RenderEnv = menv["nenpo"]
    ident = tokens[idx].content
    env.charts.append(ident)
    try:
        return env.chart_html(ident)
    except KeyError:
        line = _block_line(tokens[idx], env)
        env.problems.append((line, f"unknown chart {ident!r}"))
        return f'<p class="ref-error">{escape("{{ chart " + ident + " }}")}</p>'


def _render_include(
    _self: Any, tokens: Sequence[Token], idx: int, _options: Any, menv: dict[str, Any]
) -> str:
    env: RenderEnv = menv["nenpo"]
    ident = tokens[idx].content
    try:
        if env.block_html is None:
            raise KeyError(ident)
        return env.block_html(ident)
    except KeyError:
        line = _block_line(tokens[idx], env)
        env.problems.append(
            (
                line,
                f"unknown include {ident!r}; expected aims, statement, "
                "priority_plan or focus_areas",
            )
        )
        return ""


def _block_line(token: Token, env: RenderEnv) -> int | None:
    return token.map[0] + 1 + env.line_offset if token.map else None


def make_parser() -> MarkdownIt:
    """A CommonMark parser (tables on) that knows data references and chart lines."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.inline.ruler.before("emphasis", "nenpo_ref", _inline_ref)
    md.block.ruler.before("paragraph", "nenpo_chart", _block_chart)
    md.add_render_rule("nenpo_ref", _render_ref)
    md.add_render_rule("nenpo_chart", _render_chart)
    md.add_render_rule("nenpo_include", _render_include)
    return md


_MD = make_parser()


def render(text: str, env: RenderEnv) -> str:
    """Markdown → HTML with references resolved; problems land in env.problems with lines."""
    menv: dict[str, Any] = {"nenpo": env}
    tokens = _MD.parse(text, menv)
    out = []
    # Render block by block so each inline reference knows the line it is on.
    for i, tok in enumerate(tokens):
        if tok.map:
            env.current_line = tok.map[0] + 1 + env.line_offset
        out.append(_MD.renderer.render(tokens[i : i + 1], _MD.options, menv))
    return "".join(out)


def strip_front_matter(text: str) -> tuple[str, int]:
    """Remove a leading '---' YAML block; return the body and how many lines were removed."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end >= 0:
            head = text[: end + 5]
            return text[end + 5 :], head.count("\n")
    return text, 0
