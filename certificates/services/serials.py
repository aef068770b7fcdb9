"""Serial numbers: AC-<year>-<number>, drawn inside the reserving transaction."""

from __future__ import annotations

from django.db import connection

from ..models import SerialCounter

SERIAL_PREFIX = "AC"


def serial_format(year: int, number: int) -> str:
    return f"{SERIAL_PREFIX}-{year}-{number:06d}"


def serial_next(*, year: int) -> str:
    """Draws the next serial of ``year`` (call inside a transaction).

    One ``UPDATE ... RETURNING`` statement: the row lock it takes serialises
    concurrent reservations until commit (a short transaction, never the signature),
    and a rolled-back reservation gives its number back.
    """
    table = connection.ops.quote_name(SerialCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE year = %s RETURNING last", [year])
        row = cursor.fetchone()
    if row is None:  # first certificate of the year
        SerialCounter.objects.get_or_create(year=year)
        return serial_next(year=year)
    return serial_format(year, row[0])
