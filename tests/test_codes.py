"""Prefecture and municipality codes in every form a table writes them: each read to itself,
never to another place; a column that does not say which form it is in is an error.

The check digit and the collisions are computed here from the reference CSV files with a
second implementation, not with nenpo's.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nenpo.ingest.cells import CellError
from nenpo.ingest.codes import Lookup
from nenpo.japan import codes
from nenpo.model.builtin import builtin_dimensions
from tests.municipal import CODE_FORMS, reference

PREF, MUNI = builtin_dimensions()
ALL = reference("all")  # 1,741 municipalities and 171 wards
WARD_NAMES = [name for _, _, name in reference("wards")]  # 中央区: a ward's own name
PREFS = [(p.code, p.name, p.short, p.en) for p in codes.PREFECTURES]


def cd(code5: str) -> str:
    """JIS X 0402's check digit, written again: 11 - (Σ digit × 6,5,4,3,2 mod 11), mod 10."""
    s = sum(int(code5[i]) * (6 - i) for i in range(5))
    return str((11 - s % 11) % 10)


def read_column(lookup: Lookup, cells: Iterable[Hashable]) -> tuple[str | None, dict[Any, Any]]:
    """Read a column as an import does: its first rows read ahead, every cell, then the column
    judged whole. Returns (the problem with the whole column, cell → code or its error)."""
    cells = list(cells)
    lookup.observe(cells[:2000])
    got: dict[Any, Any] = {}
    for c in cells:
        try:
            got[c] = lookup.resolve(c)
        except CellError as exc:
            got[c] = exc
    whole, late = lookup.finish(got)
    for c, why in late.items():
        got[c] = CellError(why)
    return whole, got


def test_the_reference_lists() -> None:
    assert len(codes.municipalities()) == 1741 and len(codes.wards()) == 171
    assert len(codes.PREFECTURES) == 47
    for code, _, _ in ALL:
        assert cd(code[:5]) == code[5] == codes.check_digit(code[:5]), code
    assert codes.with_check_digit("13101") == "131016" and codes.check_digit_ok("011002")
    assert not codes.check_digit_ok("011003")
    assert {p.code[:2] for p in codes.wards()} == {
        "01", "04", "11", "12", "14", "15", "22", "23", "26", "27", "28", "33", "34", "40", "43"
    }  # fmt: skip


@pytest.mark.parametrize("form", list(CODE_FORMS))
@pytest.mark.parametrize("cell", ["csv", "sheet"])
def test_every_municipality_in_every_form_reads_to_itself(form: str, cell: str) -> None:
    write = CODE_FORMS[form][0 if cell == "csv" else 1]
    column = [(write(code), code) for code, _, _ in ALL]
    random.Random(form).shuffle(column)
    whole, got = read_column(Lookup(MUNI, column="団体コード"), [c for c, _ in column])
    assert whole is None
    wrong = [(c, code, got[c]) for c, code in column if got[c] != code]
    assert not wrong, wrong[:5]


def test_every_municipality_by_name() -> None:
    """Full names always; bare names with their prefecture column; a bare name alone only
    when one place has it (府中市 is an error, never Tokyo's or Hiroshima's)."""
    whole, got = read_column(Lookup(MUNI), [pref + name for _, pref, name in ALL])
    assert whole is None and [got[p + n] for _, p, n in ALL] == [c for c, _, _ in ALL]
    whole, got = read_column(Lookup(MUNI), [(pref, name) for _, pref, name in ALL])
    assert whole is None and [got[(p, n)] for _, p, n in ALL] == [c for c, _, _ in ALL]
    whole, got = read_column(Lookup(MUNI), [name for _, _, name in ALL])
    counts: dict[str, int] = {}
    for _, _, name in ALL:
        counts[name] = counts.get(name, 0) + 1
    for w in WARD_NAMES:  # a ward is also found by its own name: 中央区
        counts[w] = counts.get(w, 0) + 1
    for code, _, name in ALL:
        if counts[name] == 1:
            assert got[name] == code, name
        else:
            assert isinstance(got[name], CellError) and "ambiguous" in str(got[name]), name
    assert counts["府中市"] == 2 and counts["伊達市"] == 2 and counts["北区"] > 2


VARIANTS = {"梼": "檮", "ケ": "ヶ", "竜": "龍", "崎": "﨑", "高": "髙", "沢": "澤", "島": "嶋"}


