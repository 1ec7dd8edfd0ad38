"""Fonts: chart text must use an installed font, or vl-convert silently draws blank text."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

from ..errors import EnvironmentProblem

FONT_PACKAGE = {"Noto Sans CJK JP": "fonts-noto-cjk"}


@cache
def installed_families() -> frozenset[str]:
    """Every font family fontconfig knows."""
    if shutil.which("fc-list") is None:
        raise EnvironmentProblem(
            "fc-list not found: install fontconfig (apt-get install "
            "fontconfig) so nenpo can check the chart font is installed"
        )
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True)
    families: set[str] = set()
    for line in out.stdout.splitlines():
        families.update(f.strip() for f in line.split(","))
    return frozenset(families)


def ensure_font(family: str) -> None:
    """Raise EnvironmentProblem unless `family` is installed."""
    if family not in installed_families():
        pkg = FONT_PACKAGE.get(family)
        hint = f" (apt-get install {pkg})" if pkg else ""
        raise EnvironmentProblem(
            f"the chart font {family!r} is not installed{hint}; charts would render blank text. "
            "Install it or set NENPO_CHART_FONT to an installed family (fc-list : family)."
        )
