"""The export's CSV cells can never run as a formula; the zip holds the tables as UTF-8."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.export import Table, export_filename, neutralise, zip_bytes

_RUNS = ("=", "+", "-", "@", "\t", "\r")


@given(st.text(max_size=40))
def test_no_cell_starts_as_a_formula_unless_it_is_a_plain_number(text: str) -> None:
    cell = neutralise(text)
    if cell.startswith(_RUNS):
        float(cell)  # a plain number such as -12.5: read as the number it is
    assert cell in (text, "'" + text)


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-12.5", "-12.5"),
        ("−25%", "−25%"),  # the minus sign the posts use is not a formula
        ("plain", "plain"),
        (None, ""),
    ],
)
def test_examples(raw: object, cell: str) -> None:
    assert neutralise(raw) == cell


def test_the_zip_holds_each_table_as_csv_and_the_texts_as_given() -> None:
    table = Table("t.csv", ("a", "b"), (("=1", 2), ("x,y", "é")))
    content = zip_bytes(
        [table], texts=[("README.txt", "hello")], at=datetime(2027, 8, 2, tzinfo=UTC)
    )
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.namelist() == ["t.csv", "README.txt"]
    rows = list(csv.reader(io.StringIO(archive.read("t.csv").decode("utf-8-sig"))))
    assert rows == [["a", "b"], ["'=1", "2"], ["x,y", "é"]]
    assert archive.read("README.txt") == b"hello"


def test_a_row_of_the_wrong_width_is_a_bug() -> None:
    with pytest.raises(ValueError, match=r"t\.csv"):
        Table("t.csv", ("a", "b"), (("only one",),))


def test_the_filename_is_safe_whatever_the_program_is_called() -> None:
    on = datetime(2027, 8, 2, tzinfo=UTC)
    named = export_filename("Pilot 2027 / <team>", on=on)
    assert named == "emcoach-pilot-2027-team-2027-08-02.zip"
    assert export_filename("!!!", on=on) == "emcoach-program-2027-08-02.zip"