def test_names_in_old_and_variant_characters() -> None:
    """檮原町 is 梼原町; 竜ヶ崎市 is 龍ケ崎市. A variant that is another place's exact name stays
    that place: 鹿島市 is 佐賀県鹿島市, not 茨城県鹿嶋市."""
    lk = Lookup(MUNI)
    assert lk.resolve("檮原町") == lk.resolve("梼原町") == "394050"
    assert lk.resolve("竜ヶ崎市") == lk.resolve("龍ケ崎市") == "082082"
    assert lk.resolve("鹿島市") == "412074" and lk.resolve("鹿嶋市") == "082228"
    assert lk.resolve(("茨城県", "鹿島市")) == "082228"  # within Ibaraki, only 鹿嶋市 fits
    seen = 0
    for code, pref, name in ALL:
        variant = name.translate(str.maketrans(VARIANTS))
        if variant == name:
            continue
        seen += 1
        try:
            assert lk.resolve((pref, variant)) == code, (pref, variant)
        except CellError as exc:
            pytest.fail(f"{pref}{variant}: {exc}")
    assert seen > 100


def test_wards_of_designated_cities() -> None:
    lk = Lookup(MUNI)
    assert lk.resolve("札幌市中央区") == lk.resolve("北海道札幌市中央区") == "011011"
    assert lk.resolve(("北海道", "中央区")) == "011011"
    assert lk.resolve(("東京都", "中央区")) == "131024"
    assert lk.resolve("浜松市天竜区") == "221406"  # the wards of 2024
    with pytest.raises(CellError, match=r"ambiguous.*131024 \(東京都中央区\)"):
        lk.resolve("中央区")
    assert lk.resolve(11011) == "011011"  # 札幌市中央区, leading zero dropped


def test_a_prefecture_column_checks_the_names_and_codes() -> None:
    lk = Lookup(MUNI)
    assert lk.resolve(("東京都", "府中市")) == "132063"
    assert lk.resolve(("広島県", "府中市")) == "342084"
    assert lk.resolve(("13", "府中市")) == "132063"
    with pytest.raises(CellError, match="not in 青森県: it reads as 011002"):
        lk.resolve(("青森県", "札幌市"))
    with pytest.raises(CellError, match="not a prefecture"):
        lk.resolve(("東京府", "府中市"))
    # A code is read within its prefecture too: there, 12203 can only be 市川市.
    assert lk.resolve(("千葉県", "12203")) == "122033"


def test_every_prefecture_in_every_form() -> None:
    forms = {
        "jis2 text": lambda c: c,
        "jis2 dropped": lambda c: str(int(c)),
        "jis2 number": lambda c: int(c),
        "jis2 n.0": lambda c: f"{int(c)}.0",
        "jis6 text": lambda c: codes.with_check_digit(c + "000"),
        "jis6 number": lambda c: int(codes.with_check_digit(c + "000")),
        "jis5 text": lambda c: c + "000",
        "jis5 number": lambda c: int(c + "000"),
        "name": lambda c: next(n for k, n, _, _ in PREFS if k == c),
        "short": lambda c: next(s for k, _, s, _ in PREFS if k == c),
        "english": lambda c: next(e for k, _, _, e in PREFS if k == c),
        "full width": lambda c: c.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    }
    for form, write in forms.items():
        column = [(write(c), c) for c, _, _, _ in PREFS]
        whole, got = read_column(Lookup(PREF), [w for w, _ in column])
        assert whole is None, form
        assert all(got[w] == c for w, c in column), form
    whole, got = read_column(Lookup(PREF), ["13", "東京都", "01", "北海道", "大阪府"])
    assert whole is None and isinstance(got["13"], CellError)  # names and codes mixed


