"""Writes of the certificates app: one import surface (see docs/architecture.md).

By concern: ``issue`` (issuing and re-issuing, exactly once per enrolment), ``revocation``,
``renewal`` (recertification reminders and renewals), ``snapshot`` (what a certificate
freezes, its verification address), ``pdf`` (rendering and signing), ``serials`` and
``templates``. Tests that replace a function replace it where it is used: the renderer and
signer of the issuing code is ``certificates.services.issue.certificate_pdf_build``.
"""

from .issue import (
    CertificateIssueRefused,
    certificate_issue,
    certificate_reissue,
    certificates_missing,
)
from .pdf import certificate_pdf_build, certificate_renderer
from .renewal import certificate_renewal_reminders_send, certificate_renewal_start
from .revocation import certificate_revoke
from .serials import SERIAL_PREFIX, serial_format, serial_next
from .snapshot import (
    SNAPSHOT_VERSION,
    CourseFacts,
    certificate_snapshot_build,
    certificate_verify_url,
    months_after,
)
from .templates import DEFAULT_TEMPLATE, certificate_template_default, certificate_template_get

__all__ = [
    "DEFAULT_TEMPLATE",
    "SERIAL_PREFIX",
    "SNAPSHOT_VERSION",
    "CertificateIssueRefused",
    "CourseFacts",
    "certificate_issue",
    "certificate_pdf_build",
    "certificate_reissue",
    "certificate_renderer",
    "certificate_renewal_reminders_send",
    "certificate_renewal_start",
    "certificate_revoke",
    "certificate_snapshot_build",
    "certificate_template_default",
    "certificate_template_get",
    "certificate_verify_url",
    "certificates_missing",
    "months_after",
    "serial_format",
    "serial_next",
]
