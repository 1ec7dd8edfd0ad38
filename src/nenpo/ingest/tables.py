"""Tables in: CSV in the encodings Japanese offices use (detected), and Excel .xlsx sheets.

Both are read as a stream of (row number, cells) so that a file of any size is read in constant
memory. Row numbers are what a person sees in Excel: the record of a CSV file (its line, unless
a quoted cell holds a line break), the row of a sheet.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import NenpoError

Cell = Any  # str from CSV; str, int, float, datetime, bool or None from a sheet
Format = Literal["csv", "xlsx"]

SAMPLE = 1 << 16  # bytes read to detect the encoding
CANDIDATES = ["utf_8", "cp932", "euc_jp"]
# What people call the encodings, mapped to the codec that reads what their tools write:
# "Shift_JIS" files from Windows (Excel) contain CP932's extra characters (①, ㈱, 髙).
ALIASES = {
    "auto": "auto",
    "utf-8": "utf-8-sig",
    "utf8": "utf-8-sig",
    "utf-8-sig": "utf-8-sig",
    "utf_8": "utf-8-sig",
    "utf_8_sig": "utf-8-sig",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "cp932": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    "euc-jp": "euc_jp",
    "euc_jp": "euc_jp",
    "eucjp": "euc_jp",
}
LABELS = {"utf-8-sig": "UTF-8", "cp932": "CP932 (Shift_JIS)", "euc_jp": "EUC-JP"}
EXCEL_ERRORS = {"#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"}


class TableError(NenpoError):
    """A file that cannot be read as a table at all (not a row-level problem)."""

    exit_code = 3

    def __init__(self, file: str, line: int | None, message: str):
        self.file, self.line, self.message = file, line, message
        where = file if line is None else f"{file}:{line}"
        super().__init__(f"{where}: {message}")


def file_format(path: Path, declared: str = "auto") -> Format:
    """csv or xlsx, from the mapping or else the file's extension."""
    if declared in ("csv", "xlsx"):
        return declared  # type: ignore[return-value]
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".xls":
        raise TableError(
            str(path), None, "old Excel .xls files are not read; save the sheet as .xlsx"
        )
    return "csv"


def codec_for(name: str) -> str:
    """The codec nenpo reads a declared encoding with; unknown names are an error."""
    key = name.strip().lower()
    if key in ALIASES:
        return ALIASES[key]
    try:
        return codecs.lookup(key).name
    except LookupError:
        raise TableError(
            "mapping", None, f"unknown encoding {name!r}; use auto, utf-8, cp932 or euc-jp"
        ) from None


def detect_encoding(path: Path, shown: str) -> str:
    """UTF-8 (with or without a BOM), CP932/Shift_JIS or EUC-JP, told apart from the bytes."""
    with path.open("rb") as f:
        sample = f.read(SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise TableError(shown, 1, "UTF-16 text is not read; save the file as UTF-8 CSV")
    if len(sample) == SAMPLE and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # never judge a character cut in half
    if sample.isascii():
        return "utf-8-sig"
    # Bytes that only one candidate decodes settle it. charset_normalizer weighs how plausible
    # the text looks, and a CP932 table of few kanji and many 「－」 looked like nothing to it.
    decodes = [c for c in CANDIDATES if _decodes(sample, c)]
    if len(decodes) == 1:
        return codec_for(decodes[0])
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=decodes).best() if decodes else None
    if best is None:
        raise TableError(
            shown,
            None,
            "the encoding is none of UTF-8, CP932 (Shift_JIS) or EUC-JP; "
            "set `encoding:` in the mapping",
        )
    return codec_for(best.encoding)