def collisions(places: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """(written, as jis6 without its leading zero, as a 5-digit code): the numbers that are
    two places."""
    known = {c for c, _, _ in places}
    out = []
    for code, _, _ in places:
        if code[0] == "0":
            written = code[1:]
            other = written + cd(written)
            if other in known:
                out.append((written, code, other))
    return out


def test_the_colliding_codes() -> None:
    """12 municipalities (15 with the wards) are a 5-digit code with their zero dropped."""
    munis = collisions(reference())
    assert len(munis) == 12 and ("12203", "012203", "122033") in munis
    assert len(collisions(ALL)) == 15


@pytest.mark.parametrize(("written", "as6", "as5"), collisions(ALL))
def test_each_colliding_code_is_read_by_its_column(written: str, as6: str, as5: str) -> None:
    name6, name5 = codes.describe("municipality", as6), codes.describe("municipality", as5)
    # alone, as text or as a sheet's number: an error naming both places and `code_form`
    for cell in (written, int(written), float(written), f"{written}.0"):
        whole, _ = read_column(Lookup(MUNI, column="団体コード"), [cell])
        assert whole is not None and name6 in whole and name5 in whole
        assert "code_form: jis6" in whole
    # beside codes that only 6 digits with a dropped zero explain (札幌市 11002): jis6
    whole, got = read_column(Lookup(MUNI), [written, "11002", "131016"])
    assert whole is None and got[written] == as6
    # beside 5-digit codes without check digit (13101 千代田区): jis5
    whole, got = read_column(Lookup(MUNI), [written, "13101", "1100"])
    assert whole is None and got[written] == as5
    # among 6-digit codes only, nothing says how a 5-digit one is written: an error
    whole, got = read_column(Lookup(MUNI, column="団体コード"), [written, "131016", "271004"])
    assert whole is None and isinstance(got[written], CellError)
    assert name6 in str(got[written]) and name5 in str(got[written])
    # the mapping settles it
    assert read_column(Lookup(MUNI, code_form="jis6"), [written])[1][written] == as6
    assert read_column(Lookup(MUNI, code_form="jis5"), [written])[1][written] == as5


def test_a_mixed_column_is_an_error() -> None:
    whole, got = read_column(Lookup(MUNI, column="団体コード"), ["131016", "13101", "271004"])
    assert whole is None and isinstance(got["13101"], CellError)
    assert "not jis6" in str(got["13101"]) and "東京都千代田区" in str(got["13101"])
    whole, _ = read_column(Lookup(MUNI, column="団体コード"), ["131016", "13101"])
    assert whole is not None and "mixes two forms" in whole
    whole, got = read_column(Lookup(MUNI, code_form="jis5"), ["131016", "13101"])
    assert isinstance(got["131016"], CellError) and got["13101"] == "131016"


FORM_NAMES = sorted(CODE_FORMS)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(ALL), min_size=1, max_size=40, unique=True),
    st.sampled_from(FORM_NAMES),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_a_column_never_reads_a_code_as_another_place(
    places: list[tuple[str, str, str]], form: str, sheet: bool, rnd: random.Random
) -> None:
    """Any set of places in any order, written in one form: each cell is read as its own place
    or is an error (with the whole column, or by itself), never as another place; and only a
    value that reads as two places is ever an error."""
    column = [(CODE_FORMS[form][1 if sheet else 0](code), code) for code, _, _ in places]
    rnd.shuffle(column)
    whole, got = read_column(Lookup(MUNI, column="団体コード"), [c for c, _ in column])
    for cell, code in column:
        ways = len(codes.readings("municipality", cell))
        if whole is None and not isinstance(got[cell], CellError):
            assert got[cell] == code, (cell, code, got[cell])
        else:
            assert ways == 2 or whole is not None, (cell, code, got[cell])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(ALL), min_size=2, max_size=40, unique=True),
    st.lists(st.sampled_from(FORM_NAMES), min_size=2, max_size=2, unique=True),
    st.randoms(use_true_random=False),
)
def test_a_column_of_two_forms(
    places: list[tuple[str, str, str]], forms: list[str], rnd: random.Random
) -> None:
    """A column mixing two forms is an error whenever one of its values shows it (it reads in
    one of the forms only). Only a mix that is also a column of one form (every value reads
    in it: 10201 前橋市 beside 12106, which is 岩見沢市 and 千葉市美浜区) can be read in that
    form, and then only its values that read two ways can be another place than meant."""
    column = [(CODE_FORMS[rnd.choice(forms)][0](code), code) for code, _, _ in places]
    whole, got = read_column(Lookup(MUNI, column="団体コード"), [c for c, _ in column])
    errors = whole is not None or any(isinstance(v, CellError) for v in got.values())
    wrong = [(c, code) for c, code in column if not errors and got[c] != code]
    for cell, _ in wrong:
        assert len(codes.readings("municipality", cell)) == 2, cell
    if not errors:
        form = {f for c, _ in column for f in codes.readings("municipality", c)}
        assert any(all(f in codes.readings("municipality", c) for c, _ in column) for f in form)


def test_a_value_read_before_its_column_showed_its_form() -> None:
    """Past the rows read ahead, a number that is two places is read in the first form that
    fits; when the rest of the column says the other form, it is an error, not a mistake."""
    lk = Lookup(MUNI, column="団体コード")
    first = lk.resolve("12203")  # nothing read ahead: the column's form is not known yet
    rest = {c: lk.resolve(c) for c in ("13101", "1100")}  # 5 digits without check digit
    whole, late = lk.finish({"12203": first, **rest})
    assert whole is None and "came before any value" in late["12203"]
    assert "122033 (千葉県市川市) as jis5" in late["12203"]


def test_the_japan_layer_imports_no_other_part_of_nenpo() -> None:
    """nenpo.japan is the bottom layer: besides the standard library, nenpo.errors at most."""
    import ast
    from pathlib import Path

    for path in Path(codes.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level != 1:  # 1: within japan/
                name = "." * (node.level or 0) + (node.module or "")
                inside = name.startswith((".", "nenpo"))
                assert not inside or name in ("..errors", "nenpo.errors"), (path.name, name)
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("nenpo") for a in node.names), path.name
