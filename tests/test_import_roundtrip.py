"""Property: observations written as a ministry would (CSV in UTF-8 with a BOM or CP932, or
.xlsx; long or wide; dates in any form, 和暦 included; prefectures by code or name; numbers with
separators or in full width) come back from `nenpo import` exactly as they were."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from nenpo import core
from nenpo.japan.codes import PREFECTURES, short_name
from nenpo.japan.periods import Period
from nenpo.store import Store, open_store
from tests.importing import make_workspace, stored, wareki, write_csv, write_mapping, write_xlsx

Key = tuple[str, Period, str]  # (indicator, period, prefecture code)

periods = st.one_of(
    st.builds(
        lambda d: Period(d, "day"),
        st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)),
    ),
    st.builds(
        lambda y, m: Period(date(y, m, 1), "month"),
        st.integers(2000, 2030),
        st.integers(1, 12),
    ),
)
# Counts and rates as published: integers, and decimals to 4 places. (A spreadsheet keeps 15
# significant digits, so a float such as 1.1754943508222875e-38 cannot come back from .xlsx.)
values = st.one_of(
    st.integers(-(10**9), 10**12).map(float),
    st.decimals(min_value=-(10**9), max_value=10**9, places=4).map(float),
)
observations = st.dictionaries(
    st.tuples(st.sampled_from(["cards", "rate"]), periods, st.sampled_from(PREFECTURES)).map(
        lambda t: (t[0], t[1], t[2][0])
    ),
    values,
    min_size=1,
    max_size=30,
)
forms = st.fixed_dictionaries(
    {
        "date": st.sampled_from(["iso", "slash", "wareki", "kanji"]),
        "pref": st.sampled_from(["code", "name", "short", "number"]),
        "number": st.sampled_from(["plain", "comma", "fullwidth"]),
    }
)
FULL = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


def _date(p: Period, form: str) -> str:
    d = p.start
    if form == "iso":
        return p.key
    if form == "wareki":
        return wareki(d, p.precision)
    sep = "/" if form == "slash" else None
    if p.precision == "day":
        return f"{d.year}/{d.month}/{d.day}" if sep else f"{d.year}年{d.month}月{d.day}日"
    return f"{d.year}/{d.month:02d}" if sep else f"{d.year}年{d.month}月"


def _pref(code: str, form: str) -> str:
    name = next(ja for c, ja, _ in PREFECTURES if c == code)
    return {"code": code, "name": name, "short": short_name(name), "number": str(int(code))}[form]


def _number(v: float, form: str) -> str:
    text_ = repr(v) if v != int(v) or abs(v) >= 1e16 else str(int(v))
    if form == "comma" and v == int(v) and abs(v) < 1e16:
        text_ = f"{int(v):,}"
    elif form == "fullwidth" and "e" not in text_:
        text_ = text_.translate(FULL)
    return text_


def _long(obs: dict[Key, float], f: dict[str, str]) -> list[list[str]]:
    rows = [["指標", "日付", "都道府県", "値"]]
    for (ind, p, code), v in obs.items():
        rows.append([ind, _date(p, f["date"]), _pref(code, f["pref"]), _number(v, f["number"])])
    return rows


def _wide(obs: dict[Key, float], f: dict[str, str]) -> list[list[str]]:
    cols = sorted({p for _, p, _ in obs})
    lines = sorted({(ind, code) for ind, _, code in obs})
    rows = [["指標", "都道府県", *(_date(p, f["date"]) for p in cols)]]
    for ind, code in lines:
        cells = [
            _number(obs[(ind, p, code)], f["number"]) if (ind, p, code) in obs else "－"
            for p in cols
        ]
        rows.append([ind, _pref(code, f["pref"]), *cells])
    return rows


LONG = "indicator: {column: 指標}\nvalue: 値\nperiod: {column: 日付}\n"
WIDE = "indicator: {column: 指標}\nwide: {columns: '.*(年|/|-).*', into: period}\n"
DIMS = "dimensions: {prefecture: 都道府県}\n"


class Reused:
    """One loaded store per test run: hypothesis calls the test body many times."""

    store: Store | None = None


def _store(tmp: Path) -> Store:
    if Reused.store is None:
        Reused.store = open_store(f"sqlite:///{tmp / f'rt-{uuid.uuid4().hex[:6]}.db'}")
        core.load(make_workspace(tmp / "ws"), Reused.store)
    with Reused.store.engine.begin() as conn:
        conn.execute(text("DELETE FROM observation"))
    return Reused.store


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    obs=observations,
    f=forms,
    container=st.sampled_from(["utf-8-sig", "cp932", "xlsx"]),
    shape=st.sampled_from(["long", "wide"]),
)
def test_written_then_imported_comes_back_identical(
    tmp_path: Path, obs: dict[Key, float], f: dict[str, str], container: str, shape: str
) -> None:
    store = _store(tmp_path)
    rows = _long(obs, f) if shape == "long" else _wide(obs, f)
    if container == "xlsx":
        # Numbers go into the sheet as numbers, as Excel keeps them; the rest as text.
        typed = [[_sheet_cell(c) for c in r] for r in rows]
        path = write_xlsx(tmp_path / "t.xlsx", typed, title="マイナンバーカード交付状況（テスト）")
        header_row = "header_row: 3\n"
    else:
        path = write_csv(
            tmp_path / "t.csv", [",".join(_quote(c) for c in r) for r in rows], container
        )
        header_row = ""
    mapping = write_mapping(
        tmp_path / "m.yaml", header_row + (LONG if shape == "long" else WIDE) + DIMS
    )
    r = core.import_file(store, path, mapping)
    expected = {(ind, p.key, f"prefecture={code}"): v for (ind, p, code), v in obs.items()}
    assert stored(store) == expected
    assert r.counts.observations == len(obs)


def _quote(cell: str) -> str:
    return f'"{cell}"' if "," in cell else cell


def _sheet_cell(cell: str) -> object:
    try:
        return (
            int(cell) if cell.lstrip("-").isascii() and cell.lstrip("-").isdigit() else float(cell)
        )
    except ValueError:
        return cell
