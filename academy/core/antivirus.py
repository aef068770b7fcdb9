"""Optional antivirus scan of uploaded files, behind a backend chosen by ``ANTIVIRUS_BACKEND``.

``scan(*, data, name) -> ScanResult`` streams bytes or a file object to the backend (the file's
position is restored). ``upload_check(*, data, name)`` is what upload paths call before storing
anything: it raises ``UploadRefused`` for an infected file and also when the antivirus cannot be
reached (never a silent pass); ``upload_validate(upload)`` is the same for a form's
``clean_<field>``.

Backends:
- ``DummyBackend`` (embedded profile and tests): clean, except for content holding the standard
  EICAR test string, so the refusal path can be exercised honestly;
- ``ClamdBackend`` (default when ``ANTIVIRUS_CLAMD_SOCKET`` or ``ANTIVIRUS_CLAMD_HOST`` is set):
  clamd's ``INSTREAM`` command over a unix or TCP socket, with a timeout.
"""

from __future__ import annotations

import logging
import socket
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
# The standard antivirus test file (eicar.org), split so this source file is not itself flagged.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
DUMMY_BACKEND = "academy.core.antivirus.DummyBackend"
CLAMD_BACKEND = "academy.core.antivirus.ClamdBackend"


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    threat: str = ""  # the signature found, when not clean
    backend: str = ""


class AntivirusUnavailable(Exception):
    """The antivirus could not scan the file (unreachable, timeout, error reply)."""


class UploadRefused(Exception):
    """An upload that must not be stored: infected, or the antivirus could not scan it."""

    def __init__(self, *, name: str, threat: str = "", unavailable: bool = False):
        self.name = name
        self.threat = threat
        self.unavailable = unavailable
        super().__init__(f"{name}: {'antivirus unavailable' if unavailable else threat}")

    @property
    def code(self) -> str:
        return "antivirus_unavailable" if self.unavailable else "infected"

    @property
    def message(self) -> str:
        """In the active language (computed when read)."""
        if self.unavailable:
            return _(
                "This file could not be checked for viruses (the antivirus does not answer), so it "
                "was refused. Nothing was saved: try again later or tell an administrator."
            )
        return _(
            "This file was refused: the antivirus found a threat in it (%(threat)s). Nothing was saved."
        ) % {"threat": self.threat}


# --- backends -------------------------------------------------------------------------------


class DummyBackend:
    """No real scanner: reports clean, except for content holding the EICAR test string."""

    name = "dummy"

    def scan(self, chunks: Iterable[bytes], *, name: str) -> ScanResult:
        tail = b""
        for chunk in chunks:
            window = tail + chunk
            if EICAR in window:
                return ScanResult(clean=False, threat="Eicar-Test-Signature", backend=self.name)
            tail = window[-(len(EICAR) - 1) :]
        return ScanResult(clean=True, backend=self.name)

    def ping(self) -> None:
        return None


class ClamdBackend:
    """clamd over a unix socket (``socket_path``) or TCP (``host``/``port``): ``zINSTREAM``."""

    name = "clamd"

    def __init__(self, *, socket_path=None, host=None, port=None, timeout=None):
        self.socket_path = (
            socket_path if socket_path is not None else settings.ANTIVIRUS_CLAMD_SOCKET
        )
        self.host = host if host is not None else settings.ANTIVIRUS_CLAMD_HOST
        self.port = int(port if port is not None else settings.ANTIVIRUS_CLAMD_PORT)
        self.timeout = float(timeout if timeout is not None else settings.ANTIVIRUS_TIMEOUT)

    @property
    def address(self) -> str:
        return f"unix:{self.socket_path}" if self.socket_path else f"{self.host}:{self.port}"

    def _connect(self) -> socket.socket:
        try:
            if self.socket_path:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout)
                try:
                    sock.connect(self.socket_path)
                except BaseException:
                    sock.close()
                    raise
                return sock
            if not self.host:
                raise AntivirusUnavailable(
                    "clamd: neither ANTIVIRUS_CLAMD_SOCKET nor ANTIVIRUS_CLAMD_HOST is set"
                )
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise AntivirusUnavailable(f"clamd at {self.address} cannot be reached: {exc}") from exc

    @staticmethod
    def _reply(sock: socket.socket) -> str:
        data = b""
        while not data.endswith(b"\0"):
            part = sock.recv(4096)
            if not part:
                break
            data += part
        return data.rstrip(b"\0").decode("utf-8", "replace").strip()

    def _command(self, command: bytes, chunks: Iterable[bytes] = ()) -> str:
        with self._connect() as sock:
            try:
                sock.sendall(b"z" + command + b"\0")
                for chunk in chunks:
                    if chunk:
                        sock.sendall(struct.pack(">I", len(chunk)) + chunk)
                if command == b"INSTREAM":
                    sock.sendall(struct.pack(">I", 0))
                reply = self._reply(sock)
            except OSError as exc:  # timeout, reset (clamd closes on "size limit exceeded")
                raise AntivirusUnavailable(f"clamd at {self.address} failed: {exc}") from exc
        if not reply:
            raise AntivirusUnavailable(
                f"clamd at {self.address} closed the connection without a reply"
            )
        return reply

    def scan(self, chunks: Iterable[bytes], *, name: str) -> ScanResult:
        reply = self._command(b"INSTREAM", chunks)
        if reply.endswith(" FOUND"):
            threat = reply.removeprefix("stream:").removesuffix(" FOUND").strip()
            return ScanResult(clean=False, threat=threat or "unknown", backend=self.name)
        if reply.endswith(": OK"):
            return ScanResult(clean=True, backend=self.name)
        raise AntivirusUnavailable(f"clamd at {self.address} answered {reply!r}")

    def ping(self) -> None:
        reply = self._command(b"PING")
        if reply != "PONG":
            raise AntivirusUnavailable(f"clamd at {self.address} answered {reply!r} to PING")


