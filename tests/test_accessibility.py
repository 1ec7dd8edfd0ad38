"""Every page of the built example passes axe-core's WCAG 2.2 AA rules in a real browser.

Needs Debian's chromium (/usr/bin/chromium) and axe-core from npm (scripts/check installs both).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nenpo import core

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return "chromium is not installed (apt-get install chromium)"
    if not AXE.exists():
        return "axe-core is not installed (npm install in the project root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None


def axe_violations(result: core.BuildResult) -> list[str]:
    """Run axe-core on every page of a build in chromium; skip (saying why) without the tools."""
    reason = _missing()
    if reason:
        print(f"SKIP reason: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    axe = AXE.read_text(encoding="utf-8")
    failures = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        for p in result.site.pages:
            page.goto((result.out / p.path).as_uri())
            page.add_script_tag(content=axe)
            found = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                TAGS,
            )
            for v in found["violations"]:
                nodes = ", ".join(n["target"][0] for n in v["nodes"][:3])
                failures.append(f"{p.path}: {v['id']} ({v['impact']}): {v['help']} — {nodes}")
        browser.close()
    return failures


def test_every_page_passes_axe(built_example: core.BuildResult) -> None:
    failures = axe_violations(built_example)
    assert not failures, "\n".join(failures[:40])
