"""The PDF of a snapshot: rendered (one renderer per process) and signed."""

from __future__ import annotations

import io
import threading

from ..models import CertificateTemplate
from ..rendering import CertificateContent, CertificateRenderer
from ..signing import signing_backend
from .snapshot import certificate_verify_url

_renderer = None
_renderer_lock = threading.Lock()


def certificate_renderer() -> CertificateRenderer:
    """One renderer per process (fonts registered once)."""
    global _renderer
    if _renderer is None:
        with _renderer_lock:
            if _renderer is None:
                _renderer = CertificateRenderer()
    return _renderer


def _image_source(image):
    if image is None:
        return None
    try:
        return image.file.path
    except (NotImplementedError, ValueError):
        with image.file.open("rb") as fh:
            return io.BytesIO(fh.read())


def certificate_pdf_build(*, snapshot: dict, template: CertificateTemplate | None) -> bytes:
    """Renders and signs the PDF of a snapshot."""
    content = CertificateContent.from_snapshot(
        snapshot,
        verify_url=certificate_verify_url(snapshot["uuid"]),
        logo_path=_image_source(template.logo) if template else None,
        seal_path=_image_source(template.seal) if template else None,
    )
    pdf = certificate_renderer().render(content)
    return signing_backend().sign(
        pdf,
        reason=f"Certificat {snapshot['serial']} / {snapshot['course']['title_fr']}",
        location=snapshot["platform"]["url"],
    )
