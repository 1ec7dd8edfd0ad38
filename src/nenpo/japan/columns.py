"""A column of prefecture or municipality codes (or names), read in the one form all its values
fit: the rule that keeps 12203 from being read as 千葉県市川市 in a table of Hokkaido towns.

A column is judged whole, never cell by cell (docs/imports.md): the form all its values fit; a
value that reads as two places only where another value of its length shows the form; a column
whose every value reads two ways, or that mixes forms, an error that names the places and the
mapping key that settles it (`code_form`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from .codes import (
    FORM_TEXT,
    FORMS,
    CodeError,
    Kind,
    describe,
    digits,
    prefecture_of,
    readings,
    shape,
)

Value = Hashable  # a cell, or (prefecture cell, cell) when a prefecture column narrows names


class CodeColumn:
    """One column of prefecture or municipality values, read in the one form all of them fit.

    `read` gives a value's code as the column is read so far: a value that fits one form only
    is read in it (and the first such value sets the column's form for the rest); one that fits
    several (12203) is read in the column's form. `finish`, given every distinct value and what
    `read` gave, decides the form from all of them and says which values were read wrongly or
    cannot be settled: the caller reports those and writes nothing. `form` (the mapping's
    `code_form`) fixes the form instead.
    """

    def __init__(self, kind: Kind, form: str | None = None, column: str = "", key: str = ""):
        if form is not None and form not in FORMS[kind]:
            raise ValueError(f"unknown code_form {form!r}; use one of {', '.join(FORMS[kind])}")
        self.kind, self.form, self.column = kind, form, column
        self.key = key or f"dimensions.{kind}"  # where the mapping settles the form
        self.provisional: str | None = form

    def readings(self, value: Value) -> dict[str, tuple[str, ...]]:
        """Every form `value` reads in (narrowed by its prefecture cell, when it has one)."""
        if isinstance(value, tuple):
            pref_cell, cell = value
            pref = prefecture_of(pref_cell)
            if pref is None:
                return {}
            found = readings(self.kind, cell, pref)
            narrowed = {f: tuple(c for c in codes if c[:2] == pref) for f, codes in found.items()}
            return {f: codes for f, codes in narrowed.items() if codes}
        return readings(self.kind, value)

    def observe(self, values: Iterable[Value]) -> None:
        """Let values read ahead set the column's form before any value is read."""
        for v in values:
            if self.provisional is not None:
                return
            r = self.readings(v)
            if len(r) == 1:
                self.provisional = next(iter(r))

    def read(self, value: Value) -> str:
        """The code of one value; CodeError when it reads as nothing or as several places."""
        r = self.readings(value)
        if not r:
            raise CodeError(self._nothing(value))
        if self.form is not None:
            if self.form not in r:
                raise CodeError(self._not_in_form(value, r, self.form))
            return self._one(value, r[self.form])
        if len(r) == 1:
            form, codes = next(iter(r.items()))
            if self.provisional is None:
                self.provisional = form
            return self._one(value, codes)
        form = self.provisional if self.provisional in r else next(iter(r))
        return self._one(value, r[form])  # finish() checks it against the whole column

    def finish(self, streamed: dict[Value, object]) -> tuple[str | None, dict[Value, str]]:
        """Decide the form from every value: (a problem with the whole column, or None; the
        values read wrongly or not settled → why). `streamed` maps each distinct value to what
        `read` gave (a code, or the error already reported for its rows)."""
        if self.form is not None:
            return None, {}
        good = {v: r for v in streamed if (r := self.readings(v))}
        if not good:
            return None, {}
        fit_all = [f for f in FORMS[self.kind] if all(f in r for r in good.values())]
        if len(fit_all) > 1:
            differ = [v for v, r in good.items() if len({r[f] for f in fit_all}) > 1]
            if differ:
                return self._ambiguous(fit_all, good, differ[0]), {}
        if fit_all:
            chosen = fit_all[0]
        else:
            counts: dict[str, int] = {}
            for r in good.values():
                for f in r:
                    counts[f] = counts.get(f, 0) + 1
            ranked = sorted(counts.items(), key=lambda kv: -kv[1])
            if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
                return self._mixed_even(good, ranked[0][0], ranked[1][0]), {}
            chosen = ranked[0][0]
        # A value that reads as two places is read in the chosen form only when another value
        # of its shape (5 digits) reads in that form alone: the column shows how it writes them.
        # (In a column of two forms, no value that reads two ways is settled.)
        settled = {shape(_cell(v)) for v, r in good.items() if chosen in r and len(r) == 1}
        if not fit_all:
            settled = set()
        example = next((v for v, r in good.items() if chosen in r and len(r) == 1), None)
        late: dict[Value, str] = {}
        for v, r in good.items():
            if isinstance(streamed[v], Exception):
                continue  # its rows were reported when it was read
            if chosen not in r:
                late[v] = self._not_in_form(v, r, chosen, example)
            elif len({r[f] for f in r}) > 1 and shape(_cell(v)) not in settled:
                late[v] = self._unsettled(v, r, chosen)
            elif len(r[chosen]) == 1 and streamed[v] != r[chosen][0]:
                late[v] = (
                    f"{_shown(v)} came before any value of column {self.column} that shows "
                    f"its form, and the column reads it as {self._as(v, chosen, r[chosen][0])}"
                    f"; {self._settle([chosen, *(f for f in r if f != chosen)])}"
                )
        return None, late

    # messages

    def _place(self, code: str) -> str:
        return f"{code} ({describe(self.kind, code)})"

    def _what(self) -> str:
        return "都道府県 (prefecture)" if self.kind == "prefecture" else "市区町村 (municipality)"

    def _settle(self, forms: list[str]) -> str:
        dim = self.key.rsplit(".", 1)[-1]
        column = f"column: {self.column}, " if self.column else ""
        others = f" (or {', '.join(forms[1:])})" if forms[1:] else ""
        return (
            f"say which in the mapping: `dimensions: {{{dim}: {{{column}code_form: {forms[0]}}}}}`"
            f"{others}"
        )

    def _as(self, value: Value, form: str, code: str) -> str:
        """北海道士別市 (012203) as jis6 (the 6-digit 団体コード …, its leading zero dropped)."""
        d = digits(_cell(value)) or ""
        dropped = (form in ("jis6", "jis5") and len(d) == (5 if form == "jis6" else 4)) or (
            form == "jis2" and len(d) == 1
        )
        how = FORM_TEXT[self.kind, form] + (", its leading zero dropped" if dropped else "")
        return f"{self._place(code)} as {form} ({how})"

    def _one(self, value: Value, codes: tuple[str, ...]) -> str:
        if len(codes) == 1:
            return codes[0]
        both = ", ".join(self._place(c) for c in codes)
        hint = (
            "use the code, the name with its prefecture (東京都府中市), or name the prefecture "
            f"column with `prefecture:` under {self.key}"
        )
        return _raise(f"{_shown(value)} is ambiguous in {self._what()}: it fits {both}; {hint}")

    def _nothing(self, value: Value) -> str:
        if isinstance(value, tuple):
            pref_cell, cell = value
            pref = prefecture_of(pref_cell)
            if pref is None:
                return f"{pref_cell!r} (the prefecture of {cell!r}) is not a prefecture"
            elsewhere = readings(self.kind, cell)
            if elsewhere:
                found = ", ".join(self._place(c) for codes in elsewhere.values() for c in codes)
                return f"{cell!r} is not in {describe('prefecture', pref)}: it reads as {found}"
            value = cell
        if self.kind == "prefecture":
            expected = "a JIS X 0401 code 01–47 or a name such as 東京都 or 東京"
        else:
            expected = "a 団体コード such as 131016 (or 13101) or a name such as 東京都千代田区"
        return f"{value!r} is not a value of {self._what()}; expected {expected}"

    def _not_in_form(
        self,
        value: Value,
        r: dict[str, tuple[str, ...]],
        form: str,
        example: Value | None = None,
    ) -> str:
        other = " or ".join(self._as(value, f, codes[0]) for f, codes in r.items())
        seen = f" (e.g. {_shown(example)})" if example is not None else ""
        return (
            f"{_shown(value)} is not {form} ({FORM_TEXT[self.kind, form]}) like the rest of "
            f"column {self.column}{seen}: it is {other}. Write the column in one form, or "
            f"{self._settle([form, *r])}"
        )

    def _unsettled(self, value: Value, r: dict[str, tuple[str, ...]], chosen: str) -> str:
        ways = " or ".join(self._as(value, f, codes[0]) for f, codes in r.items())
        forms = [chosen, *(f for f in r if f != chosen)]
        return (
            f"{_shown(value)} is {ways}, and no other value of {shape(_cell(value))} in column "
            f"{self.column} tells which; {self._settle(forms)}"
        )

    def _ambiguous(
        self, forms: list[str], good: dict[Value, dict[str, tuple[str, ...]]], example: Value
    ) -> str:
        ways = " and ".join(
            self._as(example, f, good[example][f][0]) for f in forms if f in good[example]
        )
        return (
            f"every value of column {self.column} reads {len(forms)} ways, and nothing in the "
            f"column tells which: {_shown(example)} is {ways}; {self._settle(forms)}"
        )

    def _mixed_even(
        self, good: dict[Value, dict[str, tuple[str, ...]]], first: str, second: str
    ) -> str:
        a = next(v for v, r in good.items() if first in r and second not in r)
        b = next(v for v, r in good.items() if second in r and first not in r)
        return (
            f"column {self.column} mixes two forms as often: {_shown(a)} is "
            f"{self._as(a, first, good[a][first][0])} and {_shown(b)} is "
            f"{self._as(b, second, good[b][second][0])}; write it in one form, or "
            f"{self._settle([first, second])}"
        )


def _cell(value: Value) -> object:
    return value[1] if isinstance(value, tuple) else value


def _shown(value: Value) -> str:
    if isinstance(value, tuple):
        return f"{value[1]!r} (with {value[0]!r})"
    return repr(value)


def _raise(message: str) -> str:
    raise CodeError(message)