def get_backend():
    return import_string(settings.ANTIVIRUS_BACKEND)()


# --- scanning -------------------------------------------------------------------------------


def _chunks(data) -> Iterator[bytes]:
    """Chunks of bytes or of a file object (read from its start; its position is restored)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        view = memoryview(data)
        for start in range(0, len(view), CHUNK_SIZE):
            yield bytes(view[start : start + CHUNK_SIZE])
        return
    position = data.tell() if hasattr(data, "tell") else None
    if hasattr(data, "seek"):
        data.seek(0)
    try:
        while True:
            chunk = data.read(CHUNK_SIZE)
            if not chunk:
                break
            yield chunk
    finally:
        if position is not None:
            data.seek(position)


def scan(*, data, name: str) -> ScanResult:
    """Scans bytes or a file object; raises ``AntivirusUnavailable`` when the backend cannot."""
    chunks = _chunks(data)
    try:
        return get_backend().scan(chunks, name=name)
    finally:
        chunks.close()  # restores the file's position even when the backend stopped early


def upload_check(*, data, name: str) -> ScanResult:
    """Scan before storing an upload; raises ``UploadRefused`` when infected or not scannable."""
    try:
        result = scan(data=data, name=name)
    except AntivirusUnavailable as exc:
        logger.error("Upload %r refused: the antivirus is unavailable (%s)", name, exc)
        raise UploadRefused(name=name, unavailable=True) from exc
    if not result.clean:
        logger.warning("Upload %r refused: %s found by %s", name, result.threat, result.backend)
        raise UploadRefused(name=name, threat=result.threat)
    return result


def upload_validate(upload):
    """For a form's ``clean_<field>``: the upload, or ``ValidationError`` with the message."""
    from django import forms

    try:
        upload_check(data=upload, name=getattr(upload, "name", "") or "upload")
    except UploadRefused as exc:
        raise forms.ValidationError(exc.message, code=exc.code) from exc
    return upload


# --- system check ---------------------------------------------------------------------------


def check_antivirus(app_configs=None, **kwargs):
    """Warns when clamd is configured but does not answer (uploads would all be refused)."""
    try:
        backend_class = import_string(settings.ANTIVIRUS_BACKEND)
    except ImportError as exc:
        return [checks.Error(f"ANTIVIRUS_BACKEND cannot be imported: {exc}", id="academy.E101")]
    if not issubclass(backend_class, ClamdBackend):
        return []
    try:
        backend_class(timeout=min(float(settings.ANTIVIRUS_TIMEOUT), 3.0)).ping()
    except AntivirusUnavailable as exc:
        return [
            checks.Warning(
                f"The clamd antivirus is configured but unreachable: {exc}",
                hint="Start clamd or fix ANTIVIRUS_CLAMD_SOCKET / ANTIVIRUS_CLAMD_HOST / "
                "ANTIVIRUS_CLAMD_PORT; until then every upload is refused.",
                id="academy.W101",
            )
        ]
    return []
