"""Numbers typed in prose: find them, read them, and decide which data values they could mean."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ..lookups.data import Data

# A number with a unit: 約75%, 1,105人, 9,308万枚, +2.9ポイント, 2.9PT. A number without a unit
# (a year, a count such as 3つ) is not a figure the data could hold, so it is not checked.
LITERAL = re.compile(
    r"(?P<approx>約|およそ|概ね|ほぼ|about |around )?"
    r"(?P<sign>[+\-−])?"
    r"(?P<num>\d[\d,]*(?:\.\d+)?)\s?"
    r"(?P<scale>万|億)?"
    r"(?P<unit>%|ポイント|PT|pt|pp|points?|人|件|枚|通|時間|位|点|円|回|団体)"
)
SCALE = {"万": 10_000, "億": 100_000_000, None: 1}
UNIT_KIND = {
    "%": "%",
    "ポイント": "pt",
    "PT": "pt",
    "pt": "pt",
    "pp": "pt",
    "point": "pt",
    "points": "pt",
}


def unit_kind(unit: str) -> str:
    """What a unit measures, for comparing a literal with an indicator: '%', 'pt', '人', …."""
    unit = unicodedata.normalize("NFKC", unit)
    return UNIT_KIND.get(unit, unit.split("/")[0])


@dataclass(frozen=True)
class Literal:
    """A number as typed, with how exact it claims to be."""

    text: str
    value: float
    kind: str
    half_width: float  # |data - value| <= half_width: the data rounds to what was typed
    start: int

    def matches(self, x: float) -> bool:
        """True when `x`, rounded as the literal is, gives the literal."""
        return abs(x - self.value) <= self.half_width * (1 + 1e-9) + 1e-9


def find_literals(text: str) -> list[Literal]:
    """Every number-with-unit in `text` (full-width digits and signs allowed)."""
    norm = unicodedata.normalize("NFKC", text)
    out = []
    for m in LITERAL.finditer(norm):
        num = m["num"].replace(",", "")
        value = float(num) * SCALE[m["scale"]]
        if m["sign"] in ("-", "−"):
            value = -value
        decimals = len(num.split(".")[1]) if "." in num else 0
        if decimals:
            half = 0.5 * 10**-decimals
        elif m["approx"]:
            # 約730人 claims the tens, 約75% the units; 約1,000人 the thousands, but no "about"
            # stretches further than 5%: 約70% is not a fair way to write 75%.
            zeros = len(num) - len(num.rstrip("0")) if num.strip("0") else 0
            half = min(0.5 * 10**zeros, max(0.05 * abs(float(num)), 0.5))
        else:
            half = 0.5
        out.append(
            Literal(m.group(0), value, unit_kind(m["unit"]), half * SCALE[m["scale"]], m.start())
        )
    return out


@dataclass(frozen=True)
class Known:
    """A value the data holds, and whether it is illustrative."""

    value: float
    illustrative: bool


class Values:
    """Every value in the data that a typed number could mean, by unit kind and by source."""

    def __init__(self, data: Data):
        self.by_kind: dict[str, list[Known]] = defaultdict(list)
        self.by_target: dict[tuple[str, str], list[Known]] = defaultdict(list)
        for ind in data.ws.indicators:
            kind = unit_kind(ind.unit)
            for points in data.all_series(ind.id):
                for p in points:
                    self._add(kind, ind.id, Known(p.value, p.illustrative))
                if kind == "%" and len(points) <= 100:
                    for a, b in combinations(points, 2):
                        diff = Known(b.value - a.value, a.illustrative or b.illustrative)
                        self._add("pt", ind.id, diff)
            for tg in ind.targets:
                self._add(kind, ind.id, Known(tg.value, tg.provenance == "illustrative"))
        for sv in data.ws.surveys:
            ill = sv.provenance == "illustrative"
            for q in sv.questions:
                waves = data.shares(sv.id, q.id)
                question = f"{sv.id}.{q.id}"
                for o in q.options:
                    shares = [s[o.id] for _w, s in waves]
                    # Registered per question: a paragraph citing one option's share may
                    # type another option's share of the same question.
                    for v in shares:
                        self._add("%", question, Known(v, ill))
                    for x, y in combinations(shares, 2):
                        self._add("pt", question, Known(y - x, ill))

    def _add(self, kind: str, target: str, known: Known) -> None:
        self.by_kind[kind].append(known)
        self.by_target[(kind, target)].append(known)

    def of(self, kind: str, target: str) -> list[Known]:
        """Values of one indicator (or survey question, for SURVEY.QUESTION[.OPTION])."""
        if target.count(".") == 2:
            target = target.rsplit(".", 1)[0]
        return self.by_target.get((kind, target), [])

    def anywhere(self, lit: Literal) -> list[Known]:
        """Every value in the data the literal could mean."""
        return [k for k in self.by_kind.get(lit.kind, []) if lit.matches(k.value)]
