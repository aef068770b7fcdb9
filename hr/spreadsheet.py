"""Spreadsheet safety: no cell from our data is ever run by Excel or LibreOffice.

A cell a spreadsheet would run starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (and, for some, ``|`` or ``%``) — "CSV injection" (OWASP). The rules:

- **CSV** is written by ``defusedcsv`` (a maintained drop-in for ``csv``), which prefixes such
  cells with an apostrophe; we add the two starts it leaves alone (tab and carriage return).
- **XLSX** cells are typed: a string is always stored as a string (never a formula), and a
  string with a dangerous start also carries Excel's *quote prefix* style, the XLSX form of
  the apostrophe: Excel shows the text as is and keeps it text when the cell is edited.
- **Imports** read values, never formulas (see ``hr.services.staff_import``).

Pure numbers (``-12``, ``+3.5``) are not text that runs and are left as they are.
"""

from __future__ import annotations

import re

from defusedcsv import csv as defusedcsv

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "%")
_NUMBER = re.compile(r"^[-+]?[0-9][0-9,.]*$")


def cell_is_dangerous(value) -> bool:
    """Would a spreadsheet run this text (a formula, a command, a DDE call)?"""
    return isinstance(value, str) and value[:1] in DANGEROUS_STARTS and not _NUMBER.match(value)


def csv_cell(value):
    """Escape the starts defusedcsv leaves alone (tab, carriage return) the way it escapes
    the others: with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("\t", "\r"):
        return "'" + value
    return value


def csv_writer(buffer, **kwargs):
    """A ``csv.writer`` that escapes every dangerous cell."""
    inner = defusedcsv.writer(buffer, **kwargs)

    class _Writer:
        def writerow(self, row):
            return inner.writerow([csv_cell(v) for v in row])

        def writerows(self, rows):
            return inner.writerows([csv_cell(v) for v in row] for row in rows)

    return _Writer()


def xlsx_cell(sheet, value, *, number_format: str | None = None):
    """The value as a write-only cell: text never becomes a formula; dates keep a date format."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
        if cell_is_dangerous(value):
            cell.quotePrefix = True
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    return cell
