"""Antivirus scan of uploads (academy.core.antivirus): the dummy refuses the EICAR test file only;
the clamd backend speaks INSTREAM to a fake clamd started here (TCP loopback and unix socket);
a clamd that does not answer refuses the upload; the system check warns about it."""

from __future__ import annotations

import io
import socket
import struct
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from academy.core.antivirus import (
    CHUNK_SIZE,
    CLAMD_BACKEND,
    DUMMY_BACKEND,
    EICAR,
    AntivirusUnavailable,
    ClamdBackend,
    DummyBackend,
    UploadRefused,
    scan,
    upload_check,
    upload_validate,
)
from academy.settings.env import Env

INFECTED = b"some text before\n" + EICAR + b"\nand after"


# --- dummy backend --------------------------------------------------------------------------


def test_dummy_is_the_default_in_tests_and_in_the_embedded_profile(settings):
    assert settings.ANTIVIRUS_BACKEND == DUMMY_BACKEND
    assert Env.from_environ({}).antivirus_backend == DUMMY_BACKEND


def test_clamd_is_chosen_when_configured_and_the_setting_overrides():
    assert (
        Env.from_environ({"ANTIVIRUS_CLAMD_SOCKET": "/run/clamd.sock"}).antivirus_backend
        == CLAMD_BACKEND
    )
    env = Env.from_environ({"ANTIVIRUS_CLAMD_HOST": "av.local", "ANTIVIRUS_CLAMD_PORT": "3311"})
    assert (env.antivirus_backend, env.antivirus_clamd_host, env.antivirus_clamd_port) == (
        CLAMD_BACKEND,
        "av.local",
        3311,
    )
    env = Env.from_environ({"ANTIVIRUS_CLAMD_HOST": "av.local", "ANTIVIRUS_BACKEND": DUMMY_BACKEND})
    assert env.antivirus_backend == DUMMY_BACKEND


def test_dummy_passes_a_clean_file_and_refuses_eicar():
    assert scan(data=b"matricule;nom\n123;Alami\n", name="staff.csv").clean
    result = scan(data=INFECTED, name="eicar.txt")
    assert not result.clean and result.threat and result.backend == "dummy"


def test_dummy_finds_eicar_across_chunk_boundaries_in_a_file_and_restores_its_position():
    data = b"x" * (CHUNK_SIZE - 10) + EICAR + b"y" * 100
    fh = io.BytesIO(data)
    fh.seek(5)
    assert not scan(data=fh, name="big.bin").clean
    assert fh.tell() == 5
    assert scan(data=io.BytesIO(b"x" * (3 * CHUNK_SIZE)), name="clean.bin").clean


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Ce fichier a été refusé\u00a0: l'antivirus"), ("ar", "رُفض هذا الملف")],
)
def test_refusal_message_is_in_the_users_language(language, expected):
    with pytest.raises(UploadRefused) as caught:
        upload_check(data=INFECTED, name="eicar.txt")
    with translation.override(language):
        assert expected in caught.value.message
        assert "Eicar" in caught.value.message
    assert caught.value.code == "infected"


def test_form_helper_refuses_with_a_validation_error_and_keeps_clean_uploads_readable():
    from django import forms

    with pytest.raises(forms.ValidationError) as caught:
        upload_validate(SimpleUploadedFile("eicar.pdf", INFECTED))
    assert caught.value.code == "infected"
    clean = SimpleUploadedFile("ok.pdf", b"%PDF-1.4 clean")
    assert upload_validate(clean) is clean
    assert clean.read() == b"%PDF-1.4 clean"


# --- a fake clamd ---------------------------------------------------------------------------


