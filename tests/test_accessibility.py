"""Every page of the built example passes axe-core's WCAG 2.2 AA rules in a real browser.

Needs Debian's chromium (/usr/bin/chromium) and axe-core from npm (scripts/check installs both).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

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


ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def need_browser() -> None:
    """Skip (saying why) where chromium, axe-core or Playwright is missing."""
    reason = _missing()
    if reason:
        print(f"SKIP reason: {reason}")
        pytest.skip(reason)


def axe_page(page: Any, axe: str) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page as it stands, one line each."""
    page.add_script_tag(content=axe)
    found = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(n["target"][0] for n in v["nodes"][:3])
        for v in found["violations"]
    ]


def axe_in(browser: Any, files: list[Path], ready: bool = False) -> list[str]:
    """Run axe-core on each file in a launched browser (after the page's script is ready, when
    `ready`)."""
    axe = AXE.read_text(encoding="utf-8")
    failures = []
    page = browser.new_page()
    for f in files:
        page.goto(f.as_uri())
        if ready:
            page.wait_for_selector("html[data-ready]", timeout=20_000)
        failures += [f"{f}: {v}" for v in axe_page(page, axe)]
    page.close()
    return failures


def axe_files(files: list[Path], ready: bool = False) -> list[str]:
    """Run axe-core on each file in chromium (after the page's script is ready, when `ready`)."""
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        failures = axe_in(browser, files, ready)
        browser.close()
    return failures


def axe_violations(result: core.BuildResult) -> list[str]:
    """Run axe-core on every report page of a build in chromium; skip (saying why) without the
    tools."""
    return [
        f.replace(str(result.out) + "/", "", 1)
        for f in axe_files([result.out / p.path for p in result.site.pages], ready=False)
    ]


def test_every_page_passes_axe(built_example: core.BuildResult) -> None:
    failures = axe_violations(built_example)
    assert not failures, "\n".join(failures[:40])
