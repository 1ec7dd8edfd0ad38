"""Which page shows each Markdown file: the one place that knows how content files are named.

A page or chapter shows the file report.yaml names (`content:`); a project's page shows
content/projects/PROJECT.md; each is read in English from the same folder's en/ subfolder
(content/about.md → content/en/about.md, content/projects/en/PROJECT.md). A file under content/
that none of these names is shown nowhere: most likely a misnamed file, whose text would
silently be left out of the report.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..model.workspace import Workspace

LANGUAGES = ("en",)  # the languages a text is translated into (ja is the original)


def translated(path: str, lang: str) -> str:
    """content/intro.md → content/en/intro.md: where the translation of a text is read."""
    head, _, name = path.rpartition("/")
    return f"{head}/{lang}/{name}" if head else f"{lang}/{name}"


def project_content(project: str) -> str:
    """The Markdown file a project's page shows."""
    return f"content/projects/{project}.md"


def shown_by(ws: Workspace) -> dict[str, str]:
    """Every Markdown path a page reads (whether or not the file exists) → what shows it."""
    out: dict[str, str] = {}

    def add(path: str, what: str) -> None:
        out.setdefault(path, what)
        for lang in LANGUAGES:
            out.setdefault(translated(path, lang), f"{what}, in English")

    for ch in ws.chapters:
        if ch.content:
            add(ch.content, f"chapter {ch.id}")
        for pg in ch.pages:
            if pg.content:
                add(pg.content, f"page {pg.id}")
    for project, _parent in ws.all_projects():
        add(project_content(project.id), f"project {project.id}")
    return out


def _lang(path: str) -> str:
    return next((lang for lang in LANGUAGES if f"/{lang}/" in f"/{path}"), "ja")


@dataclass(frozen=True)
class Unshown:
    """A content file no page shows, and the paths it could have meant (with what shows them)."""

    path: str
    meant: list[tuple[str, str]]


def unshown(ws: Workspace) -> list[Unshown]:
    """Markdown files under content/ that no page shows, each with its likeliest intended paths:
    those with the same file name, then those spelled most alike (a project id mistyped)."""
    shown = shown_by(ws)
    out = []
    for path in sorted(ws.texts):
        if path in shown or not path.startswith("content/"):
            continue
        name = path.rpartition("/")[2]
        lang = _lang(path)
        # Same name first: in the file's own language, then those not written yet.
        same_name = sorted(
            (p for p in shown if p.rpartition("/")[2] == name),
            key=lambda p: (_lang(p) != lang, p in ws.texts),
        )
        alike = difflib.get_close_matches(path, list(shown), n=3, cutoff=0.8)
        meant = list(dict.fromkeys([*same_name, *alike]))
        out.append(Unshown(path, [(p, shown[p]) for p in meant[:3]]))
    return out
