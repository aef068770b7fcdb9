"""Several web servers share their files through an S3-compatible bucket (issue 18).

A certificate issued, an H5P package imported and played, an HR export downloaded: each
file written to and read from the bucket, each still behind its access check. The bucket is
served by moto's S3-compatible server (a dev dependency), started by these tests on a free
loopback port and stopped after them; the storages are those the settings build from
``MEDIA_STORAGE_URL``. Skipped only where moto is not installed.
"""

import io
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.test import Client
from django.urls import reverse

from academy.settings.env import _s3_storage, s3_storages
from tests import factories as base

pytestmark = pytest.mark.django_db

S3_BACKEND = "storages.backends.s3.S3Storage"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """An S3-compatible server (moto) of this test session, on loopback: its URL."""
    pytest.importorskip("moto.server", reason="moto (a dev dependency) is not installed")
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"moto's server stopped at start-up: {log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"moto's server did not answer in 30 s: {log.read_text()[-2000:]}")
                time.sleep(0.2)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def bucket(settings, s3_endpoint, monkeypatch):
    """Media and private files in the bucket, configured as a deployment does it
    (``MEDIA_STORAGE_URL``): returns ``keys(prefix)``, the keys stored under a private path."""
    import boto3
    from django.core.files.storage import storages

    from certificates.models import Certificate

    url = (
        "s3://ci-access-key:ci-secret-key@academie-test/shared"
        f"?endpoint_url={s3_endpoint}&region=us-east-1"
    )
    settings.STORAGES = {
        **settings.STORAGES,
        **s3_storages(_s3_storage({"MEDIA_STORAGE_URL": url})),
    }
    private = settings.STORAGES["private"]
    assert private["BACKEND"] == S3_BACKEND
    # A FileField resolves its storage once, when its model is loaded (with the settings of
    # the test run); a deployment with MEDIA_STORAGE_URL set loads it with the bucket.
    monkeypatch.setattr(Certificate._meta.get_field("pdf"), "storage", storages["private"])

    options = private["OPTIONS"]
    s3 = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        region_name=options["region_name"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
    )
    name = options["bucket_name"]
    if name not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(Bucket=name)

    def keys(prefix: str) -> list[str]:
        found = s3.list_objects_v2(Bucket=name, Prefix=f"{options['location']}/{prefix}")
        return [item["Key"] for item in found.get("Contents", [])]

    return keys


def test_storage_url_and_aws_variables_name_the_same_bucket():
    from_url = _s3_storage(
        {
            "MEDIA_STORAGE_URL": "s3://KEY:S%2Fcret@academie/prod?endpoint_url=http://s3:9000&region=x"
        }
    )
    from_aws = _s3_storage(
        {
            "AWS_STORAGE_BUCKET_NAME": "academie",
            "AWS_ACCESS_KEY_ID": "KEY",
            "AWS_SECRET_ACCESS_KEY": "S/cret",
            "AWS_S3_ENDPOINT_URL": "http://s3:9000",
            "AWS_S3_REGION_NAME": "x",
            "AWS_LOCATION": "prod/",
        }
    )
    assert (
        from_url
        == from_aws
        == {
            "bucket_name": "academie",
            "access_key": "KEY",
            "secret_key": "S/cret",
            "endpoint_url": "http://s3:9000",
            "region_name": "x",
            "prefix": "prod",
        }
    )
    assert _s3_storage({}) is None  # local disk by default


def test_h5p_package_is_stored_in_the_bucket_and_played_by_token_with_its_headers(
    client, bucket, django_capture_on_commit_callbacks
):
    from courses.h5p.models import H5PPackage
    from courses.h5p.services import h5p_activity_create, h5p_package_import
    from tests.h5p.factories import lesson_with, valid_package

    with django_capture_on_commit_callbacks(execute=True):
        package = h5p_package_import(file=valid_package())
    package.refresh_from_db()
    assert package.status == H5PPackage.Status.READY, package.errors
    assert bucket(f"h5p/content/{package.uuid}/")  # extracted into the shared bucket
    activity = h5p_activity_create(key="s3-quiz", title="s3", package=package, language="fr")
    lesson = lesson_with(activity)
    client.force_login(base.UserFactory())
    player = client.get(reverse("h5p:player", kwargs={"lesson_id": lesson.pk, "key": "s3-quiz"}))
    assert player.status_code == 200
    assert player["Content-Security-Policy"].startswith("sandbox allow-scripts")
    html = player.content.decode()
    options = json.loads(html.split('id="h5p-options" type="application/json">')[1].split("<")[0])
    files = Client().get(f"{options['h5pJsonPath']}/content/content.json")  # no cookies
    assert files.status_code == 200
    assert files["Content-Security-Policy"].startswith("sandbox")
    assert files["X-Content-Type-Options"] == "nosniff"
    assert b"".join(files.streaming_content) == b'{"question": "Vrai ?"}'
    again = Client().get(
        f"{options['h5pJsonPath']}/content/content.json", HTTP_IF_NONE_MATCH=files["ETag"]
    )
    assert again.status_code == 304 and again["Content-Security-Policy"].startswith("sandbox")


def test_certificate_pdf_goes_to_the_bucket_and_only_its_owner_downloads_it(client, bucket):
    from certificates.fonts import fonts_build
    from certificates.services import certificate_issue
    from tests.certificates.factories import completed_enrollment

    fonts_build()
    enrollment = completed_enrollment()
    certificate = certificate_issue(enrollment=enrollment)
    key = f"{certificate.pdf.storage.location}/{certificate.pdf.name}"
    assert key in bucket(certificate.pdf.name.rsplit("/", 1)[0])
    url = reverse("certificates:download", args=[certificate.uuid])
    client.force_login(base.UserFactory())
    assert client.get(url, follow=True).status_code == 404
    client.force_login(enrollment.user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_export_goes_to_the_bucket_and_is_downloaded_after_the_scope_check(
    client, bucket, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    from hr.models import ExportJob
    from tests.hr import factories

    course = factories.course("Stockage partagé")
    factories.enrollment(user=base.UserFactory(), course=course, completed=True)
    officer = base.hr_officer(None, username="officer-s3")
    client.force_login(officer)
    url = reverse("hr:export_xlsx", kwargs={"code": "national", "exporter": "completions"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = ExportJob.objects.get()
    assert f"{_location()}/{job.file_path}" in bucket(job.file_path)
    page = client.get(response["Location"]).content.decode()
    link = page.split('href="/fr/hr/exports/download/')[1].split('"')[0]
    download = client.get(f"/fr/hr/exports/download/{link}")
    assert download.status_code == 200
    load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    client.force_login(base.hr_officer(None, username="officer-other"))
    assert client.get(f"/fr/hr/exports/download/{link}").status_code == 404


def _location() -> str:
    from django.conf import settings

    return settings.STORAGES["private"]["OPTIONS"]["location"]
