"""Certificate rendering: bilingual A4 landscape PDF with reportlab."""

from .arabic import arabic_lines, arabic_visual
from .content import CertificateContent
from .renderer import CertificateRenderer

__all__ = ["CertificateContent", "CertificateRenderer", "arabic_lines", "arabic_visual"]
