"""Helpers for the import tests: a small workspace, table writers, a store snapshot."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text

from nenpo import core
from nenpo.store import Store

WORKSPACE = {
    "nenpo.yaml": (
        "organisation: {name: テスト市}\n"
        "report: {title: テスト年報, period_start: 2024-01-01, period_end: 2024-12-31}\n"
    ),
    "sources.yaml": "- {id: src, title: テスト出典}\n- {id: other, title: 別の出典}\n",
    "dimensions.yaml": (
        "- id: age_band\n  name: 年齢階級\n  values:\n"
        "    - {code: '0-19', label: 0～19歳}\n"
        "    - {code: '20-64', label: 20～64歳}\n"
        "    - {code: '65+', label: 65歳以上}\n"
    ),
    "indicators.yaml": (
        "- {id: cards, name: 交付枚数, unit: 枚, source: src, provenance: real,"
        " dimensions: [prefecture, age_band]}\n"
        "- {id: rate, name: 交付率, unit: '%', decimals: 1, source: src, provenance: real,"
        " dimensions: [prefecture]}\n"
        "- {id: users, name: 利用者数, unit: 人, source: src, provenance: real,"
        " dimensions: [municipality]}\n"
    ),
}


def make_workspace(root: Path) -> Path:
    """Write the small workspace into `root` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    for name, body in WORKSPACE.items():
        (root / name).write_text(body, encoding="utf-8")
    return root


def loaded(store: Store, tmp: Path) -> Store:
    """`store` with the small workspace loaded."""
    core.load(make_workspace(tmp / "ws"), store)
    return store


def snapshot(store: Store) -> list[tuple[Any, ...]]:
    """Every stored observation row, ids included: equal snapshots mean nothing changed."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, indicator_id, period, start, dims, value, provenance, source_id, "
                "origin "
                "FROM observation ORDER BY id"
            )
        )
        return [tuple(str(v) for v in r) for r in rows]


def stored(store: Store, indicator: str | None = None) -> dict[tuple[str, str, str], float]:
    """(indicator, period, dims) → value of the stored observations."""
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT indicator_id, period, dims, value FROM observation"))
        return {(r[0], r[1], r[2]): r[3] for r in rows if indicator in (None, r[0])}


def write_mapping(path: Path, body: str) -> Path:
    """A mapping file."""
    path.write_text(body, encoding="utf-8")
    return path


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8-sig") -> Path:
    """A CSV file from lines (no quoting is added: write the cells as they should appear)."""
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[Any]], sheet: str = "データ", title: str = "") -> Path:
    """An .xlsx file with one sheet; `title` goes in a first row above the table."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    if title:
        ws.append([title])
        ws.append([])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def wareki(d: date, precision: str) -> str:
    """A date in 和暦 (平成/令和, 元年 for year 1) as people write it: 令和6年7月末."""
    if d >= date(2019, 5, 1):
        era, year = "令和", d.year - 2018
    else:
        era, year = "平成", d.year - 1988
    y = "元" if year == 1 else str(year)
    if precision == "day":
        return f"{era}{y}年{d.month}月{d.day}日"
    return f"{era}{y}年{d.month}月末"
