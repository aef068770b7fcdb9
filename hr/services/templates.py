"""The staff import's template file, in the officer's language."""

from __future__ import annotations

import io

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from ..spreadsheet import csv_writer
from .staff_import import COLUMN_LABELS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS


def staff_import_template(*, file_format: str) -> tuple[bytes, str, str]:
    """(content, file name, content type) of an empty staff file: a first row with the column
    names in the active language (a title row, which the reader skips), then the header row
    with the technical names that the import reads."""
    columns = [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]
    labels = [str(COLUMN_LABELS[c]) for c in columns]
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv_writer(buffer)
        writer.writerow(labels)
        writer.writerow(columns)
        content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
        return content, "staff-template.csv", "text/csv; charset=utf-8"
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Staff")[:31]
    sheet.sheet_view.rightToLeft = get_language_bidi()
    sheet.append(labels)
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(italic=True)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for index, name in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(labels[index - 1]) + 2)
        # Text columns: a spreadsheet keeps leading zeros and never reads a formula there.
        if name != "unit_since":
            for row in range(3, 1003):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return (
        buffer.getvalue(),
        "staff-template.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
