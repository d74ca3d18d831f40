"""A program's record as CSV files in one zip: pure, no database, no Slack.

Every cell is neutralised against CSV (formula) injection: a spreadsheet runs a cell that
starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or carriage return) as a formula,
so such a cell gets a leading apostrophe (OWASP's advice) — except a plain number such as
``-12.5``, which a spreadsheet reads as the number it is.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER: Final = re.compile(r"-?\d+(\.\d+)?")
_SLUG: Final = re.compile(r"[^a-z0-9]+")


def neutralise(value: object) -> str:
    """The cell as text a spreadsheet shows and never runs."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


@dataclass(frozen=True, slots=True)
class Table:
    """One CSV file: its name in the zip, its header and its rows."""

    filename: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.header):
                raise ValueError(f"{self.filename}: a row of {len(row)} cells, not {self.header}")

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([neutralise(cell) for cell in self.header])
        writer.writerows([neutralise(cell) for cell in row] for row in self.rows)
        return out.getvalue()


def zip_bytes(
    tables: Sequence[Table], *, texts: Sequence[tuple[str, str]] = (), at: datetime
) -> bytes:
    """The tables as UTF-8 CSV (with a byte-order mark, so spreadsheets read the accents and
    the minus signs) plus plain text files, dated ``at``."""
    stamp = (at.year, at.month, at.day, at.hour, at.minute, at.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in [*((t.filename, t.csv_text()) for t in tables), *texts]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            prefix = "\ufeff" if name.endswith(".csv") else ""
            archive.writestr(info, (prefix + text).encode("utf-8"))
    return buffer.getvalue()


def export_filename(program_name: str, *, on: datetime) -> str:
    slug = _SLUG.sub("-", program_name.lower()).strip("-") or "program"
    return f"emcoach-{slug[:40]}-{on:%Y-%m-%d}.zip"