@dataclass
class Table:
    """One sheet or CSV file, read row by row."""

    path: Path
    shown: str
    format: Format
    encoding: str | None = None  # csv: the codec used
    sheet: str | None = None  # xlsx: the sheet's name
    delimiter: str = ","

    def rows(self, book: Any = None) -> Iterator[tuple[int, Sequence[Cell]]]:
        """(row number, cells) for every row, blank ones included, from the first.

        `book`: the workbook already open (`open_books`), so that the sheets of one file are
        not each opened again: opening a read-only workbook reads every sheet's size, and a
        workbook of 46 sheets took 0.25 s a time.
        """
        if self.format == "csv":
            return self._csv_rows()
        if book is not None:
            return enumerate(book[self.sheet].iter_rows(values_only=True), start=1)
        return self._xlsx_rows()

    def _csv_rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        assert self.encoding is not None
        with self.path.open(encoding=self.encoding, errors="strict", newline="") as f:
            reader = csv.reader(f, delimiter=self.delimiter)
            try:
                # Rows are numbered as Excel numbers them: a record is a row, even when a
                # quoted cell holds a line break (then its row is not its line).
                yield from enumerate(reader, start=1)
            except UnicodeDecodeError:
                bad = _first_bad_line(self.path, self.encoding)
                raise TableError(self.shown, bad, self._decode_message(bad)) from None
            except csv.Error as exc:
                raise TableError(self.shown, reader.line_num, f"not valid CSV: {exc}") from None

    def _decode_message(self, line: int | None) -> str:
        label = LABELS.get(self.encoding or "", self.encoding)
        guess = ""
        if line is not None:
            raw = _line_bytes(self.path, line)
            for enc in ("cp932", "euc_jp", "utf-8"):
                if enc != self.encoding and _decodes(raw, enc):
                    guess = f"; it reads as {LABELS.get(enc, enc)}"
                    break
        return (
            f"the bytes of this line are not valid {label}{guess}. Save the file in one "
            "encoding (UTF-8 is best), or set `encoding:` in the mapping"
        )

    def _xlsx_rows(self) -> Iterator[tuple[int, Sequence[Cell]]]:
        import openpyxl

        try:
            wb = openpyxl.load_workbook(self.path, read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
            raise TableError(self.shown, None, f"not a readable .xlsx file ({exc})") from None
        try:
            ws = wb[self.sheet] if self.sheet else wb.worksheets[0]
            yield from enumerate(ws.iter_rows(values_only=True), start=1)
        finally:
            wb.close()


def open_table(
    path: Path,
    shown: str,
    declared_format: str = "auto",
    encoding: str = "auto",
    sheet: str | int | None = None,
    delimiter: str = ",",
) -> Table:
    """Open a CSV file or one sheet for reading, detecting what the mapping leaves to `auto`."""
    return open_tables(path, shown, declared_format, encoding, sheet, delimiter)[0]


def open_tables(
    path: Path,
    shown: str,
    declared_format: str = "auto",
    encoding: str = "auto",
    sheet: Any = None,
    delimiter: str = ",",
) -> list[Table]:
    """The tables a mapping reads from a file: the CSV file, or the sheets `sheet` selects
    (a name or number, a list of them, "*" for all, or an object with `match`: a regular
    expression over the names). With several sheets, each is shown as file[sheet]."""
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "file not found"
        raise TableError(shown, None, f"{what}; expected a CSV or .xlsx file")
    fmt = file_format(path, declared_format)
    if fmt == "xlsx":
        names = select_sheets(path, shown, sheet)
        many = len(names) > 1 or not isinstance(sheet, (str, int, type(None))) or sheet == "*"
        return [Table(path, f"{shown}[{n}]" if many else shown, "xlsx", sheet=n) for n in names]
    _not_binary(path, shown)
    codec = codec_for(encoding)
    if codec == "auto":
        codec = detect_encoding(path, shown)
    return [Table(path, shown, "csv", encoding=codec, delimiter=delimiter)]


# The first bytes of files that are often picked by mistake, and what they are.
SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (an .xlsx workbook? name it .xlsx)",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls workbook (save it as .xlsx)",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}


def _not_binary(path: Path, shown: str) -> None:
    """Refuse a file that is not text at all, saying what it looks like."""
    with path.open("rb") as f:
        head = f.read(SAMPLE)
    for magic, what in SIGNATURES.items():
        if head.startswith(magic):
            raise TableError(shown, None, f"not a CSV text file: it looks like {what}")
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        line = head.count(b"\n", 0, head.index(b"\x00")) + 1
        raise TableError(
            shown, line, "not a CSV text file: it holds NUL bytes (expected a CSV or .xlsx file)"
        )


@contextmanager
def open_books(tables: list[Table]) -> Iterator[dict[Path, Any]]:
    """Each workbook among `tables` opened once (read-only) for reading them all: path → book."""
    books: dict[Path, Any] = {}
    try:
        for t in tables:
            if t.format == "xlsx" and t.path not in books:
                import openpyxl  # only for workbooks: its import costs more than a CSV's read

                try:
                    books[t.path] = openpyxl.load_workbook(t.path, read_only=True, data_only=False)
                except Exception as exc:  # as in Table._xlsx_rows
                    raise TableError(t.shown, None, f"not a readable .xlsx file ({exc})") from None
        yield books
    finally:
        for b in books.values():
            b.close()


def sheet_names(path: Path, shown: str) -> list[str]:
    """The names of a workbook's sheets, in order."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:
        raise TableError(shown, None, f"not a readable .xlsx file ({exc})") from None
    names = list(wb.sheetnames)
    wb.close()
    return names


def select_sheets(path: Path, shown: str, sheet: Any) -> list[str]:
    """The sheets a mapping's `sheet:` names, in the workbook's order; none is an error."""
    names = sheet_names(path, shown)
    listed = ", ".join(names)
    if sheet is None:
        return names[:1]
    if sheet == "*":
        return names
    if isinstance(sheet, (str, int)):
        sheet = [sheet]
    if isinstance(sheet, list):
        out = []
        for s in sheet:
            if isinstance(s, int):
                if not 1 <= s <= len(names):
                    raise TableError(shown, None, f"no sheet number {s}; the file has {len(names)}")
                out.append(names[s - 1])
            elif s in names:
                out.append(s)
            else:
                raise TableError(shown, None, f"no sheet {s!r}; sheets are {listed}")
        return out
    pattern = getattr(sheet, "match", None)
    try:
        rx = re.compile(pattern or "")
    except re.error as exc:
        raise TableError(shown, None, f"sheet match {pattern!r}: {exc}") from None
    chosen = [n for n in names if rx.fullmatch(n)]
    if not chosen:
        raise TableError(shown, None, f"no sheet name matches {pattern!r}; sheets are {listed}")
    return chosen


def _first_bad_line(path: Path, encoding: str) -> int | None:
    """Line number of the first line that does not decode (the error path only)."""
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    with path.open("rb") as f:
        for n, raw in enumerate(f, start=1):
            if n == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
            if not _decodes(raw, codec):
                return n
    return None


def _line_bytes(path: Path, line: int) -> bytes:
    with path.open("rb") as f:
        for n, raw in enumerate(f, start=1):
            if n == line:
                return raw
    return b""


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True
