"""HR exports and the reporting API show each certificate's frozen expiry date and its
state today (issue 16)."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from academy.accounts.selectors import Visibility
from certificates.models import Certificate
from hr.exporters import export_rows, exporter_get
from hr.selectors import StatsFilters, scope_for
from hr.services import csv_stream, export_xlsx_write
from tests.hr.test_api import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated(world):
    """c1 expired yesterday, c2 valid for a year, c3 revoked, c4 without expiry."""
    today = timezone.localdate()
    people = world["people"]

    def certificate(key):
        return Certificate.objects.get(enrollment__user=people[key])

    Certificate.objects.filter(pk=certificate("c1").pk).update(
        valid_until=today - dt.timedelta(days=1)
    )
    Certificate.objects.filter(pk=certificate("c2").pk).update(
        valid_until=today + dt.timedelta(days=365)
    )
    Certificate.objects.filter(pk=certificate("c3").pk).update(
        status="revoked", revoked_at=timezone.now(), valid_until=today + dt.timedelta(days=30)
    )
    return {key: certificate(key) for key in ("c1", "c2", "c3", "c4")}


def rows_by_matricule(language: str) -> dict:
    scope = scope_for(visibility=Visibility(everything=True))
    with translation.override(language):
        text = "".join(
            csv_stream(
                export_rows(
                    exporter=exporter_get("certificates"), scope=scope, filters=StatsFilters()
                )
            )
        )
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = rows[0]
    matricule = next(i for i, value in enumerate(rows[1]) if value.startswith("MAT-"))
    return {row[matricule]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def test_certificates_export_shows_the_expiry_date_and_the_state_today(dated):
    rows = rows_by_matricule("fr")
    c1, c2, c3, c4 = (rows[f"MAT-{key}"] for key in ("c1", "c2", "c3", "c4"))
    assert c1["Valable jusqu'au"] == dated["c1"].valid_until.isoformat()
    assert c1["Validité à ce jour"] == "Expiré"
    assert c1["Statut"] == "Valide"  # stored status untouched: expiry is read by date
    assert (c2["Validité à ce jour"], c2["Valable jusqu'au"]) == (
        "Valide",
        dated["c2"].valid_until.isoformat(),
    )
    assert c3["Validité à ce jour"] == "Révoqué"
    assert (c4["Validité à ce jour"], c4["Valable jusqu'au"]) == ("Valide", "")


def test_certificates_export_in_arabic(dated):
    rows = rows_by_matricule("ar")
    assert rows["MAT-c1"]["الصلاحية اليوم"] == "منتهية الصلاحية"


def test_certificates_xlsx_keeps_the_expiry_as_a_date(dated, tmp_path):
    scope = scope_for(visibility=Visibility(everything=True))
    path = tmp_path / "c.xlsx"
    with translation.override("en"), open(path, "wb") as fh:
        export_xlsx_write(
            exporter=exporter_get("certificates"), scope=scope, filters=StatsFilters(), target=fh
        )
    sheet = load_workbook(path).active
    values = list(sheet.values)
    column = values[0].index("Valid until")
    dates = {row[column] for row in values[1:]}
    assert dt.datetime.combine(dated["c2"].valid_until, dt.time()) in dates


def test_api_completions_show_the_certificate_expiry_and_state(world, dated):
    client = token_client(world["officers"]["province"])
    rows = {r["matricule"]: r for r in client.get("/api/hr/completions/").json()["results"]}
    assert rows["MAT-c1"]["certificate_serial"] == dated["c1"].serial
    assert rows["MAT-c1"]["certificate_valid_until"] == dated["c1"].valid_until.isoformat()
    assert rows["MAT-c1"]["certificate_state"] == "expired"
    assert rows["MAT-c2"]["certificate_state"] == "valid"
    assert set(rows) == {"MAT-c1", "MAT-c2", "MAT-p1"}  # scope unchanged


def test_api_completions_read_the_certificates_without_a_query_per_row(world, dated):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = token_client(world["officers"]["national"])
    client.get("/api/hr/completions/", {"page_size": 1})  # warm caches
    with CaptureQueriesContext(connection) as one:
        client.get("/api/hr/completions/", {"page_size": 1})
    with CaptureQueriesContext(connection) as five:
        data = client.get("/api/hr/completions/").json()
    assert data["count"] == 5 and len(data["results"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)