def _recv_exact(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        part = conn.recv(size - len(data))
        if not part:
            raise ConnectionError("client closed")
        data += part
    return data


class FakeClamd:
    """Answers PING and INSTREAM like clamd (FOUND when the stream holds EICAR); ``silent``
    accepts and never answers (a hung clamd). Serves until closed; every wait is bounded."""

    def __init__(self, listener: socket.socket, *, silent: bool = False):
        self.listener = listener
        self.silent = silent
        self.received: list[tuple[bytes, bytes]] = []
        self.stop = threading.Event()
        self.listener.settimeout(0.2)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    self._handle(conn)
                except (OSError, ConnectionError):
                    pass

    def _handle(self, conn):
        command = b""
        while not command.endswith(b"\0"):
            command += _recv_exact(conn, 1)
        data = b""
        if command == b"zINSTREAM\0":
            while True:
                (length,) = struct.unpack(">I", _recv_exact(conn, 4))
                if length == 0:
                    break
                data += _recv_exact(conn, length)
        self.received.append((command, data))
        if self.silent:
            self.stop.wait(5)
            return
        if command == b"zPING\0":
            conn.sendall(b"PONG\0")
        elif EICAR in data:
            conn.sendall(b"stream: Win.Test.EICAR_HDB-1 FOUND\0")
        else:
            conn.sendall(b"stream: OK\0")

    def close(self):
        self.stop.set()
        self.listener.close()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()


@contextmanager
def fake_clamd_tcp(**kw):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    server = FakeClamd(listener, **kw)
    try:
        yield server, listener.getsockname()[1]
    finally:
        server.close()


@contextmanager
def fake_clamd_unix(**kw):
    with tempfile.TemporaryDirectory(prefix="clamd-") as folder:  # short: unix paths ≤ 107 bytes
        path = str(Path(folder) / "clamd.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(4)
        server = FakeClamd(listener, **kw)
        try:
            yield server, path
        finally:
            server.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- clamd backend --------------------------------------------------------------------------


def test_clamd_tcp_ok_and_found():
    with fake_clamd_tcp() as (server, port):
        backend = ClamdBackend(host="127.0.0.1", port=port, timeout=5)
        data = b"a" * (CHUNK_SIZE * 2 + 17)  # several INSTREAM chunks
        assert backend.scan([data[:CHUNK_SIZE], data[CHUNK_SIZE:]], name="ok.bin").clean
        assert server.received[-1] == (b"zINSTREAM\0", data)
        result = backend.scan([INFECTED], name="eicar.txt")
        assert (result.clean, result.threat, result.backend) == (
            False,
            "Win.Test.EICAR_HDB-1",
            "clamd",
        )
        backend.ping()


def test_clamd_unix_socket_ok_and_found_through_the_settings(settings):
    with fake_clamd_unix() as (server, path):
        settings.ANTIVIRUS_BACKEND = CLAMD_BACKEND
        settings.ANTIVIRUS_CLAMD_SOCKET = path
        settings.ANTIVIRUS_TIMEOUT = 5
        assert scan(data=io.BytesIO(b"clean content"), name="ok.txt").clean
        with pytest.raises(UploadRefused) as caught:
            upload_check(data=INFECTED, name="eicar.txt")
        assert caught.value.threat == "Win.Test.EICAR_HDB-1"
        assert [command for command, _ in server.received] == [b"zINSTREAM\0", b"zINSTREAM\0"]


def test_clamd_unreachable_refuses_the_upload(settings):
    settings.ANTIVIRUS_BACKEND = CLAMD_BACKEND
    settings.ANTIVIRUS_CLAMD_SOCKET = None
    settings.ANTIVIRUS_CLAMD_HOST = "127.0.0.1"
    settings.ANTIVIRUS_CLAMD_PORT = _free_port()  # nobody listens there
    settings.ANTIVIRUS_TIMEOUT = 2
    with pytest.raises(AntivirusUnavailable):
        scan(data=b"clean", name="ok.txt")
    with pytest.raises(UploadRefused) as caught:
        upload_check(data=b"clean", name="ok.txt")  # never a silent pass
    assert caught.value.unavailable and caught.value.code == "antivirus_unavailable"
    with translation.override("fr"):
        assert (
            "antivirus" in caught.value.message
            and "Rien n'a été enregistré" in caught.value.message
        )
    with translation.override("ar"):
        assert "مضاد الفيروسات" in caught.value.message


def test_clamd_missing_unix_socket_is_unreachable():
    with tempfile.TemporaryDirectory(prefix="clamd-") as folder:
        with pytest.raises(AntivirusUnavailable):
            ClamdBackend(socket_path=str(Path(folder) / "absent.sock"), timeout=1).scan(
                [b"x"], name="x"
            )


def test_clamd_that_does_not_answer_times_out():
    with fake_clamd_tcp(silent=True) as (_server, port):
        with pytest.raises(AntivirusUnavailable):
            ClamdBackend(host="127.0.0.1", port=port, timeout=0.5).scan([b"x"], name="x")


# --- system check ---------------------------------------------------------------------------


def _antivirus_messages():
    return [m for m in run_checks() if m.id.startswith("academy.") and m.id.endswith("101")]


def test_check_is_silent_with_the_dummy_and_with_a_clamd_that_answers(settings):
    assert _antivirus_messages() == []
    with fake_clamd_tcp() as (_server, port):
        settings.ANTIVIRUS_BACKEND = CLAMD_BACKEND
        settings.ANTIVIRUS_CLAMD_HOST = "127.0.0.1"
        settings.ANTIVIRUS_CLAMD_PORT = port
        assert _antivirus_messages() == []


def test_check_warns_when_clamd_is_configured_but_unreachable(settings):
    settings.ANTIVIRUS_BACKEND = CLAMD_BACKEND
    settings.ANTIVIRUS_CLAMD_SOCKET = None
    settings.ANTIVIRUS_CLAMD_HOST = "127.0.0.1"
    settings.ANTIVIRUS_CLAMD_PORT = _free_port()
    messages = _antivirus_messages()
    assert [m.id for m in messages] == ["academy.W101"]
    assert "unreachable" in messages[0].msg


def test_dummy_backend_class_is_usable_directly():
    assert DummyBackend().scan(iter([EICAR[:20], EICAR[20:]]), name="split").clean is False
