"""Every number of one indicator is printed by one formatter per language (issue 16).

Read from what was built — every page of the site (text, alt text, labels; inline SVG too), and
report.pdf and deck.pdf as pdftotext gets them, in Japanese and English — every number that
stands for a value of an indicator (or a survey's share) must be the string its one format
(`japan.numbers.Display`, `Indicator.display`) prints for that value: 9,760万件, never
97,600,000件 beside it; and every change in percentage points reads +2.9ポイント / +2.9 pp,
never +6.80PT. A second way of printing a value anywhere (a renderer calling `number()` with the
indicator's decimals, a Vega format, a script's own formatter) fails here.

How a number is recognised as a value: it is read with its large unit (万, 億, million,
billion, M, B) and what follows it, and every value of any indicator that rounds to it at the
precision it was printed with is a candidate. It must be what the formatter prints for one of
its candidates when it is distinctive — in large units, of five digits or more, or followed by
the candidate's unit; smaller bare numbers (years, counts, axis ticks) cannot be told from
values and are left alone.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from nenpo import core
from nenpo.japan import numbers
from nenpo.lookups.data import Data
from nenpo.report.references import SHARE

from . import pdfread as pr

POINT_WORDS = ("ポイント", "PT", "pt", "percentage points", "points", "pp")
SCALES = {
    "万": 10**4,
    "億": 10**8,
    " million": 10**6,
    " billion": 10**9,
    "M": 10**6,
    "B": 10**9,
}
NUM = re.compile(
    r"(?<![\d.,A-Za-z_#/-])(?P<sign>[+\-−]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?P<scale>万|億| million| billion|M(?![A-Za-z])|B(?![A-Za-z]))?"
    r"(?P<rest> [A-Za-z/]{1,20}(?: [a-z]{1,12})?|[^\s\d<]{0,16})?"
)


@dataclass(frozen=True)
class Owner:
    """A value of an indicator (or a survey's share) and the format it prints with."""

    name: str
    value: float
    display: numbers.Display


class Values:
    """Every value of the workspace, sorted, for the lookup of a printed number's candidates."""

    def __init__(self, data: Data):
        owners: list[Owner] = []
        for ind in data.ws.indicators:
            seen: set[float] = set()
            for (ident, _dims), pts in data._series.items():
                if ident == ind.id:
                    seen.update(p.value for p in pts)
            seen.update(t.value for t in ind.targets)
            owners += [Owner(ind.id, v, ind.display) for v in seen]
        for sv in data.ws.surveys:
            for q in sv.questions:
                for _w, shares in data.shares(sv.id, q.id):
                    owners += [Owner(f"{sv.id}.{q.id}", v, SHARE) for v in shares.values()]
        self.owners = sorted(owners, key=lambda o: o.value)
        self.keys = [o.value for o in self.owners]
        self.units = {
            u for o in owners for u in (o.display.unit_in("ja"), o.display.unit_in("en")) if u
        }
        self.point_decimals = {o.display.decimals for o in owners if o.display.percent}

    def near(self, value: float, half: float) -> list[Owner]:
        lo = bisect.bisect_left(self.keys, value - half - 1e-9)
        hi = bisect.bisect_right(self.keys, value + half + 1e-9)
        return self.owners[lo:hi]


def _unit_after(rest: str, units: set[str]) -> str:
    """The unit a number is printed with, if what follows it starts with one."""
    rest = rest.strip()
    return max((u for u in units if rest.startswith(u)), key=len, default="")


def violations(text: str, values: Values, lang: str) -> list[str]:
    """The numbers in `text` printed otherwise than by their indicator's one format."""
    found: list[str] = []
    for m in NUM.finditer(text):
        sign, whole, frac = m["sign"], m["int"], m["frac"] or ""
        scale, rest = m["scale"] or "", m["rest"] or ""
        shown = m.group(0)
        # A change in percentage points: one notation per language, the decimals of a % format.
        word = next((w for w in POINT_WORDS if rest.strip().startswith(w)), None)
        if sign and word and not scale:
            diff = float((sign.replace("−", "-") + whole + frac).replace(",", ""))
            decimals = len(frac) - 1 if frac else 0
            own = numbers.points(diff, decimals, lang)
            is_unit = any(  # "+8 points" of an indicator counted in points is a change, not pp
                o.display.change(diff, lang) == (sign + whole + frac + rest).strip()
                for o in values.owners
                if not o.display.percent and o.display.unit_in(lang) == word
            )
            if not is_unit and (
                not (sign + whole + frac + rest).startswith(own)
                or decimals not in values.point_decimals
            ):
                found.append(
                    f"{shown.strip()!r}: a change in points prints as {own!r}, with the "
                    f"decimals of a % format ({sorted(values.point_decimals)})"
                )
            continue
        if sign:  # other signed numbers are changes: relative (+3.2%) or counted, not values
            continue
        number = Decimal(whole.replace(",", "") + frac)
        size = SCALES.get(scale, 1)
        value = float(number * size)
        half = float(Decimal(1).scaleb(-(len(frac) - 1 if frac else 0)) * size) / 2
        unit = _unit_after(rest, values.units)
        distinctive = bool(scale) or len(whole.replace(",", "")) >= 5
        # A number of one or two significant digits (1億, 3万, 5%) is a round figure — an axis
        # tick, a part of a whole, an author's 1万人以上 — that cannot be told from a value.
        if len((whole.replace(",", "") + frac.lstrip(".")).strip("0")) < 3:
            continue
        candidates = values.near(value, half)
        if unit:  # a unit says which values it can be
            candidates = [o for o in candidates if o.display.unit_in(lang) == unit]
        if not candidates or not (distinctive or unit):
            continue
        printed = whole + frac + scale
        ok = any(printed == o.display.number(o.value, lang) for o in candidates)
        if not ok:
            meant = sorted({o.display.value(o.value, lang) for o in candidates})
            found.append(f"{(printed + rest)[:40]!r} stands for {meant[:3]}")
    return found


def _html_text(path: Path) -> str:
    """What a page shows or says: its text, alt texts and labels (not its scripts or data)."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S | re.I)
    # An SVG hidden from assistive technology (the chart's figure says it in its alt text)
    # is read for its drawn text only, not for the labels Vega gives its marks.
    raw = re.sub(
        r"<svg\b[^>]*aria-hidden=\"true\".*?</svg>",
        lambda m: re.sub(r'\saria-label="[^"]*"', "", m.group(0)),
        raw,
        flags=re.S,
    )
    said = re.findall(r'\s(?:alt|aria-label|title)="([^"]*)"', raw)
    body = re.sub(r"<[^>]+>", " ", raw)
    return html.unescape(body + "\n" + "\n".join(said))


def _pdf_text(path: Path, lang: str) -> str:
    """pdftotext's text with lines joined: a Japanese line breaks anywhere (9,760万 / 件)."""
    text = pr.text(path, layout=False)
    if lang == "ja":
        return re.sub(r"\s*\n\s*(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s*\n\s*", "", text)
    return re.sub(r"\s+", " ", text)


def _built(request: pytest.FixtureRequest, lang: str) -> core.BuildResult:
    result: core.BuildResult = request.getfixturevalue(
        "built_example" if lang == "ja" else "built_en"
    )
    return result


def test_the_checker_finds_a_second_format() -> None:
    """The scan itself: the defects of issue 16, printed a second way, are found; the one
    format's strings are not."""
    from nenpo.model.workspace import Indicator

    ind = Indicator(
        id="apps",
        name={"ja": "申請件数"},
        unit="件",
        unit_en="applications",
        source="s",
        provenance="real",
    )
    rate = Indicator(
        id="rate", name={"ja": "利用率"}, unit="%", decimals=2, source="s", provenance="real"
    )

    class Fake(Values):
        def __init__(self) -> None:
            self.owners = [
                Owner("rate", 11.13, rate.display),
                Owner("apps", 97_600_000, ind.display),
            ]
            self.keys = [o.value for o in self.owners]
            self.units = {"件", "applications", "%"}
            self.point_decimals = {2}

    v = Fake()
    assert violations("申請件数は9,760万件（2023年7月）、利用率は11.13%。", v, "ja") == []
    assert violations("97.6 million applications, +6.80 pp", v, "en") == []
    assert violations("+6.80ポイント", v, "ja") == []
    assert violations("最新値：97,600,000件（2023年7月）", v, "ja")
    assert violations("9760万件", v, "ja")
    assert violations("97.60 million applications", v, "en")
    assert violations("97,600,000", v, "en")
    assert violations("+6.80PT", v, "ja")
    assert violations("+6.8ポイント", v, "ja")  # the decimals of a % format (11.13%): 2
    assert violations("+6.80 points", v, "en")
    assert violations("11.1%", v, "ja")


@pytest.mark.skipif(not pr.POPPLER, reason=pr.NO_POPPLER)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_value_is_printed_by_its_one_format(
    request: pytest.FixtureRequest, lang: str
) -> None:
    built = _built(request, lang)
    values = Values(Data(built.site.ws))
    found: dict[str, list[str]] = {}
    pages = sorted(built.out.rglob("*.html"))
    assert len(pages) > 40, pages  # the site, its dashboard and embeds were all read
    for page in pages:
        if bad := violations(_html_text(page), values, lang):
            found[str(page.relative_to(built.out))] = bad
    for name in ("report.pdf", "deck.pdf"):
        if bad := violations(_pdf_text(built.out / name, lang), values, lang):
            found[name] = bad
    assert not found, "\n".join(f"{k}: {sorted(set(v))[:8]}" for k, v in sorted(found.items()))


@pytest.mark.skipif(not pr.POPPLER, reason=pr.NO_POPPLER)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_known_figures_read_one_way(request: pytest.FixtureRequest, lang: str) -> None:
    """The two defects the issue names, read where they were: 申請件数 on its project page and
    in the report, the change of マイナ保険証 use in points."""
    built = _built(request, lang)
    page = _html_text(built.out / "projects" / "mynumber-card.html")
    report = _pdf_text(built.out / "report.pdf", lang)
    latest = "9,760万件" if lang == "ja" else "97.6 million applications"
    assert latest in page
    assert "97,600,000" not in page + report
    points = "+6.80ポイント" if lang == "ja" else "+6.80 pp"
    assert points in report, points
    assert "PT" not in re.findall(r"\d(PT|pt)\b", report)


def test_a_reference_cannot_ask_for_a_second_format() -> None:
    """`format=` and `decimals=` may restate the indicator's format, never change it: prose
    cannot print 97,600,000件 where the project page prints 9,760万件."""
    from nenpo.model.workspace import Workspace
    from nenpo.report import references

    ws = Workspace.model_validate(
        {
            "organisation": {"name": "x"},
            "report": {"title": "x", "period_start": "2023-09-01", "period_end": "2024-08-31"},
            "sources": [{"id": "s", "title": "s"}],
            "indicators": [
                {"id": "apps", "name": "a", "unit": "件", "source": "s", "provenance": "real"},
                {
                    "id": "rate",
                    "name": "r",
                    "unit": "%",
                    "decimals": 2,
                    "source": "s",
                    "provenance": "real",
                },
            ],
            "observations": [
                {"indicator": "apps", "period": "2023-07", "value": 97_600_000},
                {"indicator": "rate", "period": "2023-11", "value": 4.33},
                {"indicator": "rate", "period": "2024-07", "value": 11.13},
            ],
        }
    )
    data = Data(ws)

    def text(ref: str) -> str:
        return references.resolve(references.parse(ref), data, "ja").text

    assert text("value apps") == text("value apps format=man") == "9,760万件"
    assert text("change rate from=2023-11 to=2024-07") == "+6.80ポイント"
    assert text("change rate from=2023-11 to=2024-07 format=pt") == "+6.80ポイント"
    for ref in ("value apps format=number", "value apps format=oku", "value rate decimals=1"):
        with pytest.raises(references.ReferenceError_, match=r"9,760万件|2 decimal"):
            text(ref)
