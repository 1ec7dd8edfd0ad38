"""The API's parameters: their documentation, and the checks every request goes through.

Every parameter is checked before any query runs: a bad one is a 400 with problem details
naming it, an unknown one too (a misspelt filter must not silently return everything).
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from typing import Any

from starlette.requests import Request

from ..japan import numbers
from ..japan.periods import Period
from ..store import queries as q
from . import schemas as s
from .http import bad_parameter
from .public import Public

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
MAX_VALUE = 200  # characters in one parameter value

# Documented once, used by every view that has them (and by docs/api.md's test).
P_INDICATOR = "The indicator's id (see /api/v1/indicators)."
P_FROM = (
    "Only periods that start on or after this period's first day: YYYY-MM-DD, YYYY-MM, YYYY "
    "or FY2023 (年度, April–March)."
)
P_TO = "Only periods that start on or before this period's last day (same forms as `from`)."
P_FORMAT = "json (default) or csv; `Accept: text/csv` asks for CSV too."
P_LIMIT = f"Rows per page, 1–{numbers.number(MAX_LIMIT)} (default {numbers.number(DEFAULT_LIMIT)})."
P_CURSOR = "Where the page starts: copy it from the previous page's `links.next`."
P_BY = "Group by `period` (default) or by one of the indicator's dimensions (e.g. prefecture)."
P_DIMS = (
    "Any of the indicator's dimensions as a parameter, e.g. `prefecture=13`: only rows with that "
    "code (or label: 東京都). Repeat it for any of several codes; an empty value selects the rows "
    "without that dimension (the total over it)."
)

PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "A bad parameter", "model": s.Problem},
    404: {"description": "No such thing", "model": s.Problem},
    503: {"description": "The store took too long or cannot be read", "model": s.Problem},
}
CSV_RESPONSE: dict[str, Any] = {
    "text/csv": {"schema": {"type": "string"}},
}
DIMS_PARAMETER = {
    "name": "dimensions",
    "in": "query",
    "required": False,
    "style": "form",
    "explode": True,
    "description": P_DIMS,
    "schema": {"type": "object", "additionalProperties": {"type": "string"}},
}


def check_values(request: Request) -> None:
    """Refuse what no parameter can hold: control characters, very long values, repeats."""
    seen: set[str] = set()
    for key, value in request.query_params.multi_items():
        for text, what in ((key, "name"), (value, "value")):
            if len(text) > MAX_VALUE:
                raise bad_parameter(key[:40], f"the {what} is longer than {MAX_VALUE} characters")
            if any(ord(c) < 32 or ord(c) == 127 for c in text):
                raise bad_parameter(key[:40], f"the {what} holds a control character")
        if key in seen and key in SINGLE:
            raise bad_parameter(key, "given more than once")
        seen.add(key)


SINGLE = {"indicator", "from", "to", "format", "limit", "cursor", "by"}


def period(name: str, text: str | None) -> Period | None:
    """The period a parameter names (None when absent); a 400 when it names none."""
    if text is None:
        return None
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise bad_parameter(name, str(exc)) from None


def selection(pub: Public, request: Request, known: set[str]) -> q.Selection:
    """The indicator, span and dimension filters of a request, every one checked."""
    params = request.query_params
    ident = params.get("indicator")
    if ident is None:
        raise bad_parameter("indicator", "required: the id of an indicator")
    ind = pub.indicator_data.get(ident)
    if ind is None:
        raise bad_parameter(
            "indicator", f"no indicator {ident!r}; /api/v1/indicators lists them all"
        )
    start, end = period("from", params.get("from")), period("to", params.get("to"))
    if start and end and start.start > end.end:
        raise bad_parameter("to", f"{end.key} ends before `from` ({start.key}) begins")
    own = tuple(ind.get("dimensions", []))
    dims: dict[str, tuple[str, ...]] = {}
    for key in params:
        if key in known:
            continue
        if key not in own:
            if pub.dimension(key) is not None:
                has = ", ".join(own) or "none"
                msg = f"indicator {ident} has no dimension {key} (its dimensions: {has})"
            else:
                msg = f"unknown parameter; expected {', '.join(sorted(known))} or a dimension"
                if own:
                    msg += f" of {ident} ({', '.join(own)})"
            raise bad_parameter(key, msg)
        dim = pub.dimension(key)
        codes: list[str] = []
        for text in params.getlist(key):
            if text == "":
                continue
            code = dim.code(text) if dim is not None else text
            if code is None:
                assert dim is not None
                sample = ", ".join(v.code for v in dim.out.values[:8])
                raise bad_parameter(
                    key,
                    f"{text!r} is not a code of {key} (codes: {sample}…; /api/v1/dimensions/{key})",
                )
            codes.append(code)
        if codes and "" in params.getlist(key):
            raise bad_parameter(
                key, "an empty value (no such dimension) cannot be mixed with codes"
            )
        dims[key] = tuple(dict.fromkeys(codes))
    return q.Selection(
        indicator=ident,
        provenance=ind["provenance"],
        source=ind["source"],
        dimensions=own,
        start_from=start.start if start else None,
        start_to=end.end if end else None,
        dims=dims,
    )


def cursor_key(token: str | None) -> tuple[str, str] | None:
    """The key a cursor stands for (None: the first page); a 400 for anything else."""
    if token is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        key = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if not (isinstance(key, list) and len(key) == 2 and all(isinstance(k, str) for k in key)):
        raise bad_parameter("cursor", "not a cursor of this API; copy links.next as it is")
    return key[0], key[1]


def cursor_token(key: tuple[str, str]) -> str:
    """The cursor of a key: opaque to clients, URL-safe."""
    raw = json.dumps(list(key), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def number(v: float) -> float | int:
    """A value as sent: 571, not 571.0, when it is whole."""
    return int(v) if v.is_integer() and abs(v) < 2**53 else v


def cell(v: object) -> object:
    """A CSV cell no spreadsheet reads as a formula (text only: numbers stay numbers)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def csv_body(header: list[str], rows: list[list[object]]) -> bytes:
    """A CSV file in UTF-8 with a BOM, formula-proof."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows([[cell(c) for c in r] for r in rows])
    # A BOM, as every CSV nenpo publishes: Excel then reads the Japanese as UTF-8.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# -- the application -------------------------------------------------------------------------


OBS_PARAMS = {"indicator", "from", "to", "format", "limit", "cursor"}
AGG_PARAMS = {"indicator", "from", "to", "format", "by"}


def no_params(request: Request, allowed: set[str]) -> None:
    """A 400 for any parameter but the allowed ones."""
    for key in request.query_params:
        if key not in allowed:
            raise bad_parameter(key, "unknown parameter: this resource takes none")
